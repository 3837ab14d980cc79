"""Importing contacts from parsed records (CSV rows, vCards): plan, then apply.

:func:`plan_import` validates every record and decides what would happen to it
(create, update, unchanged, skip or error) without writing anything; the staff
UI shows this as the preview. :func:`apply_import` then writes the whole plan
inside the caller's transaction, with bulk inserts so 100,000 rows stay fast.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from contacts import vocab
from contacts.delegations import delegation_index
from contacts.errors import ContactError
from contacts.identity import email_hasher
from contacts.import_plan import ImportPlan, RowOutcome
from contacts.models import (Contact, ContactEvent, ContactLanguage, ContactList, ContactPhone, ContactTopic,
                             Delegation, ListMembership, Outlet, Suppression, new_token)
from contacts.search_index import INDEXED, index_contacts, index_new_contacts
from contacts.service import (ContactInput, _apply, _search_text, clean_input, name_key,
                              split_values)
from contacts.suppression import STATUS_FOR_SOURCE, _add_suppression
from storage.audit import Actor
from storage.bulk import bulk_insert, insert_returning_ids
from storage.db import utcnow
from contacts.history import log_event

IMPORT_STATUSES = {"active": None, "unconfirmed": None, "unsubscribed": "unsubscribe", "bounced": "bounce",
                   "suppressed": "staff"}


def _parse_time(value) -> dt.datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        parsed = value
    else:
        try:
            parsed = dt.datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError(f"not an ISO 8601 time: {value!r}") from None
    if parsed.tzinfo is None:
        raise ValueError("times need a zone (e.g. 2026-01-31T09:00:00+00:00)")
    return parsed


def _list_ids_by_name(session: Session) -> dict[str, int]:
    rows = session.execute(select(ContactList.id, ContactList.name)).all()
    index = {name.casefold(): list_id for list_id, name in rows}
    index.update({str(list_id): list_id for list_id, _ in rows})
    return index


def plan_import(session: Session, records: list[dict], *, source: str = "import") -> ImportPlan:
    """Validate records and decide each one's fate; writes nothing."""
    topics = vocab.topic_index(session)
    delegations = delegation_index(session)
    lists = _list_ids_by_name(session)
    existing = dict(session.execute(select(Contact.email, Contact.id)).all())
    suppressed = dict(session.execute(select(Suppression.email_hash, Suppression.source)).all())
    hash_of = email_hasher(session)
    seen: dict[str, int] = {}
    outcomes: list[RowOutcome] = []
    for record in records:
        row = int(record.pop("_row", len(outcomes) + 2))
        outcome = RowOutcome(row=row, action="error", name=str(record.get("name") or "").strip())
        outcomes.append(outcome)
        raw = {k: v for k, v in record.items() if v not in (None, "") or k == "email"}
        status = str(raw.pop("status", "") or "").strip().lower() or None
        consent_at = raw.pop("consent_at", None)
        list_names = raw.pop("lists", None)
        errors: dict[str, str] = {}
        try:
            data = clean_input(session, raw, topics_index=topics, delegations_index=delegations)
        except ContactError as exc:
            errors.update(exc.fields)
            data = None
        if status is not None and status not in IMPORT_STATUSES:
            errors["status"] = f"unknown status {status!r}"
        try:
            outcome.consent_at = _parse_time(consent_at)
        except ValueError as exc:
            errors["consent_at"] = str(exc)
        list_ids = []
        # List names may hold commas, so only ; and | separate them here.
        for name in split_values(list_names.split(";") if isinstance(list_names, str) else list_names):
            if name.casefold() not in lists:
                errors["lists"] = f"unknown list {name!r}"
                break
            list_ids.append(lists[name.casefold()])
        if data is not None and not data.email:
            errors.setdefault("email", "an email address is required")
        if data is not None and data.email and data.email in seen:
            errors["email"] = f"duplicate of row {seen[data.email]} in this file"
        if errors or data is None:
            outcome.errors = errors
            outcome.email = str(record.get("email") or "")
            continue
        seen[data.email] = row
        if list_names is not None:
            data.list_ids = list_ids
        outcome.email, outcome.data, outcome.status = data.email, data, status
        digest = hash_of(data.email)
        if data.email in existing:
            outcome.action = "update"
        elif suppressed.get(digest) == "erasure":
            outcome.action = "skip"
            outcome.message = "this address was erased on request and is on the suppression list"
        elif not data.name:
            outcome.errors = {"name": "required for a new contact"}
        else:
            outcome.action = "create"
            if digest in suppressed:
                outcome.message = "on the suppression list: imported as suppressed"
    _mark_unchanged(session, [o for o in outcomes if o.action == "update"], existing)
    return ImportPlan(rows=outcomes, source=source)


