"""Staff pages for the agenda and the programme: build sessions, submit them to the office
holders, publish the approved version and send delegations what moved."""

from __future__ import annotations

import datetime as dt
import re
from itertools import groupby

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from comms.accounts import approvals
from comms.meetings.programme import agenda, invitations, signoff
from comms.meetings.programme.models import TRACKS
from comms.meetings.programme.printing import TRACK_LABELS
from comms.meetings.programme.sessions import (ProgrammeError, local_moment_text, moment_of, session_title,
                                               side_event_sessions)
from comms.rendering import emails
from comms.web.access import current_actor, roles_required
from comms.platform import jobs
from comms.web.context import absolute_url, db, runtime
from comms.web.meetings.programme.api import approval_messages
from comms.web.meetings.programme.views import Shown
from comms.web.meetings.shared import DOMAIN_ERRORS, READERS, WRITERS, fail, get_meeting, parse_id, template_context
from contacts.delegations import list_delegations

bp = Blueprint("programme_ui", __name__, url_prefix="/staff/meetings")
bp.context_processor(template_context)
ERRORS = DOMAIN_ERRORS + (ProgrammeError,)


def failed(exc: Exception) -> int:
    """Undo, flash the error and return its status: a programme's own refusals keep theirs (409, 422)."""
    status = fail(exc)
    return exc.status if isinstance(exc, ProgrammeError) else status


def shown_by_day(meeting, sessions: list[dict]) -> list[tuple[dt.date, list[Shown]]]:
    """Sessions with local times, grouped by local day."""
    shown = [Shown(str(s["id"]), s, session_title(s, "en"), meeting.local(moment_of(s["starts_at"])),
                   meeting.local(moment_of(s["ends_at"]))) for s in sorted(sessions, key=lambda s: s["starts_at"])]
    return [(day, list(items)) for day, items in groupby(shown, key=lambda s: s.starts.date())]


def approval_context(session, programme) -> dict:
    """What the approval page shows: the current version's sessions by day, in the meeting's zone."""
    return {"days": shown_by_day(programme.meeting, signoff.current_sessions(programme)),
            "track_labels": TRACK_LABELS["en"]}


def agenda_lines(items) -> str:
    """The agenda as the form's lines: ``number | English | French | Spanish | symbols``."""
    return "\n".join(" | ".join([item.number, item.titles.get("en", ""), item.titles.get("fr", ""),
                                 item.titles.get("es", ""), ", ".join(item.documents)]) for item in items)


def parse_agenda_lines(text: str) -> list[dict]:
    """The form's lines back as agenda items."""
    items = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")] + [""] * 5
        items.append({"number": parts[0], "title": {k: v for k, v in zip(("en", "fr", "es"), parts[1:4]) if v},
                      "documents": [s.strip() for s in parts[4].split(",") if s.strip()]})
    return items


def agenda_problems(exc: Exception, text: str) -> str:
    """The agenda's errors as one sentence naming lines (``items[2]`` is the third non-blank line)."""
    fields = getattr(exc, "fields", None) or {}
    numbered = [line for line in (text or "").splitlines() if line.strip()]
    found = []
    for where, problem in fields.items():
        match = re.match(r"items\[(\d+)\]", where)
        if match and int(match.group(1)) < len(numbered):
            found.append(f"line {int(match.group(1)) + 1} ({numbered[int(match.group(1))].split('|')[0].strip()}): {problem}")
        else:
            found.append(problem)
    return "; ".join(found) or str(exc)


# The API's session fields, as the editor's form fields.
FORM_FIELDS = {"track": "track", "title": "title_en", "starts_at": "start", "ends_at": "end", "room": "room",
               "chair": "chair", "agenda_item": "agenda_item", "speakers": "speakers", "documents": "documents"}


def session_problems(exc: Exception, index: int) -> dict:
    """The posted session's errors by form field; a clash with another session lands on its room or chair."""
    errors: dict[str, str] = {}
    for where, problem in (getattr(exc, "fields", None) or {}).items():
        match = re.fullmatch(r"sessions\[(\d+)\]\.(\w+)", where)
        if match is None:
            continue
        field = FORM_FIELDS.get(match.group(2))
        if field and (int(match.group(1)) == index or field in ("room", "chair")):
            errors.setdefault(field, problem)
    return errors or {"form": str(exc)}


@bp.route("/<int:meeting_id>/agenda")
@roles_required(*READERS)
def agenda_page(meeting_id: int):
    """The agenda, editable as one line per item."""
    meeting = get_meeting(meeting_id)
    items = agenda.items_of(db(), meeting)
    return render_template("meetings/agenda_edit.html", meeting=meeting, items=items, text=agenda_lines(items))


