"""Marshmallow schemas for meetings, side events, documents and strategies."""

from __future__ import annotations

import marshmallow as ma

from comms.meetings.service import MEETING_KINDS, OFFICE_ROLES
from comms.meetings.strategy import MILESTONE_STATUSES
from comms.web.api.schemas import db_id


class OfficeHolderSchema(ma.Schema):
    user_id = db_id(required=True)
    role = ma.fields.String(required=True, validate=ma.validate.OneOf(OFFICE_ROLES))
    name = ma.fields.String(dump_only=True)


class MeetingSchema(ma.Schema):
    """docs/design/contract.md's meeting object."""

    id = ma.fields.Integer(dump_only=True)
    title = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=300))
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(MEETING_KINDS))
    starts_on = ma.fields.Date(required=True)
    ends_on = ma.fields.Date(required=True)
    timezone = ma.fields.String(load_default="UTC", metadata={"description": "IANA zone, e.g. Europe/Zurich"})
    venue = ma.fields.String(load_default="", validate=ma.validate.Length(max=300))
    languages = ma.fields.List(ma.fields.String(validate=ma.validate.Length(equal=2)),
                               load_default=lambda: ["en", "fr", "es"])
    description = ma.fields.String(load_default="", validate=ma.validate.Length(max=20_000))
    symbol_prefix = ma.fields.String(load_default="", validate=ma.validate.Regexp(r"^([A-Z][A-Za-z0-9.]*(/[A-Za-z0-9.]+){0,5})?$"),
                                     metadata={"description": "official symbols start with it, e.g. APLC/MSP.22/2026"})
    office_holders = ma.fields.List(ma.fields.Nested(OfficeHolderSchema), load_default=list)


class MeetingPatchSchema(ma.Schema):
    title = ma.fields.String(validate=ma.validate.Length(min=1, max=300))
    kind = ma.fields.String(validate=ma.validate.OneOf(MEETING_KINDS))
    starts_on = ma.fields.Date()
    ends_on = ma.fields.Date()
    timezone = ma.fields.String()
    venue = ma.fields.String()
    languages = ma.fields.List(ma.fields.String())
    description = ma.fields.String()
    symbol_prefix = ma.fields.String(validate=ma.validate.Regexp(r"^([A-Z][A-Za-z0-9.]*(/[A-Za-z0-9.]+){0,5})?$"))
    office_holders = ma.fields.List(ma.fields.Nested(OfficeHolderSchema))


class SideEventSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    title = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=300))
    organiser = ma.fields.String(load_default="", validate=ma.validate.Length(max=300))
    room = ma.fields.String(load_default="", validate=ma.validate.Length(max=120))
    starts_at = ma.fields.AwareDateTime(required=True, metadata={"description": "RFC 3339 with an offset"})
    ends_at = ma.fields.AwareDateTime(required=True)
    description = ma.fields.String(load_default="")
    public = ma.fields.Boolean(load_default=True)


class DocumentFileSchema(ma.Schema):
    language = ma.fields.String()
    filename = ma.fields.String()
    content_type = ma.fields.String()
    size = ma.fields.Integer()
    url = ma.fields.String()


class DocumentSchema(ma.Schema):
    id = ma.fields.Integer()
    meeting_id = ma.fields.Integer()
    title = ma.fields.String()
    kind = ma.fields.String()
    public = ma.fields.Boolean()
    published_at = ma.fields.String(allow_none=True)
    files = ma.fields.List(ma.fields.Nested(DocumentFileSchema))


class DocumentFormSchema(ma.Schema):
    title = ma.fields.String(required=True)
    kind = ma.fields.String(load_default="other")
    language = ma.fields.String(load_default="en")
    public = ma.fields.Boolean(load_default=True)
    document_id = db_id(metadata={"description": "add a language to an existing document"})


class MilestoneSchema(ma.Schema):
    id = db_id(allow_none=True)
    title = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=300))
    due_on = ma.fields.Date(required=True)
    owner_id = db_id(allow_none=True)
    status = ma.fields.String(load_default="planned", validate=ma.validate.OneOf(MILESTONE_STATUSES))
    release_id = db_id(allow_none=True,
                       metadata={"description": "omit to keep the milestone's linked release"})


class StrategySchema(ma.Schema):
    """docs/design/contract.md's strategy object."""

    objectives = ma.fields.List(ma.fields.String(), load_default=list)
    key_messages = ma.fields.List(ma.fields.Dict(), load_default=list,
                                  metadata={"description": "[{language, text}] in order"})
    audiences = ma.fields.List(ma.fields.Raw(), load_default=list,
                               metadata={"description": "{type: list|segment, id} or a description"})
    channels = ma.fields.List(ma.fields.String(), load_default=list)
    spokespersons = ma.fields.List(ma.fields.String(), load_default=list)
    risks = ma.fields.List(ma.fields.String(), load_default=list)
    milestones = ma.fields.List(ma.fields.Nested(MilestoneSchema), load_default=list)
    version = ma.fields.Integer(dump_only=True)
    approved_version = ma.fields.Integer(dump_only=True, allow_none=True)
    approved_by = ma.fields.Integer(dump_only=True, allow_none=True)
    approved_at = ma.fields.String(dump_only=True, allow_none=True)


class DecisionSchema(ma.Schema):
    version = db_id(minimum=0, required=True)
    comment = ma.fields.String(load_default="")


class SignOffRequestSchema(ma.Schema):
    request_id = ma.fields.Integer()
    approver_id = ma.fields.Integer()
    version = ma.fields.Integer()
    expires_at = ma.fields.String()
