"""Finishing sends whose worker died (no Flask). docs/design/security.md item 23.

A worker claims ledger rows before it mails them. While it runs, a heartbeat
thread keeps renewing its claims, so a slow SMTP server never makes a live
worker's rows look abandoned. A worker that is killed stops renewing; once its
claims are older than the lease, the periodic ``sends.resume_stalled`` finder
puts the send back on the queue, and the next run takes those rows (same
Message-ID) along with everything still pending. Retries after an SMTP 4xx
that come due after the run ended are picked up the same way.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading

from sqlalchemy import exists, select, update

from comms.distribution.models import CLAIM_LEASE, Delivery, Send
from comms.platform.jobs import enqueue, periodic
from storage.db import utcnow

log = logging.getLogger(__name__)

HEARTBEAT = dt.timedelta(seconds=10)


class ClaimHeartbeat:
    """Renews this worker's claims on a send's rows until the block ends."""

    def __init__(self, runtime, send_id: int, me: str, every: dt.timedelta | None = None):
        self.runtime, self.send_id, self.me = runtime, send_id, me
        self.every = (every or HEARTBEAT).total_seconds()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"send-{send_id}-heartbeat", daemon=True)

    def renew(self) -> int:
        """Move the claim time of every row this worker holds to now; returns how many."""
        with self.runtime.db.transaction() as session:
            return session.execute(
                update(Delivery).where(Delivery.send_id == self.send_id, Delivery.status == "sending",
                                       Delivery.claimed_by == self.me)
                .values(claimed_at=utcnow()).execution_options(synchronize_session=False)).rowcount

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            try:
                self.renew()
            except Exception:  # a missed beat only shortens the lease; the send goes on
                log.exception("renewing the claims of send %s failed", self.send_id)

    def __enter__(self) -> "ClaimHeartbeat":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=30)


def _stalled(now: dt.datetime):
    """Sends marked running that have work due and no claim renewed within the lease."""
    fresh = now - CLAIM_LEASE
    due = exists().where(
        Delivery.send_id == Send.id,
        ((Delivery.status == "pending") & (Delivery.next_attempt_at.is_(None) | (Delivery.next_attempt_at <= now)))
        | ((Delivery.status == "sending") & (Delivery.claimed_at < fresh)))
    alive = exists().where(Delivery.send_id == Send.id, Delivery.claimed_at >= fresh)
    return select(Send.id).where(Send.status == "running", due, ~alive)


@periodic("sends.resume_stalled")
def resume_stalled(runtime, now: dt.datetime | None = None) -> int:
    """Queue again every send whose worker stopped with work left; returns how many."""
    now = now or utcnow()
    with runtime.db.transaction() as session:
        candidates = list(session.scalars(_stalled(now)))
    resumed = 0
    for send_id in candidates:
        with runtime.db.transaction() as session:
            # The conditional UPDATE is the claim: with several schedulers, one queues it.
            claimed = session.execute(update(Send).where(Send.id == send_id, Send.status == "running")
                                      .values(status="queued")).rowcount == 1
        if claimed:
            enqueue(runtime, "sends.run", send_id)
            log.info("send %s stalled; queued again", send_id)
            resumed += 1
    return resumed
