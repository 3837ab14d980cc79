"""Bilateral meetings between a meeting's office holders and delegations (no Flask).

An office holder publishes windows of availability; a delegation's request names a topic
and attendees; the office holder or an officer proposes a slot and room, then confirms.
Nobody holds two bilaterals at once (409). The invitation's UID is fixed when the
request is made, so every update and the cancellation replace the same calendar entry.
"""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from comms.accounts.users import User
from comms.meetings.programme.models import BUSY, Availability, Bilateral, Programme
from comms.meetings.programme.sessions import (ProgrammeError, chaired_by, check_text, overlaps, parse_moment,
                                               room_name, same_room, session_title, side_event_sessions)
from comms.meetings.service import SIDE_EVENT_MARGIN_DAYS, Meeting
from contacts.models import Delegation
from storage.audit import Actor
from storage.db import utcnow

MAX_ATTENDEES = 30
MAX_NOTES = 20_000


def _holder(meeting: Meeting, user_id) -> User:
    holder = next((h.user for h in meeting.office_holders if h.user_id == user_id), None)
    if holder is None:
        raise ProgrammeError("not an office holder of this meeting", fields={"office_holder_id": "not an office holder"})
    return holder


def _slot(meeting: Meeting, starts_raw, ends_raw, margin_days: int) -> tuple[dt.datetime, dt.datetime]:
    starts = parse_moment(meeting, starts_raw, "starts_at")
    ends = parse_moment(meeting, ends_raw, "ends_at")
    if ends <= starts:
        raise ProgrammeError("a meeting must end after it starts", fields={"ends_at": "before the start"})
    if ends - starts > dt.timedelta(hours=12):
        raise ProgrammeError("a bilateral lasts at most 12 hours", fields={"ends_at": "too long"})
    # Bilaterals happen at the meeting, or as close around it as side events may
    # (PRESSROOM_SIDE_EVENT_MARGIN_DAYS); the meeting's days are its own, in its zone.
    margin = dt.timedelta(days=max(margin_days, 0))
    first, last = meeting.starts_on - margin, meeting.ends_on + margin
    if meeting.local(starts).date() < first or meeting.local(ends - dt.timedelta(microseconds=1)).date() > last:
        around = f" or up to {margin_days} day{'s' if margin_days != 1 else ''} around them" if margin_days else ""
        raise ProgrammeError(f"a bilateral falls within the meeting's dates ({meeting.starts_on.isoformat()} to "
                             f"{meeting.ends_on.isoformat()}, {meeting.timezone}){around}",
                             fields={"starts_at": f"between {first.isoformat()} and {last.isoformat()}"})
    return starts, ends


def availability_of(session: Session, meeting: Meeting, user_id: int) -> list[Availability]:
    """An office holder's windows for this meeting, in time order."""
    query = select(Availability).where(Availability.meeting_id == meeting.id,
                                       Availability.office_holder_id == user_id).order_by(Availability.starts_at)
    return list(session.scalars(query))


def set_availability(session: Session, meeting: Meeting, user_id: int, windows: list, actor: Actor,
                     margin_days: int = SIDE_EVENT_MARGIN_DAYS) -> list[Availability]:
    """Replace an office holder's windows (``[{"starts_at", "ends_at"}]``, times with an offset) within
    ``margin_days`` of the meeting's dates."""
    _holder(meeting, user_id)
    if not isinstance(windows, list) or len(windows) > 200:
        raise ProgrammeError("windows must be a list of at most 200", fields={"windows": "not a list"})
    cleaned = []
    for index, window in enumerate(windows):
        if not isinstance(window, dict):
            raise ProgrammeError("each window has starts_at and ends_at", fields={f"windows[{index}]": "not an object"})
        cleaned.append(_slot(meeting, window.get("starts_at"), window.get("ends_at"), margin_days))
    for old in availability_of(session, meeting, user_id):
        session.delete(old)
    made = [Availability(meeting_id=meeting.id, office_holder_id=user_id, starts_at=s, ends_at=e) for s, e in cleaned]
    session.add_all(made)
    session.flush()
    actor.record(session, "availability.save", object_type="meeting", object_id=meeting.id,
                 details={"office_holder_id": user_id, "windows": len(made)})
    return sorted(made, key=lambda w: w.starts_at)


def clash(session: Session, office_holder_id: int, starts: dt.datetime, ends: dt.datetime,
          own_id: int | None = None) -> Bilateral | None:
    """Another proposed or confirmed bilateral of this office holder overlapping the slot."""
    query = select(Bilateral).where(Bilateral.office_holder_id == office_holder_id, Bilateral.status.in_(BUSY),
                                    Bilateral.starts_at < ends, Bilateral.ends_at > starts)
    if own_id is not None:
        query = query.where(Bilateral.id != own_id)
    return session.scalars(query.order_by(Bilateral.starts_at)).first()


