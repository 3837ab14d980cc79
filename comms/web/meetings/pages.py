"""Staff pages for meetings: the list and create form, a meeting's page, editing it and its
office holders, and its side events (entered and shown in the meeting's own time zone)."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from comms.accounts import users as auth
from comms.meetings import documents
from comms.meetings import service as meetings
from comms.web.access import current_actor, roles_required
from comms.web.context import db, runtime
from comms.web.forms import Problems, kept, refuse
from comms.web.meetings.shared import DOMAIN_ERRORS, MAX_ID, OFFICE_LABELS, READERS, WRITERS, approver_choices, check_length, fail, find_strategy, get_meeting, lines, parse_date, parse_id, parse_languages, sign_off_summary, template_context, timezone_names
from contacts import lists

bp = Blueprint("meetings_ui", __name__, url_prefix="/staff/meetings")
bp.context_processor(template_context)


# --- the meeting form -------------------------------------------------------------------------------------------

def form_values(meeting: meetings.Meeting | None = None) -> dict:
    """What the meeting form shows for a meeting (or a new one)."""
    if meeting is None:
        return {"title": "", "kind": "msp", "starts_on": "", "ends_on": "", "timezone": "Europe/Zurich", "venue": "",
                "languages": "en, fr, es", "description": "", "president": "", "co_chairs": []}
    president = meeting.president()
    return {"title": meeting.title, "kind": meeting.kind, "starts_on": meeting.starts_on.isoformat(),
            "ends_on": meeting.ends_on.isoformat(), "timezone": meeting.timezone, "venue": meeting.venue,
            "languages": ", ".join(meeting.languages), "description": meeting.description,
            "president": str(president.id) if president else "",
            "co_chairs": [str(h.user_id) for h in meeting.office_holders if h.role == "co_chair"]}


def posted_values(form) -> dict:
    """The posted meeting form, as the form shows it again after an error."""
    values = {key: form.get(key, "").strip() for key in ("title", "kind", "starts_on", "ends_on", "timezone", "venue",
                                                          "languages", "description", "president")}
    values["co_chairs"] = form.getlist("co_chairs")
    return values


def read_meeting_form(values: dict, allowed: list[auth.User]) -> tuple[dict, list[tuple[auth.User, str]]]:
    """Meeting fields and office holders from the form; one MeetingError naming every bad field."""
    problems = Problems()
    fields = {"title": problems.check("title", check_length, values["title"], 300, "the title"), "kind": values["kind"],
              "starts_on": problems.check("starts_on", parse_date, values["starts_on"], "the start date"),
              "ends_on": problems.check("ends_on", parse_date, values["ends_on"], "the end date"),
              "timezone": problems.check("timezone", meetings.validate_timezone, values["timezone"]),
              "venue": problems.check("venue", check_length, values["venue"], 300, "the venue"),
              "languages": problems.check("languages", parse_languages, values["languages"]),
              "description": values["description"]}
    if not values["title"]:
        problems.note("title", "a meeting needs a title")
    if fields["languages"]:
        problems.check("languages", meetings.check_languages, fields["languages"])
    if fields["starts_on"] and fields["ends_on"] and fields["ends_on"] < fields["starts_on"]:
        problems.note("ends_on", "a meeting cannot end before it starts")
    by_id = {user.id: user for user in allowed}
    holders: list[tuple[auth.User, str]] = []
    wanted = [(values["president"], "president")] + [(raw, "co_chair") for raw in values["co_chairs"]]
    for raw, role in wanted:
        if not raw:
            continue
        user = by_id.get(parse_id(raw))
        if user is None:
            problems.note(role, f"choose the {OFFICE_LABELS[role]} among the office holders (approvers)")
        elif (user, role) not in holders:
            holders.append((user, role))
    problems.raise_any(meetings.MeetingError)
    return fields, holders


def _form_choices(meeting: meetings.Meeting | None = None) -> dict:
    return {"kinds": meetings.MEETING_KINDS, "approvers": approver_choices(meeting), "timezones": timezone_names()}


# --- the list and creating ----------------------------------------------------------------------------------------

def _render_index(values: dict | None = None, status: int = 200):
    return render_template("meetings/index.html", meetings=meetings.all_meetings(db()),
                           values=values or form_values(), **_form_choices()), status


@bp.route("")
@roles_required(*READERS)
def index():
    """Every meeting, newest first, and (for officers) the form to create one."""
    return _render_index()


@bp.route("", methods=["POST"])
@roles_required(*WRITERS)
def create():
    """Create a meeting with its President and Co-Chairs."""
    session, values = db(), posted_values(request.form)
    try:
        fields, holders = read_meeting_form(values, approver_choices())
        meeting = meetings.create_meeting(session, actor=current_actor_user(), **fields)
        meetings.set_office_holders(session, meeting, holders)
    except DOMAIN_ERRORS as exc:
        return _render_index(values, fail(exc))
    session.commit()
    flash(f"Created {meeting.title}.", "success")
    return redirect(url_for("meetings_ui.show", meeting_id=meeting.id), 303)


def current_actor_user() -> auth.User:
    """The signed-in user, as the meetings module records its author."""
    return current_user.user


# --- one meeting ---------------------------------------------------------------------------------------------------

def render_meeting(meeting: meetings.Meeting, status: int = 200, side_event_values: dict | None = None,
                   document_values: dict | None = None):
    """A meeting's page: details, strategy summary, milestones, side events and documents (a refused
    side event form comes back with what was typed and its field errors)."""
    session = db()
    found = find_strategy(meeting)
    kept_new, new_errors = kept("side_event")
    side_event_values = side_event_values or kept_new
    document_values = document_values or kept("document")[0]
    edited = {event.id: kept(f"side_event_{event.id}") for event in meeting.side_events}
    return render_template(
        "meetings/show.html", meeting=meeting, summary=sign_off_summary(found),
        milestones=found.milestones if found else [], documents=documents.documents_of(session, meeting),
        document_kinds=documents.DOCUMENT_KINDS, contact_lists=lists.all_lists(session),
        side_event_values=side_event_values or {}, document_values=document_values or {},
        side_event_errors=new_errors, edited_side_events={k: v for k, v in edited.items() if v[0] or v[1]},
        today=dt.date.today(),
    ), status


@bp.route("/<int:meeting_id>")
@roles_required(*READERS)
def show(meeting_id: int):
    """One meeting and everything planned around it."""
    return render_meeting(get_meeting(meeting_id))


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@roles_required(*WRITERS)
def edit(meeting_id: int):
    """Change the meeting's fields and office holders."""
    meeting, session = get_meeting(meeting_id), db()
    if request.method != "POST":  # GET and HEAD only read (docs/design/security.md item 30)
        return render_template("meetings/edit.html", meeting=meeting, values=form_values(meeting),
                               **_form_choices(meeting))
    values = posted_values(request.form)
    try:
        fields, holders = read_meeting_form(values, approver_choices(meeting))
        changed = meetings.update_meeting(session, meeting, fields, current_actor_user())
        before = sorted((h.user_id, h.role) for h in meeting.office_holders)
        if before != sorted((user.id, role) for user, role in holders):
            meetings.set_office_holders(session, meeting, holders)
            changed.append("office holders")
    except DOMAIN_ERRORS as exc:
        status = fail(exc)
        meeting = get_meeting(meeting_id)
        return render_template("meetings/edit.html", meeting=meeting, values=values,
                               **_form_choices(meeting)), status
    session.commit()
    flash(f"Saved changes to {', '.join(c.replace('_', ' ') for c in changed)}." if changed else "Nothing changed.",
          "success")
    return redirect(url_for("meetings_ui.show", meeting_id=meeting.id), 303)


