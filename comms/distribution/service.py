"""The ledger: sending releases (and dispatches to delegations) by email, exactly once per
contact (no Flask). docs/design/security.md items 20, 22-24.

Everything below :func:`plan_deliveries` works on a send's rows whatever the send is
for; a dispatch (comms.distribution.dispatches) plans its one send with it, and
only its message is composed differently (comms.distribution.compose).

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

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm import Session

from comms.distribution.compose import composer_for_send
from comms.distribution.models import CLAIM_LEASE, MAX_ATTEMPTS, Delivery, Send, SendError
from comms.distribution.recovery import ClaimHeartbeat
from comms.platform.jobs import job, worker_id
from comms.platform.mail import MailError, OutgoingMessage, build_message
from comms.rendering.document import RenderError
from comms.releases.service import Release, rich_text_problems
from comms.distribution.subscribers import matching_subscriber_ids, self_subscribed
from contacts.lists import get_list, resolve_segment
from contacts.models import Contact, ListMembership, Segment
from contacts.suppression import record_hard_bounce
from storage.audit import Actor
from storage.db import utcnow

def embargo_in_force(release: Release) -> bool:
    """True while the release's embargo (or, for a translation, its original's) has not lifted."""
    embargo = release.effective_embargo_until
    return embargo is not None and embargo > utcnow()


def _eligible(contact: Contact, now: dt.datetime) -> bool:
    return contact.status == "active" and (contact.paused_until is None or contact.paused_until <= now)


def family_recipients(session: Session, release: Release) -> set[int]:
    """Contacts the ledger says received any version of this release (it or a translation)."""
    root = release.translation_of_id or release.id
    family = select(Release.id).where((Release.id == root) | (Release.translation_of_id == root))
    return set(session.scalars(select(Delivery.contact_id).where(Delivery.release_id.in_(family))))


def subscriber_recipients(session: Session, release: Release) -> tuple[set[int], set[int]]:
    """(the matching self-subscribers who have no version of this release yet, those who have one)."""
    matching = matching_subscriber_ids(session, release)
    had = matching & family_recipients(session, release) if matching else set()
    return matching - had, had


def create_send(session: Session, release: Release, *, list_ids: list[int], segment_ids: list[int] | None = None,
                subscribers: bool = False, actor: Actor, mail_from: str) -> Send:
    """Plan a send: check the rules, resolve recipients into ledger rows, count.

    ``subscribers`` adds the matching self-subscribers (comms.distribution.subscribers), each of
    whom gets one version of a release and its translations, once."""
    segment_ids = segment_ids or []
    if not list_ids and not segment_ids and not subscribers:
        raise SendError("choose at least one list, segment or the subscribers", 422, {"list_ids": "empty"})
    if release.approved_revision is None or release.status not in ("approved", "scheduled", "published"):
        raise SendError("only an approved release can be sent", 409)
    if release.retracted_at is not None:
        raise SendError("a retracted release cannot be sent", 409)
    embargoed = embargo_in_force(release)
    lists = [get_list(session, list_id) for list_id in list_ids]
    if embargoed:
        untrusted = [item.name for item in lists if not item.embargo_trusted]
        if untrusted or segment_ids or subscribers:
            refused = untrusted + (["segments"] if segment_ids else []) + (["subscribers"] if subscribers else [])
            raise SendError("before the embargo lifts, only embargo-trusted lists can be sent this release "
                            f"(not: {', '.join(refused)})", 409,
                            {"subscribers" if subscribers and not untrusted else "list_ids": "not embargo-trusted"})
    elif not release.is_public and release.status != "approved":
        raise SendError("publish the release (or put it under embargo) before sending it", 409)
    if subscribers and not release.is_public:
        raise SendError("subscribers receive published releases only: publish it first", 409,
                        {"subscribers": "not published"})
    problems = rich_text_problems(release.content(release.approved_revision))
    if problems:  # stored before the rich-text limits (docs/design/security.md item 31): it could not be rendered
        raise SendError("the approved text cannot be sent: "
                        + "; ".join(f"{field}: {why}" for field, why in problems.items())
                        + "; edit the release and have the new revision approved", 422, problems)
    wanted: set[int] = set()
    if list_ids:
        wanted |= set(session.scalars(select(ListMembership.contact_id).where(ListMembership.list_id.in_(list_ids))))
    for segment_id in segment_ids:
        segment = session.get(Segment, segment_id)
        if segment is None:
            raise SendError(f"no segment {segment_id}", 422, {"segment_ids": "unknown"})
        wanted |= set(resolve_segment(session, segment))
    subscriber_had: set[int] = set()
    if subscribers:
        # Taken in order per family (a no-op on SQLite, which has one writer), so a manual send
        # and the worker's alert can never each give a subscriber a different version.
        session.execute(select(Release.id).where(Release.id == (release.translation_of_id or release.id))
                        .with_for_update())
        subscriber_new, subscriber_had = subscriber_recipients(session, release)
        wanted |= subscriber_new
    already = set(session.scalars(select(Delivery.contact_id).where(Delivery.release_id == release.id)))
    now = utcnow()
    contacts = list(session.scalars(select(Contact).where(Contact.id.in_(wanted - already)))) if wanted else []
    send = Send(release_id=release.id, list_ids=list(list_ids), segment_ids=list(segment_ids), embargoed=embargoed,
                subscribers=subscribers, created_by=actor.label, created_at=now)
    plan_deliveries(session, send, contacts, mail_from=mail_from,
                    skipped_already=len((wanted & already) | subscriber_had), now=now)
    actor.record(session, "release.send", object_type="release", object_id=release.id,
                 details={"send_id": send.id, "recipients": send.total, "embargoed": embargoed,
                          "subscribers": subscribers})
    return send


def plan_deliveries(session: Session, send: Send, contacts: list[Contact], *, mail_from: str,
                    skipped_already: int = 0, now: dt.datetime | None = None) -> Send:
    """Add ``send`` and one pending ledger row (with its Message-ID) per eligible contact, and count
    the rest as suppressed: what every send, a release's or a dispatch's, is planned with.

    The caller has removed duplicates and whoever already received it; the unique
    constraints on the rows (per release, per send) are the guarantee if it had not.
    """
    now = now or utcnow()
    eligible = [contact for contact in contacts if _eligible(contact, now)]
    send.total, send.skipped_suppressed, send.skipped_already = \
        len(eligible), len(contacts) - len(eligible), skipped_already
    session.add(send)
    session.flush()
    domain = mail_from.rpartition("@")[2] or "localhost"
    session.add_all(Delivery(release_id=send.release_id, contact_id=contact.id, send_id=send.id, status="pending",
                             message_id=make_msgid(idstring=uuid.uuid4().hex[:16], domain=domain))
                    for contact in eligible)
    session.flush()
    return send


def progress(session: Session, send: Send) -> dict:
    """docs/design/contract.md's send status: ``{status, total, sent, failed, suppressed}`` (and pending)."""
    counts = dict(session.execute(select(Delivery.status, func.count()).where(Delivery.send_id == send.id)
                                  .group_by(Delivery.status)).all())
    return {"id": send.id, "release_id": send.release_id, "dispatch_id": send.dispatch_id, "status": send.status, "total": send.total,
            "sent": counts.get("sent", 0), "failed": counts.get("failed", 0),
            "pending": counts.get("pending", 0) + counts.get("sending", 0),
            "suppressed": send.skipped_suppressed, "already_received": send.skipped_already,
            "embargoed": send.embargoed, "subscribers": send.subscribers}


