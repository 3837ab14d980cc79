"""Sending releases by email, exactly once per contact (no Flask). SECURITY.md 20, 22-24.

- A send resolves its recipients (lists and segments, minus anyone suppressed,
  unsubscribed, bounced, unconfirmed or paused, minus whoever already got this
  release) into ledger rows: one row per (release, contact), unique, so
  overlapping lists and repeated sends can never mail anyone twice.
- The job claims rows in batches (one conditional UPDATE ... RETURNING,
  committed) before any SMTP call, then marks each row sent, committed on its
  own, as soon as the server accepts it and before the next message goes: at
  most one message is ever accepted but not yet recorded. A worker killed
  mid-send is resumed by re-running the job: rows left claimed are retried
  with the same Message-ID, so even the rare message sent just before the
  crash arrives as the same message, not a second one.
- SMTP 4xx: the row goes back to pending with a back-off; 5xx: failed, and a
  hard bounce suppresses the contact.
- Before its embargo lifts a release may only go to embargo-trusted lists,
  with EMBARGOED UNTIL in the subject and at the top of the body.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from email.utils import make_msgid

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, bindparam, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from comms.jobs import job, worker_id
from comms.mail import MailError, OutgoingMessage, build_message
from comms.releases import Release
from contacts.lists import get_list, resolve_segment
from contacts.models import Contact, ListMembership, Segment
from contacts.suppression import record_hard_bounce
from storage.audit import Actor
from storage.db import Base, UTCDateTime, utcnow

MAX_ATTEMPTS = 5
# A live worker renews its claims every few seconds (comms/send_recovery.py), so the
# lease only needs to outlast a missed beat or two; a killed worker's rows come back
# this long after its last beat.
CLAIM_LEASE = dt.timedelta(seconds=60)


class SendError(ValueError):
    """A send was refused; ``status`` maps it to HTTP."""

    def __init__(self, message: str, status: int = 422, fields: dict | None = None):
        super().__init__(message)
        self.message, self.status, self.fields = message, status, fields or {}


class Send(Base):
    """One request to email a release to some lists and segments."""

    __tablename__ = "sends"

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id", ondelete="CASCADE"), index=True)
    list_ids: Mapped[list] = mapped_column(JSON, default=list)
    segment_ids: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default="queued")  # queued|running|done
    embargoed: Mapped[bool] = mapped_column(Boolean, default=False)
    total: Mapped[int] = mapped_column(Integer, default=0)
    skipped_suppressed: Mapped[int] = mapped_column(Integer, default=0)
    skipped_already: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(200), default="system")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Delivery(Base):
    """The ledger: a release to a contact, at most once."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("release_id", "contact_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    send_id: Mapped[int] = mapped_column(ForeignKey("sends.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)  # pending|sending|sent|failed
    message_id: Mapped[str] = mapped_column(String(250))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    claimed_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)


def embargo_in_force(release: Release) -> bool:
    """True while the release's embargo has not lifted."""
    return release.embargo_until is not None and release.embargo_until > utcnow()


def _eligible(contact: Contact, now: dt.datetime) -> bool:
    return contact.status == "active" and (contact.paused_until is None or contact.paused_until <= now)


def create_send(session: Session, release: Release, *, list_ids: list[int], segment_ids: list[int] | None = None,
                actor: Actor, mail_from: str) -> Send:
    """Plan a send: check the rules, resolve recipients into ledger rows, count."""
    segment_ids = segment_ids or []
    if not list_ids and not segment_ids:
        raise SendError("choose at least one list or segment", 422, {"list_ids": "empty"})
    if release.approved_revision is None or release.status not in ("approved", "scheduled", "published"):
        raise SendError("only an approved release can be sent", 409)
    if release.retracted_at is not None:
        raise SendError("a retracted release cannot be sent", 409)
    embargoed = embargo_in_force(release)
    lists = [get_list(session, list_id) for list_id in list_ids]
    if embargoed:
        untrusted = [item.name for item in lists if not item.embargo_trusted]
        if untrusted or segment_ids:
            raise SendError("before the embargo lifts, only embargo-trusted lists can be sent this release "
                            f"(not: {', '.join(untrusted) or 'segments'})", 409, {"list_ids": "not embargo-trusted"})
    elif not release.is_public and release.status != "approved":
        raise SendError("publish the release (or put it under embargo) before sending it", 409)
    wanted: set[int] = set()
    if list_ids:
        wanted |= set(session.scalars(select(ListMembership.contact_id).where(ListMembership.list_id.in_(list_ids))))
    for segment_id in segment_ids:
        segment = session.get(Segment, segment_id)
        if segment is None:
            raise SendError(f"no segment {segment_id}", 422, {"segment_ids": "unknown"})
        wanted |= set(resolve_segment(session, segment))
    already = set(session.scalars(select(Delivery.contact_id).where(Delivery.release_id == release.id)))
    now = utcnow()
    contacts = list(session.scalars(select(Contact).where(Contact.id.in_(wanted - already)))) if wanted else []
    eligible = [c for c in contacts if _eligible(c, now)]
    send = Send(release_id=release.id, list_ids=list(list_ids), segment_ids=list(segment_ids), embargoed=embargoed,
                total=len(eligible), skipped_suppressed=len(contacts) - len(eligible),
                skipped_already=len(wanted & already), created_by=actor.label, created_at=now)
    session.add(send)
    session.flush()
    domain = mail_from.rpartition("@")[2] or "localhost"
    session.add_all(Delivery(release_id=release.id, contact_id=contact.id, send_id=send.id, status="pending",
                             message_id=make_msgid(idstring=uuid.uuid4().hex[:16], domain=domain))
                    for contact in eligible)
    session.flush()
    actor.record(session, "release.send", object_type="release", object_id=release.id,
                 details={"send_id": send.id, "recipients": send.total, "embargoed": embargoed})
    return send


def progress(session: Session, send: Send) -> dict:
    """API.md's send status: ``{status, total, sent, failed, suppressed}`` (and pending)."""
    counts = dict(session.execute(select(Delivery.status, func.count()).where(Delivery.send_id == send.id)
                                  .group_by(Delivery.status)).all())
    return {"id": send.id, "release_id": send.release_id, "status": send.status, "total": send.total,
            "sent": counts.get("sent", 0), "failed": counts.get("failed", 0),
            "pending": counts.get("pending", 0) + counts.get("sending", 0),
            "suppressed": send.skipped_suppressed, "already_received": send.skipped_already,
            "embargoed": send.embargoed}


CLAIM_BATCH = 200


def _batch_size(rate: float | None) -> int:
    # A throttled send claims no more than it sends in a quarter of the lease, so
    # no row it holds can look abandoned to another worker before its turn.
    if not rate:
        return CLAIM_BATCH
    return max(1, min(CLAIM_BATCH, int(rate * CLAIM_LEASE.total_seconds() / 4)))


def _claim_batch(runtime, send_id: int, me: str, size: int = CLAIM_BATCH) -> list:
    """Claim up to ``size`` due rows in one transaction: (delivery id, Message-ID, contact) with the
    contact's id, email, name and token."""
    now = utcnow()
    due = ((Delivery.status == "pending") & (Delivery.next_attempt_at.is_(None) | (Delivery.next_attempt_at <= now))) \
        | ((Delivery.status == "sending") & (Delivery.claimed_at < now - CLAIM_LEASE))
    claimed: list = []
    while not claimed:  # rows another connection claimed first: look again, until none is due
        claimed = _claim_some(runtime, send_id, me, size, due, now)
        if claimed is None:
            return []
    with runtime.db.transaction() as session:
        contacts = {row.id: row for row in session.execute(
            select(Contact.id, Contact.email, Contact.name, Contact.token)
            .where(Contact.id.in_([contact_id for _d, _m, contact_id in claimed])))}
    return sorted((d, m, contacts[c]) for d, m, c in claimed if c in contacts)


def _claim_some(runtime, send_id: int, me: str, size: int, due, now) -> list | None:
    """One claim attempt: the rows won (maybe none, if others were faster), or None when nothing is due."""
    with runtime.db.transaction() as session:
        ids = list(session.scalars(select(Delivery.id).where(Delivery.send_id == send_id, due)
                                   .order_by(Delivery.id).limit(size)))
        if not ids:
            return None
        # One conditional UPDATE is the claim: a row another worker took meanwhile no longer
        # matches ``due`` and is not returned.
        return session.execute(
            update(Delivery).where(Delivery.id.in_(ids), due)
            .values(status="sending", claimed_at=now, claimed_by=me, attempts=Delivery.attempts + 1)
            .returning(Delivery.id, Delivery.message_id, Delivery.contact_id)
            .execution_options(synchronize_session=False)).all()


_MARK_SENT = (update(Delivery.__table__).where(Delivery.__table__.c.id == bindparam("delivery_id"))
              .values(status="sent", sent_at=bindparam("now"), last_error=None))


def _mark_sent(connection, delivery_id: int) -> None:
    # One statement, committed at once, before the next message goes: the window in
    # which a crash could make us send this message again is as short as it can be.
    connection.execute(_MARK_SENT, {"delivery_id": delivery_id, "now": utcnow()})
    connection.commit()


def _release(runtime, delivery_ids: list[int], me: str) -> None:
    """Hand back rows this worker claimed but will not send now (never sent: no duplicate)."""
    with runtime.db.transaction() as session:
        session.execute(update(Delivery).where(Delivery.id.in_(delivery_ids), Delivery.status == "sending",
                                               Delivery.claimed_by == me)
                        .values(status="pending", claimed_by=None, attempts=Delivery.attempts - 1)
                        .execution_options(synchronize_session=False))


def reclaim_abandoned(runtime, send_id: int) -> int:
    """Rows a killed worker left claimed go back to pending (same Message-ID)."""
    with runtime.db.transaction() as session:
        return session.execute(update(Delivery).where(Delivery.send_id == send_id, Delivery.status == "sending")
                               .values(status="pending", claimed_by=None)).rowcount


def _finish(runtime, delivery_id: int, *, error: MailError) -> None:
    with runtime.db.transaction() as session:
        delivery = session.get(Delivery, delivery_id)
        delivery.last_error = str(error)
        if error.permanent or delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = "failed"
            contact = session.get(Contact, delivery.contact_id)
            if error.permanent and error.code and error.code >= 500 and contact is not None:
                record_hard_bounce(session, contact, Actor(label="mailer"), f"SMTP {error.code}")
        else:
            delivery.status = "pending"
            delivery.next_attempt_at = utcnow() + dt.timedelta(seconds=min(300, 5 * 2 ** (delivery.attempts - 1)))


def _send_rows(runtime, send_id: int, me: str, compose, pace: float, batch_size: int,
               deadline: float | None) -> None:
    """One SMTP connection's share of a send: claim a batch, send it, mark each row, repeat."""
    mailer = runtime.mailer()
    ledger = runtime.db.engine.connect()  # one connection for the per-message commits
    try:
        while deadline is None or time.monotonic() <= deadline:
            batch = _claim_batch(runtime, send_id, me, batch_size)
            if not batch:
                return
            for position, (delivery_id, message_id, contact) in enumerate(batch):
                if deadline is not None and time.monotonic() > deadline:
                    _release(runtime, [row[0] for row in batch[position:]], me)
                    return
                try:
                    mailer.send(_wire(compose(contact, message_id), runtime.config))
                except MailError as exc:
                    _finish(runtime, delivery_id, error=exc)
                else:
                    _mark_sent(ledger, delivery_id)
                if pace:
                    time.sleep(pace)
    finally:
        ledger.close()
        mailer.close()


@job("sends.run")
def run_send(runtime, send_id: int, compose=None, rate: float | None = None, max_seconds: float | None = None,
             connections: int | None = None) -> dict:
    """Send every pending row of a send; safe to run again after a crash.

    ``connections`` SMTP connections (PRESSROOM_SEND_CONNECTIONS) send side by side,
    each claiming its own batches, so one slow round trip never idles the send;
    together they keep to ``rate``.
    """
    from comms.distribution_compose import composer_for  # rendering lives beside, not inside, the ledger
    from comms.send_recovery import ClaimHeartbeat

    me = worker_id()
    rate = runtime.config.send_rate if rate is None else rate
    connections = max(1, connections or runtime.config.send_connections)
    with runtime.db.transaction() as session:
        send = session.get(Send, send_id)
        if send is None:
            raise SendError(f"no send {send_id}", 404)
        send.status = "running"
        release_id = send.release_id
    compose = compose or composer_for(runtime, release_id)
    deadline = None if max_seconds is None else time.monotonic() + max_seconds
    share = (runtime, send_id, me, compose, connections / rate if rate else 0.0,
             max(1, _batch_size(rate) // connections), deadline)
    with ClaimHeartbeat(runtime, send_id, me):
        if connections == 1:
            _send_rows(*share)
        else:
            with ThreadPoolExecutor(max_workers=connections, thread_name_prefix=f"send-{send_id}") as pool:
                for running in [pool.submit(_send_rows, *share) for _ in range(connections)]:
                    running.result()  # a failure in any connection fails the job, as with one
    with runtime.db.transaction() as session:
        send = session.get(Send, send_id)
        remaining = session.scalar(select(func.count()).where(Delivery.send_id == send_id,
                                                              Delivery.status.in_(("pending", "sending"))))
        if remaining == 0:
            send.status, send.finished_at = "done", utcnow()
        return progress(session, send)


def _wire(message, config):
    """What a composer returned, ready for the mailer (an OutgoingMessage is built into MIME here)."""
    if isinstance(message, OutgoingMessage):
        return build_message(message, config.mail_from, config.office_name)
    return message


def message_for(contact: Contact, *, subject: str, text: str, html: str, message_id: str, unsubscribe_url: str,
                list_id: str) -> OutgoingMessage:
    """An OutgoingMessage with the RFC 8058 and list headers."""
    return OutgoingMessage(
        to_email=contact.email, to_name=contact.name, subject=subject, text=text, html=html,
        headers={"Message-ID": message_id, "List-Unsubscribe": f"<{unsubscribe_url}>",
                 "List-Unsubscribe-Post": "List-Unsubscribe=One-Click", "List-Id": list_id})