def planned_sessions(session: Session, meeting: Meeting) -> list[dict]:
    """The sessions a bilateral must not collide with: the programme's newest version and the side events."""
    programme = session.scalar(select(Programme).where(Programme.meeting_id == meeting.id))
    found = list(programme.current.content["sessions"]) if programme and programme.current else []
    return found + side_event_sessions(meeting)


def _check_sessions(session: Session, bilateral: Bilateral, starts: dt.datetime, ends: dt.datetime, room: str) -> None:
    meeting, holder = bilateral.meeting, bilateral.office_holder
    for item in planned_sessions(session, meeting):
        if not overlaps(item, starts, ends):
            continue
        title = session_title(item, "en")
        if chaired_by(meeting, item.get("chair") or "", holder.id):
            raise ProgrammeError(f"{holder.display_name} chairs \"{title}\" then and cannot meet "
                                 f"{bilateral.delegation.name} at the same time", status=409,
                                 fields={"starts_at": "the office holder chairs a session then"})
        if same_room(room or "", item.get("room") or ""):
            raise ProgrammeError(f"{room} cannot hold the bilateral with {bilateral.delegation.name} and the session "
                                 f"\"{title}\" at once", fields={"room": "room already taken by a session"})


def _check_slot(session: Session, bilateral: Bilateral, starts: dt.datetime, ends: dt.datetime,
                room: str | None = None) -> None:
    meeting = bilateral.meeting
    other = clash(session, bilateral.office_holder_id, starts, ends, bilateral.id)
    if other is not None:
        when = meeting.local(other.starts_at).strftime("%-d %b %H:%M %Z")
        raise ProgrammeError(f"{bilateral.office_holder.display_name} already meets {other.delegation.name} then "
                             f"({when}, bilateral {other.id})", status=409, fields={"starts_at": "office holder busy"})
    _check_sessions(session, bilateral, starts, ends, bilateral.room if room is None else room)
    windows = availability_of(session, meeting, bilateral.office_holder_id)
    if windows and not any(w.starts_at <= starts and ends <= w.ends_at for w in windows):
        raise ProgrammeError(f"outside {bilateral.office_holder.display_name}'s availability",
                             fields={"starts_at": "outside the office holder's availability"})


def request_bilateral(session: Session, meeting: Meeting, raw: dict, actor: Actor,
                      margin_days: int = SIDE_EVENT_MARGIN_DAYS) -> Bilateral:
    """A delegation asks an office holder for a bilateral; with a slot (within ``margin_days`` of the
    meeting's dates) it is at once proposed."""
    errors: dict[str, str] = {}
    topic = check_text(raw.get("topic"), 300, "topic", errors)
    if not topic and "topic" not in errors:
        errors["topic"] = "required"
    room = room_name(check_text(raw.get("room"), 120, "room", errors))
    attendees = raw.get("attendees") or []
    if not isinstance(attendees, list) or len(attendees) > MAX_ATTENDEES:
        errors["attendees"] = f"a list of at most {MAX_ATTENDEES} names"
        attendees = []
    attendees = [check_text(a, 200, "attendees", errors) for a in attendees]
    delegation = session.get(Delegation, raw.get("delegation_id")) if isinstance(raw.get("delegation_id"), int) \
        and 0 < raw["delegation_id"] < 2**63 else None
    if delegation is None:
        errors["delegation_id"] = "no such delegation"
    if errors:
        raise ProgrammeError("the request is not valid", fields=errors)
    holder = _holder(meeting, raw.get("office_holder_id"))
    bilateral = Bilateral(meeting=meeting, meeting_id=meeting.id, delegation=delegation, delegation_id=delegation.id,
                          office_holder=holder, office_holder_id=holder.id, topic=topic,
                          attendees=[a for a in attendees if a], room=room, status="requested",
                          uid=f"bilateral-{secrets.token_hex(12)}@pressroom", sequence=0, notes="",
                          created_by=actor.label, created_at=utcnow(), updated_at=utcnow())
    session.add(bilateral)
    if raw.get("starts_at") is not None or raw.get("ends_at") is not None:
        starts, ends = _slot(meeting, raw.get("starts_at"), raw.get("ends_at"), margin_days)
        _check_slot(session, bilateral, starts, ends)
        bilateral.starts_at, bilateral.ends_at, bilateral.status = starts, ends, "proposed"
    session.flush()
    actor.record(session, "bilateral.request", object_type="delegation", object_id=delegation.id,
                 details={"bilateral_id": bilateral.id, "office_holder_id": holder.id})
    return bilateral


