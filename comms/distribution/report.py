"""Read-only questions about a release's sends (no Flask): what a send would reach,
and what the sends of a release did.

- :func:`estimate` counts, before anything is written, whom a send to some lists
  would reach: the same rule as comms.distribution.service.create_send (active, not
  paused, not already sent this release), so the confirmation page can say
  "this reaches N people" without planning a send.
- :func:`release_report` sums the delivery ledger of one release: sent, failed,
  still pending, skipped as suppressed at send time, and "unsubscribed since":
  contacts who received the release and unsubscribed afterwards.
"""

from __future__ import annotations

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from comms.distribution.service import Delivery, Send, embargo_in_force
from comms.releases.service import Release
from contacts.models import Contact, ContactEvent, ContactList, ListMembership
from storage.db import utcnow

# The contact history kind that contacts.suppression.unsubscribe writes.
UNSUBSCRIBE_EVENT = "unsubscribe"


def _one_if(condition):
    """1 where ``condition`` holds, else 0 (for summing in SQL)."""
    return case((condition, 1), else_=0)


def sendable_lists(session: Session, release: Release) -> list[dict]:
    """Every list with its size, trust flag and whether this release may go to it now."""
    embargoed = embargo_in_force(release)
    sizes = dict(session.execute(select(ListMembership.list_id, func.count())
                                 .group_by(ListMembership.list_id)).all())
    rows = session.scalars(select(ContactList).order_by(ContactList.embargo_trusted.desc(), ContactList.name))
    return [{"id": item.id, "name": item.name, "description": item.description,
             "embargo_trusted": item.embargo_trusted, "size": sizes.get(item.id, 0),
             "allowed": item.embargo_trusted or not embargoed} for item in rows]


def estimate(session: Session, release: Release, list_ids: list[int]) -> dict:
    """Whom a send of ``release`` to ``list_ids`` would reach right now, without writing anything.

    ``recipients`` are the people who would get a message; ``suppressed`` the
    members skipped because they are suppressed, unsubscribed, bounced,
    unconfirmed or paused; ``already_received`` those the ledger says have it.
    create_send applies the same rule when the send is confirmed.
    """
    if not list_ids:
        return {"members": 0, "recipients": 0, "suppressed": 0, "already_received": 0}
    now = utcnow()
    members = select(ListMembership.contact_id).where(ListMembership.list_id.in_(list_ids)).distinct().subquery()
    already = select(Delivery.contact_id).where(Delivery.release_id == release.id)
    eligible = and_(Contact.status == "active", or_(Contact.paused_until.is_(None), Contact.paused_until <= now))
    total, received, reachable = session.execute(
        select(func.count(),
               func.coalesce(func.sum(_one_if(Contact.id.in_(already))), 0),
               func.coalesce(func.sum(_one_if(and_(eligible, Contact.id.not_in(already)))), 0))
        .select_from(members).join(Contact, Contact.id == members.c.contact_id)).one()
    total, received, reachable = int(total), int(received), int(reachable)
    return {"members": total, "recipients": reachable, "suppressed": total - received - reachable,
            "already_received": received}


def release_report(session: Session, release: Release) -> dict:
    """The delivery report of one release across all its sends.

    ``suppressed`` and ``already_received`` add up what each send skipped when
    it was planned (a person suppressed on a list sent to twice counts twice);
    ``unsubscribed_since`` counts contacts whose message was sent and who
    unsubscribed after it.
    """
    by_status = dict(session.execute(select(Delivery.status, func.count()).where(Delivery.release_id == release.id)
                                     .group_by(Delivery.status)).all())
    sends = list(session.scalars(select(Send).where(Send.release_id == release.id).order_by(Send.id)))
    per_send = dict(((send_id, status), count) for send_id, status, count in session.execute(
        select(Delivery.send_id, Delivery.status, func.count()).where(Delivery.release_id == release.id)
        .group_by(Delivery.send_id, Delivery.status)))
    unsubscribed_since = session.scalar(
        select(func.count(func.distinct(Delivery.contact_id)))
        .join(ContactEvent, and_(ContactEvent.contact_id == Delivery.contact_id,
                                 ContactEvent.kind == UNSUBSCRIBE_EVENT, ContactEvent.at >= Delivery.sent_at))
        .where(Delivery.release_id == release.id, Delivery.status == "sent")) or 0
    return {
        "release_id": release.id,
        "sent": by_status.get("sent", 0),
        "failed": by_status.get("failed", 0),
        "pending": by_status.get("pending", 0) + by_status.get("sending", 0),
        "suppressed": sum(send.skipped_suppressed for send in sends),
        "already_received": sum(send.skipped_already for send in sends),
        "unsubscribed_since": int(unsubscribed_since),
        "sends": [{"id": send.id, "status": send.status, "created_at": send.created_at,
                   "finished_at": send.finished_at, "created_by": send.created_by, "embargoed": send.embargoed,
                   "list_ids": list(send.list_ids or []), "total": send.total,
                   "sent": per_send.get((send.id, "sent"), 0), "failed": per_send.get((send.id, "failed"), 0),
                   "suppressed": send.skipped_suppressed} for send in sends],
    }


# The delivery report lists this many recipients on the release page; the rest are counted.
RECIPIENTS_SHOWN = 500


def recipients(session: Session, release: Release, limit: int = RECIPIENTS_SHOWN) -> dict:
    """Who was sent ``release``, one row per recipient from the ledger: name, address, status,
    when it went out (or was last tried) and its Message-ID; failed and pending first, as they
    are what an officer acts on, then by time. ``total`` counts every row, shown or not."""
    waiting_first = case((Delivery.status == "failed", 0), (Delivery.status.in_(("pending", "sending")), 1), else_=2)
    rows = session.execute(
        select(Delivery.status, Delivery.sent_at, Delivery.next_attempt_at, Delivery.claimed_at, Delivery.message_id,
               Delivery.attempts, Contact.name, Contact.email, Delivery.send_id)
        .join(Contact, Contact.id == Delivery.contact_id).where(Delivery.release_id == release.id)
        .order_by(waiting_first, Delivery.sent_at.desc(), Contact.name, Delivery.id).limit(limit)).all()
    total = session.scalar(select(func.count()).select_from(Delivery).where(Delivery.release_id == release.id)) or 0
    return {"total": int(total),
            "rows": [{"name": row.name, "email": row.email, "status": row.status, "send_id": row.send_id,
                      "at": row.sent_at or row.claimed_at, "next_attempt_at": row.next_attempt_at,
                      "message_id": row.message_id, "attempts": row.attempts} for row in rows]}


def releases_sent_to(session: Session, contact_id: int, limit: int = 200) -> list[dict]:
    """Every release the ledger holds for one contact, newest first: the release, its language and
    headline as sent (the revision the send went out with is the one approved then; the newest
    approved one is named here), the delivery's status, when it went out and its Message-ID."""
    rows = session.execute(
        select(Delivery, Send.created_at, Release).join(Send, Send.id == Delivery.send_id)
        .join(Release, Release.id == Delivery.release_id).where(Delivery.contact_id == contact_id)
        .order_by(func.coalesce(Delivery.sent_at, Send.created_at).desc(), Delivery.id.desc()).limit(limit)).all()
    found = []
    for delivery, send_created_at, release in rows:
        content = release.content(release.approved_revision or release.revision)
        found.append({"release_id": release.id, "language": release.language, "headline": content.get("headline", ""),
                      "status": delivery.status, "at": delivery.sent_at or send_created_at,
                      "message_id": delivery.message_id, "send_id": delivery.send_id})
    return found
