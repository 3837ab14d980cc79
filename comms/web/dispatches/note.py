"""The information note page: the draft filled in from the meeting, edited by an officer, then
issued as the meeting's next INF document and dispatched to the chosen delegations."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for

from comms.distribution.dispatches import audience
from comms.distribution.dispatches import note as information_note
from comms.distribution.dispatches import service as dispatches
from comms.distribution.models import SendError
from comms.platform import jobs
from comms.web.access import current_actor, roles_required
from comms.web.context import db, runtime
from comms.web.dispatches.pages import MAX_FIELD, WRITERS, claim_nonce, load_meeting
from storage.idempotency import Replay, complete

bp = Blueprint("dispatch_note", __name__, url_prefix="/staff")


def _page(meeting, text: str, choice: str, status: int = 200):
    return render_template("dispatches/note.html", meeting=meeting, text=text, choice=choice,
                           groups=audience.group_choices(db())), status


@bp.route("/meetings/<int:meeting_id>/information-note")
@roles_required(*WRITERS)
def edit(meeting_id: int):
    """The note's draft, filled in from the meeting, to edit before issuing it."""
    meeting = load_meeting(meeting_id)
    config = runtime().config
    text = information_note.draft(db(), meeting, base_url=config.base_url or request.host_url.rstrip("/"),
                                  office=config.office_name, contact_email=config.mail_from)
    return _page(meeting, text, "all")


@bp.route("/meetings/<int:meeting_id>/information-note", methods=["POST"])
@roles_required(*WRITERS)
def issue(meeting_id: int):
    """Issue the edited note as an INF document and dispatch it; its progress page follows."""
    meeting, session, config = load_meeting(meeting_id), db(), runtime().config
    text, choice = request.form.get("body_markdown", ""), request.form.get("audience", "")
    try:
        # A second post of the form's nonce goes to the dispatch of the note the first one issued: one INF.
        claimed = claim_nonce(session, "information_note")
        if isinstance(claimed, Replay):
            return redirect(claimed.location, 303)
        if len(text) > MAX_FIELD:
            raise SendError("the note is too long", 422, {"body_markdown": "too long"})
        if choice not in audience.GROUPS:
            raise SendError("choose the delegations to send the note to", 422, {"audience": "invalid"})
        document, dispatch = information_note.issue_and_dispatch(
            session, meeting, text, delegations=choice, list_ids=[], actor=current_actor(),
            storage_path=config.documents_path, max_bytes=config.max_upload_bytes, mail_from=config.mail_from)
        state = dispatches.dispatch_progress(session, dispatch)
        complete(session, claimed, status_code=303, location=url_for("dispatches_ui.show", dispatch_id=dispatch.id))
    except SendError as exc:
        session.rollback()
        flash(exc.message[:1].upper() + exc.message[1:], "error")
        return _page(meeting, text, choice, 422)
    session.commit()
    jobs.enqueue(runtime(), "sends.run", state["send_id"])
    flash(f"Issued {document.symbol or 'the note'} and sending it to {state['total']} "
          f"{'person' if state['total'] == 1 else 'people'}.", "success")
    return redirect(url_for("dispatches_ui.show", dispatch_id=dispatch.id), 303)
