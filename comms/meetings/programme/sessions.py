"""Checking a programme's sessions: tracks, titles per language, times inside the meeting,
rooms that hold one session at a time, speakers and documents (no Flask).

A session is kept as plain JSON inside a programme version, with times as UTC ISO strings.
Side events stay in comms.meetings.service and join the programme's side-event track when
it is read (:func:`side_event_sessions`), so nobody enters them twice.
"""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from comms.documents.models import RegisterDocument
from comms.documents.symbols import SymbolError, check_symbol
from comms.meetings.languages import ISO_639_1
from comms.meetings.programme.models import BUSY, TRACKS, AgendaItem, Bilateral
from comms.meetings.service import Meeting
from comms.platform.errors import DomainError
from contacts.models import Delegation
from contacts.text import single_line_problem

MAX_SESSIONS = 500
MAX_LIST = 200
_LANGUAGE = re.compile(r"^[a-z]{2}$")


class ProgrammeError(DomainError):
    """Programme, agenda or bilateral input was refused; ``fields`` says where."""


def parse_moment(meeting: Meeting, value, what: str) -> dt.datetime:
    """An RFC 3339 date and time with an offset as an aware UTC datetime; ProgrammeError naming ``what``
    otherwise (the contract's rule: a time without an offset is ambiguous, so it is refused, not guessed)."""
    if isinstance(value, dt.datetime):
        moment = value
    else:
        try:
            moment = dt.datetime.fromisoformat(str(value).strip())
        except (TypeError, ValueError):
            raise ProgrammeError(f"{what} is not a date and time with an offset (2026-12-15T10:00:00+01:00)",
                                 fields={what: "not a date and time"}) from None
    if moment.tzinfo is None:
        raise ProgrammeError(f"{what} needs an offset (2026-12-15T10:00:00+01:00, or Z for UTC); times in "
                             f"{meeting.timezone} are written with their offset",
                             fields={what: "a time with an offset (RFC 3339)"})
    return moment.astimezone(dt.timezone.utc)


def local_moment_text(meeting: Meeting, day: str, clock: str) -> str:
    """A day and a wall-clock time in the meeting's zone (what staff forms collect) as an ISO text with
    its offset; text that is not a date and time comes back as typed, so parse_moment names the field."""
    typed = f"{(day or '').strip()}T{(clock or '').strip()}"
    try:
        moment = dt.datetime.fromisoformat(typed)
    except ValueError:
        return typed
    return (moment if moment.tzinfo else moment.replace(tzinfo=meeting.zone)).isoformat()


def moment_of(text: str) -> dt.datetime:
    """A stored UTC ISO string back as an aware datetime."""
    return dt.datetime.fromisoformat(text).astimezone(dt.timezone.utc)


def check_titles(raw, where: str, errors: dict) -> dict:
    """A title in one or more languages: ``{"en": "...", "fr": "..."}`` (a plain text is English)."""
    if isinstance(raw, str):
        raw = {"en": raw}
    if not isinstance(raw, dict):
        errors[where] = "a title is an object of language code to text"
        return {}
    titles = {}
    for language, text in raw.items():
        if not isinstance(language, str) or not _LANGUAGE.match(language) or not isinstance(text, str):
            errors[where] = "titles are two-letter language codes with texts"
            continue
        if language not in ISO_639_1:
            errors[where] = f"{language} is not an ISO 639-1 language code (such as en, fr, es)"
            continue
        text = text.strip()
        problem = single_line_problem(text)
        if problem or len(text) > 300:
            errors[where] = f"the {language} title {problem or 'is longer than 300 characters'}"
        elif text:
            titles[language] = text
    if not titles and where not in errors:
        errors[where] = "needs a title in at least one language"
    return titles


def room_name(text: str) -> str:
    """A room as stored: inner runs of spaces (tabs are refused earlier) made one, ends trimmed."""
    return " ".join(text.split())


