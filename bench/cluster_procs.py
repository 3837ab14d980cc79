"""The processes a scale-out bench runs: a scratch PostgreSQL database, an SMTP sink
that records what it receives, the fixture sites, gunicorn web processes and
`pressroom worker` processes.

Used by bench/cluster.py and bench/load.py (and the cluster smoke test). Every
process is started in a session of its own and stopped by its id.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PG_ADMIN_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/0"
SHARED_FIXTURES = ROOT.parent / "shared" / "fixtures"
OWN_SITES = ROOT / "tests" / "follow_sites"
# Settings of the outer shell that must not leak into the processes a bench starts.
OUR_SETTINGS = ("DATABASE_URL", "REDIS_URL", "SMTP_URL", "SECRET_KEY", "PORT", "WEB_CONCURRENCY")


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_problem(admin_url: str = PG_ADMIN_URL) -> str | None:
    """Why PostgreSQL cannot be used (None when it answers)."""
    from sqlalchemy import create_engine, text

    try:
        engine = create_engine(admin_url, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return None
    except Exception as exc:  # any failure means "not usable here"; the message says which
        return f"PostgreSQL at 127.0.0.1:5432 does not answer ({type(exc).__name__})"


def redis_problem(url: str = REDIS_URL) -> str | None:
    """Why Redis cannot be used (None when it answers)."""
    from redis import Redis

    try:
        client = Redis.from_url(url, socket_connect_timeout=2)
        client.ping()
        client.close()
        return None
    except Exception as exc:
        return f"Redis at {url} does not answer ({type(exc).__name__})"


class ScratchPostgres:
    """A database of the bench's own beside ``postgres``, dropped at the end."""

    def __init__(self, prefix: str, admin_url: str = PG_ADMIN_URL):
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        self.admin_url, self.name = admin_url, f"{prefix}_{uuid.uuid4().hex[:10]}"
        engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{self.name}"'))
        engine.dispose()
        self.url = make_url(admin_url).set(database=self.name).render_as_string(hide_password=False)

    def drop(self) -> None:
        """Drop the database (connections still open are closed by force)."""
        from sqlalchemy import create_engine, text

        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))
        engine.dispose()


def environment(**settings: str) -> dict[str, str]:
    """The environment for a child process: the shell's, minus Pressroom's settings, plus ``settings``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRESSROOM_") and k not in OUR_SETTINGS}
    env["PATH"] = f"{BIN}:{env.get('PATH', '')}"
    env.update({k: str(v) for k, v in settings.items()})
    return env


class Process:
    """A child process in a session of its own, its output in a log file."""

    def __init__(self, name: str, argv: list[str], env: dict, log_path: Path):
        self.name, self.argv, self.env, self.log_path = name, argv, env, log_path
        self.log = open(log_path, "ab")
        self.popen = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT,
                                      stdin=subprocess.DEVNULL, start_new_session=True)

    @property
    def pid(self) -> int:
        """The process id."""
        return self.popen.pid

    def alive(self) -> bool:
        """True while the process runs."""
        return self.popen.poll() is None

    def kill_hard(self) -> None:
        """SIGKILL the process itself (a crash: no clean-up runs)."""
        os.kill(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=30)

    def stop(self, timeout: float = 20) -> None:
        """SIGTERM the process's group, then SIGKILL it if it lingers."""
        if self.alive():
            try:
                os.killpg(self.popen.pid, signal.SIGTERM)
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait(timeout=timeout)
            except ProcessLookupError:
                pass
        self.log.close()

    def tail(self, lines: int = 15) -> str:
        """The end of the process's log, for error messages."""
        try:
            return "\n".join(self.log_path.read_text("utf-8", "replace").splitlines()[-lines:])
        except OSError:
            return ""


def pressroom(env: dict, *args: str, stdin: str | None = None, timeout: float = 300) -> str:
    """Run a `pressroom` command; its stdout, stripped. A failure stops the bench with its stderr."""
    done = subprocess.run([str(BIN / "pressroom"), *args], env=env, cwd=ROOT, input=stdin, capture_output=True,
                          text=True, timeout=timeout)
    if done.returncode != 0:
        raise SystemExit(f"pressroom {' '.join(args)} failed: {done.stderr.strip()[-800:]}")
    return done.stdout.strip()


def pressroom_parallel(env: dict, *commands: list[str], timeout: float = 300) -> list[str]:
    """Several `pressroom` commands at once (each pays for starting the app); their stdouts."""
    running = [subprocess.Popen([str(BIN / "pressroom"), *args], env=env, cwd=ROOT, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True) for args in commands]
    outputs = []
    for args, process in zip(commands, running):
        stdout, stderr = process.communicate(timeout=timeout)
        if process.returncode != 0:
            raise SystemExit(f"pressroom {' '.join(args)} failed: {stderr.strip()[-800:]}")
        outputs.append(stdout.strip())
    return outputs


