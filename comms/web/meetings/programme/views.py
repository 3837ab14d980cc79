"""What the programme's pages, API and files share: grouping sessions by day and track,
"now" and "next", and the programme's calendar entries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import groupby
from urllib.parse import urlsplit

from flask import request

from comms.meetings.programme import signoff
from comms.meetings.programme.models import TRACKS, Programme
from comms.meetings.programme.public_files import public_sessions
from comms.meetings.programme.sessions import moment_of, session_title, without_private_documents
from comms.meetings.service import Meeting
from comms.web.context import absolute_url, runtime
from feeds.ics import CalendarEntry


@dataclass
class Shown:
    """A session as a page shows it: local times, title in the page's language."""

    key: str
    item: dict
    title: str
    starts: dt.datetime
    ends: dt.datetime
    state: str = ""  # now | next | ''


def by_day_and_track(meeting: Meeting, sessions: list[dict], language: str, now: dt.datetime
                     ) -> list[tuple[dt.date, list[tuple[str, list[Shown]]]]]:
    """Days in order, each with its tracks (in TRACKS order) and their sessions; marks "now" and "next"."""
    shown = [Shown(str(s["id"]), s, session_title(s, language), meeting.local(moment_of(s["starts_at"])),
                   meeting.local(moment_of(s["ends_at"]))) for s in sessions]
    for item in shown:
        if item.starts <= now < item.ends:
            item.state = "now"
    upcoming = [item for item in shown if item.starts > now]
    if upcoming:
        first = min(item.starts for item in upcoming)
        for item in upcoming:
            if item.starts == first:
                item.state = "next"
    days = []
    for day, items in groupby(shown, key=lambda s: s.starts.date()):
        items = list(items)
        tracks = [(track, [i for i in items if i.item["track"] == track]) for track in TRACKS]
        days.append((day, [(track, found) for track, found in tracks if found]))
    return days


def host() -> str:
    """The host name UIDs end with: the configured base URL's, else this request's."""
    return urlsplit(runtime().config.base_url or request.host_url).hostname or "pressroom"


def session_uid(meeting: Meeting, item: dict) -> str:
    """A session's stable UID; a side event keeps the UID /calendar.ics gives it."""
    if item.get("side_event_id") is not None:
        return f"side-event-{item['side_event_id']}@{host()}"
    return f"programme-{meeting.id}-session-{item['id']}@{host()}"


def calendar_entry(meeting: Meeting, programme: Programme | None, item: dict, *, cancelled: bool = False
                   ) -> CalendarEntry:
    """One session as a VEVENT, its SEQUENCE raised by each publication that changed it."""
    sequence = item.get("sequence", 0) if item.get("side_event_id") is not None else (
        signoff.sequence_of(programme, item["id"]) if programme else 0)
    details = [f"Agenda item {item['agenda_item']}" if item.get("agenda_item") else "",
               f"Chair: {item['chair']}" if item.get("chair") else "",
               f"Documents: {', '.join(item['documents'])}" if item.get("documents") else ""]
    return CalendarEntry(
        uid=session_uid(meeting, item), title=session_title(item, "en"), start=moment_of(item["starts_at"]),
        end=moment_of(item["ends_at"]), timezone=meeting.timezone,
        location=", ".join(part for part in (item.get("room", ""), meeting.venue) if part),
        description="\n".join(part for part in details if part),
        url=absolute_url("programme_public.programme_page", meeting_id=meeting.id),
        sequence=sequence, updated=programme.published_at if programme and programme.published_at else None,
        categories=(item["track"].replace("_", " "),), status="CANCELLED" if cancelled else "CONFIRMED")


def calendar_entries(session, meeting: Meeting, programme: Programme | None) -> list[CalendarEntry]:
    """Every published session and public side event, plus the cancelled sessions still kept
    (signoff.kept_cancellations), so calendars drop them; only public documents are named."""
    entries = [calendar_entry(meeting, programme, item) for item in public_sessions(session, programme, meeting)]
    if programme:
        cancelled = without_private_documents(session, meeting, list(programme.cancelled or []))
        entries += [calendar_entry(meeting, programme, item, cancelled=True) for item in cancelled]
    return entries


def organizer() -> tuple[str, str]:
    """The office as every VEVENT's ORGANIZER."""
    return runtime().config.mail_from, runtime().config.office_name
