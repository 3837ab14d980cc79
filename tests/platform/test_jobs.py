"""comms.platform.jobs: both queue paths with a real job, and database-polled scheduling."""

import datetime as dt
import email
import multiprocessing
import threading

import pytest
from rq import Queue, SimpleWorker
from sqlalchemy import select

from comms.platform import jobs
from comms.platform import worker
from comms.app import create_app
from comms.runtime import Runtime, set_process_runtime
from storage.db import utcnow

CALLS: list = []


@jobs.job("test.record")
def _record(runtime, value):
    CALLS.append(value)
    return value


@jobs.job("test.explode")
def _explode(runtime):
    raise RuntimeError("job failed on purpose")


def read_outbox(runtime) -> list:
    folder = runtime.config.outbox_path
    return [email.message_from_bytes(p.read_bytes()) for p in sorted(folder.glob("*.eml"))] if folder.exists() else []


def test_in_process_queue_runs_a_real_mail_job(runtime):
    assert runtime.config.redis_url is None
    queue = runtime.queue
    assert isinstance(queue, worker.InProcessQueue)
    job_id = jobs.enqueue(runtime, "mail.send", "editor@example.org", "Hello", "Plain text body")
    assert job_id
    queue.join()
    messages = read_outbox(runtime)
    assert len(messages) == 1
    assert messages[0]["To"] == "editor@example.org" and messages[0]["Subject"] == "Hello"
    assert messages[0]["Message-ID"].endswith("@localhost>")


def test_unknown_job_is_refused(runtime):
    with pytest.raises(jobs.JobError):
        jobs.enqueue(runtime, "no.such.job")


def test_in_process_failure_is_recorded_and_the_thread_survives(runtime):
    queue = runtime.queue
    jobs.enqueue(runtime, "test.explode")
    jobs.enqueue(runtime, "test.record", "after")
    queue.join()
    assert len(queue.failures) == 1 and "on purpose" in queue.failures[0][1]
    assert "after" in CALLS


def test_redis_queue_runs_a_real_mail_job(config, redis_url, queue_name):
    runtime = Runtime(config.with_overrides(redis_url=redis_url, queue_name=queue_name))
    assert isinstance(runtime.queue, worker.RedisQueue)
    job_id = jobs.enqueue(runtime, "mail.send", "desk@example.org", "Via Redis", "Body")
    connection = runtime.redis()
    rq_queue = Queue(queue_name, connection=connection)
    assert rq_queue.job_ids == [job_id]
    set_process_runtime(runtime)
    try:
        SimpleWorker([rq_queue], connection=connection).work(burst=True)
    finally:
        set_process_runtime(None)
    assert rq_queue.job_ids == []
    messages = read_outbox(runtime)
    assert [m["Subject"] for m in messages] == ["Via Redis"]
    rq_queue.delete(delete_jobs=True)
    connection.close()
    runtime.close()


def test_app_enqueues_to_redis_when_configured(config, redis_url, queue_name):
    app = create_app(config.with_overrides(redis_url=redis_url, queue_name=queue_name))
    runtime = app.extensions["pressroom"]
    jobs.enqueue(runtime, "test.record", "x")
    connection = runtime.redis()
    rq_queue = Queue(queue_name, connection=connection)
    assert len(rq_queue) == 1
    rq_queue.delete(delete_jobs=True)
    connection.close()
    runtime.close()


def test_scheduled_job_runs_once_when_due(runtime):
    now = utcnow()
    with runtime.db.transaction() as session:
        jobs.schedule(session, "mail.send", "a@example.org", "Later", "Body", run_at=now + dt.timedelta(hours=1))
    assert jobs.run_due(runtime, now=now).ran == 0
    assert read_outbox(runtime) == []
    later = now + dt.timedelta(hours=1, seconds=1)
    assert jobs.run_due(runtime, now=later).ran == 1
    assert jobs.run_due(runtime, now=later).ran == 0
    assert [m["Subject"] for m in read_outbox(runtime)] == ["Later"]
    with runtime.db.transaction() as session:
        row = session.scalar(select(jobs.ScheduledJob))
        assert row.status == "done" and row.attempts == 1 and row.finished_at is not None


def test_schedule_with_a_key_moves_instead_of_duplicating(runtime):
    now = utcnow()
    with runtime.db.transaction() as session:
        jobs.schedule(session, "test.record", "v1", run_at=now + dt.timedelta(hours=2), key="release:1:publish")
        jobs.schedule(session, "test.record", "v2", run_at=now + dt.timedelta(hours=1), key="release:1:publish")
    with runtime.db.transaction() as session:
        rows = session.scalars(select(jobs.ScheduledJob)).all()
        assert len(rows) == 1 and rows[0].args == ["v2"]
        assert rows[0].run_at == now + dt.timedelta(hours=1)
        assert jobs.cancel(session, "release:1:publish")
    assert jobs.run_due(runtime, now=now + dt.timedelta(days=1)).ran == 0


