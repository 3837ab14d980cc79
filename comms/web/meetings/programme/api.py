"""/api/v1/meetings/{id}/agenda and /programme: build, submit, approve, publish, dispatch."""

from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint

from comms.meetings.programme import agenda, invitations, signoff
from comms.meetings.service import Meeting
from comms.rendering import emails
from comms.web.access import api_user, current_actor, token_required
from comms.web.api.schemas import ErrorSchema
from comms.platform import jobs
from comms.web.context import absolute_url, db, runtime
from comms.web.decision_mail import tell_press_office
from comms.web.errors import api_abort, domain_errors
from comms.web.meetings.programme.schemas import (AgendaSchema, DispatchSchema, ProgrammeDecisionSchema,
                                                  ProgrammeSchema, ProgrammeSubmitSchema)

blp = Blueprint("api_programme", __name__, url_prefix="/api/v1", description="Agenda and programme")
SECURITY = [{"bearerAuth": []}]
READERS = ("officer", "approver", "viewer")


def meeting_or_404(meeting_id: int) -> Meeting:
    """The meeting, or the API's 404."""
    found = db().get(Meeting, meeting_id)
    if found is None:
        api_abort(404, "not_found", f"no meeting {meeting_id}")
    return found


def approval_messages(programme, sent, requested_by) -> list:
    """The approvers' emails with their signed links (built before the commit, queued after)."""
    meeting = programme.meeting
    return [(request.id, emails.approval_request_message(
        runtime(), request.approver, title=f"Programme: {meeting.title}", what="the programme",
        url=absolute_url("approvals.review", token=token), requested_by=requested_by.display_name,
        version=request.version, expires=request.expires_at.astimezone(meeting.zone).strftime("%-d %B %Y, %H:%M %Z"),
        preview=f"{len(signoff.current_sessions(programme))} sessions"))
        for request, token in sent]


@blp.route("/meetings/<int:meeting_id>/agenda", methods=["GET"])
@token_required(*READERS)
@blp.doc(security=SECURITY)
@blp.response(200, AgendaSchema)
def get_agenda(meeting_id: int):
    """The agenda: items and sub-items, titles per language, register documents."""
    return agenda.agenda_to_dict(agenda.items_of(db(), meeting_or_404(meeting_id)))


@blp.route("/meetings/<int:meeting_id>/agenda", methods=["PUT"])
@token_required("officer")
@blp.doc(security=SECURITY)
@blp.arguments(AgendaSchema)
@blp.response(200, AgendaSchema)
@blp.alt_response(422, schema=ErrorSchema)
def put_agenda(data: dict, meeting_id: int):
    """Replace the agenda."""
    meeting = meeting_or_404(meeting_id)
    with domain_errors():
        items = agenda.save_agenda(db(), meeting, data["items"], current_actor())
        db().commit()
    return agenda.agenda_to_dict(items)


@blp.route("/meetings/<int:meeting_id>/programme", methods=["GET"])
@token_required(*READERS)
@blp.doc(security=SECURITY)
@blp.response(200, ProgrammeSchema)
def get_programme(meeting_id: int):
    """The current version's sessions, with the side events on their track."""
    meeting = meeting_or_404(meeting_id)
    return signoff.programme_to_dict(signoff.find_programme(db(), meeting), meeting)


@blp.route("/meetings/<int:meeting_id>/programme", methods=["PUT"])
@token_required("officer")
@blp.doc(security=SECURITY)
@blp.arguments(ProgrammeSchema)
@blp.response(200, ProgrammeSchema)
@blp.alt_response(422, schema=ErrorSchema, description="a bad session, or one room holding two sessions (or a "
                                                       "session and a bilateral) at once")
@blp.alt_response(409, schema=ErrorSchema, description="a session's chair has a bilateral at that time")
def put_programme(data: dict, meeting_id: int):
    """Replace the sessions; different sessions make a new version and clear approval."""
    meeting = meeting_or_404(meeting_id)
    with domain_errors():
        programme, _new = signoff.save_programme(db(), meeting, data["sessions"], api_user())
        db().commit()
    return signoff.programme_to_dict(programme, meeting)