@bp.route("/<int:meeting_id>/agenda", methods=["POST"])
@roles_required(*WRITERS)
def save_agenda(meeting_id: int):
    """Replace the agenda from the form."""
    meeting = get_meeting(meeting_id)
    text = request.form.get("agenda", "")
    try:
        agenda.save_agenda(db(), meeting, parse_agenda_lines(text), current_actor())
    except ERRORS as exc:
        status = failed(exc)
        return render_template("meetings/agenda_edit.html", meeting=get_meeting(meeting_id),
                               items=agenda.items_of(db(), meeting), text=text,
                               errors={"agenda": agenda_problems(exc, text)}), 422 if status == 400 else status
    db().commit()
    flash("Saved the agenda.", "success")
    return redirect(url_for("programme_ui.agenda_page", meeting_id=meeting.id), 303)


def session_form(meeting, item: dict | None) -> dict:
    """The add/edit form's values for a session (local times)."""
    if item is None:
        return {"id": "", "track": "plenary", "title_en": "", "title_fr": "", "title_es": "",
                "day": meeting.starts_on.isoformat(), "start": "10:00", "end": "13:00", "room": "", "chair": "",
                "agenda_item": "", "speakers": [], "documents": ""}
    starts, ends = meeting.local(moment_of(item["starts_at"])), meeting.local(moment_of(item["ends_at"]))
    return {"id": str(item["id"]), "track": item["track"], **{f"title_{k}": item["title"].get(k, "")
                                                              for k in ("en", "fr", "es")},
            "day": starts.date().isoformat(), "start": f"{starts:%H:%M}", "end": f"{ends:%H:%M}",
            "room": item["room"], "chair": item["chair"], "agenda_item": item["agenda_item"] or "",
            "speakers": [str(i) for i in item["speakers"]], "documents": ", ".join(item["documents"])}


def render_programme(meeting, form: dict | None = None, status: int = 200, errors: dict | None = None):
    """The programme editor: sessions by day, the session form, sign-off and publishing."""
    session = db()
    programme = signoff.find_programme(session, meeting)
    sessions = signoff.current_sessions(programme)
    editing = next((s for s in sessions if str(s["id"]) == request.args.get("edit")), None)
    from_approvals = approvals.requests_for(session, signoff.SUBJECT, programme.id) if programme else []
    return render_template(
        "meetings/programme_edit.html", meeting=meeting, programme=programme,
        days=shown_by_day(meeting, sessions + side_event_sessions(meeting)), form=form or session_form(meeting, editing),
        tracks=TRACKS, track_labels=TRACK_LABELS["en"], agenda_items=agenda.items_of(session, meeting),
        delegations=list_delegations(session), approvers=signoff.eligible_approvers(meeting),
        requests=from_approvals, errors=errors or {}), status


@bp.route("/<int:meeting_id>/programme")
@roles_required(*READERS)
def programme_page(meeting_id: int):
    """The programme as staff build it (the current version, published or not)."""
    return render_programme(get_meeting(meeting_id))


def posted_session(form) -> dict:
    """The session form as posted."""
    return {"id": form.get("id", ""), "track": form.get("track", "plenary"),
            **{f"title_{k}": form.get(f"title_{k}", "") for k in ("en", "fr", "es")},
            "day": form.get("day", ""), "start": form.get("start", ""), "end": form.get("end", ""),
            "room": form.get("room", ""), "chair": form.get("chair", ""), "agenda_item": form.get("agenda_item", ""),
            "speakers": form.getlist("speakers"), "documents": form.get("documents", "")}


