"""What a publication changed: added, removed, moved and edited sessions, the ICS
SEQUENCE of each, and the summary sent to delegations (no Flask)."""

from __future__ import annotations

from comms.meetings.programme.sessions import moment_of, session_title
from comms.meetings.service import Meeting

# What a calendar shows; a change of any of these raises the session's SEQUENCE.
SCHEDULE_KEYS = ("starts_at", "ends_at", "room")


def diff(before: list[dict], after: list[dict]) -> list[dict]:
    """Changes from ``before`` to ``after`` sessions, matched by session id."""
    old = {s["id"]: s for s in before}
    new = {s["id"]: s for s in after}
    found = []
    for session_id, item in new.items():
        previous = old.get(session_id)
        if previous is None:
            found.append({"kind": "added", "id": session_id, "after": item})
        elif any(previous[k] != item[k] for k in SCHEDULE_KEYS):
            found.append({"kind": "moved", "id": session_id, "before": previous, "after": item})
        elif previous != item:
            found.append({"kind": "changed", "id": session_id, "before": previous, "after": item})
    for session_id, item in old.items():
        if session_id not in new:
            found.append({"kind": "removed", "id": session_id, "before": item})
    found.sort(key=lambda c: (c.get("after") or c["before"])["starts_at"])
    return found


def raise_sequences(sequences: dict, changes: list[dict]) -> dict:
    """The SEQUENCE per session after ``changes``: new sessions start at 0, touched ones go up by one."""
    result = dict(sequences)
    for change in changes:
        key = str(change["id"])
        result[key] = 0 if change["kind"] == "added" and key not in result else result.get(key, 0) + 1
    return result


def when(meeting: Meeting, item: dict) -> str:
    """A session's day, times and room in the meeting's zone: "Tue 15 Dec 10:00-13:00 CET, Room XIX"."""
    starts, ends = meeting.local(moment_of(item["starts_at"])), meeting.local(moment_of(item["ends_at"]))
    text = f"{starts:%a %-d %b} {starts:%H:%M}-{ends:%H:%M} {starts:%Z}"
    return f"{text}, {item['room']}" if item.get("room") else text


def summary_lines(meeting: Meeting, changes: list[dict], language: str = "en") -> list[str]:
    """One line per change, for people (English labels; titles in ``language``)."""
    lines = []
    for change in changes:
        item = change.get("after") or change["before"]
        title = session_title(item, language)
        if change["kind"] == "added":
            lines.append(f"New: {title} - {when(meeting, item)}")
        elif change["kind"] == "removed":
            lines.append(f"Cancelled: {title} (was {when(meeting, item)})")
        elif change["kind"] == "moved":
            lines.append(f"Moved: {title} - from {when(meeting, change['before'])} to {when(meeting, item)}")
        else:
            lines.append(f"Updated: {title} - {when(meeting, item)}")
    return lines


def summary_text(meeting: Meeting, version: int, changes: list[dict], url: str) -> tuple[str, str]:
    """The subject and plain text telling delegations what moved in a published programme."""
    subject = f"Programme updated: {meeting.title} (version {version})"[:200]
    lines = summary_lines(meeting, changes) or ["No session moved; details were corrected."]
    text = "\n".join([f"The programme of the {meeting.title} has been updated (version {version}).",
                      f"Times are in {meeting.timezone}.", "", *lines, "",
                      f"The full programme: {url}",
                      "Calendars subscribed to the programme's ICS file update themselves."])
    return subject, text
