"""Staff page for the office holders' bilateral meetings: availability, requests from
delegations, proposing and confirming a slot and room, cancelling, notes after the meeting.

Officers arrange every bilateral; an office holder (an approver) arranges their own. Confirming,
moving a confirmed slot and cancelling email the same ICS invitations as the API.
"""

from __future__ import annotations

import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from comms.meetings.programme import bilaterals, invitations
from comms.meetings.programme.models import Bilateral
from comms.meetings.programme.sessions import ProgrammeError, local_moment_text
from comms.web.access import current_actor, roles_required
from comms.web.context import db, runtime
from comms.web.meetings.programme.pages import failed
from comms.web.meetings.shared import (DOMAIN_ERRORS, MAX_ID, READERS, get_meeting, local_text, parse_id,
                                       template_context)
from contacts.delegations import list_delegations

bp = Blueprint("bilaterals_ui", __name__, url_prefix="/staff/meetings")
bp.context_processor(template_context)
ERRORS = DOMAIN_ERRORS + (ProgrammeError,)
ARRANGERS = ("officer", "approver")
# "2026-12-15 13:00-15:00" (an en dash or "to" also separates the times)
WINDOW = re.compile(r"^(\d{4}-\d{2}-\d{2})\s+(\d{1,2}:\d{2})\s*(?:-|–|to)\s*(\d{1,2}:\d{2})$")


def may_arrange(office_holder_id: int) -> bool:
    """Officers arrange any bilateral; an office holder only their own."""
    me = current_user.user
    return me.has_role("officer") or me.id == office_holder_id


def window_lines(meeting, windows) -> str:
    """Availability windows as the form's lines, in the meeting's zone."""
    return "\n".join(f"{local_text(meeting, w.starts_at, '%Y-%m-%d %H:%M')}-{local_text(meeting, w.ends_at, '%H:%M')}"
                     for w in windows)


def parse_window_lines(meeting, text: str) -> list[dict]:
    """The form's lines (local times in the meeting's zone) back as windows with offsets; ProgrammeError
    naming the first bad line."""
    windows = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        match = WINDOW.match(line)
        if match is None:
            raise ProgrammeError(f"line {number} of the availability is not 'YYYY-MM-DD HH:MM-HH:MM'",
                                 fields={"windows": f"line {number}: write 2026-12-15 13:00-15:00"})
        day, start, end = match.groups()
        windows.append({"starts_at": local_moment_text(meeting, day, start.zfill(5)),
                        "ends_at": local_moment_text(meeting, day, end.zfill(5))})
    return windows


def slot_of(meeting, form) -> tuple[str | None, str | None]:
    """A form's day, start and end (wall-clock times in the meeting's zone) as ISO times with their
    offset, or (None, None) when no day was given."""
    day = form.get("day", "").strip()
    if not day:
        return None, None
    return local_moment_text(meeting, day, form.get("start", "")), local_moment_text(meeting, day, form.get("end", ""))


def render_page(meeting, errors: dict | None = None, values: dict | None = None, status: int = 200):
    """The bilaterals page: each office holder's availability, then every bilateral."""
    session = db()
    holders = []
    for holder in meeting.office_holders:
        if all(h["user"].id != holder.user_id for h in holders):
            windows = bilaterals.availability_of(session, meeting, holder.user_id)
            holders.append({"user": holder.user, "role": holder.role, "windows": windows,
                            "text": window_lines(meeting, windows)})
    return render_template(
        "meetings/bilaterals.html", meeting=meeting, holders=holders,
        bilaterals=bilaterals.bilaterals_of(session, meeting), delegations=list_delegations(session),
        errors=errors or {}, values=values or {}, may_arrange=may_arrange,
        arranger=current_user.user.has_role(*ARRANGERS)), status


def refused(meeting_id: int, form_key: str, exc: Exception, values: dict | None = None):
    """Roll back, flash the error and show the page again with the fields' messages beside the form."""
    status = failed(exc)
    fields = dict(getattr(exc, "fields", {}) or {}) or {"form": str(exc)}
    return render_page(get_meeting(meeting_id), {form_key: fields}, {form_key: values or {}},
                       422 if status == 400 else status)


def get_bilateral(meeting, bilateral_id: int) -> Bilateral:
    """The meeting's bilateral with this id, or a 404 page."""
    found = db().get(Bilateral, bilateral_id) if bilateral_id <= MAX_ID else None
    if found is None or found.meeting_id != meeting.id:
        abort(404, f"There is no bilateral {bilateral_id} for this meeting.")
    return found


def back(meeting, anchor: str = ""):
    """After a successful POST, back to the page (PRG)."""
    return redirect(url_for("bilaterals_ui.page", meeting_id=meeting.id) + anchor, 303)


@bp.route("/<int:meeting_id>/bilaterals")
@roles_required(*READERS)
def page(meeting_id: int):
    """The office holders' availability and bilaterals, with notes (staff only)."""
    return render_page(get_meeting(meeting_id))


@bp.route("/<int:meeting_id>/bilaterals/availability/<int:user_id>", methods=["POST"])
@roles_required(*ARRANGERS)
def save_availability(meeting_id: int, user_id: int):
    """Replace an office holder's windows from the form's lines."""
    meeting = get_meeting(meeting_id)
    if not may_arrange(user_id):
        abort(403)
    text = request.form.get("windows", "")
    try:
        bilaterals.set_availability(db(), meeting, user_id, parse_window_lines(meeting, text), current_actor(),
                                    margin_days=runtime().config.side_event_margin_days)
    except ERRORS as exc:
        return refused(meeting_id, f"availability-{user_id}", exc, {"windows": text})
    db().commit()
    flash("Saved the availability.", "success")
    return back(meeting)


