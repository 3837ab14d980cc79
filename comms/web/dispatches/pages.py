"""Staff pages for dispatches: compose one for a meeting (audience choices with their counts,
issued register documents, lists), then its progress bar and delivery report.

The form posts to the same rules as POST /api/v1/meetings/{id}/dispatches
(comms.distribution.dispatches.service); a refusal shows the form again with the
reason and a 4xx status. The progress bar is static/send-progress.js polling the
send's staff JSON route, as for releases.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from comms.distribution.dispatches import audience
from comms.distribution.dispatches import service as dispatches
from comms.distribution.models import SendError
from comms.documents.models import RegisterDocument
from comms.meetings.service import Meeting
from comms.platform import jobs
from comms.web.access import current_actor, roles_required
from comms.web.api.schemas import MAX_ID
from comms.web import idempotency
from comms.web.context import db, runtime
from contacts.lists import all_lists, list_sizes
from storage.idempotency import Replay, complete

bp = Blueprint("dispatches_ui", __name__, url_prefix="/staff")
READERS = ("officer", "approver", "viewer")
WRITERS = ("officer",)
MAX_FIELD = 200_000


def load_meeting(meeting_id: int) -> Meeting:
    """The meeting, or a 404 page."""
    found = db().get(Meeting, meeting_id) if meeting_id <= MAX_ID else None
    return found or abort(404, f"There is no meeting {meeting_id}.")


def issued_documents(meeting: Meeting) -> list[RegisterDocument]:
    """The meeting's issued register documents, the ones a dispatch may carry."""
    return list(db().scalars(select(RegisterDocument).where(RegisterDocument.meeting_id == meeting.id,
                                                            RegisterDocument.status == "issued")
                             .order_by(RegisterDocument.symbol, RegisterDocument.id)))


def can_edit() -> bool:
    """Whether the signed-in user may send dispatches."""
    return current_user.is_authenticated and current_user.user.has_role(*WRITERS)


def render_compose(meeting: Meeting, form: dict | None = None, status: int = 200):
    """The meeting's dispatches and the compose form (with what was typed, after a refusal)."""
    session = db()
    sizes = list_sizes(session)
    lists = [{"id": item.id, "name": item.name, "size": sizes.get(item.id, 0)} for item in all_lists(session)]
    return render_template("dispatches/compose.html", meeting=meeting, form=form or {},
                           groups=audience.group_choices(session), delegations=audience.delegation_choices(session),
                           lists=lists, documents=issued_documents(meeting),
                           sent=dispatches.meeting_dispatches(session, meeting.id), can_edit=can_edit()), status


def _ids(field: str) -> list[int]:
    raw = request.form.getlist(field)
    if any(not value.isdigit() or len(value) > 9 for value in raw):
        raise SendError(f"choose {field.replace('_ids', 's')} from the form", 422, {field: "invalid"})
    return [int(value) for value in raw]


def form_data() -> dict:
    """The compose form as the API's input."""
    if any(len(request.form.get(name, "")) > MAX_FIELD for name in ("subject", "body_markdown")):
        raise SendError("the message is too long", 422, {"body_markdown": "too long"})
    choice = request.form.get("audience", "")
    delegations = _ids("delegation_ids") if choice == "chosen" else (choice or None)
    return {"subject": request.form.get("subject", ""), "body_markdown": request.form.get("body_markdown", ""),
            "document_ids": _ids("document_ids"), "delegations": delegations, "list_ids": _ids("list_ids")}


def claim_nonce(session, endpoint: str):
    """The form's one-time nonce claimed (storage.idempotency), or the first post's answer; a form without a
    nonce (a page from before it had one) is refused with a fresh form to send again."""
    claimed = idempotency.form_claim(session, endpoint)
    if claimed is None:
        raise SendError("the form was out of date: check it and send it again", 422,
                        {idempotency.NONCE_FIELD: "missing"})
    return claimed


@bp.route("/meetings/<int:meeting_id>/dispatches")
@roles_required(*READERS)
def compose(meeting_id: int):
    """Dispatches sent for the meeting and, for officers, the form to send one."""
    return render_compose(load_meeting(meeting_id))


@bp.route("/meetings/<int:meeting_id>/dispatches", methods=["POST"])
@roles_required(*WRITERS)
def send(meeting_id: int):
    """Plan the dispatch (the ledger decides who gets it), queue it, and show its progress."""
    meeting, session = load_meeting(meeting_id), db()
    try:
        # The form's one-time nonce: a double click or a resubmit goes to the dispatch the first post made.
        claimed = claim_nonce(session, "dispatch")
        if isinstance(claimed, Replay):
            return redirect(claimed.location, 303)
        data = form_data()
        dispatch = dispatches.create_dispatch(session, meeting, data, actor=current_actor(),
                                              mail_from=runtime().config.mail_from)
        state = dispatches.dispatch_progress(session, dispatch)
        complete(session, claimed, status_code=303, location=url_for("dispatches_ui.show", dispatch_id=dispatch.id))
    except SendError as exc:
        session.rollback()
        flash(exc.message[:1].upper() + exc.message[1:], "error")
        return render_compose(meeting, request.form.to_dict(flat=False), 404 if exc.status == 404 else 422)
    session.commit()
    jobs.enqueue(runtime(), "sends.run", state["send_id"])
    flash(f"Sending to {state['total']} {'person' if state['total'] == 1 else 'people'}.", "success")
    return redirect(url_for("dispatches_ui.show", dispatch_id=dispatch.id), 303)


@bp.route("/dispatches/<int:dispatch_id>")
@roles_required(*READERS)
def show(dispatch_id: int):
    """A dispatch: its progress bar (kept live by static/send-progress.js), report and message."""
    try:
        dispatch = dispatches.get_dispatch(db(), dispatch_id)
    except SendError:
        abort(404, f"There is no dispatch {dispatch_id}.")
    report = dispatches.dispatch_report(db(), dispatch)
    documents = [db().get(RegisterDocument, i) for i in dispatch.document_ids or []]
    total = report["total"]
    finished = report["sent"] + report["failed"]
    percent = 100 if report["status"] == "done" and not report["pending"] else (
        min(100, finished * 100 // total) if total else 0)
    return render_template("dispatches/show.html", dispatch=dispatch, meeting=db().get(Meeting, dispatch.meeting_id),
                           report=report, percent=percent, documents=[d for d in documents if d is not None])
