"""An iCalendar (RFC 5545) feed from calendar entries (icalendar; no Flask, no comms).

Entries carry their own time zone: timed entries are written with TZID and a
VTIMEZONE, so calendar clients show the right local time on both sides of a
daylight-saving change; all-day entries use DATE values. UIDs are stable and
SEQUENCE counts changes, so clients update entries instead of duplicating them.
Every VEVENT carries an ORGANIZER (the entry's own, else the calendar's): libical's
iTIP checks refuse a PUBLISH or REQUEST calendar whose events lack one. Invitations
(METHOD:REQUEST, METHOD:CANCEL) also name their ATTENDEEs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress


@dataclass(frozen=True)
class CalendarEntry:
    """One thing to put in a calendar."""

    uid: str
    title: str
    start: dt.datetime | dt.date
    end: dt.datetime | dt.date  # exclusive for all-day entries
    timezone: str = "UTC"
    location: str = ""
    description: str = ""
    url: str = ""
    sequence: int = 0
    updated: dt.datetime | None = None
    categories: tuple[str, ...] = ()
    organizer: tuple[str, str] | None = None  # (email, name); None: the calendar's organizer
    attendees: tuple[tuple[str, str], ...] = ()  # (email, name) of each invited person
    status: str = ""  # CONFIRMED, TENTATIVE or CANCELLED; '' leaves it out


def _address(email: str, name: str, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["cn"] = " ".join(_clean(name).split())
    for key, value in params.items():
        address.params[key] = value
    return address


def _clean(text: str) -> str:
    # Control characters (other than line breaks) have no place in a calendar.
    return "".join(ch for ch in text if ch in "\n\t" or ord(ch) >= 32)


def build_calendar(entries: list[CalendarEntry], *, name: str, product: str = "-//Pressroom//Calendar//EN",
                   stamp: dt.datetime, organizer: tuple[str, str] | None = None, method: str = "PUBLISH") -> bytes:
    """The ICS bytes for ``entries``; ``stamp`` (aware) is DTSTAMP, so equal input gives equal bytes.

    ``organizer`` (email, name) is every entry's ORGANIZER unless the entry names its own;
    ``method`` is PUBLISH for feeds, REQUEST or CANCEL for invitations."""
    calendar = Calendar()
    calendar.add("prodid", product)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add("x-wr-calname", _clean(name))
    for entry in sorted(entries, key=lambda e: (str(e.start), e.uid)):
        event = Event()
        event.add("uid", entry.uid)
        event.add("summary", _clean(entry.title))
        event.add("dtstamp", (entry.updated or stamp).astimezone(dt.timezone.utc))
        if isinstance(entry.start, dt.datetime):
            zone = ZoneInfo(entry.timezone)
            event.add("dtstart", entry.start.astimezone(zone))
            event.add("dtend", entry.end.astimezone(zone))
        else:
            event.add("dtstart", entry.start)
            event.add("dtend", entry.end)
        event.add("sequence", entry.sequence)
        who = entry.organizer or organizer
        if who:
            event.add("organizer", _address(*who))
        for email, person in entry.attendees:
            event.add("attendee", _address(email, person, role="REQ-PARTICIPANT", partstat="NEEDS-ACTION",
                                           rsvp="TRUE"))
        if entry.status:
            event.add("status", entry.status)
        if entry.location:
            event.add("location", _clean(entry.location))
        if entry.description:
            event.add("description", _clean(entry.description))
        if entry.url:
            event.add("url", entry.url)
        if entry.categories:
            event.add("categories", list(entry.categories))
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
