"""A contact's history: what happened to them, when, and by whom."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from contacts.models import ContactEvent
from storage.audit import Actor
from storage.db import utcnow


def log_event(session: Session, contact_id: int, kind: str, actor: Actor, **details) -> ContactEvent:
    """Add a history line for a contact (details must not repeat the address)."""
    event = ContactEvent(contact_id=contact_id, kind=kind, actor_label=actor.label, details=details, at=utcnow())
    session.add(event)
    return event


def events_for(session: Session, contact_id: int, limit: int = 200) -> list[ContactEvent]:
    """A contact's history, newest first."""
    query = (select(ContactEvent).where(ContactEvent.contact_id == contact_id)
             .order_by(ContactEvent.at.desc(), ContactEvent.id.desc()).limit(limit))
    return list(session.scalars(query))
