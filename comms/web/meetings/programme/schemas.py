"""Marshmallow schemas for the agenda, the programme and bilaterals.

Shapes only: the content of each session, item and slot is checked by
comms.meetings.programme, which names the offending field in its 422."""

from __future__ import annotations

import marshmallow as ma

from comms.web.api.schemas import db_id


class AgendaSchema(ma.Schema):
    """the API contract's agenda: ``{"items": [{"number", "title": {lang: text}, "documents": [symbols]}]}``."""

    items = ma.fields.List(ma.fields.Dict(), required=True, validate=ma.validate.Length(max=200))


class ProgrammeSchema(ma.Schema):
    """the API contract's programme: version, status and sessions."""

    sessions = ma.fields.List(ma.fields.Dict(), required=True, validate=ma.validate.Length(max=500))
    version = ma.fields.Integer(dump_only=True)
    status = ma.fields.String(dump_only=True)
    approved_version = ma.fields.Integer(dump_only=True, allow_none=True)
    published_version = ma.fields.Integer(dump_only=True, allow_none=True)
    meeting_id = ma.fields.Integer(dump_only=True)


class ProgrammeSubmitSchema(ma.Schema):
    approver_ids = ma.fields.List(db_id(), load_default=list, validate=ma.validate.Length(max=20))


class ProgrammeDecisionSchema(ma.Schema):
    version = db_id(minimum=0, required=True)
    comment = ma.fields.String(load_default="", validate=ma.validate.Length(max=5000))


class DispatchSchema(ma.Schema):
    delegation_ids = ma.fields.List(db_id(), load_default=None, allow_none=True,
                                    validate=ma.validate.Length(max=1000))


class BilateralSchema(ma.Schema):
    """the API contract's bilateral request (times with an offset, or the meeting's local time)."""

    delegation_id = db_id(required=True)
    office_holder_id = db_id(required=True)
    topic = ma.fields.String(required=True, validate=ma.validate.Length(max=300))
    attendees = ma.fields.List(ma.fields.String(validate=ma.validate.Length(max=200)), load_default=list,
                               validate=ma.validate.Length(max=30))
    starts_at = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=40))
    ends_at = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=40))
    room = ma.fields.String(load_default="", validate=ma.validate.Length(max=120))


class SlotSchema(ma.Schema):
    starts_at = ma.fields.String(required=True, validate=ma.validate.Length(max=40))
    ends_at = ma.fields.String(required=True, validate=ma.validate.Length(max=40))
    room = ma.fields.String(load_default=None, allow_none=True, validate=ma.validate.Length(max=120))


class NotesSchema(ma.Schema):
    notes = ma.fields.String(required=True, validate=ma.validate.Length(max=20000))


class AvailabilitySchema(ma.Schema):
    windows = ma.fields.List(ma.fields.Dict(), required=True, validate=ma.validate.Length(max=200))


class BilateralQuerySchema(ma.Schema):
    office_holder = db_id(load_default=None)
