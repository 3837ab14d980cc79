"""Delegations: creating, correcting (with an audit trail of old -> new), finding
and listing them "as of" any day, and their focal points (no Flask).

Every function takes a SQLAlchemy session and leaves the commit to the caller;
bad input raises ContactError with field-level messages, a missing delegation
LookupError, a change only an admin may make NotAllowed, as in contacts.service.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from contacts import vocab
from contacts.delegation_input import (FIELDS, TREATY_FIELDS, check_delegation, clean_fields, delegation_name_key,
                                       delegation_search_text, parse_date)
from contacts.errors import ContactError, NotAllowed
from contacts.history import log_event
from contacts.models import DELEGATION_KINDS, STATE_KINDS, Contact, Delegation
from contacts.treaty_status import in_force_on, status_on, status_sql
from storage.audit import SYSTEM, Actor
from storage.db import escape_like, utcnow


def _today() -> dt.date:
    return utcnow().date()


def _values(delegation: Delegation) -> dict:
    return {name: getattr(delegation, name) for name in FIELDS}


def _plain(value):
    """A value as the audit log's JSON holds it."""
    return value.isoformat() if isinstance(value, dt.date) else value


def _check_unique(session: Session, values: dict, own_id: int | None) -> None:
    others = select(Delegation.id).where(Delegation.id != own_id) if own_id else select(Delegation.id)
    errors = {}
    if session.scalar(others.where(Delegation.name_key == delegation_name_key(values["name"]))) is not None:
        errors["name"] = "another delegation has this name"
    if values["kind"] in STATE_KINDS and session.scalar(
            others.where(Delegation.country == values["country"], Delegation.kind.in_(STATE_KINDS))) is not None:
        errors["country"] = f"another State delegation has the country {values['country']}"
    if errors:
        raise ContactError("some fields are not valid", errors)


def _touches_treaty(before: dict, after: dict) -> list[str]:
    """Fields whose change decides who is a State (Party): admins only."""
    changed = [n for n in TREATY_FIELDS if n != "kind" and before.get(n) != after.get(n)]
    if before.get("kind") != after.get("kind") and (before.get("kind") in STATE_KINDS
                                                    or after.get("kind") in STATE_KINDS):
        changed.append("kind")
    return changed


def _store(delegation: Delegation, values: dict) -> None:
    for name in FIELDS:
        setattr(delegation, name, _or_blank(values, name))
    delegation.name_key = delegation_name_key(delegation.name)
    delegation.search_text = delegation_search_text(delegation.name, delegation.name_fr, delegation.name_es,
                                                    delegation.country)
    delegation.updated_at = utcnow()


def _or_blank(values: dict, name: str):
    """The stored form of a field: text fields are never NULL."""
    if values.get(name) is not None:
        return values[name]
    return "" if name in ("name_fr", "name_es", "mission_address", "mission_email", "mission_phone", "notes") \
        else None


@dataclass
class DelegationChange:
    """A checked change to one delegation (or a new one), not yet written."""

    delegation: Delegation | None  # None: a new delegation
    values: dict
    diff: dict[str, list]  # field -> [old, new], as the audit log keeps it


def prepare_change(session: Session, delegation: Delegation | None, raw: dict, actor: Actor, *,
                   today: dt.date | None = None) -> DelegationChange:
    """Check ``raw`` as a new delegation or a change to ``delegation``; writes nothing.

    Raises ContactError (field-level) for bad input and NotAllowed when someone
    other than an admin touches treaty fields (a State's kind, country, dates).
    For a State the dates decide which State kind it is: a new State's kind only
    says "a State", and so does a kind that repeats the stored one (an object sent
    back unchanged never fails), but changing a State's kind to one its dates
    contradict is refused: the dates are what to correct.
    """
    changes = clean_fields(raw)
    before = _values(delegation) if delegation is not None else dict.fromkeys(FIELDS)
    kind_given = delegation is not None and "kind" in changes and changes["kind"] != before["kind"]
    after = check_delegation({**before, **changes}, today or _today(), kind_given=kind_given)
    treaty = _touches_treaty(before, after)
    if treaty and not actor.is_admin:
        raise NotAllowed("only an admin changes a delegation's treaty status, country or dates",
                         {name: "admins only" for name in treaty})
    _check_unique(session, after, delegation.id if delegation is not None else None)
    diff = {name: [_plain(before[name]) if delegation is not None else None, _plain(_or_blank(after, name))]
            for name in FIELDS}
    return DelegationChange(delegation, after, {name: pair for name, pair in diff.items() if pair[0] != pair[1]})


