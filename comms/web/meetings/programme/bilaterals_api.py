"""/api/v1/meetings/{id}/bilaterals and /api/v1/bilaterals/{id}: requests, slots, confirmation
with ICS invitations, cancellation, notes; office holders' availability."""

from __future__ import annotations

from flask_smorest import Blueprint

from comms.meetings.programme import bilaterals, invitations
from comms.meetings.programme.models import Bilateral
from comms.web.access import api_user, current_actor, token_required
from comms.web.api.schemas import ErrorSchema
from comms.web.context import db, runtime
from comms.web.errors import api_abort, domain_errors
from comms.web.meetings.programme.api import meeting_or_404
from comms.web.meetings.programme.schemas import (AvailabilitySchema, BilateralQuerySchema, BilateralSchema,
                                                  NotesSchema, SlotSchema)

blp = Blueprint("api_bilaterals", __name__, url_prefix="/api/v1", description="Bilateral meetings")
SECURITY = [{"bearerAuth": []}]
READERS = ("officer", "approver", "viewer")
ARRANGERS = ("officer", "approver")


def _bilateral(bilateral_id: int) -> Bilateral:
    found = db().get(Bilateral, bilateral_id)
    if found is None:
        api_abort(404, "not_found", f"no bilateral {bilateral_id}")
    return found


def _check_arranger(bilateral: Bilateral) -> None:
    """Officers arrange any bilateral; an office holder only their own."""
    me = api_user()
    if not me.has_role("officer") and me.id != bilateral.office_holder_id:
        api_abort(403, "forbidden", "only officers and the office holder concerned arrange this bilateral")


@blp.route("/meetings/<int:meeting_id>/bilaterals", methods=["GET"])
@token_required(*READERS)
@blp.doc(security=SECURITY)
@blp.arguments(BilateralQuerySchema, location="query")
@blp.response(200)
def list_bilaterals(query: dict, meeting_id: int):
    """A meeting's bilaterals (``?office_holder=`` for one office holder's), with staff notes."""
    found = bilaterals.bilaterals_of(db(), meeting_or_404(meeting_id), query.get("office_holder"))
    return {"items": [bilaterals.bilateral_to_dict(b) for b in found], "total": len(found)}


@blp.route("/meetings/<int:meeting_id>/bilaterals", methods=["POST"])
@token_required(*ARRANGERS)
@blp.doc(security=SECURITY)
@blp.arguments(BilateralSchema)
@blp.response(201)
@blp.alt_response(409, schema=ErrorSchema, description="the office holder is elsewhere then")
def create_bilateral(data: dict, meeting_id: int):
    """A request for a bilateral; with a slot it is proposed at once."""
    meeting = meeting_or_404(meeting_id)
    me = api_user()
    if not me.has_role("officer") and me.id != data["office_holder_id"]:
        api_abort(403, "forbidden", "office holders arrange only their own bilaterals")
    with domain_errors():
        found = bilaterals.request_bilateral(db(), meeting, data, current_actor(),
                                             margin_days=runtime().config.side_event_margin_days)
        db().commit()
    return bilaterals.bilateral_to_dict(found)


@blp.route("/bilaterals/<int:bilateral_id>/propose", methods=["POST"])
@token_required(*ARRANGERS)
@blp.doc(security=SECURITY)
@blp.arguments(SlotSchema)
@blp.response(200)
@blp.alt_response(409, schema=ErrorSchema)
def propose_bilateral(data: dict, bilateral_id: int):
    """Propose or move the slot and room; a confirmed bilateral's invitation is sent again (same UID)."""
    found = _bilateral(bilateral_id)
    _check_arranger(found)
    with domain_errors():
        update = bilaterals.propose(db(), found, data["starts_at"], data["ends_at"], data["room"], current_actor(),
                                    margin_days=runtime().config.side_event_margin_days)
        messages = invitations.invitation_messages(db(), found, invitations.organizer_of(runtime()), "REQUEST") \
            if update else []
        db().commit()
    invitations.queue_invitations(runtime(), messages)
    return bilaterals.bilateral_to_dict(found)


@blp.route("/bilaterals/<int:bilateral_id>/confirm", methods=["POST"])
@token_required(*ARRANGERS)
@blp.doc(security=SECURITY)
@blp.response(200)
@blp.alt_response(409, schema=ErrorSchema)
def confirm_bilateral(bilateral_id: int):
    """Confirm the slot and email both sides an ICS invitation (METHOD:REQUEST)."""
    found = _bilateral(bilateral_id)
    _check_arranger(found)
    with domain_errors():
        bilaterals.confirm(db(), found, current_actor())
        messages = invitations.invitation_messages(db(), found, invitations.organizer_of(runtime()), "REQUEST")
        db().commit()
    invitations.queue_invitations(runtime(), messages)
    return {**bilaterals.bilateral_to_dict(found), "invitations": len(messages)}


@blp.route("/bilaterals/<int:bilateral_id>/cancel", methods=["POST"])
@token_required(*ARRANGERS)
@blp.doc(security=SECURITY)
@blp.response(200)
@blp.alt_response(409, schema=ErrorSchema)
def cancel_bilateral(bilateral_id: int):
    """Cancel; invited people get METHOD:CANCEL with the same UID."""
    found = _bilateral(bilateral_id)
    _check_arranger(found)
    with domain_errors():
        invited = bilaterals.cancel(db(), found, current_actor())
        messages = invitations.invitation_messages(db(), found, invitations.organizer_of(runtime()), "CANCEL") \
            if invited else []
        db().commit()
    invitations.queue_invitations(runtime(), messages)
    return bilaterals.bilateral_to_dict(found)


@blp.route("/bilaterals/<int:bilateral_id>/notes", methods=["PUT"])
@token_required(*ARRANGERS)
@blp.doc(security=SECURITY)
@blp.arguments(NotesSchema)
@blp.response(200)
def put_notes(data: dict, bilateral_id: int):
    """Notes after the meeting, kept on the delegation's record for staff."""
    found = _bilateral(bilateral_id)
    _check_arranger(found)
    with domain_errors():
        bilaterals.set_notes(db(), found, data["notes"], current_actor())
        db().commit()
    return bilaterals.bilateral_to_dict(found)


@blp.route("/meetings/<int:meeting_id>/availability/<int:user_id>", methods=["GET"])
@token_required(*READERS)
@blp.doc(security=SECURITY)
@blp.response(200)
def get_availability(meeting_id: int, user_id: int):
    """An office holder's windows for bilaterals."""
    windows = bilaterals.availability_of(db(), meeting_or_404(meeting_id), user_id)
    return {"windows": [{"starts_at": w.starts_at.isoformat(), "ends_at": w.ends_at.isoformat()} for w in windows]}


@blp.route("/meetings/<int:meeting_id>/availability/<int:user_id>", methods=["PUT"])
@token_required(*ARRANGERS)
@blp.doc(security=SECURITY)
@blp.arguments(AvailabilitySchema)
@blp.response(200)
def put_availability(data: dict, meeting_id: int, user_id: int):
    """Replace an office holder's windows (officers, or the office holder)."""
    meeting = meeting_or_404(meeting_id)
    me = api_user()
    if not me.has_role("officer") and me.id != user_id:
        api_abort(403, "forbidden", "office holders set only their own availability")
    with domain_errors():
        windows = bilaterals.set_availability(db(), meeting, user_id, data["windows"], current_actor(),
                                              margin_days=runtime().config.side_event_margin_days)
        db().commit()
    return {"windows": [{"starts_at": w.starts_at.isoformat(), "ends_at": w.ends_at.isoformat()} for w in windows]}
