"""Likely duplicates (same name and outlet, different emails) and merging them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from contacts.errors import ContactError
from contacts.history import log_event
from contacts.models import Contact, ContactEvent, ContactLanguage, ContactPhone, ContactTopic, ListMembership
from storage.audit import Actor
from storage.db import utcnow


@dataclass
class DuplicateGroup:
    """Contacts that are probably one person."""

    name: str
    outlet: str
    contacts: list[Contact]


def likely_duplicates(session: Session, limit: int = 100) -> list[DuplicateGroup]:
    """Groups of contacts sharing a name (any case) and an outlet, oldest first in each."""
    groups = session.execute(
        select(Contact.name_key, Contact.outlet_id).where(Contact.outlet_id.is_not(None))
        .group_by(Contact.name_key, Contact.outlet_id).having(func.count() > 1).limit(limit)
    ).all()
    found = []
    for key_value, outlet_id in groups:
        members = list(session.scalars(select(Contact).where(Contact.name_key == key_value,
                                                             Contact.outlet_id == outlet_id)
                                       .order_by(Contact.created_at, Contact.id)))
        found.append(DuplicateGroup(name=members[0].name, outlet=members[0].outlet.name, contacts=members))
    return found


def duplicates_of(session: Session, contact: Contact) -> list[Contact]:
    """Other contacts with this contact's name and outlet."""
    if contact.outlet_id is None:
        return []
    return list(session.scalars(select(Contact).where(
        Contact.name_key == contact.name_key, Contact.outlet_id == contact.outlet_id,
        Contact.id != contact.id).order_by(Contact.id)))


def merge(session: Session, keep: Contact, other: Contact, actor: Actor) -> Contact:
    """Fold ``other`` into ``keep``: lists, languages, topics, phones, history and
    (if ``keep`` has none) the delegation move over; ``other`` is deleted. The
    stricter status wins."""
    if keep.id == other.id:
        raise ContactError("a contact cannot be merged with itself")
    keep_lists = set(keep.list_ids)
    for list_id in other.list_ids:
        if list_id not in keep_lists:
            session.add(ListMembership(list_id=list_id, contact_id=keep.id, added_at=utcnow()))
    for code in other.languages:
        if code not in keep.languages:
            keep.language_rows.append(ContactLanguage(code=code, position=len(keep.language_rows)))
    keep_topic_ids = {row.topic_id for row in keep.topic_rows}
    for row in other.topic_rows:
        if row.topic_id not in keep_topic_ids:
            keep.topic_rows.append(ContactTopic(topic_id=row.topic_id, topic=row.topic))
    keep_numbers = {p.number for p in keep.phones}
    for phone in other.phones:
        if phone.number not in keep_numbers:
            keep.phones.append(ContactPhone(number=phone.number, label=phone.label, public=phone.public))
    if keep.delegation_id is None and other.delegation_id is not None:
        keep.delegation_id = other.delegation_id  # a focal point stays one
    if other.notes and other.notes not in keep.notes:
        keep.notes = f"{keep.notes}\n\n{other.notes}".strip()
    strict = ("suppressed", "bounced", "unsubscribed")
    if other.status in strict and keep.status not in strict:
        keep.status, keep.status_reason = other.status, other.status_reason
    session.execute(update(ContactEvent).where(ContactEvent.contact_id == other.id).values(contact_id=keep.id))
    other_id, other_email = other.id, other.email
    session.delete(other)
    session.flush()
    keep.updated_at = utcnow()
    log_event(session, keep.id, "merged", actor, merged_id=other_id, merged_email=other_email)
    actor.record(session, "contact.merge", object_type="contact", object_id=keep.id,
                 details={"merged_id": other_id})
    return keep