def save_change(session: Session, change: DelegationChange, actor: Actor) -> Delegation:
    """Write a prepared change with its audit line (nothing when nothing changed)."""
    if change.delegation is not None and not change.diff:
        return change.delegation
    delegation = change.delegation or Delegation()
    _store(delegation, change.values)
    if change.delegation is None:
        session.add(delegation)
    session.flush()
    if change.delegation is None:
        actor.record(session, "delegation.create", object_type="delegation", object_id=delegation.id,
                     details={"name": delegation.name, "kind": delegation.kind})
    else:
        actor.record(session, "delegation.update", object_type="delegation", object_id=delegation.id,
                     details={"changes": change.diff})
    return delegation


def create_delegation(session: Session, raw: dict, actor: Actor, *, today: dt.date | None = None) -> Delegation:
    """Create a delegation; a State (any State kind) only by an admin."""
    return save_change(session, prepare_change(session, None, raw, actor, today=today), actor)


def update_delegation(session: Session, delegation_id: int, raw: dict, actor: Actor, *,
                      today: dt.date | None = None) -> dict[str, list]:
    """Correct a delegation; returns ``{field: [old, new]}`` for what changed, which the audit log keeps.

    Treaty fields (kind between States and others, country, dates) change only by an admin.
    """
    change = prepare_change(session, get_delegation(session, delegation_id), raw, actor, today=today)
    save_change(session, change, actor)
    return change.diff


def delete_delegation(session: Session, delegation_id: int, actor: Actor) -> None:
    """Delete a delegation (admins only); its focal points stay, without a delegation."""
    if not actor.is_admin:
        raise NotAllowed("only an admin deletes a delegation")
    delegation = get_delegation(session, delegation_id)
    members = focal_points(session, delegation.id)
    for contact in members:
        contact.delegation = None
        contact.delegation_id = None
        log_event(session, contact.id, "updated", actor, fields=["delegation"], source="delegation deleted")
    actor.record(session, "delegation.delete", object_type="delegation", object_id=delegation.id,
                 details={"name": delegation.name, "kind": delegation.kind, "focal_points": len(members)})
    session.flush()
    session.delete(delegation)
    session.flush()


def get_delegation(session: Session, delegation_id: int) -> Delegation:
    """The delegation with this id; LookupError if there is none."""
    delegation = session.get(Delegation, delegation_id)
    if delegation is None:
        raise LookupError(f"no delegation {delegation_id}")
    return delegation


def _kinds(kind) -> tuple[str, ...]:
    kinds = (kind,) if isinstance(kind, str) else tuple(kind)
    bad = [k for k in kinds if k not in DELEGATION_KINDS]
    if bad:
        raise ContactError("some fields are not valid", {"kind": f"must be one of {', '.join(DELEGATION_KINDS)}"})
    return kinds


def _filtered(query: Select, kind, q: str | None, on) -> Select:
    if on not in (None, ""):
        try:
            on = parse_date(on)
        except ValueError as exc:
            raise ContactError("some fields are not valid", {"on": str(exc)}) from None
    if kind not in (None, "", ()):
        column = status_sql(on) if on else Delegation.kind
        query = query.where(column.in_(_kinds(kind)))
    for word in vocab.search_words(q or ""):
        query = query.where(Delegation.search_text.like(f"%{escape_like(word)}%", escape="\\"))
    return query


def list_delegations(session: Session, *, kind: str | Sequence[str] | None = None, q: str | None = None,
                     on: dt.date | str | None = None, limit: int | None = None, offset: int = 0) -> list[Delegation]:
    """Delegations by name; ``kind`` filters (one kind or several), ``q`` searches names in
    three languages and country codes, and ``on`` makes ``kind`` the status as of that day."""
    query = _filtered(select(Delegation), kind, q, on).order_by(Delegation.name_key, Delegation.id)
    if limit is not None:
        query = query.limit(max(0, limit)).offset(max(0, offset))
    return list(session.scalars(query))


