"""The pressroom command line: every command through click's runner and as a real process."""

import datetime as dt
import email
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from sqlalchemy import select

from comms.accounts import users as auth
from comms.platform import jobs
from comms.config import load_config
from comms.runtime import Runtime
from storage import migrate
from storage.db import Database, utcnow

from support.app import base_environ
from support.ports import free_port

PRESSROOM = str(Path(sys.executable).parent / "pressroom")


def run(args, env, input_text=None, timeout=120):
    """Run the installed console script as a separate process."""
    full_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env}
    return subprocess.run([PRESSROOM, *args], env=full_env, input=input_text, capture_output=True, text=True,
                          timeout=timeout)


def outbox(instance_path: Path) -> list:
    folder = instance_path / "outbox"
    return [email.message_from_bytes(p.read_bytes()) for p in sorted(folder.glob("*.eml"))] if folder.exists() else []


# --- click's runner -------------------------------------------------------

def test_users_create_prints_only_the_id(runner, runtime):
    result = runner.invoke(args=["users", "create", "Officer@Example.org", "--role", "officer", "--name", "Ofélia",
                                 "--password-stdin"], input="a-long-password\n")
    assert result.exit_code == 0, result.output
    user_id = int(result.output.strip())
    with runtime.db.transaction() as session:
        user = session.get(auth.User, user_id)
        assert (user.email, user.role, user.name) == ("officer@example.org", "officer", "Ofélia")
        assert auth.authenticate(session, "officer@example.org", "a-long-password") is not None


@pytest.mark.parametrize("args,message", [
    (["users", "create", "not-an-email", "--role", "officer"], "valid email"),
    (["users", "create", "a@example.org", "--role", "king"], "Invalid value for '--role'"),
    (["tokens", "create", "nobody@example.org"], "no user"),
])
def test_bad_input_is_one_line_and_non_zero(runner, args, message):
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert message in result.output


def test_duplicate_user_fails(runner):
    assert runner.invoke(args=["users", "create", "a@example.org", "--role", "viewer"]).exit_code == 0
    again = runner.invoke(args=["users", "create", "A@example.org", "--role", "viewer"])
    assert again.exit_code != 0 and "already exists" in again.output


def test_empty_password_on_stdin_is_refused(runner):
    result = runner.invoke(args=["users", "create", "a@example.org", "--role", "viewer", "--password-stdin"],
                           input="\n")
    assert result.exit_code != 0 and "no password" in result.output


def test_tokens_create_prints_a_working_token(runner, client, users):
    result = runner.invoke(args=["tokens", "create", "officer@example.org"])
    assert result.exit_code == 0
    token = result.output.strip()
    assert token.startswith("prt_") and "\n" not in token
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.get_json()["email"] == "officer@example.org"


def test_db_upgrade_and_current(runner):
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0 and migrate.head_revision() in result.output
    assert runner.invoke(args=["db", "current"]).output.strip() == migrate.head_revision()


def test_jobs_run_due(runner, runtime, instance_path):
    with runtime.db.transaction() as session:
        jobs.schedule(session, "mail.send", "desk@example.org", "Due now", "Body", run_at=utcnow())
    result = runner.invoke(args=["jobs", "run-due"])
    assert result.exit_code == 0 and "ran 1" in result.output
    assert [m["Subject"] for m in outbox(instance_path)] == ["Due now"]
    assert "ran 0" in runner.invoke(args=["jobs", "run-due"]).output


