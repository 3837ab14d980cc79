"""The Procfile's processes start as written: release migrates, web serves with gunicorn."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests


from support.app import base_environ
from support.paths import ROOT
from support.ports import free_port



def procfile() -> dict[str, str]:
    entries = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.strip():
            name, _, command = line.partition(":")
            entries[name.strip()] = command.strip()
    return entries


def test_procfile_names_web_worker_and_release():
    entries = procfile()
    assert set(entries) == {"web", "worker", "release"}
    assert entries["release"] == "pressroom db upgrade"
    assert entries["worker"] == "pressroom worker"
    assert "gunicorn" in entries["web"] and "comms.app:create_app()" in entries["web"]


def test_release_then_web_with_gunicorn(tmp_path, backend, postgres):
    url = postgres.create("pressroom_procfile") if backend == "postgresql" else f"sqlite:///{tmp_path / 'p.db'}"
    bin_dir = str(Path(sys.executable).parent)
    port = free_port()
    env = {"PATH": f"{bin_dir}:{os.environ['PATH']}", "PORT": str(port), "WEB_CONCURRENCY": "2",
           **base_environ(url, tmp_path / "instance")}
    try:
        release = subprocess.run(["bash", "-c", procfile()["release"]], env=env, capture_output=True, text=True,
                                 timeout=120)
        assert release.returncode == 0, release.stderr
        web = subprocess.Popen(["bash", "-c", "exec " + procfile()["web"]], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, start_new_session=True)
        try:
            deadline, status = time.monotonic() + 60, None
            while time.monotonic() < deadline and status != 200:
                try:
                    status = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code
                except requests.RequestException:  # not listening yet, or a worker still booting
                    time.sleep(0.2)
            assert status == 200
            assert requests.get(f"http://127.0.0.1:{port}/login", timeout=5).status_code == 200
        finally:
            os.killpg(web.pid, signal.SIGTERM)
            output, _ = web.communicate(timeout=30)
        assert "Booting worker" in output and output.count("Booting worker") == 2
    finally:
        if backend == "postgresql":
            postgres.drop(url)