# --- side events ---------------------------------------------------------------------------------------------------

def read_side_event(meeting: meetings.Meeting, form) -> dict:
    """A side event from the form; times are local to the meeting's zone. Every field is checked
    before one MeetingError names all that is wrong."""
    problems = Problems()
    values = {"title": problems.check("title", check_length, form.get("title", "").strip(), 300, "the title"),
              "organiser": problems.check("organiser", check_length, form.get("organiser", ""), 300, "the organiser"),
              "room": problems.check("room", check_length, form.get("room", ""), 120, "the room"),
              "description": "\n".join(lines(form.get("description"))),
              "starts_at": problems.check("starts_at", meetings.local_datetime, meeting,
                                          form.get("starts_at", "").strip()),
              "ends_at": problems.check("ends_at", meetings.local_datetime, meeting, form.get("ends_at", "").strip()),
              "public": form.get("public") == "yes"}
    if not (values["title"] or "").strip() and "title" not in problems.fields:
        problems.note("title", "a side event needs a title")
    problems.raise_any(meetings.MeetingError)
    return values


def _refused_side_event(meeting: meetings.Meeting, form_name: str, exc: Exception, anchor: str):
    """Back to the meeting's page (POST-redirect-GET) with the error flashed and the posted values kept."""
    fail(exc)
    return refuse(url_for("meetings_ui.show", meeting_id=meeting.id, _anchor=anchor), form_name,
                  request.form.to_dict(), getattr(exc, "fields", None))