@blp.route("/meetings/<int:meeting_id>/programme/submit", methods=["POST"])
@token_required("officer")
@blp.doc(security=SECURITY)
@blp.arguments(ProgrammeSubmitSchema)
@blp.response(202, ProgrammeSchema)
@blp.alt_response(422, schema=ErrorSchema)
def submit_programme(data: dict, meeting_id: int):
    """Email the President (or the named office holders) a link to approve the current version."""
    meeting = meeting_or_404(meeting_id)
    me = api_user()
    with domain_errors():
        programme = signoff.get_programme(db(), meeting)
        sent = signoff.submit(db(), current_app.config["SECRET_KEY"], programme, data["approver_ids"], me)
        messages = approval_messages(programme, sent, me)
        db().commit()
    emails.queue_approval_messages(runtime(), messages)
    return signoff.programme_to_dict(programme, meeting)


def _decide(meeting_id: int, data: dict, decision: str):
    meeting = meeting_or_404(meeting_id)
    programme = signoff.find_programme(db(), meeting)
    me = api_user()
    if programme is None or data["version"] != programme.version:
        api_abort(409, "conflict", f"version {data['version']} is not the current version "
                                   f"({programme.version if programme else 0})")
    request = signoff.pending_request(db(), programme, me)
    if request is None:
        api_abort(409, "conflict", "no approval of this version was asked of you")
    with domain_errors():
        signoff.record_decision(db(), programme, request, decision, data["comment"], via="api", actor=me)
        db().commit()
    tell_press_office(db(), request, programme)
    return signoff.programme_to_dict(programme, meeting)


@blp.route("/meetings/<int:meeting_id>/programme/approve", methods=["POST"])
@token_required("approver")
@blp.doc(security=SECURITY)
@blp.arguments(ProgrammeDecisionSchema)
@blp.response(200, ProgrammeSchema)
@blp.alt_response(409, schema=ErrorSchema, description="not the current version, or nothing asked of you")
def approve_programme(data: dict, meeting_id: int):
    """An office holder approves the current version."""
    return _decide(meeting_id, data, "approved")


@blp.route("/meetings/<int:meeting_id>/programme/request-changes", methods=["POST"])
@token_required("approver")
@blp.doc(security=SECURITY)
@blp.arguments(ProgrammeDecisionSchema)
@blp.response(200, ProgrammeSchema)
@blp.alt_response(409, schema=ErrorSchema, description="not the current version, or nothing asked of you")
def request_programme_changes(data: dict, meeting_id: int):
    """An office holder asks for changes, with a comment."""
    return _decide(meeting_id, data, "changes_requested")


@blp.route("/meetings/<int:meeting_id>/programme/publish", methods=["POST"])
@token_required("officer")
@blp.doc(security=SECURITY)
@blp.response(200, ProgrammeSchema)
@blp.alt_response(409, schema=ErrorSchema, description="the current version is not approved")
def publish_programme(meeting_id: int):
    """Publish the approved current version (409 otherwise)."""
    meeting = meeting_or_404(meeting_id)
    programme = signoff.find_programme(db(), meeting)
    if programme is None:
        api_abort(409, "conflict", "there is no programme to publish")
    with domain_errors():
        changes = signoff.publish(db(), programme, api_user())
        db().commit()
    # The PDF in every language, built before the first reader asks for it (it takes seconds).
    jobs.enqueue(runtime(), "programme.prebuild", meeting.id)
    return {**signoff.programme_to_dict(programme, meeting), "changes": len(changes)}


@blp.route("/meetings/<int:meeting_id>/programme/dispatch", methods=["POST"])
@token_required("officer")
@blp.doc(security=SECURITY)
@blp.arguments(DispatchSchema)
@blp.response(202)
@blp.alt_response(409, schema=ErrorSchema, description="nothing published yet")
def dispatch_programme(data: dict, meeting_id: int):
    """Email delegations' focal points what the last publication moved (default: the speakers' delegations)."""
    meeting = meeting_or_404(meeting_id)
    programme = signoff.find_programme(db(), meeting)
    if programme is None or programme.published_version is None:
        api_abort(409, "conflict", "publish the programme before sending its changes")
    url = absolute_url("programme_public.programme_page", meeting_id=meeting.id)
    messages = invitations.change_notice_messages(db(), meeting, programme, url, data["delegation_ids"])
    subject, text = invitations.programme_change_summary(meeting, programme, url)
    current_actor().record(db(), "programme.dispatch", object_type=signoff.SUBJECT, object_id=programme.id,
                           details={"recipients": len(messages)})
    db().commit()
    invitations.queue_change_notices(runtime(), messages)
    return {"subject": subject, "text": text, "recipients": len(messages)}