def propose(session: Session, bilateral: Bilateral, starts_raw, ends_raw, room: str | None, actor: Actor,
            margin_days: int = SIDE_EVENT_MARGIN_DAYS) -> bool:
    """Propose (or move) the slot and room (within ``margin_days`` of the meeting's dates); returns True
    when a confirmed invitation must be updated."""
    if bilateral.status == "cancelled":
        raise ProgrammeError("this bilateral was cancelled", status=409)
    starts, ends = _slot(bilateral.meeting, starts_raw, ends_raw, margin_days)
    errors: dict[str, str] = {}
    room = room_name(check_text(room, 120, "room", errors)) if room is not None else bilateral.room
    if errors:
        raise ProgrammeError("the room is not valid", fields=errors)
    _check_slot(session, bilateral, starts, ends, room)
    moved = (starts, ends, room) != (bilateral.starts_at, bilateral.ends_at, bilateral.room)
    bilateral.starts_at, bilateral.ends_at, bilateral.room = starts, ends, room
    was_confirmed = bilateral.status == "confirmed"
    if moved and was_confirmed:
        bilateral.sequence += 1
    if not was_confirmed:
        bilateral.status = "proposed"
    bilateral.updated_at = utcnow()
    actor.record(session, "bilateral.propose", object_type="delegation", object_id=bilateral.delegation_id,
                 details={"bilateral_id": bilateral.id, "starts_at": starts.isoformat()})
    return moved and was_confirmed


def confirm(session: Session, bilateral: Bilateral, actor: Actor) -> Bilateral:
    """Confirm the proposed slot (checked again: someone may have taken it meanwhile)."""
    if bilateral.status == "cancelled":
        raise ProgrammeError("this bilateral was cancelled", status=409)
    if bilateral.starts_at is None:
        raise ProgrammeError("propose a slot before confirming", status=409, fields={"starts_at": "no slot yet"})
    _check_slot(session, bilateral, bilateral.starts_at, bilateral.ends_at)
    bilateral.status, bilateral.updated_at = "confirmed", utcnow()
    actor.record(session, "bilateral.confirm", object_type="delegation", object_id=bilateral.delegation_id,
                 details={"bilateral_id": bilateral.id})
    return bilateral


def cancel(session: Session, bilateral: Bilateral, actor: Actor) -> bool:
    """Cancel; returns True when an invitation went out before (so a METHOD:CANCEL must follow)."""
    if bilateral.status == "cancelled":
        raise ProgrammeError("this bilateral is already cancelled", status=409)
    invited = bilateral.status == "confirmed"
    bilateral.status, bilateral.sequence, bilateral.updated_at = "cancelled", bilateral.sequence + 1, utcnow()
    actor.record(session, "bilateral.cancel", object_type="delegation", object_id=bilateral.delegation_id,
                 details={"bilateral_id": bilateral.id})
    return invited


def set_notes(session: Session, bilateral: Bilateral, notes, actor: Actor) -> Bilateral:
    """Notes after the meeting, kept with the delegation's record (staff only)."""
    if not isinstance(notes, str) or len(notes) > MAX_NOTES:
        raise ProgrammeError(f"notes are a text of at most {MAX_NOTES} characters", fields={"notes": "too long"})
    bilateral.notes, bilateral.updated_at = notes.strip(), utcnow()
    actor.record(session, "bilateral.notes", object_type="delegation", object_id=bilateral.delegation_id,
                 details={"bilateral_id": bilateral.id})
    return bilateral


def bilaterals_of(session: Session, meeting: Meeting, office_holder_id: int | None = None) -> list[Bilateral]:
    """A meeting's bilaterals (one office holder's, or all), scheduled ones by time, requests last."""
    query = select(Bilateral).where(Bilateral.meeting_id == meeting.id)
    if office_holder_id is not None:
        query = query.where(Bilateral.office_holder_id == office_holder_id)
    found = list(session.scalars(query.order_by(Bilateral.id)))
    far = dt.datetime.max.replace(tzinfo=dt.timezone.utc)
    return sorted(found, key=lambda b: (b.starts_at or far, b.id))


def bilaterals_for_delegation(session: Session, delegation_id: int) -> list[Bilateral]:
    """Every bilateral of one delegation with its notes, newest first (for the delegation's record)."""
    query = select(Bilateral).where(Bilateral.delegation_id == delegation_id)
    return list(session.scalars(query.order_by(Bilateral.created_at.desc(), Bilateral.id.desc())))


def bilateral_to_dict(bilateral: Bilateral, *, with_notes: bool = True) -> dict:
    """the API contract's bilateral object."""
    found = {"id": bilateral.id, "meeting_id": bilateral.meeting_id, "delegation_id": bilateral.delegation_id,
             "delegation": bilateral.delegation.name, "office_holder_id": bilateral.office_holder_id,
             "topic": bilateral.topic, "attendees": list(bilateral.attendees or []),
             "starts_at": bilateral.starts_at.isoformat() if bilateral.starts_at else None,
             "ends_at": bilateral.ends_at.isoformat() if bilateral.ends_at else None,
             "room": bilateral.room, "status": bilateral.status, "uid": bilateral.uid, "sequence": bilateral.sequence}
    if with_notes:
        found["notes"] = bilateral.notes
    return found