@bp.route("/<int:meeting_id>/bilaterals", methods=["POST"])
@roles_required(*ARRANGERS)
def request_bilateral(meeting_id: int):
    """Record a delegation's request; with a day and times it is proposed at once."""
    meeting = get_meeting(meeting_id)
    form = request.form
    values = {key: form.get(key, "") for key in ("delegation_id", "office_holder_id", "topic", "attendees", "day",
                                                  "start", "end", "room")}
    holder_id = parse_id(values["office_holder_id"])
    if holder_id is not None and not may_arrange(holder_id):
        abort(403)
    starts, ends = slot_of(meeting, form)
    raw = {"delegation_id": parse_id(values["delegation_id"]), "office_holder_id": holder_id,
           "topic": values["topic"], "attendees": [line.strip() for line in values["attendees"].splitlines()
                                                   if line.strip()],
           "room": values["room"], "starts_at": starts, "ends_at": ends}
    try:
        found = bilaterals.request_bilateral(db(), meeting, raw, current_actor(),
                                             margin_days=runtime().config.side_event_margin_days)
    except ERRORS as exc:
        return refused(meeting_id, "request", exc, values)
    db().commit()
    flash(f"Recorded the request from {found.delegation.name}.", "success")
    return back(meeting, f"#bilateral-{found.id}")


@bp.route("/<int:meeting_id>/bilaterals/<int:bilateral_id>/propose", methods=["POST"])
@roles_required(*ARRANGERS)
def propose(meeting_id: int, bilateral_id: int):
    """Propose or move the slot and room; a confirmed bilateral's invitation goes out again."""
    meeting = get_meeting(meeting_id)
    found = get_bilateral(meeting, bilateral_id)
    if not may_arrange(found.office_holder_id):
        abort(403)
    values = {key: request.form.get(key, "") for key in ("day", "start", "end", "room")}
    starts, ends = slot_of(meeting, request.form)
    try:
        if starts is None:
            raise ProgrammeError("choose a day for the bilateral", fields={"starts_at": "choose a day"})
        update = bilaterals.propose(db(), found, starts, ends, values["room"], current_actor(),
                                    margin_days=runtime().config.side_event_margin_days)
        messages = invitations.invitation_messages(db(), found, invitations.organizer_of(runtime()), "REQUEST") \
            if update else []
    except ERRORS as exc:
        return refused(meeting_id, f"bilateral-{bilateral_id}", exc, values)
    db().commit()
    invitations.queue_invitations(runtime(), messages)
    flash(f"Proposed {local_text(meeting, found.starts_at)} to {found.delegation.name}."
          + (" The invitation was sent again." if messages else ""), "success")
    return back(meeting, f"#bilateral-{found.id}")


@bp.route("/<int:meeting_id>/bilaterals/<int:bilateral_id>/confirm", methods=["POST"])
@roles_required(*ARRANGERS)
def confirm(meeting_id: int, bilateral_id: int):
    """Confirm the proposed slot and email both sides an ICS invitation."""
    meeting = get_meeting(meeting_id)
    found = get_bilateral(meeting, bilateral_id)
    if not may_arrange(found.office_holder_id):
        abort(403)
    try:
        bilaterals.confirm(db(), found, current_actor())
        messages = invitations.invitation_messages(db(), found, invitations.organizer_of(runtime()), "REQUEST")
    except ERRORS as exc:
        return refused(meeting_id, f"bilateral-{bilateral_id}", exc)
    db().commit()
    invitations.queue_invitations(runtime(), messages)
    flash(f"Confirmed the bilateral with {found.delegation.name}; {len(messages)} invitations sent.", "success")
    return back(meeting, f"#bilateral-{found.id}")


@bp.route("/<int:meeting_id>/bilaterals/<int:bilateral_id>/cancel", methods=["POST"])
@roles_required(*ARRANGERS)
def cancel(meeting_id: int, bilateral_id: int):
    """Cancel; people already invited receive the cancellation (same UID)."""
    meeting = get_meeting(meeting_id)
    found = get_bilateral(meeting, bilateral_id)
    if not may_arrange(found.office_holder_id):
        abort(403)
    try:
        invited = bilaterals.cancel(db(), found, current_actor())
        messages = invitations.invitation_messages(db(), found, invitations.organizer_of(runtime()), "CANCEL") \
            if invited else []
    except ERRORS as exc:
        return refused(meeting_id, f"bilateral-{bilateral_id}", exc)
    db().commit()
    invitations.queue_invitations(runtime(), messages)
    flash(f"Cancelled the bilateral with {found.delegation.name}.", "success")
    return back(meeting, f"#bilateral-{found.id}")


@bp.route("/<int:meeting_id>/bilaterals/<int:bilateral_id>/notes", methods=["POST"])
@roles_required(*ARRANGERS)
def notes(meeting_id: int, bilateral_id: int):
    """Notes after the meeting, kept with the delegation's record for staff."""
    meeting = get_meeting(meeting_id)
    found = get_bilateral(meeting, bilateral_id)
    if not may_arrange(found.office_holder_id):
        abort(403)
    text = request.form.get("notes", "")
    try:
        bilaterals.set_notes(db(), found, text, current_actor())
    except ERRORS as exc:
        return refused(meeting_id, f"bilateral-{bilateral_id}", exc, {"notes": text})
    db().commit()
    flash(f"Saved the notes on the bilateral with {found.delegation.name}.", "success")
    return back(meeting, f"#bilateral-{found.id}")