def test_worker_burst_without_redis(runner, runtime, instance_path):
    with runtime.db.transaction() as session:
        jobs.schedule(session, "mail.send", "desk@example.org", "Burst", "Body", run_at=utcnow())
    result = runner.invoke(args=["worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert [m["Subject"] for m in outbox(instance_path)] == ["Burst"]


# --- real processes --------------------------------------------------------

@pytest.fixture
def env(db_url, instance_path):
    return base_environ(db_url, instance_path)


def test_process_db_upgrade_on_an_empty_database(tmp_path, backend, postgres):
    if backend == "postgresql":
        url = postgres.create("pressroom_cli")
    else:
        url = f"sqlite:///{tmp_path / 'fresh.db'}"
    try:
        result = run(["db", "upgrade"], base_environ(url, tmp_path))
        assert result.returncode == 0, result.stderr
        database = Database(url)
        assert migrate.is_up_to_date(database.engine)
        database.dispose()
    finally:
        if backend == "postgresql":
            postgres.drop(url)


def test_process_users_and_tokens(env, db_url, instance_path):
    created = run(["users", "create", "approver@example.org", "--role", "approver", "--password-stdin"], env,
                  input_text="a-long-password\n")
    assert created.returncode == 0, created.stderr
    assert created.stdout.strip().isdigit()
    token = run(["tokens", "create", "approver@example.org"], env)
    assert token.returncode == 0 and token.stdout.strip().startswith("prt_")
    database = Database(db_url)
    with database.transaction() as session:
        assert auth.user_for_token(session, token.stdout.strip()).email == "approver@example.org"
    database.dispose()
    bad = run(["users", "create", "broken", "--role", "officer"], env)
    assert bad.returncode != 0
    assert len(bad.stderr.strip().splitlines()) == 1 and "valid email" in bad.stderr


def test_process_jobs_run_due(env, db_url, instance_path):
    runtime = Runtime(load_config(env))
    with runtime.db.transaction() as session:
        jobs.schedule(session, "mail.send", "desk@example.org", "From a process", "Body",
                      run_at=utcnow() - dt.timedelta(seconds=1))
    runtime.close()
    result = run(["jobs", "run-due"], env)
    assert result.returncode == 0, result.stderr
    assert "ran 1" in result.stdout
    assert [m["Subject"] for m in outbox(instance_path)] == ["From a process"]


def test_process_worker_with_redis_runs_queued_jobs(env, db_url, instance_path, redis_url, queue_name):
    env = {**env, "REDIS_URL": redis_url, "PRESSROOM_QUEUE_NAME": queue_name}
    runtime = Runtime(load_config(env))
    jobs.enqueue(runtime, "mail.send", "desk@example.org", "Queued on Redis", "Body")
    with runtime.db.transaction() as session:
        jobs.schedule(session, "mail.send", "desk@example.org", "Scheduled", "Body", run_at=utcnow())
    result = run(["worker", "--burst"], env)
    assert result.returncode == 0, result.stderr
    assert sorted(m["Subject"] for m in outbox(instance_path)) == ["Queued on Redis", "Scheduled"]
    runtime.queue.rq.delete(delete_jobs=True)
    runtime.close()


def _wait_for(predicate, timeout=90.0, interval=0.1):
    # Generous: a worker or server process starting on a busy 2-core CI machine (two suites run
    # side by side) can take tens of seconds to import and connect; a pass returns at once.
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


@pytest.mark.parametrize("with_redis", [False, True], ids=["in-process", "redis"])
def test_process_long_running_worker_polls_and_stops_on_sigterm(env, instance_path, request, with_redis):
    if with_redis:
        redis_url = request.getfixturevalue("redis_url")
        env = {**env, "REDIS_URL": redis_url, "PRESSROOM_QUEUE_NAME": request.getfixturevalue("queue_name")}
    process = subprocess.Popen([PRESSROOM, "worker"], env={"PATH": os.environ["PATH"], **env},
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        runtime = Runtime(load_config(env))
        with runtime.db.transaction() as session:
            jobs.schedule(session, "mail.send", "desk@example.org", "Picked up", "Body", run_at=utcnow())
        if with_redis:
            jobs.enqueue(runtime, "mail.send", "desk@example.org", "From the queue", "Body")
        expected = ["From the queue", "Picked up"] if with_redis else ["Picked up"]
        assert _wait_for(lambda: sorted(m["Subject"] for m in outbox(instance_path)) == expected)
        runtime.close()
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            # The worker lets a scheduler pass in flight finish (up to 30 s) before it exits.
            process.wait(timeout=90)
        except subprocess.TimeoutExpired:
            process.kill()
            raise AssertionError(f"the worker did not stop on SIGTERM: {process.communicate()[1][-2000:]}")
    assert process.returncode in (0, -signal.SIGTERM)


def test_process_serve_with_demo(env, db_url, instance_path):
    port = free_port()
    process = subprocess.Popen([PRESSROOM, "serve", "--port", str(port), "--demo"],
                               env={"PATH": os.environ["PATH"], **env}, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        base = f"http://127.0.0.1:{port}"

        def healthy():
            try:
                return requests.get(f"{base}/healthz", timeout=1).status_code == 200
            except requests.ConnectionError:
                return False

        assert _wait_for(healthy), "server did not come up"
        login_page = requests.get(f"{base}/login", timeout=5)
        assert login_page.status_code == 200 and login_page.headers["Server"] == "Pressroom"  # waitress's ident
        # The in-process scheduler is running: a due row gets done.
        database = Database(db_url)
        with database.transaction() as session:
            jobs.schedule(session, "mail.send", "desk@example.org", "While serving", "Body", run_at=utcnow())
        assert _wait_for(lambda: [m["Subject"] for m in outbox(instance_path)] == ["While serving"])

        def finished():
            # The worker writes the message, then marks the row done in its own transaction:
            # reading the row the moment the .eml appears can still see "running".
            with database.transaction() as session:
                return session.scalar(select(jobs.ScheduledJob.status)) == "done"

        assert _wait_for(finished)
        with database.transaction() as session:
            row = session.scalar(select(jobs.ScheduledJob))
            assert row.status == "done" and row.attempts == 1
        database.dispose()
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    assert f"Pressroom is running at http://127.0.0.1:{port}/" in out
    assert "officer@demo.pressroom.test" in out and "pressroom-demo" in out
    assert process.returncode == 0, err


def test_serve_refuses_demo_in_production(runner, config):
    from comms.app import create_app

    app = create_app(config.with_overrides(env="production"))
    result = app.test_cli_runner().invoke(args=["serve", "--demo", "--port", "5999"])
    assert result.exit_code != 0 and "--demo is refused" in result.output
    app.extensions["pressroom"].close()


def test_serve_rejects_a_bad_port(runner):
    result = runner.invoke(args=["serve", "--port", "70000"])
    assert result.exit_code != 0 and "--port" in result.output
