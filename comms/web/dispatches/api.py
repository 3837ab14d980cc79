"""POST /api/v1/meetings/{id}/dispatches and GET /api/v1/dispatches/{d} (docs/design/contract.md "Dispatches")."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint

from comms.distribution.dispatches import service as dispatches
from comms.distribution.models import SendError
from comms.meetings.service import Meeting
from comms.platform import jobs
from comms.web.access import current_actor, token_required
from comms.web.api.schemas import MAX_ID, ErrorSchema, db_id
from comms.web.context import db, runtime
from comms.web import idempotency
from comms.web.errors import api_abort
from storage.idempotency import Replay, complete

blp = Blueprint("api_dispatches", __name__, url_prefix="/api/v1", description="Dispatches to delegations")
SECURITY = [{"bearerAuth": []}]
IDEMPOTENCY_KEY = idempotency.openapi_parameter("sends nothing more")


class DispatchRequestSchema(ma.Schema):
    subject = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=1000))
    body_markdown = ma.fields.String(load_default="")
    document_ids = ma.fields.List(db_id(), load_default=list, validate=ma.validate.Length(max=100))
    delegations = ma.fields.Raw(load_default=None, metadata={
        "description": '"all", "states_parties", "observers" or a list of delegation ids (focal points get it)'})
    list_ids = ma.fields.List(db_id(), load_default=list, validate=ma.validate.Length(max=1000))


class DispatchCreatedSchema(ma.Schema):
    dispatch_id = ma.fields.Integer()
    send_id = ma.fields.Integer()
    status = ma.fields.String()
    total = ma.fields.Integer()
    suppressed = ma.fields.Integer()


class DispatchProgressSchema(ma.Schema):
    dispatch_id = ma.fields.Integer()
    send_id = ma.fields.Integer()
    meeting_id = ma.fields.Integer()
    status = ma.fields.String(metadata={"description": "queued, running, done or failed"})
    total = ma.fields.Integer()
    sent = ma.fields.Integer()
    failed = ma.fields.Integer()
    pending = ma.fields.Integer()
    suppressed = ma.fields.Integer()


def _refuse(exc: SendError):
    db().rollback()
    api_abort(exc.status, {404: "not_found", 409: "conflict"}.get(exc.status, "invalid"), exc.message, exc.fields)


@blp.route("/meetings/<int:meeting_id>/dispatches", methods=["POST"])
@token_required("officer")
@blp.doc(security=SECURITY, parameters=[IDEMPOTENCY_KEY])
@blp.arguments(DispatchRequestSchema)
@blp.response(202, DispatchCreatedSchema)
@blp.alt_response(401, schema=ErrorSchema, description="no valid API token")
@blp.alt_response(403, schema=ErrorSchema, description="only media officers send dispatches")
@blp.alt_response(404, schema=ErrorSchema, description="no such meeting")
@blp.alt_response(422, schema=ErrorSchema, description="no audience, an unknown delegation, list or document, "
                  "a document not issued, a limited document with lists, a subject that is not one line, a body "
                  "over the limits, an Idempotency-Key already used for another request")
def create_dispatch(data: dict, meeting_id: int):
    """Email a message and register documents to the focal points of delegations and to lists, each once.

    With an ``Idempotency-Key`` header, the same key and body answer the first answer again (202, header
    ``Idempotent-Replayed: true``) and send nothing more; the same key with another body is a 422.
    """
    session = db()
    meeting = session.get(Meeting, meeting_id) if meeting_id <= MAX_ID else None
    if meeting is None:
        api_abort(404, "not_found", f"no meeting {meeting_id}")
    # A retry with the same Idempotency-Key gets the first answer; nobody is mailed twice.
    claimed = idempotency.api_claim(session, data)
    if isinstance(claimed, Replay):
        return idempotency.replayed(claimed)
    try:
        dispatch = dispatches.create_dispatch(session, meeting, data, actor=current_actor(),
                                              mail_from=runtime().config.mail_from)
        state = dispatches.dispatch_progress(session, dispatch)
    except SendError as exc:
        _refuse(exc)
    if claimed is not None:
        complete(session, claimed, status_code=202, body=state)
    session.commit()
    jobs.enqueue(runtime(), "sends.run", state["send_id"])
    return state


@blp.route("/dispatches/<int:dispatch_id>", methods=["GET"])
@token_required("officer", "approver", "viewer")
@blp.doc(security=SECURITY)
@blp.response(200, DispatchProgressSchema)
@blp.alt_response(401, schema=ErrorSchema, description="no valid API token")
@blp.alt_response(404, schema=ErrorSchema)
def get_dispatch(dispatch_id: int):
    """How a dispatch is going: ``{status, total, sent, failed, suppressed}``."""
    try:
        return dispatches.dispatch_progress(db(), dispatches.get_dispatch(db(), dispatch_id))
    except SendError as exc:
        _refuse(exc)