@bp.route("/<int:meeting_id>/programme/sessions", methods=["POST"])
@roles_required(*WRITERS)
def save_session(meeting_id: int):
    """Add a session, or change the one named by ``id``; a new version of the programme follows."""
    meeting = get_meeting(meeting_id)
    values = posted_session(request.form)
    programme = signoff.find_programme(db(), meeting)
    sessions = signoff.current_sessions(programme)
    raw = {"track": values["track"], "title": {k: values[f"title_{k}"] for k in ("en", "fr", "es")},
           # The form's times are wall-clock times in the meeting's zone; the API's carry their offset.
           "starts_at": local_moment_text(meeting, values["day"], values["start"]),
           "ends_at": local_moment_text(meeting, values["day"], values["end"]),
           "room": values["room"], "chair": values["chair"], "agenda_item": values["agenda_item"] or None,
           "speakers": [i for i in (parse_id(v) for v in values["speakers"]) if i],
           "documents": [s.strip() for s in values["documents"].split(",") if s.strip()]}
    wanted = parse_id(values["id"])
    if wanted is not None and any(s["id"] == wanted for s in sessions):
        raw["id"] = wanted
        index = next(i for i, s in enumerate(sessions) if s["id"] == wanted)
        sessions = [raw if s["id"] == wanted else s for s in sessions]
    else:
        index, sessions = len(sessions), sessions + [raw]
    try:
        saved, new_version = signoff.save_programme(db(), meeting, sessions, current_user.user)
    except ERRORS as exc:
        status = failed(exc)
        return render_programme(get_meeting(meeting_id), values, 422 if status == 400 else status,
                                session_problems(exc, index))
    db().commit()
    flash(f"Saved version {saved.version} of the programme." if new_version else "Nothing changed.", "success")
    return redirect(url_for("programme_ui.programme_page", meeting_id=meeting.id), 303)


@bp.route("/<int:meeting_id>/programme/sessions/<int:session_id>/remove", methods=["POST"])
@roles_required(*WRITERS)
def remove_session(meeting_id: int, session_id: int):
    """Take a session out of the programme (a new version)."""
    meeting = get_meeting(meeting_id)
    sessions = [s for s in signoff.current_sessions(signoff.find_programme(db(), meeting)) if s["id"] != session_id]
    try:
        saved, _new = signoff.save_programme(db(), meeting, sessions, current_user.user)
    except ERRORS as exc:
        return render_programme(get_meeting(meeting_id), status=failed(exc))
    db().commit()
    flash(f"Removed the session: version {saved.version}.", "success")
    return redirect(url_for("programme_ui.programme_page", meeting_id=meeting.id), 303)


@bp.route("/<int:meeting_id>/programme/submit", methods=["POST"])
@roles_required(*WRITERS)
def submit(meeting_id: int):
    """Email the chosen office holders links to approve the current version."""
    meeting = get_meeting(meeting_id)
    me = current_user.user
    try:
        programme = signoff.get_programme(db(), meeting)
        sent = signoff.submit(db(), current_app.config["SECRET_KEY"], programme,
                              [i for i in (parse_id(v) for v in request.form.getlist("approver_ids")) if i], me)
        messages = approval_messages(programme, sent, me)
    except ERRORS as exc:
        return render_programme(get_meeting(meeting_id), status=failed(exc))
    db().commit()
    emails.queue_approval_messages(runtime(), messages)
    names = ", ".join(r.approver.display_name for r, _token in sent)
    flash(f"Approval of version {programme.version} requested from {names}.", "success")
    return redirect(url_for("programme_ui.programme_page", meeting_id=meeting.id), 303)


@bp.route("/<int:meeting_id>/programme/publish", methods=["POST"])
@roles_required(*WRITERS)
def publish(meeting_id: int):
    """Publish the approved current version."""
    meeting = get_meeting(meeting_id)
    programme = signoff.get_programme(db(), meeting)
    try:
        changes = signoff.publish(db(), programme, current_user.user)
    except ERRORS as exc:
        return render_programme(get_meeting(meeting_id), status=failed(exc))
    db().commit()
    # The PDF in every language, built before the first reader asks for it (it takes seconds).
    jobs.enqueue(runtime(), "programme.prebuild", meeting.id)
    flash(f"Published version {programme.version} ({len(changes)} sessions changed).", "success")
    return redirect(url_for("programme_ui.programme_page", meeting_id=meeting.id), 303)


@bp.route("/<int:meeting_id>/programme/dispatch", methods=["POST"])
@roles_required(*WRITERS)
def dispatch(meeting_id: int):
    """Email the speaking delegations' focal points what the last publication moved."""
    meeting = get_meeting(meeting_id)
    programme = signoff.find_programme(db(), meeting)
    if programme is None or programme.published_version is None:
        flash("Publish the programme before sending its changes.", "error")
        return render_programme(meeting, status=409)
    url = absolute_url("programme_public.programme_page", meeting_id=meeting.id)
    messages = invitations.change_notice_messages(db(), meeting, programme, url, None)
    current_actor().record(db(), "programme.dispatch", object_type=signoff.SUBJECT, object_id=programme.id,
                           details={"recipients": len(messages)})
    db().commit()
    invitations.queue_change_notices(runtime(), messages)
    flash(f"Sent the changes to {len(messages)} focal points.", "success")
    return redirect(url_for("programme_ui.programme_page", meeting_id=meeting.id), 303)
