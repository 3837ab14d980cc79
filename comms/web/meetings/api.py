"""/api/v1/meetings: meetings, office holders, side events, documents and the strategy."""

from __future__ import annotations


from flask import current_app, request
from flask_smorest import Blueprint
from sqlalchemy import select
from comms.accounts import users as auth
from comms.meetings import documents
from comms.rendering import emails
from comms.meetings import service as meetings
from comms.meetings import strategy
from comms.accounts.approvals import ApprovalRequest
from comms.web.access import api_user, current_actor, token_required
from comms.web.meetings.schemas import DecisionSchema, DocumentFormSchema, DocumentSchema, MeetingPatchSchema, MeetingSchema, SideEventSchema, SignOffRequestSchema, StrategySchema
from comms.web.api.schemas import ErrorSchema, PaginationSchema, page_of
from comms.web.context import db, runtime
from comms.web.errors import api_abort, domain_errors
from comms.web.meetings.links import ask_again, document_url, sign_off_email_or_error
from comms.web.decision_mail import tell_press_office

blp = Blueprint("api_meetings", __name__, url_prefix="/api/v1", description="Meetings and strategies")
SECURITY = [{"bearerAuth": []}]
READERS = ("officer", "approver", "viewer")


def _meeting(meeting_id: int) -> meetings.Meeting:
    found = db().get(meetings.Meeting, meeting_id)
    if found is None:
        api_abort(404, "not_found", f"no meeting {meeting_id}")
    return found


def _holders(data: list[dict]) -> list[tuple[auth.User, str]]:
    holders = []
    for item in data:
        user = db().get(auth.User, item["user_id"])
        if user is None:
            api_abort(422, "invalid", f"no user {item['user_id']}", {"office_holders": "unknown user"})
        holders.append((user, item["role"]))
    return holders


@blp.route("/meetings", methods=["GET"])
@token_required(*READERS)
@blp.doc(security=SECURITY)
@blp.arguments(PaginationSchema, location="query", as_kwargs=True)
@blp.response(200, page_of(MeetingSchema))
def list_meetings(page: int, per_page: int):
    """Meetings, newest first."""
    found = meetings.all_meetings(db())
    window = found[(page - 1) * per_page: page * per_page]
    return {"items": [meetings.meeting_to_dict(m) for m in window], "total": len(found)}


@blp.route("/meetings", methods=["POST"])
@token_required("officer")
@blp.doc(security=SECURITY)
@blp.arguments(MeetingSchema)
@blp.response(201, MeetingSchema)
@blp.alt_response(422, schema=ErrorSchema)
def create_meeting(data: dict):
    """Create a meeting with its office holders."""
    holders = _holders(data.pop("office_holders"))
    with domain_errors():
        meeting = meetings.create_meeting(db(), actor=api_user(), **data)
        meetings.set_office_holders(db(), meeting, holders)
        db().commit()
    return meetings.meeting_to_dict(meeting)


@blp.route("/meetings/<int:meeting_id>", methods=["GET"])
@token_required(*READERS)
@blp.doc(security=SECURITY)
@blp.response(200, MeetingSchema)
@blp.alt_response(404, schema=ErrorSchema)
def get_meeting(meeting_id: int):
    """One meeting."""
    return meetings.meeting_to_dict(_meeting(meeting_id))


@blp.route("/meetings/<int:meeting_id>", methods=["PATCH"])
@token_required("officer")
@blp.doc(security=SECURITY)
@blp.arguments(MeetingPatchSchema)
@blp.response(200, MeetingSchema)
@blp.alt_response(422, schema=ErrorSchema)
def update_meeting(data: dict, meeting_id: int):
    """Change a meeting (its calendar entry's SEQUENCE goes up)."""
    meeting = _meeting(meeting_id)
    holders = data.pop("office_holders", None)
    with domain_errors():
        meetings.update_meeting(db(), meeting, data, api_user())
        if holders is not None:
            meetings.set_office_holders(db(), meeting, _holders(holders))
        db().commit()
    return meetings.meeting_to_dict(meeting)


@blp.route("/meetings/<int:meeting_id>/side-events", methods=["GET"])
@token_required(*READERS)
@blp.doc(security=SECURITY)
@blp.response(200, SideEventSchema(many=True))
def list_side_events(meeting_id: int):
    """A meeting's side events, in time order."""
    return _meeting(meeting_id).side_events


@blp.route("/meetings/<int:meeting_id>/side-events", methods=["POST"])
@token_required("officer")
@blp.doc(security=SECURITY)
@blp.arguments(SideEventSchema)
@blp.response(201, SideEventSchema)
@blp.alt_response(422, schema=ErrorSchema)
def add_side_event(data: dict, meeting_id: int):
    """Add a side event (times with an offset)."""
    meeting = _meeting(meeting_id)
    with domain_errors():
        event = meetings.add_side_event(db(), meeting, **data,
                                        margin_days=runtime().config.side_event_margin_days)
        db().commit()
    return event


@blp.route("/meetings/<int:meeting_id>/documents", methods=["GET"])
@token_required(*READERS)
@blp.doc(security=SECURITY)
@blp.response(200, DocumentSchema(many=True))
def list_documents(meeting_id: int):
    """A meeting's documents with the URLs of their files."""
    return [documents.document_to_dict(d, document_url) for d in documents.documents_of(db(), _meeting(meeting_id))]


