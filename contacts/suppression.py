"""Do-not-contact, unsubscribes, bounces, and GDPR export and erasure.

Every suppression is a row keyed by the salted hash of the address, so it
outlives the contact record: after erasure, only the hash remains and the
address can never be re-imported as active.
"""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from contacts.errors import ContactError, NotAllowed
from contacts.history import events_for, log_event
from contacts.identity import email_hash
from contacts.models import SUPPRESSION_SOURCES, Contact, SubscriptionRequest, Suppression
from contacts.service import contact_to_dict
from storage.audit import Actor
from storage.db import utcnow

STATUS_FOR_SOURCE = {"staff": "suppressed", "unsubscribe": "unsubscribed", "bounce": "bounced",
                     "complaint": "suppressed"}


def _add_suppression(session: Session, address: str, source: str, reason: str, actor: Actor) -> Suppression:
    digest = email_hash(session, address)
    row = session.scalar(select(Suppression).where(Suppression.email_hash == digest))
    if row is None:
        row = Suppression(email_hash=digest, source=source, reason=reason[:500], created_by=actor.label,
                          created_at=utcnow())
        session.add(row)
    elif source in ("erasure", "staff"):
        # Stronger reasons win: an erasure or a staff decision replaces an unsubscribe.
        row.source, row.reason = source, reason[:500]
    session.flush()
    return row


def is_suppressed(session: Session, address: str) -> bool:
    """True if this normalised address is on the suppression list."""
    return session.scalar(select(Suppression.id).where(Suppression.email_hash == email_hash(session, address))) \
        is not None


def suppress(session: Session, contact: Contact, actor: Actor, reason: str, *, source: str = "staff") -> None:
    """Mark a contact do-not-contact (any staff member may do this)."""
    if source not in SUPPRESSION_SOURCES or source == "erasure":
        raise ContactError(f"unknown suppression source {source!r}")
    reason = " ".join(str(reason or "").split())
    if source == "staff" and not reason:
        raise ContactError("say why this contact must not be contacted", {"reason": "required"})
    _add_suppression(session, contact.email, source, reason, actor)
    contact.status = STATUS_FOR_SOURCE[source]
    contact.status_reason = reason
    contact.updated_at = utcnow()
    log_event(session, contact.id, source if source != "staff" else "suppressed", actor, reason=reason)
    actor.record(session, f"contact.{'suppress' if source == 'staff' else source}", object_type="contact",
                 object_id=contact.id, details={"source": source})


def unsubscribe(session: Session, contact: Contact, actor: Actor, *, how: str = "link") -> bool:
    """Unsubscribe a contact; idempotent. Returns True if this call changed anything."""
    if contact.status == "unsubscribed":
        return False
    if contact.status in ("suppressed", "bounced"):
        # Already never contacted; note the wish without weakening the stronger state.
        log_event(session, contact.id, "unsubscribe", actor, how=how)
        return False
    suppress(session, contact, actor, f"unsubscribed ({how})", source="unsubscribe")
    return True


def record_hard_bounce(session: Session, contact: Contact, actor: Actor, detail: str) -> None:
    """A permanent delivery failure: the address is suppressed as bounced."""
    if contact.status != "bounced":
        suppress(session, contact, actor, f"hard bounce: {detail}"[:500], source="bounce")


def lift(session: Session, contact: Contact, actor: Actor, note: str = "") -> None:
    """Lift a suppression (admins only); the contact becomes active again."""
    if not actor.is_admin:
        raise NotAllowed("only an admin can lift a suppression")
    removed = session.execute(delete(Suppression).where(Suppression.email_hash == email_hash(session, contact.email)))
    if removed.rowcount == 0 and contact.status not in ("suppressed", "unsubscribed", "bounced"):
        # Nothing to lift; an unconfirmed contact must still confirm by double opt-in.
        return
    contact.status, contact.status_reason = "active", ""
    contact.updated_at = utcnow()
    log_event(session, contact.id, "suppression.lifted", actor, note=note)
    actor.record(session, "contact.unsuppress", object_type="contact", object_id=contact.id)


def lift_after_confirmed_subscription(session: Session, address: str) -> bool:
    """A fresh double opt-in replaces an unsubscribe, a bounce or an erasure.

    A staff do-not-contact decision stays: only an admin lifts that. Returns
    False if such a decision blocks the address.
    """
    digest = email_hash(session, address)
    row = session.scalar(select(Suppression).where(Suppression.email_hash == digest))
    if row is None:
        return True
    if row.source in ("staff", "complaint"):
        return False
    session.delete(row)
    session.flush()
    return True


def blocked_from_subscribing(session: Session, address: str) -> bool:
    """True when staff have marked this address do-not-contact."""
    digest = email_hash(session, address)
    source = session.scalar(select(Suppression.source).where(Suppression.email_hash == digest))
    return source in ("staff", "complaint")


def export_personal_data(session: Session, contact: Contact) -> dict:
    """Everything held about a contact, for a GDPR access request."""
    data = contact_to_dict(contact)
    data["consent"]["ip"] = contact.consent_ip
    data["status_reason"] = contact.status_reason
    data["outlet_details"] = ({"name": contact.outlet.name, "kind": contact.outlet.kind,
                               "country": contact.outlet.country, "website": contact.outlet.website}
                              if contact.outlet else None)
    data["history"] = [{"at": e.at.isoformat(), "kind": e.kind, "by": e.actor_label, "details": e.details}
                       for e in events_for(session, contact.id, limit=10_000)]
    requests = session.scalars(select(SubscriptionRequest).where(SubscriptionRequest.contact_id == contact.id))
    data["subscription_requests"] = [
        {"at": r.created_at.isoformat(), "ip": r.ip, "wording_version": r.wording_version,
         "confirmed_at": r.confirmed_at.isoformat() if r.confirmed_at else None} for r in requests]
    data["exported_at"] = utcnow().isoformat()
    return data


def erase(session: Session, contact: Contact, actor: Actor, reason: str = "erasure requested") -> None:
    """GDPR erasure: the record and its history go; a salted hash stays suppressed.

    The audit line names the contact's id only, never the address.
    """
    address, contact_id = contact.email, contact.id
    digest = email_hash(session, address)
    _add_suppression(session, address, "erasure", reason, actor)
    session.execute(delete(SubscriptionRequest).where(SubscriptionRequest.email_hash == digest))
    session.delete(contact)
    session.flush()
    actor.record(session, "contact.erase", object_type="contact", object_id=contact_id, details={"reason": reason})