def _mark_unchanged(session: Session, updates: list[RowOutcome], existing: dict[str, int]) -> None:
    """Decide, without writing, which updates would change nothing."""
    by_id = {existing[o.email]: o for o in updates}
    ids = list(by_id)
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        contacts = session.scalars(select(Contact).where(Contact.id.in_(chunk))
                                   .options(selectinload(Contact.memberships)))
        for contact in contacts:
            outcome = by_id[contact.id]
            outcome.changes = _would_change(contact, outcome.data)
            outcome.diff = _change_values(session, contact, outcome.data, outcome.changes)
            if outcome.status not in (None, contact.status) and contact.status in ("active", "unconfirmed"):
                outcome.changes.append("status")
                outcome.diff["status"] = (contact.status, outcome.status)
            elif outcome.status not in (None, contact.status):
                outcome.message = f"stays {contact.status}"
            if not outcome.changes:
                outcome.action = "unchanged"


def _would_change(contact: Contact, data: ContactInput) -> list[str]:
    changes = [name for name in ("name", "role", "country", "notes", "consent_basis", "consent_source")
               if getattr(data, name) is not None and getattr(contact, name) != getattr(data, name)]
    outlet = contact.outlet.name_key if contact.outlet else None
    if data.outlet is not None and (" ".join(data.outlet.casefold().split()) or None) != outlet:
        changes.append("outlet")
    if data.languages is not None and contact.languages != data.languages:
        changes.append("languages")
    if data.topics is not None and sorted(contact.topics) != sorted(data.topics):
        changes.append("topics")
    if data.phones is not None and data.phones != [{"number": p.number, "label": p.label, "public": p.public}
                                                   for p in contact.phones]:
        changes.append("phones")
    if data.list_ids is not None and sorted(set(data.list_ids)) != contact.list_ids:
        changes.append("lists")
    if data.delegation_id is not None and (data.delegation_id or None) != contact.delegation_id:
        changes.append("delegation")
    return changes


def _phones_text(phones: list[dict]) -> str:
    return ", ".join(f"{p['number']} ({p['label']})" for p in phones)


def _change_values(session: Session, contact: Contact, data: ContactInput, changes: list[str]) -> dict:
    """{field: (value now, value in the file)} as text for each of ``changes``, so the preview shows
    what an update would overwrite rather than only which fields."""
    def list_names(ids) -> str:
        names = dict(session.execute(select(ContactList.id, ContactList.name).where(ContactList.id.in_(ids))).all()) \
            if ids else {}
        return ", ".join(names.get(i, str(i)) for i in sorted(set(ids)))

    def delegation_name(delegation_id) -> str:
        found = session.get(Delegation, delegation_id) if delegation_id else None
        return found.name if found else ""

    diff = {}
    for name in changes:
        if name in ("name", "role", "country", "notes", "consent_basis", "consent_source"):
            diff[name] = (getattr(contact, name) or "", getattr(data, name) or "")
        elif name == "outlet":
            diff[name] = (contact.outlet.name if contact.outlet else "", data.outlet or "")
        elif name in ("languages", "topics"):
            diff[name] = (", ".join(getattr(contact, name)), ", ".join(getattr(data, name)))
        elif name == "phones":
            diff[name] = (_phones_text([{"number": p.number, "label": p.label} for p in contact.phones]),
                          _phones_text(data.phones))
        elif name == "lists":
            diff[name] = (list_names(contact.list_ids), list_names(data.list_ids))
        elif name == "delegation":
            diff[name] = (delegation_name(contact.delegation_id), delegation_name(data.delegation_id))
    return {name: (old[:200], new[:200]) for name, (old, new) in diff.items()}


def apply_import(session: Session, plan: ImportPlan, actor: Actor) -> dict:
    """Write a plan in the caller's transaction; returns the report."""
    creates = [o for o in plan.rows if o.action == "create"]
    updates = [o for o in plan.rows if o.action == "update"]
    if creates:
        _bulk_create(session, creates, plan.source, actor)
    if updates:
        _apply_updates(session, updates, actor)
    report = plan.report()
    actor.record(session, "contacts.import", object_type="import",
                 details={k: report[k] for k in ("created", "updated", "skipped", "unchanged", "rejected")})
    return report