def start_gunicorn(name: str, env: dict, port: int, workers: int, log_dir: Path, threads: int = 4) -> Process:
    """`gunicorn 'comms.app:create_app()'` on 127.0.0.1:port, threaded as in the Procfile
    (call :func:`wait_healthy` before using it)."""
    argv = [str(BIN / "gunicorn"), "--workers", str(workers), "--threads", str(threads),
            "--bind", f"127.0.0.1:{port}", "--timeout", "300",
            "--graceful-timeout", "5", "--no-control-socket", "comms.app:create_app()"]
    return Process(name, argv, env, log_dir / f"{name}.log")


def wait_healthy(process: Process, port: int, timeout: float = 120) -> Process:
    """Return once the web process answers /healthz with 200; stop the bench if it does not."""
    name = process.name
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not process.alive():
            raise SystemExit(f"{name} exited:\n{process.tail()}")
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return process
        except requests.RequestException:  # not listening yet
            pass
        time.sleep(0.2)
    process.stop()
    raise SystemExit(f"{name} did not answer /healthz within {timeout:.0f} s:\n{process.tail()}")


def start_worker(name: str, env: dict, log_dir: Path) -> Process:
    """A `pressroom worker` process (RQ plus the scheduler when REDIS_URL is set)."""
    return Process(name, [str(BIN / "pressroom"), "worker"], env, log_dir / f"{name}.log")


SINK = r'''
import signal, sys
from email.parser import BytesHeaderParser
from email.policy import default
from aiosmtpd.controller import Controller

out = open(sys.argv[2], "a", buffering=1, encoding="utf-8")
parser = BytesHeaderParser(policy=default)

class Recorder:
    async def handle_DATA(self, server, session, envelope):
        content = envelope.original_content or envelope.content
        head = parser.parsebytes(content.split(b"\r\n\r\n", 1)[0] + b"\r\n\r\n")
        message_id = str(head.get("Message-ID", "")).strip()
        subject = " ".join(str(head.get("Subject", "")).split())
        for rcpt in envelope.rcpt_tos:
            out.write(f"{rcpt.lower()}\t{message_id}\t{subject}\n")
        return "250 OK"

signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
controller = Controller(Recorder(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
signal.sigwait({signal.SIGTERM})
controller.stop()
out.close()
'''


class SmtpSink:
    """aiosmtpd in a process of its own; appends ``rcpt<TAB>Message-ID<TAB>Subject`` per recipient received."""

    def __init__(self, path: Path):
        self.path, self.port = path, free_port()
        self.url = f"smtp://127.0.0.1:{self.port}"
        path.touch()
        self.process = subprocess.Popen([sys.executable, "-c", SINK, str(self.port), str(path)],
                                        stdout=subprocess.PIPE, text=True, start_new_session=True)
        if self.process.stdout.readline().strip() != "ready":
            raise SystemExit("the SMTP sink did not start")
        self._offset, self._lines = 0, 0

    def count(self) -> int:
        """Recipients received so far (reads only what was appended since the last call)."""
        with open(self.path, "rb") as handle:
            handle.seek(self._offset)
            chunk = handle.read()
        complete = chunk.rfind(b"\n") + 1
        self._offset += complete
        self._lines += chunk[:complete].count(b"\n")
        return self._lines

    def records(self) -> list[tuple[str, str, str]]:
        """Every (rcpt, Message-ID, Subject) received, in order."""
        rows = []
        for line in self.path.read_text("utf-8").splitlines():
            rcpt, message_id, subject = (line.split("\t", 2) + ["", ""])[:3]
            rows.append((rcpt, message_id, subject))
        return rows

    def stop(self) -> None:
        """Stop the server (SIGTERM lets it finish the file)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=20)


class FixtureSites:
    """``count`` copies of the fixture sites, each on a port of its own.

    /work/shared's sites and server when present, else the project's own
    (tests/follow_sites and tests/support/follow_server.py), which have the same layout.
    """

    def __init__(self, work: Path, count: int):
        shared = SHARED_FIXTURES / "sites"
        originals = shared if shared.exists() else OWN_SITES
        server = SHARED_FIXTURES / "serve_sites.py" if shared.exists() else ROOT / "tests" / "support" / "follow_server.py"
        self.origin = "shared fixtures" if shared.exists() else "tests/follow_sites"
        root = work / "sites"
        root.mkdir()
        sites = sorted(p for p in originals.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
        self.sites: list[tuple[str, dict]] = []
        for index in range(count):
            original = sites[index % len(sites)]
            name = f"{original.name}-{index:03d}"
            shutil.copytree(original, root / name, copy_function=shutil.copyfile)
            self.sites.append((name, json.loads((original / "_site.json").read_text("utf-8"))))
        ports = work / "ports.json"
        self.process = subprocess.Popen([sys.executable, str(server), str(root), "--ports-file", str(ports),
                                         "--log", str(work / "sites-requests.jsonl")],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        for _ in range(1200):
            if ports.exists():
                self.urls: dict[str, str] = json.loads(ports.read_text())
                return
            time.sleep(0.05)
        self.stop()
        raise SystemExit("the fixture-site server did not start")

    def sources(self) -> list[dict]:
        """One source per site copy, as POST /api/v1/sources takes it."""
        return [{"name": f"Fixture {name}", "url": self.urls[name] + meta["listing"], "kind": "auto",
                 "language": meta.get("language", "en")} for name, meta in self.sites]

    def stop(self) -> None:
        """Stop the server."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=20)
