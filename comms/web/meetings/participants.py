"""Staff pages for a meeting's participants: the list by delegation with credentials status,
bulk approve or decline (each person told by email), corrections, and issuing the list of participants."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for

from comms.documents import participant_list
from comms.documents.service import RegisterError
from comms.meetings import participants as people
from comms.meetings import registration
from comms.web.access import current_actor, roles_required
from comms.web.contacts.shared import ids_from
from comms.web.context import db, runtime
from comms.web.meetings.shared import MAX_ID, READERS, WRITERS, get_meeting, template_context
from contacts import delegations
from contacts.errors import ContactError

bp = Blueprint("participants_ui", __name__, url_prefix="/staff")
bp.context_processor(template_context)


@bp.context_processor
def _labels() -> dict:
    return {"role_labels": people.ROLE_LABELS, "credential_labels": people.CREDENTIAL_LABELS,
            "statuses": people.STATUSES}


def _fail(message: str, status: int = 400) -> int:
    db().rollback()
    flash(message, "error")
    return status


def _domain_message(exc: people.ParticipantError) -> str:
    details = "; ".join(f"{name.replace('_', ' ')}: {problem}" for name, problem in exc.fields.items())
    text = f"{exc.message} ({details})" if details else exc.message
    return text[:1].upper() + text[1:]


def _page(meeting, status: int = 200, form=None):
    wanted = request.args.get("status", "")
    found = people.list_participants(db(), meeting, status=wanted if wanted in people.STATUSES else None)
    counts = {s: 0 for s in people.STATUSES}
    for participant in people.list_participants(db(), meeting):
        counts[participant.status] += 1
    return render_template("meetings/participants.html", meeting=meeting, participants=found, counts=counts,
                           current_status=request.args.get("status", ""), form=form or {},
                           delegations=delegations.list_delegations(db()),
                           latest=participant_list.latest_list(db(), meeting)), status


@bp.route("/meetings/<int:meeting_id>/participants")
@roles_required(*READERS)
def index(meeting_id: int):
    """The meeting's participants by delegation (heads first), with their status and credentials."""
    return _page(get_meeting(meeting_id))


@bp.route("/meetings/<int:meeting_id>/participants", methods=["POST"])
@roles_required(*WRITERS)
def add(meeting_id: int):
    """Add a participant by hand (staff-entered addresses need no confirmation)."""
    meeting, form = get_meeting(meeting_id), request.form
    delegation = (form.get("delegation_id") or "").strip()
    raw = {"delegation_id": int(delegation) if delegation.isdigit() and len(delegation) < 10 else None,
           "name": form.get("name", ""), "title": form.get("title", ""), "email": form.get("email", ""),
           "role": form.get("role", "adviser"), "credentials": form.get("credentials", "none"),
           "listed": form.get("listed") == "yes"}
    try:
        people.add_participant(db(), meeting, raw, current_actor())
    except people.ParticipantError as exc:
        return _page(meeting, _fail(_domain_message(exc), 409 if exc.status == 409 else 400), form)
    db().commit()
    flash(f"Added {raw['name'].strip()}.", "success")
    return redirect(url_for("participants_ui.index", meeting_id=meeting.id), 303)


@bp.route("/meetings/<int:meeting_id>/participants/bulk", methods=["POST"])
@roles_required(*WRITERS)
def bulk(meeting_id: int):
    """Approve or decline the ticked participants, all or none; each person is told by email."""
    meeting, form = get_meeting(meeting_id), request.form
    action = form.get("action")
    if action not in ("approved", "declined"):
        abort(400)
    try:
        ids = ids_from(form, "participant_ids")
        if not ids:
            raise ContactError("tick at least one participant", {"participant_ids": "none ticked"})
        changed = people.bulk_set_status(db(), meeting, ids, action, current_actor())
    except ContactError as exc:
        return _page(meeting, _fail(exc.message))
    except people.ParticipantError as exc:
        return _page(meeting, _fail(_domain_message(exc), exc.status if exc.status in (404, 409) else 400))
    db().commit()
    for participant in changed:
        registration.queue_outcome_email(runtime(), participant)
    flash(f"{action.title()}: {len(changed)} participant{'s' if len(changed) != 1 else ''}; each was told by email.",
          "success")
    return redirect(url_for("participants_ui.index", meeting_id=meeting.id), 303)


@bp.route("/participants/<int:participant_id>", methods=["POST"])
@roles_required(*WRITERS)
def update(participant_id: int):
    """Change one participant's credentials, listing or status."""
    if participant_id > MAX_ID:
        abort(404)
    form = request.form
    try:
        participant = people.get_participant(db(), participant_id)
    except people.ParticipantError:
        abort(404)
    before = participant.status
    raw = {name: form[name] for name in ("credentials", "status", "role") if name in form}
    if "listed" in form:
        raw["listed"] = form["listed"] == "yes"
    try:
        people.update_participant(db(), participant, raw, current_actor())
    except people.ParticipantError as exc:
        return _page(participant.meeting, _fail(_domain_message(exc), 409 if exc.status == 409 else 400))
    db().commit()
    if participant.status != before:
        registration.queue_outcome_email(runtime(), participant)
    flash(f"Saved {participant.name}.", "success")
    return redirect(url_for("participants_ui.index", meeting_id=participant.meeting_id), 303)


@bp.route("/meetings/<int:meeting_id>/list-of-participants", methods=["POST"])
@roles_required(*WRITERS)
def issue_list(meeting_id: int):
    """Issue the list of participants (or its next Rev) in the document register."""
    meeting = get_meeting(meeting_id)
    try:
        issued = participant_list.issue_list(db(), meeting, runtime().config.documents_path, current_actor())
    except RegisterError as exc:
        return _page(meeting, _fail(exc.message[:1].upper() + exc.message[1:], exc.status))
    db().commit()
    flash(f"Issued {issued.document.symbol}, naming {issued.participant_count} participant"
          f"{'s' if issued.participant_count != 1 else ''}.", "success")
    return redirect(url_for("participants_ui.index", meeting_id=meeting.id), 303)