def check_text(raw, limit: int, where: str, errors: dict) -> str:
    """A one-line text of at most ``limit`` characters ('' when absent)."""
    if raw is None:
        return ""
    if not isinstance(raw, str):
        errors[where] = "must be a text"
        return ""
    text = raw.strip()
    problem = single_line_problem(text)
    if problem or len(text) > limit:
        errors[where] = problem or f"is longer than {limit} characters"
    return text


def check_symbols(raw, where: str, errors: dict) -> list[str]:
    """Register symbols (APLC/MSP.22/2026/1), each well formed."""
    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) > MAX_LIST:
        errors[where] = f"must be a list of at most {MAX_LIST} document symbols"
        return []
    found = []
    for item in raw:
        try:
            symbol = check_symbol(item if isinstance(item, str) else "")
        except SymbolError as exc:
            errors[where] = exc.message
            continue
        if symbol not in found:
            found.append(symbol)
    return found


def check_registered(session: Session, meeting: Meeting, wanted: dict[str, list[str]], errors: dict) -> None:
    """Every symbol must name a document of this meeting's register: ``wanted`` maps a field to its symbols."""
    symbols = {symbol for found in wanted.values() for symbol in found}
    if not symbols:
        return
    known = set(session.scalars(select(RegisterDocument.symbol).where(RegisterDocument.meeting_id == meeting.id,
                                                                      RegisterDocument.symbol.in_(symbols))))
    for where, found in wanted.items():
        unknown = [symbol for symbol in found if symbol not in known]
        if unknown and where not in errors:
            errors[where] = f"{', '.join(unknown[:5])} is not in this meeting's document register"


def public_symbols(session: Session, meeting: Meeting, symbols) -> set[str]:
    """Those of ``symbols`` that the public may see: this meeting's general, issued documents
    (the register's own rule, RegisterDocument.public); limited, planned, received or withdrawn
    ones stay for staff."""
    wanted = set(symbols)
    if not wanted:
        return set()
    return set(session.scalars(select(RegisterDocument.symbol).where(
        RegisterDocument.meeting_id == meeting.id, RegisterDocument.symbol.in_(wanted),
        RegisterDocument.distribution == "general", RegisterDocument.status == "issued")))


def without_private_documents(session: Session, meeting: Meeting, sessions: list[dict]) -> list[dict]:
    """Copies of ``sessions`` whose ``documents`` keep only the symbols the public may see."""
    shown = public_symbols(session, meeting, {s for item in sessions for s in item.get("documents") or []})
    return [{**item, "documents": [s for s in item.get("documents") or [] if s in shown]} for item in sessions]


def check_delegations(session: Session, raw, where: str, errors: dict) -> list[int]:
    """Delegation ids that exist."""
    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) > MAX_LIST or not all(
            isinstance(i, int) and not isinstance(i, bool) and 0 < i < 2**63 for i in raw):
        errors[where] = f"must be a list of at most {MAX_LIST} delegation ids"
        return []
    wanted = list(dict.fromkeys(raw))
    known = set(session.scalars(select(Delegation.id).where(Delegation.id.in_(wanted)))) if wanted else set()
    missing = [i for i in wanted if i not in known]
    if missing:
        errors[where] = f"no delegation {', '.join(map(str, missing[:5]))}"
    return wanted


def _within_meeting(meeting: Meeting, starts: dt.datetime, ends: dt.datetime) -> bool:
    first, last = meeting.local(starts).date(), meeting.local(ends - dt.timedelta(microseconds=1)).date()
    return meeting.starts_on <= first and last <= meeting.ends_on