CLAIM_BATCH = 200


def _batch_size(rate: float | None) -> int:
    # A throttled send claims no more than it sends in a quarter of the lease, so
    # no row it holds can look abandoned to another worker before its turn.
    if not rate:
        return CLAIM_BATCH
    return max(1, min(CLAIM_BATCH, int(rate * CLAIM_LEASE.total_seconds() / 4)))


def _claim_batch(runtime, send_id: int, me: str, size: int = CLAIM_BATCH) -> list:
    """Claim up to ``size`` due rows in one transaction: (delivery id, Message-ID, contact) with the
    contact's id, email, name, token and whether they subscribed themselves (what the footer says)."""
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
            select(Contact.id, Contact.email, Contact.name, Contact.token, self_subscribed().label("self_subscribed"))
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
    me = worker_id()
    rate = runtime.config.send_rate if rate is None else rate
    connections = max(1, connections or runtime.config.send_connections)
    with runtime.db.transaction() as session:
        send = session.get(Send, send_id)
        if send is None:
            raise SendError(f"no send {send_id}", 404)
        send.status = "running"
    if compose is None:
        try:
            compose = composer_for_send(runtime, send_id)
        except RenderError as exc:  # the email cannot be built, so nobody can be sent it: retrying will not help
            _fail_send(runtime, send_id, f"the email could not be rendered: {exc}")
            raise
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


def _fail_send(runtime, send_id: int, reason: str) -> None:
    """Mark a send "failed" with the reason in the audit trail; its rows stay pending, so running it
    again (once the release is fixed and approved) sends them."""
    with runtime.db.transaction() as session:
        send = session.get(Send, send_id)
        send.status, send.finished_at = "failed", utcnow()
        what, what_id = ("dispatch", send.dispatch_id) if send.dispatch_id else ("release", send.release_id)
        Actor(label="sender").record(session, f"{what}.send_failed", object_type=what,
                                     object_id=what_id, details={"send_id": send_id, "reason": reason[:500]})


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
