"""The public programme: a page by day and track in EN/FR/ES with "now" and "next", the
programme as ICS (one VEVENT per session) and as an A4 PDF, and one session's ICS."""

from __future__ import annotations

import datetime as dt
import hashlib

from flask import Blueprint, Response, abort, redirect, render_template, request

from comms.meetings.programme import agenda, signoff
from comms.meetings.programme.models import TRACKS
from comms.meetings.programme.printing import programme_pdf
from comms.meetings.service import Meeting
from comms.web.context import db
from comms.web.i18n import LOCALES, current_language
from comms.web.meetings.programme.views import (by_day_and_track, calendar_entries, calendar_entry, organizer,
                                                public_sessions)
from feeds.ics import build_calendar
from storage.db import utcnow

bp = Blueprint("programme_public", __name__)
EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


def _meeting(meeting_id: int) -> Meeting:
    found = db().get(Meeting, meeting_id) if meeting_id < 2**63 else None
    if found is None:
        abort(404)
    return found


def _language() -> str:
    wanted = request.args.get("lang", "")
    return wanted if wanted in LOCALES else current_language()


def _calendar_response(body: bytes, filename: str, stamp: dt.datetime) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    response.last_modified = stamp
    response.cache_control.public = True
    response.cache_control.max_age = 300
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response.make_conditional(request)


@bp.route("/meetings/<int:meeting_id>/programme")
def programme_page(meeting_id: int):
    """The published programme by day and track, times in the meeting's zone."""
    meeting = _meeting(meeting_id)
    wanted = request.args.get("lang", "")
    if wanted:
        if wanted not in LOCALES:
            abort(400, "Choose lang=en, fr or es.")
        # ?lang= is the contract's spelling; the /fr/ prefix is how the site keeps a language in its links.
        if request.environ.get("pressroom.locale") != wanted:
            return redirect(f"{request.environ.get('pressroom.script_root', '')}/{wanted}{request.path}", 302)
    programme = signoff.find_programme(db(), meeting)
    language = current_language()
    days = by_day_and_track(meeting, public_sessions(programme, meeting), language, utcnow())
    items = {item.number: item for item in agenda.items_of(db(), meeting)}
    return render_template("meetings/programme_public.html", meeting=meeting, programme=programme, days=days,
                           agenda_items=items, language=language, tracks=TRACKS)


@bp.route("/meetings/<int:meeting_id>/programme.ics")
def programme_ics(meeting_id: int):
    """Every published session and public side event as a VEVENT (stable UIDs, SEQUENCE, TZID)."""
    meeting = _meeting(meeting_id)
    programme = signoff.find_programme(db(), meeting)
    stamp = max([t for t in (programme.published_at if programme else None, meeting.updated_at,
                             *(e.updated_at for e in meeting.side_events)) if t is not None], default=EPOCH)
    body = build_calendar(calendar_entries(meeting, programme), name=f"{meeting.title}: programme", stamp=stamp,
                          organizer=organizer())
    return _calendar_response(body, f"programme-{meeting.id}.ics", stamp)


@bp.route("/meetings/<int:meeting_id>/programme/<key>.ics")
def session_ics(meeting_id: int, key: str):
    """One session ("add to my calendar"), with the same UID and SEQUENCE as in programme.ics."""
    meeting = _meeting(meeting_id)
    programme = signoff.find_programme(db(), meeting)
    item = next((s for s in public_sessions(programme, meeting) if str(s["id"]) == key), None)
    if item is None:
        abort(404)
    stamp = programme.published_at if programme and programme.published_at else meeting.updated_at or EPOCH
    body = build_calendar([calendar_entry(meeting, programme, item)], name=meeting.title, stamp=stamp,
                          organizer=organizer())
    return _calendar_response(body, f"session-{key}.ics", stamp)


@bp.route("/meetings/<int:meeting_id>/programme.pdf")
def programme_file(meeting_id: int):
    """The published programme as an A4 PDF (``?lang=`` en, fr or es)."""
    meeting = _meeting(meeting_id)
    programme = signoff.find_programme(db(), meeting)
    language = _language()
    created = programme.published_at if programme and programme.published_at else EPOCH
    body = programme_pdf(meeting, public_sessions(programme, meeting),
                         programme.published_version if programme else None, language, created=created)
    response = Response(body, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="programme-{meeting.id}-{language}.pdf"'
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    response.cache_control.public = True
    response.cache_control.max_age = 300
    return response.make_conditional(request)

