"""Per-host state shared by every worker process (the ``follow_hosts`` table).

- The **lease**: a poll holds its host's lease, claimed with a conditional
  UPDATE, so one host is never polled twice at once, whatever the number of
  threads, processes or machines (docs/design/security.md item 7, "one connection per host").
- The **robots.txt cache** (at most 24 h) and the time of the next allowed
  request (Crawl-delay, Retry-After), so the pacing survives between polls.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import threading
import time
import uuid
from contextlib import contextmanager
from typing import Iterator

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from feeds.follow.models import Host
from feeds.follow.robots import Robots
from storage.db import Database, utcnow

LEASE = dt.timedelta(minutes=15)


class HostBusy(RuntimeError):
    """Another poll holds this host's lease."""


def lease_owner() -> str:
    """A fresh identity for one poll: host, process, thread and a nonce."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{threading.get_ident()}:{uuid.uuid4().hex[:12]}"


def ensure_host(db: Database, host: str) -> None:
    """Create the host's row if it is missing (two creators at once are fine)."""
    try:
        with db.transaction() as session:
            if session.scalar(select(Host.id).where(Host.host == host)) is None:
                session.add(Host(host=host))
    except IntegrityError:
        pass  # another worker created it first


def try_claim(db: Database, host: str, owner: str, lease: dt.timedelta = LEASE) -> bool:
    """Claim ``host`` for ``owner`` unless someone else holds an unexpired lease."""
    for _attempt in range(2):
        now = utcnow()
        with db.transaction() as session:
            result = session.execute(
                update(Host).where(Host.host == host,
                                   or_(Host.lease_until.is_(None), Host.lease_until < now, Host.lease_owner == owner))
                .values(lease_owner=owner, lease_until=now + lease)
            )
            if result.rowcount == 1:
                return True
            if session.scalar(select(Host.id).where(Host.host == host)) is not None:
                return False  # the row exists and someone else holds it
        ensure_host(db, host)
    return False


def release(db: Database, host: str, owner: str) -> None:
    """Give the lease back (only if ``owner`` still holds it)."""
    with db.transaction() as session:
        session.execute(update(Host).where(Host.host == host, Host.lease_owner == owner)
                        .values(lease_owner=None, lease_until=None))


@contextmanager
def host_lease(db: Database, host: str, *, wait: float = 0.0, owner: str | None = None) -> Iterator[str]:
    """Hold ``host``'s lease for the block; waits up to ``wait`` seconds, then raises HostBusy."""
    owner = owner or lease_owner()
    give_up = time.monotonic() + wait
    while not try_claim(db, host, owner):
        if time.monotonic() >= give_up:
            raise HostBusy(f"{host} is being polled by another worker")
        time.sleep(0.1)
    try:
        yield owner
    finally:
        release(db, host, owner)


def load_state(db: Database, host: str) -> tuple[Robots | None, dt.datetime | None]:
    """The cached robots.txt verdict and the next allowed request time of ``host``."""
    session = db.session(read_mostly=True)
    try:
        row = session.scalar(select(Host).where(Host.host == host))
        if row is None or row.robots_fetched_at is None or row.robots_status is None:
            return None, row.next_request_at if row is not None else None
        return Robots(row.robots_status, row.robots_body, row.robots_fetched_at), row.next_request_at
    finally:
        session.close()


def save_state(db: Database, host: str, robots: Robots | None, crawl_delay: float | None,
               next_request_at: dt.datetime | None) -> None:
    """Store what this poll learnt about ``host`` (nothing to write: no transaction)."""
    values: dict = {"next_request_at": next_request_at}
    if robots is not None:
        values.update(robots_status=robots.status, robots_body=robots.body, robots_fetched_at=robots.fetched_at,
                      crawl_delay=crawl_delay)
    for _attempt in range(2):
        with db.transaction() as session:
            if session.execute(update(Host).where(Host.host == host).values(**values)).rowcount == 1:
                return
        ensure_host(db, host)