def clean_session(session: Session, meeting: Meeting, raw, index: int, agenda_numbers: set[str],
                  errors: dict) -> dict | None:
    """One session, checked; problems go into ``errors`` under ``sessions[index].field``."""
    where = f"sessions[{index}]"
    if not isinstance(raw, dict):
        errors[where] = "each session is an object"
        return None
    track = raw.get("track") or "plenary"
    if track not in TRACKS:
        errors[f"{where}.track"] = f"track must be one of {', '.join(TRACKS)}"
    titles = check_titles(raw.get("title"), f"{where}.title", errors)
    try:
        starts = parse_moment(meeting, raw.get("starts_at"), f"{where}.starts_at")
        ends = parse_moment(meeting, raw.get("ends_at"), f"{where}.ends_at")
    except ProgrammeError as exc:
        errors.update(exc.fields)
        return None
    if ends <= starts:
        errors[f"{where}.ends_at"] = "a session must end after it starts"
    elif not _within_meeting(meeting, starts, ends):
        errors[f"{where}.starts_at"] = (f"outside the meeting's dates ({meeting.starts_on.isoformat()} to "
                                        f"{meeting.ends_on.isoformat()}, {meeting.timezone})")
    agenda_item = check_text(raw.get("agenda_item"), 20, f"{where}.agenda_item", errors) or None
    if agenda_item and agenda_numbers and agenda_item not in agenda_numbers:
        errors[f"{where}.agenda_item"] = f"the agenda has no item {agenda_item}"
    raw_id = raw.get("id")
    return {
        "id": raw_id if isinstance(raw_id, int) and not isinstance(raw_id, bool) else None,
        "track": track, "title": titles,
        "starts_at": starts.isoformat(), "ends_at": ends.isoformat(),
        "room": room_name(check_text(raw.get("room"), 120, f"{where}.room", errors)),
        "chair": check_text(raw.get("chair"), 200, f"{where}.chair", errors),
        "agenda_item": agenda_item,
        "speakers": check_delegations(session, raw.get("speakers"), f"{where}.speakers", errors),
        "documents": check_symbols(raw.get("documents"), f"{where}.documents", errors),
    }


def side_event_sessions(meeting: Meeting) -> list[dict]:
    """The meeting's public side events as sessions of the side-event track (read-only here)."""
    return [{"id": f"side-event-{event.id}", "side_event_id": event.id, "track": "side_event",
             "title": {"en": event.title}, "starts_at": event.starts_at.astimezone(dt.timezone.utc).isoformat(),
             "ends_at": event.ends_at.astimezone(dt.timezone.utc).isoformat(), "room": event.room,
             "chair": event.organiser, "agenda_item": None, "speakers": [], "documents": [],
             "sequence": event.sequence}
            for event in meeting.side_events if event.public]


def session_title(item: dict, language: str) -> str:
    """A session's title in ``language``, else English, else any."""
    titles = item.get("title") or {}
    return titles.get(language) or titles.get("en") or next(iter(titles.values()), "")


def check_rooms(sessions: list[dict], side_events: list[dict]) -> None:
    """ProgrammeError (422) naming both sessions when one room holds two at once."""
    booked = [(s, i) for i, s in enumerate(sessions) if s["room"]] + [(s, None) for s in side_events if s["room"]]
    booked.sort(key=lambda pair: pair[0]["starts_at"])
    for position, (first, first_index) in enumerate(booked):
        for second, second_index in booked[position + 1:]:
            if second["starts_at"] >= first["ends_at"]:
                break
            if not same_room(first["room"], second["room"]) or (first_index is None and second_index is None):
                continue
            index = second_index if second_index is not None else first_index
            raise ProgrammeError(
                f"{first['room']} cannot hold two sessions at once: \"{session_title(first, 'en')}\" and "
                f"\"{session_title(second, 'en')}\" overlap", fields={f"sessions[{index}].room": "room already taken"})


def overlaps(item: dict, starts: dt.datetime, ends: dt.datetime) -> bool:
    """True when a session (UTC ISO times) overlaps the slot."""
    return moment_of(item["starts_at"]) < ends and starts < moment_of(item["ends_at"])


def same_room(first: str, second: str) -> bool:
    """Rooms compared as people type them ("Room XIX", "room xix " and "Room  XIX" are one room)."""
    first, second = room_name(first).casefold(), room_name(second).casefold()
    return bool(first) and first == second


