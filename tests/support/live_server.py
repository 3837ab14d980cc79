"""A real Pressroom server in a subprocess (``pressroom serve``), for browser tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from support.ports import free_port

PRESSROOM = str(Path(sys.executable).parent / "pressroom")


class LiveServer:
    """``with LiveServer(env, demo=True) as server:`` then ``server.url``."""

    def __init__(self, env: dict, *, demo: bool = False):
        self.env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env}
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.args = [PRESSROOM, "serve", "--port", str(self.port)] + (["--demo"] if demo else [])
        self.process: subprocess.Popen | None = None
        self.output = ""

    def __enter__(self):
        self.process = subprocess.Popen(self.args, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                        text=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"pressroom serve exited: {self.process.stdout.read()}")
            try:
                if requests.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return self
            except requests.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("pressroom serve did not answer within 60 s")

    def __exit__(self, *exc):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.output, _ = self.process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.output, _ = self.process.communicate()
