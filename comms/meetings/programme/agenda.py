"""A meeting's agenda: numbered items and sub-items (``11(a)``), titles per language and the
register documents of each item (no Flask)."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from comms.meetings.programme.models import AgendaItem
from comms.meetings.programme.sessions import ProgrammeError, check_registered, check_symbols, check_titles
from comms.meetings.service import Meeting
from storage.audit import Actor

MAX_ITEMS = 200
# "5", "11", "11(a)", "11 (b)": an item, or a sub-item of one.
NUMBER = re.compile(r"^(\d{1,3})(?:\s?\(([a-z]{1,3})\))?$")


def items_of(session: Session, meeting: Meeting) -> list[AgendaItem]:
    """The agenda's items in order."""
    query = select(AgendaItem).where(AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.position)
    return list(session.scalars(query))


def clean_items(raw) -> list[dict]:
    """Checked agenda items; ProgrammeError naming each bad one."""
    if not isinstance(raw, list) or len(raw) > MAX_ITEMS:
        raise ProgrammeError(f"items must be a list of at most {MAX_ITEMS}", fields={"items": "not a list"})
    errors: dict[str, str] = {}
    cleaned, seen = [], set()
    for index, item in enumerate(raw):
        where = f"items[{index}]"
        if not isinstance(item, dict):
            errors[where] = "each item is an object"
            continue
        number = str(item.get("number", "")).strip()
        match = NUMBER.match(number)
        if not match:
            errors[f"{where}.number"] = "an item number is digits, maybe with a sub-item letter: 5, 11(a)"
            continue
        number = match.group(1) + (f"({match.group(2)})" if match.group(2) else "")
        if number in seen:
            errors[f"{where}.number"] = f"item {number} appears twice"
        if match.group(2) and match.group(1) not in seen:
            errors[f"{where}.number"] = f"sub-item {number} comes after item {match.group(1)}"
        seen.add(number)
        titles = check_titles(item.get("title"), f"{where}.title", errors)
        documents = check_symbols(item.get("documents"), f"{where}.documents", errors)
        cleaned.append({"number": number, "title": titles, "documents": documents})
    if errors:
        raise ProgrammeError("some agenda items are not valid", fields=errors)
    return cleaned


def save_agenda(session: Session, meeting: Meeting, raw, actor: Actor) -> list[AgendaItem]:
    """Replace the meeting's agenda with ``raw`` items (all or nothing)."""
    cleaned = clean_items(raw)
    # An agenda cites documents that exist: a typo'd symbol would print a dead reference.
    errors: dict[str, str] = {}
    check_registered(session, meeting, {f"items[{index}].documents": item["documents"]
                                        for index, item in enumerate(cleaned)}, errors)
    if errors:
        raise ProgrammeError("; ".join(f"item {cleaned[int(where[6:where.index(']')])]['number']}: {problem}"
                                       for where, problem in errors.items()), fields=errors)
    for old in items_of(session, meeting):
        session.delete(old)
    session.flush()
    items = [AgendaItem(meeting_id=meeting.id, position=position, number=item["number"], titles=item["title"],
                        documents=item["documents"]) for position, item in enumerate(cleaned)]
    session.add_all(items)
    session.flush()
    actor.record(session, "agenda.save", object_type="meeting", object_id=meeting.id,
                 details={"items": len(items)})
    return items


def agenda_to_dict(items: list[AgendaItem]) -> dict:
    """the API contract's agenda object."""
    return {"items": [{"number": item.number, "title": dict(item.titles), "documents": list(item.documents)}
                      for item in items]}


def is_sub_item(number: str) -> bool:
    """True for ``11(a)``, False for ``11``."""
    return "(" in number
