"""What the staff release pages share: roles, lookups, errors, times in a meeting's zone."""

from __future__ import annotations

import datetime as dt

from flask import abort, flash
from flask_login import current_user

from comms import approvals, auth
from comms.meetings import Meeting
from comms.releases import LANGUAGES, Release, ReleaseError, get_release
from comms.web.context import db

# Office holders and viewers read releases; media officers (and admins) draft, submit and publish them.
READERS = ("officer", "approver", "viewer")
WRITERS = ("officer",)
STATUS_LABELS = {"draft": "Draft", "in_review": "In review", "approved": "Approved", "scheduled": "Scheduled",
                 "published": "Published", "retracted": "Retracted", "publishing": "Publishing"}
FIELD_LABELS = {"headline": "Headline", "subheadline": "Subheadline", "dateline": "Dateline",
                "body_markdown": "Body", "quotes": "Quotes", "notes_to_editors": "Notes to editors",
                "media_contacts": "Media contacts", "topics": "Topics", "embargo_until": "Embargo",
                "at": "Publication time", "language": "Language", "translation_of": "Original",
                "approver_ids": "Approvers", "note": "Note", "meeting_id": "Meeting", "slug": "Slug"}
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "es": "Español", "ar": "العربية", "ru": "Русский",
                  "zh": "中文", "de": "Deutsch", "pt": "Português"}
# Workflow messages that start with a field name ("embargo_until is in the past") read better with words.
SUBJECT_PHRASES = {"embargo_until": "the embargo", "at": "the publication time"}
TIME_FORMAT = "%-d %B %Y, %H:%M %Z"
LOCAL_INPUT = "%Y-%m-%dT%H:%M"


def me() -> auth.User:
    """The signed-in user (pages are behind roles_required)."""
    return current_user.user


def load_release(release_id: int) -> Release:
    """The release with this id, or a 404 page."""
    try:
        return get_release(db(), release_id)
    except ReleaseError:
        abort(404, f"There is no release {release_id}.")


def error_status(exc: Exception) -> int:
    return getattr(exc, "status", 400) if isinstance(exc, (ReleaseError, approvals.ApprovalError)) else 400


def error_message(exc: Exception) -> str:
    """A sentence for people, naming each bad field."""
    text = getattr(exc, "message", None) or (str(exc.args[0]) if exc.args else str(exc))
    fields = getattr(exc, "fields", None) or {}
    details = "; ".join(f"{FIELD_LABELS.get(name, name.replace('_', ' ')).lower()}: {problem}"
                        for name, problem in fields.items())
    if details:
        text = f"{text} ({details})"
    first, _, rest = text.partition(" ")
    if first in SUBJECT_PHRASES and rest:
        text = f"{SUBJECT_PHRASES[first]} {rest}"
    return text[:1].upper() + text[1:]


def fail(exc: Exception) -> int:
    """Undo the request's changes, flash the error, and return its status."""
    db().rollback()
    flash(error_message(exc), "error")
    return error_status(exc)


def zone_of(meeting: Meeting | None) -> dt.tzinfo:
    """The meeting's time zone, or UTC."""
    return meeting.zone if meeting else dt.timezone.utc


def zone_name(meeting: Meeting | None) -> str:
    return meeting.timezone if meeting else "UTC"


def parse_local(value: str | None, meeting: Meeting | None, field: str) -> dt.datetime | None:
    """A datetime-local value ("2026-12-14T10:00") in the meeting's zone (or UTC) as an aware
    UTC datetime; None when blank; ReleaseError 400 when it is not a time."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone_of(meeting))
        return moment.astimezone(dt.timezone.utc)
    except (ValueError, OverflowError):
        raise ReleaseError(f"not a date and time: {value[:40]!r}", {field: "use the form YYYY-MM-DD HH:MM"},
                           400) from None


def local_input(moment: dt.datetime | None, meeting: Meeting | None) -> str:
    """A stored time as a datetime-local value in the meeting's zone (or UTC)."""
    return moment.astimezone(zone_of(meeting)).strftime(LOCAL_INPUT) if moment else ""


def when(moment: dt.datetime | None, meeting: Meeting | None = None, utc: bool = True) -> str:
    """A stored time for people: in the meeting's zone, with UTC beside it when different."""
    if moment is None:
        return ""
    local = moment.astimezone(zone_of(meeting))
    text = local.strftime(TIME_FORMAT)
    if utc and meeting is not None and local.utcoffset() != dt.timedelta(0):
        text += f" ({moment.astimezone(dt.timezone.utc):%H:%M} UTC)"
    return text


def approver_choices(release: Release) -> list[auth.User]:
    """Active users with the approver role (and the meeting's office holders), never the author."""
    users = [u for u in auth.list_users(db(), "approver") if u.active]
    for user in release.meeting.approvers() if release.meeting else []:
        if user not in users:
            users.insert(0, user)
    return [u for u in users if u.id != release.author_id]


def request_status(request: approvals.ApprovalRequest) -> str:
    """A request's status for people: pending, expired, approved, changes requested, superseded."""
    if request.status == "pending" and not request.is_open:
        return "expired"
    return request.status.replace("_", " ")


def template_context() -> dict:
    """What every release template may use."""
    user = current_user.user if current_user.is_authenticated else None
    return {"can_edit": bool(user and user.has_role(*WRITERS)), "is_admin": bool(user and user.role == "admin"),
            "status_labels": STATUS_LABELS, "field_labels": FIELD_LABELS, "language_names": LANGUAGE_NAMES,
            "languages": LANGUAGES, "when": when, "request_status": request_status}
