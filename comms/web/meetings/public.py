"""Public meeting pages, document downloads and the meetings calendar (/calendar.ics)."""

from __future__ import annotations

import datetime as dt
import hashlib
from urllib.parse import urlsplit

from flask import Blueprint, Response, abort, render_template, request, send_file
from sqlalchemy import func, select

from comms.meetings import documents
from comms.meetings import service as meetings
from comms.releases import newsroom
from comms.web.context import absolute_url, db, runtime
from feeds.ics import CalendarEntry, build_calendar

bp = Blueprint("meetings_public", __name__)


def _public_meeting(meeting_id: int) -> meetings.Meeting:
    found = db().get(meetings.Meeting, meeting_id)
    if found is None:
        abort(404)
    return found


def calendar_entries(session) -> list[CalendarEntry]:
    """Meetings (all-day) and public side events (timed, in the meeting's zone)."""
    host = urlsplit(runtime().config.base_url or request.host_url).hostname or "pressroom"
    entries = []
    for meeting in session.scalars(select(meetings.Meeting)):
        url = absolute_url("meetings_public.meeting_page", meeting_id=meeting.id)
        entries.append(CalendarEntry(
            uid=f"meeting-{meeting.id}@{host}", title=meeting.title, start=meeting.starts_on,
            end=meeting.ends_on + dt.timedelta(days=1), timezone=meeting.timezone, location=meeting.venue,
            description=meeting.description, url=url, sequence=meeting.sequence, updated=meeting.updated_at,
            categories=(meeting.kind,)))
        for event in meeting.side_events:
            if event.public:
                entries.append(CalendarEntry(
                    uid=f"side-event-{event.id}@{host}", title=event.title, start=event.starts_at,
                    end=event.ends_at, timezone=meeting.timezone,
                    location=", ".join(part for part in (event.room, meeting.venue) if part),
                    description="\n\n".join(part for part in (f"Organised by {event.organiser}" if event.organiser
                                                              else "", event.description) if part),
                    url=url, sequence=event.sequence, updated=event.updated_at, categories=("side event",)))
    return entries


@bp.route("/calendar.ics")
def calendar():
    """Meetings and public side events as iCalendar, with conditional GET."""
    session = db()
    newest = [session.scalar(select(func.max(meetings.Meeting.updated_at))),
              session.scalar(select(func.max(meetings.SideEvent.updated_at)))]
    stamp = max((t for t in newest if t is not None), default=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
    # Every VEVENT gets the office as ORGANIZER: libical's iTIP check refuses PUBLISH events without one.
    body = build_calendar(calendar_entries(session), name=runtime().config.office_name, stamp=stamp,
                          organizer=(runtime().config.mail_from, runtime().config.office_name))
    etag = hashlib.sha256(body).hexdigest()[:32]
    response = Response(body, mimetype="text/calendar")
    response.set_etag(etag)
    response.last_modified = stamp
    response.cache_control.public = True
    response.cache_control.max_age = 300
    response.headers["Content-Disposition"] = 'inline; filename="calendar.ics"'
    return response.make_conditional(request)


@bp.route("/meetings/")
def index():
    """Every meeting, the coming ones first, with the calendar to subscribe to."""
    listed = db().scalars(select(meetings.Meeting).order_by(meetings.Meeting.starts_on.desc())).all()
    today = dt.date.today()
    return render_template("meetings/public_index.html", upcoming=[m for m in reversed(listed) if m.ends_on >= today],
                           past=[m for m in listed if m.ends_on < today])


@bp.route("/meetings/<int:meeting_id>")
def meeting_page(meeting_id: int):
    """A meeting's public page: programme, side events, documents."""
    meeting = _public_meeting(meeting_id)
    public_events = [e for e in meeting.side_events if e.public]
    meeting_releases, _total = newsroom.search_public(db(), meeting_id=meeting.id, per_page=50)
    return render_template("meetings/public.html", meeting=meeting, side_events=public_events,
                           documents=documents.public_documents(db(), meeting), releases=meeting_releases)


@bp.route("/meetings/<int:meeting_id>/documents/<int:document_id>/<language>/<filename>")
def document_file(meeting_id: int, document_id: int, language: str, filename: str):
    """One language of a public document, at a stable URL."""
    document = db().get(documents.Document, document_id)
    if document is None or document.meeting_id != meeting_id or not document.public:
        abort(404)
    record = next((f for f in document.files if f.language == language), None)
    if record is None:
        abort(404)
    path = documents.file_path(runtime().config.documents_path, record)
    if not path.exists():
        abort(404)
    # Served as a download: a document must never run as a page of this site. send_file writes
    # Content-Disposition per RFC 6266 (filename*= for non-ASCII names; docs/design/security.md item 35).
    return send_file(path, mimetype=record.content_type, download_name=record.filename, conditional=True,
                     etag=record.sha256, max_age=3600, as_attachment=True)
