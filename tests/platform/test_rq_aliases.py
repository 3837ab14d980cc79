"""Issue 14 item 7: RQ jobs queued before the move (by the old dotted path) still run."""

import email

import pytest
from rq import Queue

from comms.platform import worker
from comms.runtime import Runtime, execute, set_process_runtime

pytestmark = pytest.mark.redis


def _outbox_subjects(runtime) -> list[str]:
    folder = runtime.config.outbox_path
    files = sorted(folder.glob("*.eml")) if folder.exists() else []
    return sorted(email.message_from_bytes(path.read_bytes())["Subject"] for path in files)


@pytest.mark.parametrize("old_path", sorted(worker.RQ_ALIASES))
def test_a_job_queued_under_an_old_path_runs_in_the_new_worker(config, redis_url, queue_name, old_path):
    """A job queued by the previous release (func path ``comms.jobs.execute``, rewrite14: keep) in real Redis
    is run by ``pressroom worker``'s loop and sends its mail."""
    runtime = Runtime(config.with_overrides(redis_url=redis_url, queue_name=queue_name))
    connection = runtime.redis()
    queued = Queue(queue_name, connection=connection)
    old = queued.enqueue_call(old_path, args=("mail.send", ["desk@example.org", "Queued before the move", "Body"]))
    assert old.func_name == old_path
    set_process_runtime(runtime)
    try:
        worker.run_worker(runtime, burst=True)
    finally:
        set_process_runtime(None)
    assert _outbox_subjects(runtime) == ["Queued before the move"]
    assert queued.job_ids == []
    queued.delete(delete_jobs=True)
    connection.close()
    runtime.close()


def test_new_jobs_are_queued_under_the_new_entry(config, redis_url, queue_name):
    runtime = Runtime(config.with_overrides(redis_url=redis_url, queue_name=queue_name))
    job_id = runtime.queue.enqueue("mail.send", "desk@example.org", "Now", "Body")
    connection = runtime.redis()
    queued = Queue(queue_name, connection=connection)
    assert queued.fetch_job(job_id).func_name == worker.RQ_ENTRY == f"{execute.__module__}.{execute.__name__}"
    queued.delete(delete_jobs=True)
    connection.close()
    runtime.close()


def test_every_alias_leads_to_the_entry():
    assert set(worker.RQ_ALIASES.values()) == {worker.RQ_ENTRY}
    assert "comms.jobs.execute" in worker.RQ_ALIASES  # rewrite14: keep