def _side_event(meeting: meetings.Meeting, event_id: int) -> meetings.SideEvent:
    event = db().get(meetings.SideEvent, event_id) if event_id <= MAX_ID else None
    if event is None or event.meeting_id != meeting.id:
        abort(404, f"There is no side event {event_id} at this meeting.")
    return event


@bp.route("/<int:meeting_id>/side-events", methods=["POST"])
@roles_required(*WRITERS)
def add_side_event(meeting_id: int):
    """Add a side event; its times are entered in the meeting's zone."""
    meeting, session = get_meeting(meeting_id), db()
    try:
        event = meetings.add_side_event(session, meeting, **read_side_event(meeting, request.form),
                                        margin_days=runtime().config.side_event_margin_days)
        current_actor().record(session, "side_event.create", object_type="side_event", object_id=event.id,
                               details={"meeting_id": meeting.id})
    except DOMAIN_ERRORS as exc:
        return _refused_side_event(meeting, "side_event", exc, "side-events")
    session.commit()
    flash(f"Added the side event {event.title}.", "success")
    return redirect(url_for("meetings_ui.show", meeting_id=meeting.id, _anchor="side-events"), 303)


@bp.route("/<int:meeting_id>/side-events/<int:event_id>", methods=["POST"])
@roles_required(*WRITERS)
def update_side_event(meeting_id: int, event_id: int):
    """Change a side event (its calendar entry's SEQUENCE goes up)."""
    meeting, session = get_meeting(meeting_id), db()
    event = _side_event(meeting, event_id)
    try:
        changed = meetings.update_side_event(session, event, read_side_event(meeting, request.form),
                                             runtime().config.side_event_margin_days)
        if changed:
            current_actor().record(session, "side_event.update", object_type="side_event", object_id=event.id,
                                   details={"fields": changed})
    except DOMAIN_ERRORS as exc:
        return _refused_side_event(meeting, f"side_event_{event_id}", exc, f"side-event-{event_id}")
    session.commit()
    flash(f"Saved the side event {event.title}." if changed else "Nothing changed.", "success")
    return redirect(url_for("meetings_ui.show", meeting_id=meeting.id, _anchor=f"side-event-{event.id}"), 303)


@bp.route("/<int:meeting_id>/side-events/<int:event_id>/delete", methods=["POST"])
@roles_required(*WRITERS)
def delete_side_event(meeting_id: int, event_id: int):
    """Delete a side event (it disappears from the public page and the calendar feed)."""
    meeting, session = get_meeting(meeting_id), db()
    event = _side_event(meeting, event_id)
    title = event.title
    meeting.side_events.remove(event)
    session.flush()
    current_actor().record(session, "side_event.delete", object_type="side_event", object_id=event_id,
                           details={"meeting_id": meeting.id, "title": title})
    session.commit()
    flash(f"Deleted the side event {title}.", "success")
    return redirect(url_for("meetings_ui.show", meeting_id=meeting.id, _anchor="side-events"), 303)
