"""The processes that run jobs: the in-process queue, RQ on Redis, and the scheduler loop.

comms.platform.jobs says what a job is and how it is queued; this module is where they
run. ``pressroom worker`` and ``pressroom serve`` start these.
"""

from __future__ import annotations

import logging
import queue as queue_module
import threading
import uuid

from rq.job import Job
from rq.utils import import_attribute

from comms.platform.jobs import DueReport, JobError, describe_failure, is_registered, load_job_modules, run_due, run_job

log = logging.getLogger("pressroom.jobs")

# What RQ runs for every queued job: run_job(process_runtime(), name, args).
RQ_ENTRY = "comms.runtime.execute"
# The entry's dotted path before issue 14 moved the modules: jobs queued by the
# previous release still run. Kept for one release, then removed.
RQ_ALIASES = {"comms.jobs.execute": RQ_ENTRY, "comms.platform.jobs.execute": RQ_ENTRY}  # rewrite14: keep


class AliasedJob(Job):
    """An RQ job whose function path may be one of RQ_ALIASES."""

    @property
    def func(self):
        """The function to run, old paths resolved to the new entry."""
        if self.func_name in RQ_ALIASES:
            return import_attribute(RQ_ALIASES[self.func_name])
        return super().func


class InProcessQueue:
    """Runs enqueued jobs on one background thread of this process."""

    def __init__(self, runtime):
        self.runtime = runtime
        self._queue: queue_module.Queue = queue_module.Queue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.failures: list[tuple[str, str]] = []

    def enqueue(self, name: str, *args) -> str:
        """Queue ``name(*args)``; returns a job id."""
        if not is_registered(name):
            raise JobError(f"unknown job {name!r}")
        job_id = uuid.uuid4().hex
        self._ensure_thread()
        self._queue.put((job_id, name, list(args)))
        return job_id

    def _ensure_thread(self) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="pressroom-jobs", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            try:
                if item is None:
                    return
                job_id, name, args = item
                try:
                    run_job(self.runtime, name, args)
                except Exception as exc:
                    failure = describe_failure(exc)
                    log.error("job %s (%s) failed: %s", job_id, name, failure.splitlines()[-1])
                    self.failures.append((job_id, failure))
            finally:
                self._queue.task_done()

    def join(self) -> None:
        """Wait until every queued job has run (used by tests and shutdown)."""
        self._queue.join()

    def close(self) -> None:
        """Finish the queued jobs, then stop the thread."""
        with self._lock:
            thread = self._thread
        if thread is not None and thread.is_alive():
            self._queue.put(None)
            thread.join(timeout=30)


class RedisQueue:
    """Sends jobs to RQ on Redis, for workers on any host."""

    def __init__(self, runtime):
        from rq import Queue

        self.connection = runtime.redis()
        self.rq = Queue(runtime.config.queue_name, connection=self.connection)

    def enqueue(self, name: str, *args) -> str:
        """Queue ``name(*args)`` on Redis; returns the RQ job id."""
        if not is_registered(name):
            raise JobError(f"unknown job {name!r}")
        rq_job = self.rq.enqueue_call(
            RQ_ENTRY, args=(name, list(args)), result_ttl=3600, failure_ttl=7 * 86400,
            description=name,
        )
        return rq_job.id

    def close(self) -> None:
        """Close the Redis connection."""
        self.connection.close()


def make_queue(runtime):
    """The queue for this runtime's configuration."""
    return RedisQueue(runtime) if runtime.config.redis_url else InProcessQueue(runtime)


class Scheduler:
    """Calls :func:`run_due` every few seconds until stopped."""

    def __init__(self, runtime, interval: float | None = None):
        self.runtime = runtime
        self.interval = interval if interval is not None else runtime.config.scheduler_interval
        self.stop_event = threading.Event()
        self._thread: threading.Thread | None = None

    def tick(self) -> DueReport | None:
        """One pass; errors are logged, never raised, so the loop survives them."""
        try:
            return run_due(self.runtime)
        except Exception:
            log.exception("scheduler pass failed")
            return None

    def run_forever(self) -> None:
        """Poll until :meth:`stop` is called."""
        while not self.stop_event.is_set():
            self.tick()
            self.stop_event.wait(self.interval)

    def start(self) -> "Scheduler":
        """Run the loop on a daemon thread."""
        self._thread = threading.Thread(target=self.run_forever, name="pressroom-scheduler", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Ask the loop to stop and wait for it."""
        self.stop_event.set()
        if self._thread is not None:
            self._thread.join(timeout=30)


def run_worker(runtime, *, burst: bool = False) -> None:
    """The long-running worker behind ``pressroom worker``.

    With Redis: an RQ worker for queued jobs plus the scheduler on a thread.
    Without: the scheduler loop alone (queued jobs run inside the process that
    queued them). ``burst`` does everything that is due or queued, then returns.
    """
    load_job_modules()
    scheduler = Scheduler(runtime)
    if burst:
        scheduler.tick()
    if runtime.config.redis_url:
        from rq import Queue, SimpleWorker

        connection = runtime.redis()
        # SimpleWorker runs jobs in this process: no fork, so the database
        # pool is never shared between a parent and a child process.
        worker = SimpleWorker([Queue(runtime.config.queue_name, connection=connection, job_class=AliasedJob)],
                              connection=connection, job_class=AliasedJob)
        if not burst:
            scheduler.start()
        try:
            worker.work(burst=burst, logging_level=runtime.config.log_level)
        finally:
            scheduler.stop()
    elif not burst:
        scheduler.run_forever()