def test_naive_run_at_is_refused(runtime):
    with runtime.db.transaction() as session:
        with pytest.raises(jobs.JobError):
            jobs.schedule(session, "test.record", 1, run_at=dt.datetime(2030, 1, 1))


def test_failing_job_backs_off_then_gives_up(runtime):
    now = utcnow()
    with runtime.db.transaction() as session:
        row_id = jobs.schedule(session, "test.explode", run_at=now).id
    report = jobs.run_due(runtime, now=now)
    assert (report.ran, report.retried) == (0, 1)
    with runtime.db.transaction() as session:
        row = session.get(jobs.ScheduledJob, row_id)
        assert row.status == "pending" and row.run_at > now and "on purpose" in row.last_error
    moment = now
    for _ in range(jobs.MAX_ATTEMPTS):
        moment += dt.timedelta(hours=1)
        jobs.run_due(runtime, now=moment)
    with runtime.db.transaction() as session:
        row = session.get(jobs.ScheduledJob, row_id)
        assert row.status == "failed" and row.attempts == jobs.MAX_ATTEMPTS


def test_row_left_running_by_a_killed_worker_is_reclaimed(runtime):
    now = utcnow()
    with runtime.db.transaction() as session:
        row = jobs.schedule(session, "test.record", "reclaimed", run_at=now)
        row.status, row.claimed_by, row.claimed_at = "running", "dead-host:1", now
    assert jobs.run_due(runtime, now=now + dt.timedelta(minutes=1)).ran == 0
    report = jobs.run_due(runtime, now=now + jobs.CLAIM_LEASE + dt.timedelta(minutes=1))
    assert report.reclaimed == 1 and report.ran == 1
    assert CALLS.count("reclaimed") == 1


def test_periodic_finders_run_every_pass(runtime):
    seen = []

    @jobs.periodic("test.finder")
    def finder(rt, now):
        seen.append(now)
        return 3

    try:
        report = jobs.run_due(runtime)
        assert report.periodic["test.finder"] == 3 and len(seen) == 1
        assert "test.finder 3" in report.summary()
    finally:
        jobs._periodic.pop("test.finder")


def _run_due_in_process(database_url, instance_path, barrier, results):
    from comms.config import load_config

    from support.app import base_environ

    runtime = Runtime(load_config(base_environ(database_url, instance_path)))
    barrier.wait()
    report = jobs.run_due(runtime)
    results.put(report.ran)
    runtime.close()


def test_two_workers_run_each_due_row_exactly_once(runtime, db_url, instance_path):
    """Two processes poll at the same moment; every row runs once, none twice."""
    now = utcnow()
    with runtime.db.transaction() as session:
        for number in range(30):
            jobs.schedule(session, "mail.send", f"r{number}@example.org", f"Due {number}", "Body",
                          run_at=now - dt.timedelta(seconds=1))
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    workers = [context.Process(target=_run_due_in_process, args=(db_url, instance_path, barrier, results))
               for _ in range(2)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=120)
        assert process.exitcode == 0
    ran = [results.get(timeout=5) for _ in workers]
    assert sum(ran) == 30
    subjects = sorted(m["Subject"] for m in read_outbox(runtime))
    assert subjects == sorted(f"Due {n}" for n in range(30))


def test_scheduler_thread_polls_until_stopped(runtime):
    with runtime.db.transaction() as session:
        jobs.schedule(session, "test.record", "from-thread", run_at=utcnow())
    scheduler = worker.Scheduler(runtime, interval=0.05).start()
    done = threading.Event()
    for _ in range(100):
        if "from-thread" in CALLS:
            done.set()
            break
        threading.Event().wait(0.05)
    scheduler.stop()
    assert done.is_set()


def test_failures_are_logged_without_the_recipient(runtime, caplog):
    """An SMTP refusal names the recipient; neither the log nor the jobs table may."""
    import logging

    from support.smtp_server import SMTPServer

    with SMTPServer() as smtp:
        smtp.handler.refuse["private.person@example.org"] = "550 5.1.1 No such user"
        smtp_runtime = Runtime(runtime.config.with_overrides(smtp_url=smtp.url))
        with smtp_runtime.db.transaction() as session:
            row_id = jobs.schedule(session, "mail.send", "private.person@example.org", "Hi", "Body",
                                   run_at=utcnow()).id
        with caplog.at_level(logging.DEBUG):
            report = jobs.run_due(smtp_runtime)
        assert report.retried == 1
        with smtp_runtime.db.transaction() as session:
            last_error = session.get(jobs.ScheduledJob, row_id).last_error
        smtp_runtime.close()
    assert "recipient refused (550)" in last_error
    assert "private.person" not in last_error
    # Our loggers only: the test SMTP server (aiosmtpd) logs its own conversation.
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("pressroom")]
    assert any("mail.send" in line for line in ours)
    assert "private.person" not in "\n".join(ours)
