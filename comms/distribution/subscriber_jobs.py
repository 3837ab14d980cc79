"""The worker's subscriber alerts: a release goes to its matching self-subscribers when it
goes public (published, or its embargo lifted), once. docs/design/contract.md "Subscribers".

A periodic finder (comms.platform.jobs) polls the database for public releases with
``notify_subscribers`` on and no ``subscribers_notified_at`` yet. Each is claimed
with a conditional UPDATE in the same transaction that plans its send, so two
workers never plan it twice; the send itself goes through the ledger
(comms.distribution), which gives each subscriber one version of a release
and its translations, exactly once. Before the embargo lifts nothing is found.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import select, update

from comms.platform import jobs
from comms.distribution.service import SendError, create_send, subscriber_recipients
from comms.platform.jobs import periodic
from comms.releases.service import Release, embargo_lifted
from storage.audit import Actor
from storage.db import utcnow

log = logging.getLogger("pressroom.subscribers")
ALERTS = Actor(label="subscriber alerts")


def _due(now: dt.datetime):
    return (Release.notify_subscribers.is_(True), Release.subscribers_notified_at.is_(None),
            Release.published_revision.is_not(None), Release.first_published_at.is_not(None),
            Release.first_published_at <= now, Release.retracted_at.is_(None), embargo_lifted(now))


def notify_release(runtime, release_id: int, now: dt.datetime) -> int | None:
    """Claim one due release and plan its subscriber send; the send's id, or None when
    another worker had it or no subscriber is waiting for it."""
    try:
        with runtime.db.transaction() as session:
            claimed = session.execute(update(Release).where(Release.id == release_id, *_due(now))
                                      .values(subscribers_notified_at=now)
                                      .execution_options(synchronize_session=False)).rowcount == 1
            if not claimed:
                return None
            release = session.get(Release, release_id)
            session.refresh(release)
            waiting, _had = subscriber_recipients(session, release)
            if not waiting:
                return None
            return create_send(session, release, list_ids=[], subscribers=True, actor=ALERTS,
                               mail_from=runtime.config.mail_from).id
    except SendError as exc:
        # The claim was rolled back with the send. Say why in the audit trail and mark it done:
        # retrying every tick would not help, and an officer can send it by hand once it is fixed.
        with runtime.db.transaction() as session:
            claimed = session.execute(update(Release).where(Release.id == release_id, *_due(now))
                                      .values(subscribers_notified_at=now)
                                      .execution_options(synchronize_session=False)).rowcount == 1
            if claimed:
                ALERTS.record(session, "release.subscribers_not_sent", object_type="release", object_id=release_id,
                              details={"reason": exc.message[:500]})
        log.warning("release %s was not sent to subscribers: %s", release_id, exc.message)
        return None


@periodic("subscribers.notify_due")
def notify_due(runtime, now: dt.datetime | None = None) -> int:
    """Plan and queue the subscriber send of every release that went public since the last tick."""
    now = now or utcnow()
    with runtime.db.transaction() as session:
        due = list(session.scalars(select(Release.id).where(*_due(now)).order_by(Release.id)))
    queued = 0
    for release_id in due:
        send_id = notify_release(runtime, release_id, now)
        if send_id is not None:
            jobs.enqueue(runtime, "sends.run", send_id)
            queued += 1
    return queued