# Not a route of its own: the register's POST /meetings/{id}/documents (comms.web.documents.api)
# answers JSON itself and hands a multipart upload (the first wave's) to this view.
@token_required("officer")
@blp.arguments(DocumentFormSchema, location="form")
@blp.response(201, DocumentSchema)
@blp.alt_response(422, schema=ErrorSchema)
def upload_document(data: dict, meeting_id: int):
    """Upload one language of a document (a new document, or ``document_id`` for another language)."""
    meeting = _meeting(meeting_id)
    upload = request.files.get("file")
    if upload is None:
        api_abort(422, "invalid", "send the file in a `file` part", {"file": "required"})
    actor = current_actor()
    with domain_errors():
        if data.get("document_id"):
            document = db().get(documents.Document, data["document_id"])
            if document is None or document.meeting_id != meeting.id:
                api_abort(404, "not_found", "no such document in this meeting")
        else:
            document = documents.create_document(db(), meeting, title=data["title"], kind=data["kind"],
                                                 public=data["public"], actor=actor)
        documents.add_file(db(), document, runtime().config.documents_path, language=data["language"],
                           filename=upload.filename or "document", data=upload.read(),
                           max_bytes=runtime().config.max_upload_bytes, actor=actor)
        db().commit()
    return documents.document_to_dict(document, document_url)


@blp.route("/meetings/<int:meeting_id>/strategy", methods=["GET"])
@token_required(*READERS)
@blp.doc(security=SECURITY)
@blp.response(200, StrategySchema)
def get_strategy(meeting_id: int):
    """The meeting's communication strategy (current version)."""
    found = strategy.get_strategy(db(), _meeting(meeting_id))
    db().commit()
    return strategy.strategy_to_dict(found)


@blp.route("/meetings/<int:meeting_id>/strategy", methods=["PUT"])
@token_required("officer")
@blp.doc(security=SECURITY)
@blp.arguments(StrategySchema)
@blp.response(200, StrategySchema)
@blp.alt_response(422, schema=ErrorSchema)
def put_strategy(data: dict, meeting_id: int):
    """Replace the strategy; new content makes a new version and clears sign-off."""
    meeting = _meeting(meeting_id)
    ask_president_again = strategy.in_sign_off(db(), strategy.get_strategy(db(), meeting))
    with domain_errors():
        found, new_version = strategy.save_strategy(db(), meeting, data, api_user())
        db().commit()
    if new_version and ask_president_again:
        ask_again(db(), current_app.config["SECRET_KEY"], found, api_user())
    return strategy.strategy_to_dict(found)


@blp.route("/meetings/<int:meeting_id>/strategy/submit", methods=["POST"])
@token_required("officer")
@blp.doc(security=SECURITY)
@blp.response(202, SignOffRequestSchema)
@blp.alt_response(422, schema=ErrorSchema)
def submit_strategy(meeting_id: int):
    """Email the President a signed link to sign off the current version."""
    found = strategy.get_strategy(db(), _meeting(meeting_id))
    with domain_errors():
        approval, token = strategy.request_sign_off(db(), current_app.config["SECRET_KEY"], found, api_user())
        messages = sign_off_email_or_error(found, approval, token, api_user())
        db().commit()
    emails.queue_approval_messages(runtime(), messages)
    return {"request_id": approval.id, "approver_id": approval.approver_id, "version": approval.version,
            "expires_at": approval.expires_at.isoformat()}


def _decide(meeting_id: int, data: dict, decision: str):
    found = strategy.get_strategy(db(), _meeting(meeting_id))
    me = api_user()
    president = found.meeting.president()
    if president is None or president.id != me.id:
        api_abort(403, "forbidden", "only the meeting's President signs off its strategy")
    if data["version"] != found.version:
        api_abort(409, "conflict", f"version {data['version']} is not the current version ({found.version})")
    with domain_errors():
        approval = db().scalar(select(ApprovalRequest).where(
            ApprovalRequest.subject_type == strategy.SUBJECT, ApprovalRequest.subject_id == found.id,
            ApprovalRequest.version == found.version, ApprovalRequest.approver_id == me.id,
            ApprovalRequest.status == "pending"))
        if approval is None:
            api_abort(409, "conflict", "no sign-off was requested for this version")
        strategy.record_decision(db(), found, approval, decision, data["comment"], via="api", actor=me)
        db().commit()
    tell_press_office(db(), approval, found)
    return strategy.strategy_to_dict(found)


@blp.route("/meetings/<int:meeting_id>/strategy/approve", methods=["POST"])
@token_required("approver")
@blp.doc(security=SECURITY)
@blp.arguments(DecisionSchema)
@blp.response(200, StrategySchema)
@blp.alt_response(409, schema=ErrorSchema, description="not the current version, or nothing to sign off")
def approve_strategy(data: dict, meeting_id: int):
    """The President signs off the current version."""
    return _decide(meeting_id, data, "approved")


@blp.route("/meetings/<int:meeting_id>/strategy/request-changes", methods=["POST"])
@token_required("approver")
@blp.doc(security=SECURITY)
@blp.arguments(DecisionSchema)
@blp.response(200, StrategySchema)
def request_strategy_changes(data: dict, meeting_id: int):
    """The President asks for changes, with a comment."""
    return _decide(meeting_id, data, "changes_requested")
