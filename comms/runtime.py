"""The one runtime object that the web app, the CLI and the worker share.

It owns the configuration, the database and the job queue (the platform's
mail transport and queue, composed here, so it sits on top of comms.platform), so every entry point
(a request, a CLI command, a job on another host) reaches the same services the
same way, in the manner of Datasette's single application object.
"""

from __future__ import annotations

import logging
import threading

from comms.config import Config, load_config
from comms.platform.jobs import run_job
from comms.platform.mail import make_mailer
from comms.platform.worker import make_queue
from storage.db import Database

log = logging.getLogger("pressroom")


class Runtime:
    """Configuration, database and queue for one Pressroom process."""

    def __init__(self, config: Config):
        self.config = config
        self.db = Database(config.database_url)
        self._queue = None
        self._lock = threading.Lock()

    def mailer(self):
        """A fresh mailer (SMTP or outbox); close it when done."""
        return make_mailer(self.config.smtp_url, self.config.outbox_path)

    @property
    def queue(self):
        """The job queue: RQ on Redis when REDIS_URL is set, else in-process."""
        with self._lock:
            if self._queue is None:
                self._queue = make_queue(self)
            return self._queue

    def redis(self):
        """A Redis client for REDIS_URL (None without it)."""
        if not self.config.redis_url:
            return None
        from redis import Redis

        return Redis.from_url(self.config.redis_url)

    def close(self) -> None:
        """Stop the in-process worker, if any, and close database connections."""
        with self._lock:
            queue, self._queue = self._queue, None
        if queue is not None:
            queue.close()
        self.db.dispose()


_process_runtime: Runtime | None = None
_process_lock = threading.Lock()


def set_process_runtime(runtime: Runtime | None) -> None:
    """Make ``runtime`` the one RQ jobs in this process use."""
    global _process_runtime
    with _process_lock:
        _process_runtime = runtime


def process_runtime() -> Runtime:
    """The runtime of this process, built from the environment on first use.

    RQ workers on other hosts only get a job's name and arguments; this is how
    they find the database and mailer the job needs.
    """
    global _process_runtime
    with _process_lock:
        if _process_runtime is None:
            _process_runtime = Runtime(load_config())
        return _process_runtime


def execute(name: str, args: list):
    """Entry point for RQ: run a named job with this process's runtime.

    RQ stores this function's dotted path with every queued job; the worker
    resolves paths from before issue 14's move through comms.platform.worker's
    RQ_ALIASES.
    """
    return run_job(process_runtime(), name, args)
