"""What the staff meeting pages share: roles, lookups, errors, form helpers, the strategy summary."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import available_timezones

from flask import abort, flash
from sqlalchemy import select

from comms.accounts import approvals
from comms.accounts import users as auth
from comms.meetings import documents
from comms.meetings import service as meetings
from comms.meetings import strategy
from comms.web import errors
from comms.web.context import db
from comms.web.contacts.shared import template_flags

# Office holders and viewers read meetings and strategies; media officers (and admins) change them.
READERS = ("officer", "approver", "viewer")
WRITERS = ("officer",)
# Werkzeug's int converter takes any number of digits; the database takes 64 bits.
MAX_ID = 2**63 - 1
DOMAIN_ERRORS = (meetings.MeetingError, strategy.StrategyError, documents.DocumentError, approvals.ApprovalError)
KIND_LABELS = {"msp": "Meeting of the States Parties", "review_conference": "Review Conference",
               "intersessional": "Intersessional meeting", "side_event": "Side event", "other": "Other"}
OFFICE_LABELS = {"president": "President", "co_chair": "Co-Chair"}
_LANGUAGE = re.compile(r"^[a-z]{2}$")


def get_meeting(meeting_id: int) -> meetings.Meeting:
    """The meeting with this id, or a 404 page."""
    found = db().get(meetings.Meeting, meeting_id) if meeting_id <= MAX_ID else None
    return found or abort(404, f"There is no meeting {meeting_id}.")


def find_strategy(meeting: meetings.Meeting) -> strategy.Strategy | None:
    """The meeting's strategy if one was ever saved (never creates one: GET changes nothing)."""
    return db().scalar(select(strategy.Strategy).where(strategy.Strategy.meeting_id == meeting.id))


def error_status(exc: Exception) -> int:
    """The HTTP status a domain error deserves."""
    if isinstance(exc, approvals.ApprovalError):
        return exc.status
    return 400


def error_message(exc: Exception) -> str:
    """A sentence for people, naming each bad field by its label."""
    return errors.error_message(exc, readable_field)


def readable_field(name: str) -> str:
    """``milestones[2]`` as ``milestone 3``; other field names with spaces."""
    match = re.fullmatch(r"milestones\[(\d+)\]", name)
    if match:
        return f"milestone {int(match.group(1)) + 1}"
    return name.replace("_", " ")


def fail(exc: Exception) -> int:
    """Undo the request's changes, flash the error, and return its status."""
    db().rollback()
    flash(error_message(exc), "error")
    return error_status(exc)


def lines(text: str | None) -> list[str]:
    """The non-blank lines of a textarea, trimmed, in order."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def check_length(value: str, limit: int, what: str, error: type[ValueError] = meetings.MeetingError) -> str:
    """``value`` if it fits its database column; ``error`` naming ``what`` otherwise."""
    if len(value) > limit:
        raise error(f"{what} is longer than {limit} characters")
    return value


def parse_date(value: str | None, what: str) -> dt.date:
    """A form's YYYY-MM-DD date; MeetingError naming ``what`` otherwise."""
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        raise meetings.MeetingError(f"{what} must be a date (YYYY-MM-DD)") from None


def parse_id(value: str | None) -> int | None:
    """A whole-number id from a form field, or None for blank or junk."""
    value = (value or "").strip()
    return int(value) if value.isdigit() and len(value) <= 18 else None


def parse_languages(value: str | None) -> list[str]:
    """Two-letter language codes from "en, fr es"; MeetingError for anything else."""
    codes = []
    for code in re.split(r"[\s,;]+", (value or "").strip().lower()):
        if not code:
            continue
        if not _LANGUAGE.match(code):
            raise meetings.MeetingError(f"languages are two-letter codes such as en, fr, es (not {code[:20]!r})")
        if code not in codes:
            codes.append(code)
    if not codes:
        raise meetings.MeetingError("a meeting needs at least one language")
    return codes


def approver_choices(meeting: meetings.Meeting | None = None) -> list[auth.User]:
    """Active users with the approver role, plus anyone already holding an office of ``meeting``."""
    users = [u for u in auth.list_users(db(), "approver") if u.active]
    for holder in meeting.office_holders if meeting else []:
        if holder.user not in users:
            users.append(holder.user)
    return users


def staff_choices(extra: list[auth.User] = ()) -> list[auth.User]:
    """Active staff accounts (milestone owners), plus ``extra`` people already named."""
    users = [u for u in auth.list_users(db()) if u.active]
    return users + [u for u in extra if u is not None and u not in users]


def timezone_names() -> list[str]:
    """IANA zone names for the time zone field's suggestions."""
    return sorted(name for name in available_timezones() if "/" in name and not name.startswith(("Etc/", "SystemV")))


def local_text(meeting: meetings.Meeting, moment: dt.datetime | None, fmt: str = "%-d %B %Y, %H:%M %Z") -> str:
    """A stored UTC time shown in the meeting's zone."""
    return meeting.local(moment).strftime(fmt) if moment else ""


def day_text(day: dt.date | dt.datetime, today: dt.date | None = None, fmt: str = "%a %-d %b") -> str:
    """A short date ("Mon 7 Dec"), with its year when that is not the current one ("Mon 6 Dec 2027"):
    a meeting planned a year ahead must not read as this year's."""
    today = today or dt.date.today()
    text = day.strftime(fmt)
    return text if day.year == today.year else f"{text} {day.year}"


def sign_off_summary(found: strategy.Strategy | None) -> dict:
    """What the meeting page and the week page say about a strategy's sign-off."""
    if found is None or found.version == 0:
        return {"strategy": found, "requests": [], "state": "none"}
    requests = approvals.requests_for(db(), strategy.SUBJECT, found.id)
    pending = [r for r in requests if r.version == found.version and r.is_open]
    if found.is_signed_off:
        state = "signed_off"
    elif pending:
        state = "requested"
    else:
        state = "draft"
    return {"strategy": found, "requests": requests, "state": state, "pending": pending}


def request_status(request: approvals.ApprovalRequest) -> str:
    """A request's status for people: pending, expired, approved, changes requested, superseded."""
    if request.status == "pending" and not request.is_open:
        return "expired"
    return request.status.replace("_", " ")


def template_context() -> dict:
    """What every meeting template may use: ``can_edit``, ``is_admin`` and the display helpers."""
    return {**template_flags(), "kind_labels": KIND_LABELS, "office_labels": OFFICE_LABELS,
            "local_text": local_text, "request_status": request_status, "day_text": day_text}
