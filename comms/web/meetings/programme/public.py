"""The public programme: a page by day and track in EN/FR/ES with "now" and "next", the
programme as ICS (one VEVENT per session) and as an A4 PDF, and one session's ICS.

The PDF and programme.ics are built once per publication and language and kept on disk
(comms.meetings.programme.file_cache): their ETag is the key of what they show, so a
conditional request or a HEAD is answered before anything is built."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path
from typing import Callable

from flask import Blueprint, Response, abort, redirect, render_template, request
from werkzeug.http import is_resource_modified

from comms.meetings.programme import agenda, file_cache, public_files, signoff
from comms.meetings.programme.models import TRACKS
from comms.meetings.programme.sessions import public_symbols
from comms.meetings.service import Meeting
from comms.web.context import absolute_url, db, runtime
from comms.web.i18n import LOCALES, current_language
from comms.meetings.programme.public_files import public_sessions
from comms.web.meetings.programme.views import by_day_and_track, calendar_entries, calendar_entry, organizer
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


def _cache_folder() -> Path:
    return public_files.cache_folder(runtime().config.instance_path)


def _kept_file(key: str, path: Path, build: Callable[[], bytes], mimetype: str, filename: str,
               stamp: dt.datetime | None = None) -> Response:
    """A built-once file: 304 or a HEAD straight from ``key`` (its ETag), else the file from disk,
    built by ``build`` the first time anyone asks."""
    etag = key[:32]
    response = Response(mimetype=mimetype)
    response.set_etag(etag)
    if stamp is not None:
        response.last_modified = stamp
    response.cache_control.public = True
    response.cache_control.max_age = 300
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    if not is_resource_modified(request.environ, etag=etag, last_modified=stamp):
        response.status_code = 304
        return response
    if request.method == "HEAD":
        # Headers only: the size is known once the file was built, and HEAD never builds it.
        response.automatically_set_content_length = False
        if path.exists():
            response.content_length = path.stat().st_size
        return response
    response.set_data(file_cache.cached_file(path, build))
    return response


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
    days = by_day_and_track(meeting, public_sessions(db(), programme, meeting), language, utcnow())
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
    cancelled = list(programme.cancelled or []) if programme else []
    cited = {s for item in signoff.published_sessions(programme) + cancelled for s in item.get("documents") or []}
    # Besides the publication, the file shows which cited documents are public now, the
    # office's address, the page's URL (UIDs end with its host) and its DTSTAMP.
    extra = (sorted(public_symbols(db(), meeting, cited)), organizer(),
             absolute_url("programme_public.programme_page", meeting_id=meeting.id), stamp.isoformat())
    key = file_cache.file_key("ics", meeting, programme, "", extra)

    def build() -> bytes:
        return build_calendar(calendar_entries(db(), meeting, programme), name=f"{meeting.title}: programme",
                              stamp=stamp, organizer=organizer())

    return _kept_file(key, file_cache.cache_path(_cache_folder(), "ics", meeting, "all", key), build,
                      "text/calendar", f"programme-{meeting.id}.ics", stamp)


@bp.route("/meetings/<int:meeting_id>/programme/<key>.ics")
def session_ics(meeting_id: int, key: str):
    """One session ("add to my calendar"), with the same UID and SEQUENCE as in programme.ics."""
    meeting = _meeting(meeting_id)
    programme = signoff.find_programme(db(), meeting)
    item = next((s for s in public_sessions(db(), programme, meeting) if str(s["id"]) == key), None)
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
    key = public_files.pdf_key(meeting, programme, language)
    # Usually built already: publishing queues programme.prebuild for every language.
    return _kept_file(key, public_files.pdf_path(_cache_folder(), meeting, language, key),
                      public_files.pdf_builder(db(), meeting, programme, language),
                      "application/pdf", f"programme-{meeting.id}-{language}.pdf")

