"""/api/v1: a meeting's participants (list, add, change: approval tells the person by email)
and its list of participants (issue, or revise: Rev.1, Rev.2...)."""

from __future__ import annotations

import marshmallow as ma
from flask import jsonify, url_for
from flask_smorest import Blueprint

from comms.documents import participant_list
from comms.documents.serialise import document_to_dict
from comms.meetings import participants as people
from comms.meetings import registration
from comms.meetings import service as meetings
from comms.rendering.emails import EMAIL_LANGUAGES
from comms.web import idempotency
from comms.web.access import current_actor, token_required
from comms.web.api.schemas import ErrorSchema, PaginationSchema, db_id
from comms.web.context import db, runtime
from comms.web.documents.api import register_errors, staff_file_url
from comms.web.documents.schemas import DocumentOutSchema
from comms.web.errors import api_abort, domain_errors
from storage.idempotency import Replay, complete

blp = Blueprint("api_participants", __name__, url_prefix="/api/v1", description="Participants of meetings")
SECURITY = [{"bearerAuth": []}]
READERS = ("officer", "approver", "viewer")
WRITERS = ("officer",)


class ParticipantInSchema(ma.Schema):
    delegation_id = db_id()
    name = ma.fields.String(validate=ma.validate.Length(max=200))
    title = ma.fields.String(validate=ma.validate.Length(max=200))
    email = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=320))
    role = ma.fields.String(validate=ma.validate.OneOf(people.ROLES))
    status = ma.fields.String(validate=ma.validate.OneOf(people.STATUSES))
    credentials = ma.fields.String(validate=ma.validate.OneOf(people.CREDENTIALS))
    listed = ma.fields.Boolean(metadata={"description": "agreed to appear in the list of participants"})
    language = ma.fields.String(validate=ma.validate.OneOf(EMAIL_LANGUAGES),
                                metadata={"description": "the language of the emails the person gets (default en; "
                                                         "a public registration: the page's language)"})


class ParticipantSchema(ParticipantInSchema):
    """docs/design/contract.md's participant object."""

    id = ma.fields.Integer()
    meeting_id = ma.fields.Integer()
    delegation = ma.fields.String()
    source = ma.fields.String()
    email_confirmed = ma.fields.Boolean()
    listed_in = ma.fields.String(allow_none=True)
    anonymised = ma.fields.Boolean()
    requested_at = ma.fields.String()


class ParticipantListSchema(DocumentOutSchema):
    """The issued list of participants: its register document (dates as YYYY-MM-DD, as the documents API
    gives them), the HTML version's address and how many people it names."""

    html_url = ma.fields.String()
    participant_count = ma.fields.Integer()
    participant_list_id = ma.fields.Integer()


class ParticipantPageSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(ParticipantSchema))
    total = ma.fields.Integer()


class ParticipantQuerySchema(PaginationSchema):
    status = ma.fields.String(validate=ma.validate.OneOf(people.STATUSES))
    delegation = db_id()


def _meeting(meeting_id: int) -> meetings.Meeting:
    found = db().get(meetings.Meeting, meeting_id) if meeting_id < 2**31 else None
    if found is None:
        api_abort(404, "not_found", f"no meeting {meeting_id}")
    return found


def tell_outcome(participant: people.Participant, before: str) -> None:
    """Email the person when an officer's change approved or declined them."""
    if participant.status != before:
        registration.queue_outcome_email(runtime(), participant)


@blp.route("/meetings/<int:meeting_id>/participants", methods=["GET"])
@token_required(*READERS)
@blp.doc(security=SECURITY)
@blp.arguments(ParticipantQuerySchema, location="query", as_kwargs=True)
@blp.response(200, ParticipantPageSchema)
@blp.alt_response(404, schema=ErrorSchema)
def list_participants(meeting_id: int, page: int, per_page: int, status: str | None = None,
                      delegation: int | None = None):
    """A meeting's participants by delegation, heads first."""
    found = people.list_participants(db(), _meeting(meeting_id), status=status, delegation_id=delegation)
    window = found[(page - 1) * per_page: page * per_page]
    return {"items": [people.participant_to_dict(p) for p in window], "total": len(found)}


