"""Distribution lists and saved segments."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from contacts.errors import ContactError
from contacts.history import log_event
from contacts.models import Contact, ContactList, ListMembership, Segment
from contacts.search import ContactFilter, matching_ids
from contacts.text import control_problem, strip_invisible
from storage.audit import Actor
from storage.db import utcnow


def _clean_description(description) -> str:
    text = strip_invisible(str(description or "")).strip()
    if control_problem(text, multiline=True):
        raise ContactError("the description has control characters", {"description": "contains control characters"})
    return text


def _clean_name(name) -> str:
    name = " ".join(strip_invisible(str(name or "")).split())
    if not name:
        raise ContactError("a name is required", {"name": "required"})
    if control_problem(name):
        raise ContactError("the name has control characters", {"name": control_problem(name)})
    if len(name) > 200:
        raise ContactError("the name is too long", {"name": "longer than 200 characters"})
    if ";" in name or "|" in name:
        raise ContactError("names cannot contain ; or | (they separate names in CSV files)", {"name": "has ; or |"})
    return name


def get_list(session: Session, list_id: int) -> ContactList:
    """The list with this id; ContactError if there is none."""
    found = session.get(ContactList, list_id)
    if found is None:
        raise ContactError(f"no list {list_id}", {"lists": f"no list with id {list_id}"})
    return found


def all_lists(session: Session) -> list[ContactList]:
    """Every list, by name."""
    return list(session.scalars(select(ContactList).order_by(ContactList.name)))


def list_sizes(session: Session) -> dict[int, int]:
    """Number of members per list id."""
    rows = session.execute(select(ListMembership.list_id, func.count()).group_by(ListMembership.list_id))
    return dict(rows.all())


def find_list_by_name(session: Session, name: str) -> ContactList | None:
    """The list with exactly this name, or None."""
    return session.scalar(select(ContactList).where(ContactList.name == " ".join(name.split())))


def create_list(session: Session, name: str, actor: Actor, *, description: str = "",
                embargo_trusted: bool = False) -> ContactList:
    """Create a list; the name must be unique."""
    name = _clean_name(name)
    if find_list_by_name(session, name) is not None:
        raise ContactError("a list with this name exists", {"name": "already used"})
    created = ContactList(name=name, description=_clean_description(description), embargo_trusted=bool(embargo_trusted))
    session.add(created)
    session.flush()
    actor.record(session, "list.create", object_type="list", object_id=created.id,
                 details={"embargo_trusted": created.embargo_trusted})
    return created


def update_list(session: Session, target: ContactList, actor: Actor, **changes) -> ContactList:
    """Rename a list, change its description or its embargo trust."""
    if "name" in changes and changes["name"] is not None:
        name = _clean_name(changes["name"])
        other = find_list_by_name(session, name)
        if other is not None and other.id != target.id:
            raise ContactError("a list with this name exists", {"name": "already used"})
        target.name = name
    if changes.get("description") is not None:
        target.description = _clean_description(changes["description"])
    if changes.get("embargo_trusted") is not None:
        target.embargo_trusted = bool(changes["embargo_trusted"])
    actor.record(session, "list.update", object_type="list", object_id=target.id,
                 details={"embargo_trusted": target.embargo_trusted})
    return target


def delete_list(session: Session, target: ContactList, actor: Actor) -> None:
    """Delete a list (its contacts stay)."""
    actor.record(session, "list.delete", object_type="list", object_id=target.id)
    session.delete(target)


def add_to_list(session: Session, target: ContactList, contact_ids: list[int], actor: Actor) -> int:
    """Add contacts to a list; returns how many were new members."""
    wanted = set(int(i) for i in contact_ids)
    known = set(session.scalars(select(Contact.id).where(Contact.id.in_(wanted)))) if wanted else set()
    if wanted - known:
        raise ContactError("some contacts do not exist", {"contact_ids": f"unknown ids {sorted(wanted - known)}"})
    present = set(session.scalars(select(ListMembership.contact_id).where(
        ListMembership.list_id == target.id, ListMembership.contact_id.in_(wanted)))) if wanted else set()
    new = sorted(wanted - present)
    now = utcnow()
    for contact_id in new:
        session.add(ListMembership(list_id=target.id, contact_id=contact_id, added_at=now))
        log_event(session, contact_id, "list.added", actor, list_id=target.id, list=target.name)
    if new:
        actor.record(session, "list.add_members", object_type="list", object_id=target.id,
                     details={"count": len(new)})
    session.flush()
    return len(new)


def remove_from_list(session: Session, target: ContactList, contact_ids: list[int], actor: Actor) -> int:
    """Take contacts off a list; returns how many were removed."""
    ids = [int(i) for i in contact_ids]
    # Only real members get a history line (and unknown ids cannot break the insert).
    members = list(session.scalars(select(ListMembership.contact_id).where(
        ListMembership.list_id == target.id, ListMembership.contact_id.in_(ids)))) if ids else []
    removed = session.execute(delete(ListMembership).where(ListMembership.list_id == target.id,
                                                           ListMembership.contact_id.in_(members)))
    for contact_id in members:
        log_event(session, contact_id, "list.removed", actor, list_id=target.id, list=target.name)
    actor.record(session, "list.remove_members", object_type="list", object_id=target.id,
                 details={"count": removed.rowcount})
    return removed.rowcount


def list_to_dict(target: ContactList, size: int | None = None) -> dict:
    """docs/design/contract.md's list object (with its size as an extra)."""
    data = {"id": target.id, "name": target.name, "description": target.description,
            "embargo_trusted": target.embargo_trusted}
    if size is not None:
        data["size"] = size
    return data


def create_segment(session: Session, name: str, filters: dict, actor: Actor, description: str = "") -> Segment:
    """Save a filter under a name."""
    name = _clean_name(name)
    try:
        flt = ContactFilter.from_dict(filters)
    except ValueError as exc:
        raise ContactError(str(exc), {"filters": str(exc)}) from None
    if flt.is_empty():
        raise ContactError("a segment needs at least one filter", {"filters": "empty"})
    if session.scalar(select(Segment.id).where(Segment.name == name)) is not None:
        raise ContactError("a segment with this name exists", {"name": "already used"})
    segment = Segment(name=name, description=_clean_description(description), filters=flt.to_dict())
    session.add(segment)
    session.flush()
    actor.record(session, "segment.create", object_type="segment", object_id=segment.id)
    return segment


def delete_segment(session: Session, segment: Segment, actor: Actor) -> None:
    """Delete a saved segment (the contacts it matched are untouched)."""
    actor.record(session, "segment.delete", object_type="segment", object_id=segment.id)
    session.delete(segment)


def all_segments(session: Session) -> list[Segment]:
    """Every saved segment, by name."""
    return list(session.scalars(select(Segment).order_by(Segment.name)))


def segment_filter(segment: Segment) -> ContactFilter:
    """The filter a segment stands for."""
    return ContactFilter.from_dict(segment.filters)


def resolve_segment(session: Session, segment: Segment) -> list[int]:
    """The ids of the contacts the segment matches now."""
    return matching_ids(session, segment_filter(segment))


def segment_to_dict(segment: Segment) -> dict:
    """A segment as JSON."""
    return {"id": segment.id, "name": segment.name, "description": segment.description, "filters": segment.filters}
