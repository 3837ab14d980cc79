"""Marshmallow schemas for releases."""

from __future__ import annotations

import marshmallow as ma

from comms.releases.service import LANGUAGES, STATUSES
from comms.web.api.schemas import PaginationSchema, db_id, search_text


class QuoteSchema(ma.Schema):
    text = ma.fields.String(required=True)
    speaker = ma.fields.String(load_default="")


class ReleaseSchema(ma.Schema):
    """docs/design/contract.md's release object."""

    id = ma.fields.Integer(dump_only=True)
    slug = ma.fields.String()
    language = ma.fields.String(validate=ma.validate.OneOf(LANGUAGES))
    translation_of = db_id(allow_none=True)
    meeting_id = db_id(allow_none=True)
    headline = ma.fields.String()
    subheadline = ma.fields.String()
    dateline = ma.fields.String()
    body_markdown = ma.fields.String()
    quotes = ma.fields.List(ma.fields.Nested(QuoteSchema))
    notes_to_editors = ma.fields.String()
    media_contacts = ma.fields.String()
    topics = ma.fields.List(ma.fields.String())
    embargo_until = ma.fields.AwareDateTime(allow_none=True)
    publish_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    approval_policy = ma.fields.String(validate=ma.validate.OneOf(["any", "all"]))
    notify_subscribers = ma.fields.Boolean(metadata={
        "description": "email the matching self-subscribers when it is published or its embargo lifts (default true)"})
    status = ma.fields.String(dump_only=True, validate=ma.validate.OneOf(STATUSES))
    revision = ma.fields.Integer(dump_only=True)
    approved_revision = ma.fields.Integer(dump_only=True, allow_none=True)
    published_revision = ma.fields.Integer(dump_only=True, allow_none=True)
    first_published_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    updated_published_at = ma.fields.AwareDateTime(dump_only=True, allow_none=True)
    correction_note = ma.fields.String(dump_only=True)
    retraction_note = ma.fields.String(dump_only=True)
    url = ma.fields.String(dump_only=True, allow_none=True)


class ReleaseCreateSchema(ReleaseSchema):
    headline = ma.fields.String(required=True)


class ReleaseQuerySchema(PaginationSchema):
    status = ma.fields.String(validate=ma.validate.OneOf(STATUSES))
    language = ma.fields.String()
    meeting = db_id()


class SubmitSchema(ma.Schema):
    approver_ids = ma.fields.List(db_id(), metadata={"description": "default: the meeting's office holders"})
    policy = ma.fields.String(validate=ma.validate.OneOf(["any", "all"]))


class SubmitResultSchema(ma.Schema):
    requests = ma.fields.List(ma.fields.Dict())
    status = ma.fields.String()


class RevisionDecisionSchema(ma.Schema):
    revision = db_id(minimum=0, required=True)
    comment = ma.fields.String(load_default="")


class PublishSchema(ma.Schema):
    at = ma.fields.AwareDateTime(allow_none=True, load_default=None)
    correction_note = ma.fields.String(load_default="")


class RetractSchema(ma.Schema):
    note = ma.fields.String(required=True)


class PublicQuerySchema(PaginationSchema):
    lang = ma.fields.String()
    topic = ma.fields.String()
    meeting = db_id()
    q = search_text()