@blp.route("/meetings/<int:meeting_id>/participants", methods=["POST"])
@token_required(*WRITERS)
@blp.doc(security=SECURITY)
@blp.arguments(ParticipantInSchema)
@blp.response(201, ParticipantSchema)
@blp.alt_response(409, schema=ErrorSchema, description="the address is already registered for the meeting")
@blp.alt_response(422, schema=ErrorSchema)
def add_participant(data: dict, meeting_id: int):
    """Add a participant (``requested`` unless a status is given); an approval or refusal emails them."""
    meeting = _meeting(meeting_id)
    with domain_errors():
        participant = people.add_participant(db(), meeting, data, current_actor())
        db().commit()
    tell_outcome(participant, "requested")
    return people.participant_to_dict(participant)


@blp.route("/participants/<int:participant_id>", methods=["PATCH"])
@token_required(*WRITERS)
@blp.doc(security=SECURITY)
@blp.arguments(ParticipantInSchema)
@blp.response(200, ParticipantSchema)
@blp.alt_response(404, schema=ErrorSchema)
@blp.alt_response(409, schema=ErrorSchema, description="not confirmed yet, or anonymised")
@blp.alt_response(422, schema=ErrorSchema)
def update_participant(data: dict, participant_id: int):
    """Change a participant: approve or decline (the person is told by email), credentials, listing."""
    with domain_errors():
        participant = people.get_participant(db(), participant_id)
        before = participant.status
        people.update_participant(db(), participant, data, current_actor())
        db().commit()
    tell_outcome(participant, before)
    return people.participant_to_dict(participant)


@blp.route("/participants/<int:participant_id>", methods=["GET"])
@token_required(*READERS)
@blp.doc(security=SECURITY)
@blp.response(200, ParticipantSchema)
@blp.alt_response(404, schema=ErrorSchema)
def get_participant(participant_id: int):
    """One participant."""
    with domain_errors():
        return people.participant_to_dict(people.get_participant(db(), participant_id))


def list_answer(issued: participant_list.ParticipantList) -> dict:
    """The register document with its files' staff URLs, the HTML version's URL and the count."""
    document = document_to_dict(db(), issued.document, staff_file_url)
    document["html_url"] = url_for("participant_register.list_of_participants", meeting_id=issued.meeting_id,
                                   _external=False)
    return participant_list.participant_list_to_dict(issued, document=document)


@blp.route("/meetings/<int:meeting_id>/list-of-participants", methods=["POST"])
@token_required(*WRITERS)
@blp.doc(security=SECURITY, parameters=[idempotency.openapi_parameter("issues no further revision")])
@blp.response(201, ParticipantListSchema)
@blp.alt_response(404, schema=ErrorSchema)
@blp.alt_response(422, schema=ErrorSchema, description="the meeting has no symbol prefix, or an Idempotency-Key "
                                                       "already used for another request")
def issue_list(meeting_id: int):
    """Issue the list of participants ({prefix}/INF.n, HTML and PDF); called again, issue its next Rev.

    With an ``Idempotency-Key`` header, a retry with the same key gets the first answer again (header
    ``Idempotent-Replayed: true``) and issues nothing: an issued document is kept for good.
    """
    meeting, session = _meeting(meeting_id), db()
    claimed = idempotency.api_claim(session, {"meeting": meeting_id})
    if isinstance(claimed, Replay):
        body, status, headers = idempotency.replayed(claimed)
        return jsonify(body), status, headers  # already the schema's form: sent as stored
    with register_errors():
        issued = participant_list.issue_list(session, meeting, runtime().config.documents_path, current_actor())
        answer = list_answer(issued)
        if claimed is not None:
            complete(session, claimed, status_code=201, body=ParticipantListSchema().dump(answer))
        session.commit()
    return answer


@blp.route("/meetings/<int:meeting_id>/list-of-participants", methods=["GET"])
@token_required(*READERS)
@blp.doc(security=SECURITY)
@blp.response(200, ParticipantListSchema)
@blp.alt_response(404, schema=ErrorSchema)
def latest_list(meeting_id: int):
    """The latest issued list of participants of the meeting."""
    issued = participant_list.latest_list(db(), _meeting(meeting_id))
    if issued is None:
        api_abort(404, "not_found", "no list of participants has been issued for this meeting")
    return list_answer(issued)
