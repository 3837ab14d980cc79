"""What the staff release pages share: roles, lookups, errors, times in a meeting's zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import abort, flash
from flask_login import current_user
from markupsafe import Markup

from comms.accounts import approvals
from comms.accounts import users as auth
from comms.releases import workflow
from comms.meetings.service import Meeting
from comms.releases.service import ATTACHMENTS, LANGUAGES, Release, ReleaseError, get_release
from comms.rendering.richtext import RichTextError, markdown_to_html
from comms.rendering.labels import LANGUAGE_NAMES, STAFF_TIMEZONE, staff_time
from comms.web import errors
from comms.web.context import db

# Office holders and viewers read releases; media officers (and admins) draft, submit and publish them.
READERS = ("officer", "approver", "viewer")
WRITERS = ("officer",)
STATUS_LABELS = {"draft": "Draft", "in_review": "In review", "approved": "Approved", "scheduled": "Scheduled",
                 "published": "Published", "retracted": "Retracted", "publishing": "Publishing",
                 # Statuses as read (comms.releases.desk.display_statuses), beside the stored ones.
                 "changes_requested": "Changes requested", "correction": "Correction in draft",
                 "correction_in_review": "Correction in review", "correction_approved": "Correction approved",
                 "correction_scheduled": "Correction scheduled"}
FIELD_LABELS = {"headline": "Headline", "subheadline": "Subheadline", "dateline": "Dateline",
                "body_markdown": "Body", "quotes": "Quotes", "notes_to_editors": "Notes to editors",
                "media_contacts": "Media contacts", "topics": "Topics", "embargo_until": "Embargo",
                "at": "Publication time", "language": "Language", "translation_of": "Original",
                "approver_ids": "Approvers", "note": "Note", "meeting_id": "Meeting", "slug": "Slug",
                "attachments": "Photo and PDF", "caption": "Caption", "file": "File", "kind": "Kind"}
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
    """A sentence for people, naming each bad field by its form label."""
    return errors.error_message(exc, lambda name: FIELD_LABELS.get(name, name.replace("_", " ")).lower(),
                                _subject_phrase)


def _subject_phrase(text: str) -> str:
    first, _, rest = text.partition(" ")
    return f"{SUBJECT_PHRASES[first]} {rest}" if first in SUBJECT_PHRASES and rest else text


def fail(exc: Exception) -> int:
    """Undo the request's changes, flash the error, and return its status."""
    db().rollback()
    flash(error_message(exc), "error")
    return error_status(exc)


def rich_html(markdown: str) -> Markup:
    """A release's Markdown as sanitised HTML for a staff page, or, when it is over the rich-text
    limits (stored before they existed, docs/design/security.md item 31), a visible notice in its place: the page
    still shows, so the release can be edited or retracted."""
    try:
        return Markup(markdown_to_html(markdown))
    except RichTextError as exc:
        return Markup('<p class="flash flash-error render-error" role="alert">{}</p>').format(
            f"This text cannot be shown: {exc}. Edit the release to fix it.")


def zone_of(meeting: Meeting | None) -> dt.tzinfo:
    """The meeting's time zone, or the office's (Geneva): staff read and type one zone, never UTC."""
    return meeting.zone if meeting else ZoneInfo(STAFF_TIMEZONE)


def zone_name(meeting: Meeting | None) -> str:
    """The name of :func:`zone_of`'s zone."""
    return meeting.timezone if meeting else STAFF_TIMEZONE


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


def when(moment: dt.datetime | None, meeting: Meeting | None = None) -> str:
    """A stored time for staff, in one zone only: the meeting's, or Geneva's (issue 15: never a mix of
    UTC and CET on the desk; the journalists' embargo lines keep UTC beside the local time)."""
    if moment is None:
        return ""
    return moment.astimezone(zone_of(meeting)).strftime(TIME_FORMAT)


def comparable_content(content: dict) -> dict:
    """A revision's content with its attachments as lines of text ("photo: plenary.png “caption”")."""
    named = content.get(ATTACHMENTS) or {}
    lines = [f"{kind}: {entry.get('filename', '')} “{entry.get('caption', '')}” ({str(entry.get('sha256', ''))[:12]})"
             for kind, entry in sorted(named.items()) if isinstance(entry, dict)]
    return {**content, ATTACHMENTS: "\n".join(lines)}


def approver_choices(release: Release) -> list[auth.User]:
    """Active users with the approver role (and the meeting's office holders), never the author
    nor anyone who edited a revision since the last approval."""
    users = [u for u in auth.list_users(db(), "approver") if u.active]
    for user in release.meeting.approvers() if release.meeting else []:
        if user not in users:
            users.insert(0, user)
    return [u for u in users if workflow.approval_refusal(db(), release, u) is None]


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
            "languages": LANGUAGES, "when": when, "request_status": request_status,
            # Approval times (asked, decided) read in one zone, the meeting's or Geneva's, as in the emails.
            "staff_time": staff_time}