def _bulk_create(session: Session, creates: list[RowOutcome], source: str, actor: Actor) -> None:
    now = utcnow()
    connection = session.connection()
    outlets = dict(session.execute(select(Outlet.name_key, Outlet.id)).all())
    outlet_names = dict(session.execute(select(Outlet.name_key, Outlet.name)).all())
    new_outlets: dict[str, str] = {}
    for outcome in creates:
        name = outcome.data.outlet
        key = " ".join(name.casefold().split()) if name else None
        if key and key not in outlets and key not in new_outlets:
            new_outlets[key] = " ".join(name.split())
    outlet_rows = [{"name": name, "name_key": key, "kind": "other", "country": None, "website": ""}
                   for key, name in new_outlets.items()]
    outlets.update(zip(new_outlets, insert_returning_ids(connection, Outlet.__table__, outlet_rows)))
    outlet_names.update(new_outlets)
    topics = {t.slug: t.id for t in vocab.topic_index(session).values()}
    suppressed = dict(session.execute(select(Suppression.email_hash, Suppression.source)).all())
    hash_of = email_hasher(session)
    rows, outlet_keys = [], []
    for outcome in creates:
        data = outcome.data
        key = " ".join(data.outlet.casefold().split()) if data.outlet else None
        outlet_keys.append(key)
        status = outcome.status or data.status or "active"
        if hash_of(data.email) in suppressed and status in ("active", "unconfirmed"):
            status = "suppressed"
        search = " ".join(vocab.fold(f"{data.name} {data.email} {outlet_names[key] if key else ''}").split())
        rows.append({
            "name": data.name, "name_key": name_key(data.name), "email": data.email, "outlet_id": outlets[key] if key else None,
            "role": data.role or "", "country": data.country, "delegation_id": data.delegation_id or None,
            "notes": data.notes or "", "status": status,
            "status_reason": "", "consent_basis": data.consent_basis or "legitimate_interest",
            "consent_source": data.consent_source or source, "consent_at": outcome.consent_at or now,
            "token": new_token(), "search_text": search[:800], "created_at": now, "updated_at": now,
        })
    # Core inserts and COPY (not ORM units of work): a 100,000-row import spends its time here.
    new_ids = insert_returning_ids(connection, Contact.__table__, rows)
    ids = {row["email"]: new_id for row, new_id in zip(rows, new_ids)}
    languages, topic_rows, phones, memberships, events = [], [], [], [], []
    for outcome in creates:
        contact_id, data = ids[outcome.data.email], outcome.data
        languages += [{"contact_id": contact_id, "code": c, "position": i} for i, c in enumerate(data.languages or [])]
        topic_rows += [{"contact_id": contact_id, "topic_id": topics[s]} for s in data.topics or []]
        phones += [{"contact_id": contact_id, **p} for p in data.phones or []]
        memberships += [{"list_id": i, "contact_id": contact_id, "added_at": now} for i in sorted(set(data.list_ids or []))]
        events.append({"contact_id": contact_id, "kind": "created", "actor_label": actor.label, "at": now,
                       "details": {"source": source, "row": outcome.row}})
    for model, values in ((ContactLanguage, languages), (ContactTopic, topic_rows), (ContactPhone, phones),
                          (ListMembership, memberships), (ContactEvent, events)):
        bulk_insert(connection, model.__table__, values)
    index_new_contacts(session, ((ids[row["email"]], row["name"], row["email"], outlet_names.get(key) if key else None,
                            row["role"], row["search_text"]) for row, key in zip(rows, outlet_keys)))
    for outcome in creates:
        source_name = IMPORT_STATUSES.get(outcome.status or "")
        if source_name:
            _add_suppression(session, outcome.data.email, source_name, "imported as " + outcome.status, actor)


def _apply_updates(session: Session, updates: list[RowOutcome], actor: Actor) -> None:
    by_email = {o.email: o for o in updates}
    emails = list(by_email)
    reindex = []
    for start in range(0, len(emails), 500):
        for contact in session.scalars(select(Contact).where(Contact.email.in_(emails[start:start + 500]))):
            outcome = by_email[contact.email]
            data = outcome.data
            # A suppressed, unsubscribed or bounced contact is never made active by an import.
            if outcome.status in ("active", "unconfirmed") and contact.status in ("active", "unconfirmed"):
                data.status = outcome.status
            else:
                data.status = None
            changed = _apply(session, contact, data)
            new_source = IMPORT_STATUSES.get(outcome.status or "")
            if new_source and contact.status in ("active", "unconfirmed"):
                _add_suppression(session, contact.email, new_source, "imported as " + outcome.status, actor)
                contact.status = STATUS_FOR_SOURCE[new_source]
                changed.append("status")
            if changed:
                contact.search_text = _search_text(contact)
                log_event(session, contact.id, "updated", actor, fields=changed, source="import", row=outcome.row)
            if INDEXED & set(changed):
                reindex.append(contact)
    session.flush()
    index_contacts(session, reindex)