def chaired_by(meeting: Meeting, chair: str, user_id: int) -> bool:
    """True when a session's chair names this office holder: by name, or "(The) President" for the President."""
    chair = (chair or "").strip().casefold()
    for holder in meeting.office_holders:
        if holder.user_id != user_id:
            continue
        name = (holder.user.display_name or "").strip().casefold()
        if (name and name in chair) or (holder.role == "president" and chair.removeprefix("the ") == "president"):
            return True
    return False


def busy_bilaterals(session: Session, meeting: Meeting) -> list[Bilateral]:
    """The meeting's bilaterals that hold a slot (proposed or confirmed)."""
    query = select(Bilateral).where(Bilateral.meeting_id == meeting.id, Bilateral.status.in_(BUSY),
                                    Bilateral.starts_at.is_not(None))
    return list(session.scalars(query.order_by(Bilateral.starts_at, Bilateral.id)))


def bilateral_label(bilateral: Bilateral) -> str:
    """How an error names a bilateral: who meets whom, and its id."""
    return f"the bilateral of {bilateral.office_holder.display_name} with {bilateral.delegation.name} (bilateral {bilateral.id})"


def check_against_bilaterals(meeting: Meeting, sessions: list[dict], positions: list[int],
                             bilaterals: list[Bilateral]) -> None:
    """A room holds a session or a bilateral, not both (422); an office holder chairing a session
    is not in a bilateral at the same time (409). Both errors name the session and the bilateral."""
    for index, item in zip(positions, sessions):
        starts, ends = moment_of(item["starts_at"]), moment_of(item["ends_at"])
        for bilateral in bilaterals:
            if not (bilateral.starts_at < ends and starts < bilateral.ends_at):
                continue
            title = session_title(item, "en")
            if chaired_by(meeting, item["chair"], bilateral.office_holder_id):
                raise ProgrammeError(f"{bilateral.office_holder.display_name} chairs \"{title}\" then and cannot also "
                                     f"be in {bilateral_label(bilateral)}", status=409,
                                     fields={f"sessions[{index}].chair": "the chair has a bilateral then"})
            if same_room(item["room"], bilateral.room):
                raise ProgrammeError(f"{item['room']} cannot hold \"{title}\" and {bilateral_label(bilateral)} at once",
                                     fields={f"sessions[{index}].room": "room already taken"})


def clean_sessions(session: Session, meeting: Meeting, raw) -> list[dict]:
    """Every session of a programme, checked; ProgrammeError naming the fields otherwise.

    Entries carrying ``side_event_id`` are the side events read back: they are skipped,
    since they live (and are edited) as side events."""
    if not isinstance(raw, list) or len(raw) > MAX_SESSIONS:
        raise ProgrammeError(f"sessions must be a list of at most {MAX_SESSIONS}", fields={"sessions": "not a list"})
    numbers = set(session.scalars(select(AgendaItem.number).where(AgendaItem.meeting_id == meeting.id)))
    errors: dict[str, str] = {}
    cleaned, positions = [], []
    for index, item in enumerate(raw):
        if isinstance(item, dict) and item.get("side_event_id") is not None:
            continue
        found = clean_session(session, meeting, item, index, numbers, errors)
        if found is not None:
            cleaned.append(found)
            positions.append(index)
    if errors:
        raise ProgrammeError("some sessions are not valid", fields=errors)
    check_registered(session, meeting, {f"sessions[{index}].documents": item["documents"]
                                        for index, item in zip(positions, cleaned)}, errors)
    if errors:
        raise ProgrammeError("some sessions are not valid: " + "; ".join(
            problem for where, problem in errors.items() if where.endswith(".documents")), fields=errors)
    check_rooms(cleaned, side_event_sessions(meeting))
    check_against_bilaterals(meeting, cleaned, positions, busy_bilaterals(session, meeting))
    return cleaned