def count_delegations(session: Session, *, kind: str | Sequence[str] | None = None, q: str | None = None,
                      on: dt.date | str | None = None) -> int:
    """How many delegations :func:`list_delegations` would give without a limit."""
    return session.scalar(_filtered(select(func.count(Delegation.id)), kind, q, on))


def refresh_state_kinds(session: Session, day: dt.date | None = None, actor: Actor = SYSTEM) -> dict[int, list]:
    """Store each State's status on ``day`` (today) as its kind; returns ``{id: [old, new]}``.

    A withdrawal or an entry that takes effect changes no row by itself: a daily
    job calls this so the stored kind stays the current status.
    """
    day = day or _today()
    changed = {}
    for delegation in session.scalars(select(Delegation).where(Delegation.kind.in_(STATE_KINDS))):
        new = status_on(delegation, day)
        if new != delegation.kind:
            changed[delegation.id] = [delegation.kind, new]
            actor.record(session, "delegation.status", object_type="delegation", object_id=delegation.id,
                         details={"changes": {"kind": [delegation.kind, new]}, "as_of": day.isoformat()})
            delegation.kind = new
            delegation.updated_at = utcnow()
    session.flush()
    return changed


def delegation_index(session: Session) -> dict[str, int]:
    """Delegation ids by how people name them: folded English name, id, a State's ISO code,
    then French and Spanish names where they name no other delegation."""
    rows = session.execute(select(Delegation.id, Delegation.name_key, Delegation.name_fr, Delegation.name_es,
                                  Delegation.kind, Delegation.country)).all()
    index = {name_key: delegation_id for delegation_id, name_key, *_ in rows}
    index.update({str(row.id): row.id for row in rows})
    index.update({row.country.casefold(): row.id for row in rows if row.kind in STATE_KINDS and row.country})
    for row in rows:
        for name in (row.name_fr, row.name_es):
            if name:
                index.setdefault(delegation_name_key(name), row.id)
    return index


def resolve_delegation(index: dict[str, int], value) -> int:
    """The id of the delegation ``value`` names (id, name, ISO code); ValueError if none."""
    key = delegation_name_key(str(value))
    if key not in index:
        raise ValueError(f"unknown delegation {str(value).strip()[:60]!r}")
    return index[key]


def focal_points(session: Session, delegation_id: int) -> list[Contact]:
    """The contacts who belong to this delegation, by name."""
    query = select(Contact).where(Contact.delegation_id == delegation_id).order_by(Contact.name_key, Contact.id)
    return list(session.scalars(query))


def focal_point_ids(session: Session, delegation_ids: Sequence[int]) -> dict[int, list[int]]:
    """Contact ids per delegation, for listing many delegations with their focal points."""
    found: dict[int, list[int]] = {i: [] for i in delegation_ids}
    rows = session.execute(select(Contact.delegation_id, Contact.id)
                           .where(Contact.delegation_id.in_(list(delegation_ids))).order_by(Contact.id))
    for delegation_id, contact_id in rows:
        found[delegation_id].append(contact_id)
    return found


def delegation_to_dict(delegation: Delegation, *, focal_points: list[int] | None = None,
                       on: dt.date | None = None) -> dict:
    """docs/design/contract.md's delegation object; with ``on``, ``kind`` is the status that day."""
    day = on or _today()
    return {
        "id": delegation.id,
        "name": delegation.name,
        "names": {"en": delegation.name, "fr": delegation.name_fr, "es": delegation.name_es},
        "kind": status_on(delegation, on) if on else delegation.kind,
        "country": delegation.country,
        **{name: _plain(getattr(delegation, name)) for name in ("signed_on", "joined_on", "in_force_on",
                                                                 "withdrawal_notified_on",
                                                                 "withdrawal_effective_on")},
        "joined_by": delegation.joined_by,
        "in_force": in_force_on(delegation, day),
        "mission": {"address": delegation.mission_address, "email": delegation.mission_email,
                    "phone": delegation.mission_phone},
        "notes": delegation.notes,
        "focal_points": focal_points if focal_points is not None else [],
        "updated_at": delegation.updated_at.isoformat(),
    }
