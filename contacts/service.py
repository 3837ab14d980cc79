"""Creating, reading, changing and deleting contacts (no Flask).

All input goes through :func:`clean_input`, which turns loose values (country
names, language names, topic labels, "a; b" lists) into the stored form or
raises ContactError listing every bad field at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from contacts import vocab
from contacts.delegations import delegation_index, resolve_delegation
from contacts.errors import ContactError, DuplicateContact, NotAllowed, Suppressed
from contacts.history import log_event
from contacts.identity import email_hash, normalise_email
from contacts.models import (CONSENT_BASES, OUTLET_KINDS, Contact, ContactLanguage, ContactPhone, ContactTopic,
                             Delegation, ListMembership, Outlet, Suppression)
from contacts.search_index import INDEXED, index_contacts
from contacts.text import PHONE_RE, check_text
from storage.audit import Actor
from storage.db import utcnow
from contacts.lists import get_list

# Fields people may set directly; statuses other than these change through
# dedicated actions (unsubscribe, bounce, suppress) so their rules hold.
EDITABLE_STATUSES = ("active", "unconfirmed")
TEXT_LIMITS = {"name": 200, "role": 200, "notes": 5000, "outlet": 200}
_LIST_SPLIT = re.compile(r"[;,|]")


@dataclass
class ContactInput:
    """Cleaned values for a contact; None means 'leave as it is' on update."""

    name: str | None = None
    email: str | None = None
    outlet: str | None = None
    role: str | None = None
    country: str | None = None
    languages: list[str] | None = None
    topics: list[str] | None = None
    phones: list[dict] | None = None
    notes: str | None = None
    status: str | None = None
    consent_basis: str | None = None
    consent_source: str | None = None
    list_ids: list[int] | None = None
    # The delegation the person belongs to; 0 means "none" (cleared), None "leave as it is".
    delegation_id: int | None = None
    errors: dict[str, str] = field(default_factory=dict)


def split_values(value) -> list[str]:
    """A list from a list or from 'a; b, c | d' text, blanks removed."""
    if value is None:
        return []
    items = value if isinstance(value, (list, tuple)) else _LIST_SPLIT.split(str(value))
    return [str(item).strip() for item in items if str(item).strip()]


def _check_text(name: str, value, errors: dict) -> str | None:
    return check_text(name, value, errors, limit=TEXT_LIMITS.get(name, 500), multiline=name == "notes")


def clean_input(session: Session, raw: dict, *, topics_index: dict | None = None,
                delegations_index: dict | None = None) -> ContactInput:
    """Validate and normalise loose input; raises ContactError with every bad field.

    ``delegation_id`` takes an id (None clears it); ``delegation`` (a CSV column)
    names one by id, name or a State's ISO code. The indexes, when given, save a
    query per row in bulk imports.
    """
    errors: dict[str, str] = {}
    cleaned = ContactInput(errors=errors)
    for name in ("name", "role", "notes", "outlet"):
        if name in raw:
            setattr(cleaned, name, _check_text(name, raw[name], errors))
    if "email" in raw:
        try:
            cleaned.email = normalise_email(raw["email"])
        except ValueError as exc:
            errors["email"] = str(exc)
    if "country" in raw:
        try:
            # "" (not None) means "clear it": None would mean "leave as it is".
            cleaned.country = vocab.country_code(raw["country"]) or ""
        except ValueError as exc:
            errors["country"] = str(exc)
    if "languages" in raw:
        codes = []
        for item in split_values(raw["languages"]):
            try:
                code = vocab.language_code(item)
            except ValueError as exc:
                errors["languages"] = str(exc)
                break
            if code not in codes:
                codes.append(code)
        cleaned.languages = codes
    if "topics" in raw:
        index = topics_index if topics_index is not None else vocab.topic_index(session)
        slugs = []
        for item in split_values(raw["topics"]):
            try:
                slug = vocab.resolve_topic(index, item).slug
            except ValueError as exc:
                errors["topics"] = str(exc)
                break
            if slug not in slugs:
                slugs.append(slug)
        cleaned.topics = slugs
    if "phones" in raw and raw["phones"] is not None:
        cleaned.phones = _clean_phones(raw["phones"], errors)
    if raw.get("status") not in (None, ""):
        if raw["status"] not in EDITABLE_STATUSES:
            errors["status"] = f"can be set to {' or '.join(EDITABLE_STATUSES)}; other states have their own actions"
        else:
            cleaned.status = raw["status"]
    if raw.get("consent_basis") not in (None, ""):
        if raw["consent_basis"] not in CONSENT_BASES:
            errors["consent_basis"] = f"must be one of {', '.join(CONSENT_BASES)}"
        else:
            cleaned.consent_basis = raw["consent_basis"]
    if raw.get("consent_source") not in (None, ""):
        cleaned.consent_source = _check_text("consent_source", raw["consent_source"], errors)
    if "lists" in raw and raw["lists"] is not None:
        cleaned.list_ids = _clean_list_ids(raw["lists"], errors)
    if "delegation_id" in raw or "delegation" in raw:
        cleaned.delegation_id = _clean_delegation(session, raw, delegations_index, errors)
    if errors:
        raise ContactError("some fields are not valid", errors)
    return cleaned


def _clean_phones(value, errors: dict) -> list[dict]:
    phones = []
    for item in value if isinstance(value, list) else split_values(value):
        if isinstance(item, str):
            item = {"number": item}
        number = str(item.get("number", "")).strip()
        if not number:
            continue
        if not PHONE_RE.fullmatch(number):
            errors["phones"] = f"not a phone number: {number!r}"
            continue
        phones.append({"number": number, "label": str(item.get("label") or "work")[:30],
                       "public": bool(item.get("public", False))})
    return phones


def _clean_list_ids(value, errors: dict) -> list[int]:
    ids = []
    for item in value if isinstance(value, list) else split_values(value):
        try:
            ids.append(int(item))
        except (TypeError, ValueError):
            errors["lists"] = f"not a list id: {item!r}"
    return ids


def _clean_delegation(session: Session, raw: dict, index: dict | None, errors: dict) -> int | None:
    name, value = ("delegation_id", raw["delegation_id"]) if "delegation_id" in raw else ("delegation", raw["delegation"])
    if value in (None, ""):
        return 0
    if name == "delegation_id" and (isinstance(value, bool) or not isinstance(value, (int, str))
                                    or not str(value).isdigit()):
        errors[name] = f"not a delegation id: {str(value)[:40]!r}"
        return None
    try:
        return resolve_delegation(index if index is not None else delegation_index(session), value)
    except ValueError as exc:
        errors[name] = str(exc)
        return None


def find_or_create_outlet(session: Session, name: str | None, **details) -> Outlet | None:
    """The outlet with this name (any case), created if new; None for a blank name."""
    if not name:
        return None
    key = " ".join(name.casefold().split())
    outlet = session.scalar(select(Outlet).where(Outlet.name_key == key))
    if outlet is None:
        kind = details.get("kind") if details.get("kind") in OUTLET_KINDS else "other"
        outlet = Outlet(name=" ".join(name.split()), name_key=key, kind=kind, country=details.get("country"),
                        website=details.get("website") or "")
        session.add(outlet)
        session.flush()
    return outlet


def find_by_email(session: Session, email: str) -> Contact | None:
    """The contact with this address (any case), or None."""
    try:
        email = normalise_email(email)
    except ValueError:
        return None
    return session.scalar(select(Contact).where(Contact.email == email))


def suppression_for(session: Session, email: str) -> Suppression | None:
    """The suppression-list entry for a normalised address, if any."""
    return session.scalar(select(Suppression).where(Suppression.email_hash == email_hash(session, email)))


def name_key(name: str) -> str:
    """The folded form of a name, for spotting likely duplicates."""
    return " ".join(vocab.fold(name).split())[:200]


def _search_text(contact: Contact) -> str:
    outlet = contact.outlet.name if contact.outlet else ""
    return " ".join(vocab.fold(f"{contact.name} {contact.email} {outlet}").split())[:800]


def _apply(session: Session, contact: Contact, data: ContactInput, topics_by_slug: dict | None = None) -> list[str]:
    """Write cleaned values onto a contact; returns the names of fields that changed."""
    changed = []
    for name in ("name", "email", "role", "country", "notes", "consent_basis", "consent_source"):
        value = getattr(data, name)
        if value is None:
            continue
        if name == "country" and value == "":
            value = None  # cleared on purpose
        if getattr(contact, name) != value:
            setattr(contact, name, value)
            changed.append(name)
    if data.status is not None and contact.status != data.status:
        if contact.status not in EDITABLE_STATUSES:
            raise NotAllowed(f"a contact who is {contact.status} cannot be set to {data.status} here",
                             {"status": "use the suppression or subscription actions"})
        contact.status = data.status
        changed.append("status")
    if data.outlet is not None:
        outlet = find_or_create_outlet(session, data.outlet)
        if contact.outlet_id != (outlet.id if outlet else None):
            contact.outlet = outlet
            contact.outlet_id = outlet.id if outlet else None
            changed.append("outlet")
    if data.languages is not None and contact.languages != data.languages:
        contact.language_rows = [ContactLanguage(code=code, position=i) for i, code in enumerate(data.languages)]
        changed.append("languages")
    if data.topics is not None and sorted(contact.topics) != sorted(data.topics):
        topics = topics_by_slug or {t.slug: t for t in vocab.topic_index(session).values()}
        contact.topic_rows = [ContactTopic(topic=topics[slug], topic_id=topics[slug].id) for slug in data.topics]
        changed.append("topics")
    if data.phones is not None:
        current = [{"number": p.number, "label": p.label, "public": p.public} for p in contact.phones]
        if current != data.phones:
            contact.phones = [ContactPhone(**phone) for phone in data.phones]
            changed.append("phones")
    if data.delegation_id is not None and contact.delegation_id != (data.delegation_id or None):
        contact.delegation = session.get(Delegation, data.delegation_id) if data.delegation_id else None
        contact.delegation_id = data.delegation_id or None
        changed.append("delegation")
    if data.list_ids is not None and contact.list_ids != sorted(set(data.list_ids)):
        for list_id in data.list_ids:
            get_list(session, list_id)
        contact.memberships = [ListMembership(list_id=i) for i in sorted(set(data.list_ids))]
        changed.append("lists")
    if changed:
        contact.search_text = _search_text(contact)
        contact.name_key = name_key(contact.name)
        contact.updated_at = utcnow()
    return changed


def create_contact(session: Session, raw: dict, actor: Actor, *, source: str = "staff") -> Contact:
    """Create a contact; 409-style DuplicateContact if the address exists,
    Suppressed if it is on the suppression list."""
    data = clean_input(session, raw)
    missing = {k: "required" for k in ("name", "email") if not getattr(data, k)}
    if missing:
        raise ContactError("some fields are missing", missing)
    existing = session.scalar(select(Contact.id).where(Contact.email == data.email))
    if existing is not None:
        raise DuplicateContact(data.email, existing)
    suppression = suppression_for(session, data.email)
    if suppression is not None and suppression.source == "erasure":
        raise Suppressed("this address was erased at the person's request and is on the suppression list",
                         {"email": "on the suppression list"})
    contact = Contact(name=data.name, email=data.email, status=data.status or "active")
    session.add(contact)
    _apply(session, contact, data)
    contact.search_text = _search_text(contact)
    contact.name_key = name_key(contact.name)
    if contact.consent_basis is None:
        contact.consent_basis = "legitimate_interest"
    contact.consent_source = contact.consent_source or source
    contact.consent_at = utcnow()
    if suppression is not None:
        contact.status = "suppressed"
        contact.status_reason = suppression.reason
    session.flush()
    index_contacts(session, [contact])
    log_event(session, contact.id, "created", actor, source=source)
    actor.record(session, "contact.create", object_type="contact", object_id=contact.id)
    return contact


def update_contact(session: Session, contact: Contact, raw: dict, actor: Actor) -> list[str]:
    """Change a contact; returns the changed field names (history and audit record them)."""
    data = clean_input(session, raw)
    if data.email and data.email != contact.email:
        other = session.scalar(select(Contact.id).where(Contact.email == data.email))
        if other is not None:
            raise DuplicateContact(data.email, other)
    if data.name == "":
        raise ContactError("some fields are not valid", {"name": "required"})
    changed = _apply(session, contact, data)
    if changed:
        session.flush()
        if INDEXED & set(changed):
            index_contacts(session, [contact])
        log_event(session, contact.id, "updated", actor, fields=changed)
        actor.record(session, "contact.update", object_type="contact", object_id=contact.id,
                     details={"fields": changed})
    return changed


def get_contact(session: Session, contact_id: int) -> Contact:
    """The contact with this id; LookupError if there is none."""
    contact = session.get(Contact, contact_id)
    if contact is None:
        raise LookupError(f"no contact {contact_id}")
    return contact


def delete_contact(session: Session, contact: Contact, actor: Actor) -> None:
    """Delete a contact record (no suppression; see suppression.erase for GDPR)."""
    contact_id = contact.id
    session.delete(contact)
    actor.record(session, "contact.delete", object_type="contact", object_id=contact_id)


def contact_to_dict(contact: Contact) -> dict:
    """docs/design/contract.md's contact object."""
    return {
        "id": contact.id,
        "name": contact.name,
        "email": contact.email,
        "outlet": contact.outlet.name if contact.outlet else "",
        "outlet_id": contact.outlet_id,
        "role": contact.role,
        "country": contact.country,
        "delegation_id": contact.delegation_id,
        "languages": contact.languages,
        "topics": contact.topics,
        "lists": contact.list_ids,
        "phones": [{"number": p.number, "label": p.label, "public": p.public} for p in contact.phones],
        "notes": contact.notes,
        "consent": {"basis": contact.consent_basis, "source": contact.consent_source,
                    "at": contact.consent_at.isoformat() if contact.consent_at else None,
                    "wording_version": contact.consent_wording},
        "status": contact.status,
        "created_at": contact.created_at.isoformat(),
        "updated_at": contact.updated_at.isoformat(),
    }


def count_contacts(session: Session) -> int:
    """How many contacts there are."""
    return session.scalar(select(func.count()).select_from(Contact))
