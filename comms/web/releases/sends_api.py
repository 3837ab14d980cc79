"""POST /api/v1/releases/{id}/send, GET /api/v1/sends/{id} (docs/design/contract.md) and GET /api/v1/releases/{id}/report."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint

from comms.distribution import report as delivery_report
from comms.platform import jobs
from comms.distribution.service import Send, SendError, create_send, progress
from comms.releases.service import ReleaseError, get_release
from comms.web.access import current_actor, token_required
from comms.web.api.schemas import ErrorSchema, db_id
from comms.web.context import db, runtime
from comms.web.errors import api_abort
from contacts.errors import ContactError

blp = Blueprint("api_sends", __name__, url_prefix="/api/v1", description="Sending releases by email")
SECURITY = [{"bearerAuth": []}]


class SendRequestSchema(ma.Schema):
    list_ids = ma.fields.List(db_id(), load_default=list)
    segment_ids = ma.fields.List(db_id(), load_default=list)
    subscribers = ma.fields.Boolean(load_default=False, metadata={
        "description": "add the self-subscribers matching the release's language and topics (published releases)"})


class SendProgressSchema(ma.Schema):
    id = ma.fields.Integer()
    send_id = ma.fields.Integer()
    release_id = ma.fields.Integer()
    status = ma.fields.String()
    total = ma.fields.Integer()
    sent = ma.fields.Integer()
    failed = ma.fields.Integer()
    pending = ma.fields.Integer()
    suppressed = ma.fields.Integer()
    already_received = ma.fields.Integer()
    embargoed = ma.fields.Boolean()
    subscribers = ma.fields.Boolean()


@blp.route("/releases/<int:release_id>/send", methods=["POST"])
@token_required("officer")
@blp.doc(security=SECURITY)
@blp.arguments(SendRequestSchema)
@blp.response(202, SendProgressSchema)
@blp.alt_response(401, schema=ErrorSchema, description="no valid API token")
@blp.alt_response(403, schema=ErrorSchema, description="only media officers send releases")
@blp.alt_response(404, schema=ErrorSchema, description="no such release")
@blp.alt_response(409, schema=ErrorSchema, description="not approved, an untrusted list, a segment or the subscribers "
                  "before the embargo lifts, or the subscribers for an unpublished release")
@blp.alt_response(422, schema=ErrorSchema, description="no list chosen, or an unknown list or segment")
def send_release(data: dict, release_id: int):
    """Email the release to lists, segments and the matching subscribers; each contact gets it at most once."""
    session = db()
    try:
        release = get_release(session, release_id)
        send = create_send(session, release, list_ids=data["list_ids"], segment_ids=data["segment_ids"],
                           subscribers=data["subscribers"], actor=current_actor(),
                           mail_from=runtime().config.mail_from)
    except (SendError, ReleaseError) as exc:
        session.rollback()
        api_abort(exc.status, {404: "not_found", 409: "conflict"}.get(exc.status, "invalid"), exc.message,
                  exc.fields)
    except ContactError as exc:
        session.rollback()
        api_abort(422, "invalid", exc.message, exc.fields)
    session.commit()
    jobs.enqueue(runtime(), "sends.run", send.id)
    return {**progress(session, send), "send_id": send.id}


@blp.route("/sends/<int:send_id>", methods=["GET"])
@token_required("officer", "approver", "viewer")
@blp.doc(security=SECURITY)
@blp.response(200, SendProgressSchema)
@blp.alt_response(401, schema=ErrorSchema, description="no valid API token")
@blp.alt_response(404, schema=ErrorSchema)
def get_send(send_id: int):
    """How a send is going: ``{status, total, sent, failed, suppressed}``."""
    send = db().get(Send, send_id)
    if send is None:
        api_abort(404, "not_found", f"no send {send_id}")
    return {**progress(db(), send), "send_id": send.id}


class SendSummarySchema(ma.Schema):
    """One send of a release, in its delivery report."""

    id = ma.fields.Integer()
    status = ma.fields.String()
    created_at = ma.fields.AwareDateTime()
    finished_at = ma.fields.AwareDateTime(allow_none=True)
    created_by = ma.fields.String()
    embargoed = ma.fields.Boolean()
    list_ids = ma.fields.List(ma.fields.Integer())
    total = ma.fields.Integer()
    sent = ma.fields.Integer()
    failed = ma.fields.Integer()
    suppressed = ma.fields.Integer()


class ReleaseReportSchema(ma.Schema):
    """A release's delivery report over all its sends."""

    release_id = ma.fields.Integer()
    sent = ma.fields.Integer(metadata={"description": "messages the SMTP server accepted"})
    failed = ma.fields.Integer(metadata={"description": "messages refused for good (or after every retry)"})
    pending = ma.fields.Integer(metadata={"description": "messages not sent yet (queued or being retried)"})
    suppressed = ma.fields.Integer(metadata={
        "description": "list members skipped at send time (suppressed, unsubscribed, bounced, unconfirmed or paused), "
                       "added up over the sends"})
    already_received = ma.fields.Integer(metadata={
        "description": "members skipped because an earlier send reached them"})
    unsubscribed_since = ma.fields.Integer(metadata={
        "description": "contacts who received this release and unsubscribed afterwards"})
    sends = ma.fields.List(ma.fields.Nested(SendSummarySchema))


@blp.route("/releases/<int:release_id>/report", methods=["GET"])
@token_required("officer", "approver", "viewer")
@blp.doc(security=SECURITY)
@blp.response(200, ReleaseReportSchema)
@blp.alt_response(401, schema=ErrorSchema, description="no valid API token")
@blp.alt_response(404, schema=ErrorSchema)
def release_report(release_id: int):
    """The delivery report of a release: sent, failed, suppressed and unsubscribed since, over all its sends."""
    try:
        release = get_release(db(), release_id)
    except ReleaseError as exc:
        api_abort(404, "not_found", exc.message)
    return delivery_report.release_report(db(), release)
