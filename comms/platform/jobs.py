"""Background work: one way to enqueue a job, and the database-polled scheduler.

- :func:`enqueue` hands a named job to RQ on Redis when ``REDIS_URL`` is set, or to
  an in-process worker thread otherwise, so the quick start needs no server
  (the queues and the scheduler loop live in comms.platform.worker).
- Time-based work is never a long-delay queue entry. It is either a row in
  ``scheduled_jobs`` (run once at or after ``run_at``) or a *periodic finder*
  registered with :func:`periodic`, and :func:`run_due` finds it by polling the
  database. Rows are claimed with a conditional UPDATE, so two workers polling at
  once (on PostgreSQL or SQLite) never run the same row twice.

Jobs are plain functions ``fn(runtime, *args)`` registered by name with
:func:`job`; only the name and JSON-able arguments travel through Redis.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import os
import socket
import threading
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable

from sqlalchemy import JSON, Integer, String, Text, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from comms import features
from storage.db import Base, UTCDateTime, utcnow

log = logging.getLogger("pressroom.jobs")

# A claimed row whose worker has not finished within this time is presumed
# dead (killed mid-job) and becomes claimable again.
CLAIM_LEASE = dt.timedelta(minutes=15)
MAX_ATTEMPTS = 5

_jobs: dict[str, Callable[..., Any]] = {}
_periodic: dict[str, Callable[..., int]] = {}


class JobError(RuntimeError):
    """A job name is unknown or its arguments cannot be queued."""


def job(name: str):
    """Register ``fn(runtime, *args)`` as the job called ``name``."""

    def register(fn):
        _jobs[name] = fn
        return fn

    return register


def periodic(name: str):
    """Register ``fn(runtime, now) -> int`` to run on every scheduler tick.

    The function finds due work itself (embargoes to lift, sources to poll),
    claims each row atomically and returns how many it handled.
    """

    def register(fn):
        _periodic[name] = fn
        return fn

    return register


def load_job_modules() -> None:
    """Import every job module the feature registry names, so their jobs are registered."""
    for module in features.job_modules():
        importlib.import_module(module)


def registered_jobs() -> list[str]:
    """Names of all registered jobs."""
    load_job_modules()
    return sorted(_jobs)


def is_registered(name: str) -> bool:
    """True if a job called ``name`` exists."""
    load_job_modules()
    return name in _jobs


def run_job(runtime, name: str, args: list | tuple = ()) -> Any:
    """Run the job ``name`` now, in this thread."""
    load_job_modules()
    try:
        fn = _jobs[name]
    except KeyError:
        raise JobError(f"unknown job {name!r}") from None
    return fn(runtime, *args)


class ScheduledJob(Base):
    """A job to run once at or after ``run_at``, found by polling."""

    __tablename__ = "scheduled_jobs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    args: Mapped[list] = mapped_column(JSON, default=list)
    # Optional identity: scheduling the same key twice keeps one row.
    key: Mapped[str | None] = mapped_column(String(200), unique=True, nullable=True)
    run_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    status: Mapped[str] = mapped_column(String(10), default="pending", index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


def schedule(session: Session, name: str, *args, run_at: dt.datetime, key: str | None = None) -> ScheduledJob:
    """Schedule ``name(*args)`` for ``run_at`` (aware). With ``key``, re-scheduling
    a pending job moves it instead of adding a second one."""
    if run_at.tzinfo is None:
        raise JobError("run_at must carry a time zone")
    if key is not None:
        existing = session.scalar(select(ScheduledJob).where(ScheduledJob.key == key))
        if existing is not None:
            if existing.status == "pending":
                existing.run_at = run_at
                existing.args = list(args)
            return existing
    row = ScheduledJob(name=name, args=list(args), key=key, run_at=run_at, status="pending")
    session.add(row)
    session.flush()
    return row


def cancel(session: Session, key: str) -> bool:
    """Cancel a pending scheduled job by key; True if one was cancelled."""
    result = session.execute(
        update(ScheduledJob).where(ScheduledJob.key == key, ScheduledJob.status == "pending")
        .values(status="cancelled", finished_at=utcnow())
    )
    return result.rowcount == 1


@dataclass
class DueReport:
    """What one pass of :func:`run_due` did."""

    ran: int = 0
    failed: int = 0
    retried: int = 0
    reclaimed: int = 0
    periodic: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        """One line for the CLI."""
        parts = [f"ran {self.ran}", f"failed {self.failed}", f"retried {self.retried}"]
        if self.reclaimed:
            parts.append(f"reclaimed {self.reclaimed}")
        parts += [f"{name} {count}" for name, count in sorted(self.periodic.items())]
        return ", ".join(parts)


def describe_failure(exc: BaseException) -> str:
    """A short traceback of the failure itself, without chained causes.

    Causes are left out on purpose: a library's exception (an SMTP refusal,
    say) can carry a recipient's address, and personal data never goes into
    logs or the jobs table (docs/design/security.md item 29). Our own errors say what failed.
    """
    return "".join(traceback.format_exception(exc, limit=5, chain=False)).strip()


def worker_id() -> str:
    """An identifier for this worker process, stored on the rows it claims."""
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def _claim(runtime, row_id: int, me: str, now: dt.datetime) -> bool:
    with runtime.db.transaction() as session:
        result = session.execute(
            update(ScheduledJob)
            .where(ScheduledJob.id == row_id, ScheduledJob.status == "pending", ScheduledJob.run_at <= now)
            .values(status="running", claimed_by=me, claimed_at=now, attempts=ScheduledJob.attempts + 1)
        )
        return result.rowcount == 1


def _finish(runtime, row_id: int, error: str | None, report: DueReport) -> None:
    with runtime.db.transaction() as session:
        row = session.get(ScheduledJob, row_id)
        now = utcnow()
        if error is None:
            row.status, row.finished_at, row.last_error = "done", now, None
            report.ran += 1
        elif row.attempts >= MAX_ATTEMPTS:
            row.status, row.finished_at, row.last_error = "failed", now, error
            report.failed += 1
        else:
            # Exponential back-off: 30 s, 1 min, 2 min, 4 min...
            row.status, row.last_error = "pending", error
            row.run_at = now + dt.timedelta(seconds=30 * 2 ** (row.attempts - 1))
            report.retried += 1


def _reclaim_stale(runtime, now: dt.datetime) -> int:
    with runtime.db.transaction() as session:
        result = session.execute(
            update(ScheduledJob)
            .where(ScheduledJob.status == "running", ScheduledJob.claimed_at < now - CLAIM_LEASE)
            .values(status="pending", claimed_by=None)
        )
        return result.rowcount


def run_due(runtime, *, now: dt.datetime | None = None, limit: int = 200) -> DueReport:
    """Run every scheduled job and periodic finder that is due, once."""
    load_job_modules()
    now = now or utcnow()
    me = worker_id()
    report = DueReport(reclaimed=_reclaim_stale(runtime, now))
    with runtime.db.transaction() as session:
        due_ids = list(session.scalars(
            select(ScheduledJob.id)
            .where(ScheduledJob.status == "pending", ScheduledJob.run_at <= now)
            .order_by(ScheduledJob.run_at, ScheduledJob.id).limit(limit)
        ))
    for row_id in due_ids:
        if not _claim(runtime, row_id, me, now):
            continue  # another worker got it first
        with runtime.db.transaction() as session:
            row = session.get(ScheduledJob, row_id)
            name, args = row.name, list(row.args or [])
        error = None
        try:
            run_job(runtime, name, args)
        except Exception as exc:  # a failing job must not stop the others
            error = describe_failure(exc)
            log.error("scheduled job %s (%s) failed: %s", row_id, name, error.splitlines()[-1])
        _finish(runtime, row_id, error, report)
    for name, finder in sorted(_periodic.items()):
        try:
            report.periodic[name] = finder(runtime, now)
        except Exception:
            log.exception("periodic task %s failed", name)
            report.periodic[name] = -1
    return report


def enqueue(runtime, name: str, *args) -> str:
    """Queue the job ``name(*args)``: the one way every feature starts background work."""
    return runtime.queue.enqueue(name, *args)
