"""Marshmallow schemas for contacts, lists and segments in the API."""

from __future__ import annotations

import marshmallow as ma

from comms.web.api.schemas import PaginationSchema, db_id, search_text
from contacts.models import STATUSES


class PhoneSchema(ma.Schema):
    number = ma.fields.String(required=True)
    label = ma.fields.String(load_default="work")
    public = ma.fields.Boolean(load_default=False)


class ConsentSchema(ma.Schema):
    basis = ma.fields.String(allow_none=True)
    source = ma.fields.String(allow_none=True)
    at = ma.fields.String(allow_none=True, metadata={"format": "date-time"})
    wording_version = ma.fields.String(allow_none=True)


class ContactSchema(ma.Schema):
    """docs/design/contract.md's contact object."""

    id = ma.fields.Integer()
    name = ma.fields.String()
    email = ma.fields.String()
    outlet = ma.fields.String()
    outlet_id = ma.fields.Integer(allow_none=True)
    role = ma.fields.String()
    country = ma.fields.String(allow_none=True, metadata={"description": "ISO 3166-1 alpha-2"})
    delegation_id = ma.fields.Integer(allow_none=True, metadata={"description": "the delegation a focal point "
                                                                               "or delegate belongs to"})
    languages = ma.fields.List(ma.fields.String(), metadata={"description": "ISO 639-1 codes"})
    topics = ma.fields.List(ma.fields.String())
    lists = ma.fields.List(db_id())
    phones = ma.fields.List(ma.fields.Nested(PhoneSchema))
    notes = ma.fields.String()
    consent = ma.fields.Nested(ConsentSchema)
    status = ma.fields.String(validate=ma.validate.OneOf(STATUSES))
    created_at = ma.fields.String(metadata={"format": "date-time"})
    updated_at = ma.fields.String(metadata={"format": "date-time"})


class ContactInSchema(ma.Schema):
    """Fields accepted on create and update; values are checked by the contacts package."""

    name = ma.fields.String()
    email = ma.fields.String()
    outlet = ma.fields.String(allow_none=True)
    role = ma.fields.String()
    country = ma.fields.String(allow_none=True, metadata={"description": "ISO 3166-1 alpha-2 code or English name"})
    delegation_id = ma.fields.Raw(allow_none=True, metadata={"description": "a delegation's id; null clears it "
                                                                            "(checked by the contacts package)"})
    languages = ma.fields.List(ma.fields.String(), metadata={"description": "ISO 639-1 codes or names"})
    topics = ma.fields.List(ma.fields.String(), metadata={"description": "topic slugs or labels"})
    lists = ma.fields.List(db_id())
    phones = ma.fields.List(ma.fields.Nested(PhoneSchema))
    notes = ma.fields.String()
    status = ma.fields.String(validate=ma.validate.OneOf(["active", "unconfirmed"]))
    consent_basis = ma.fields.String(validate=ma.validate.OneOf(["consent", "legitimate_interest", "contract"]))
    consent_source = ma.fields.String()


class ContactQuerySchema(PaginationSchema):
    q = search_text()
    country = ma.fields.String()
    language = ma.fields.String()
    topic = ma.fields.String()
    list = db_id()
    status = ma.fields.String(validate=ma.validate.OneOf(STATUSES))


class ExportQuerySchema(ContactQuerySchema):
    format = ma.fields.String(load_default="csv", validate=ma.validate.OneOf(["csv", "vcard"]))


class ImportQuerySchema(ma.Schema):
    dry_run = ma.fields.Boolean(load_default=False, metadata={"description": "validate and report, write nothing"})


class ImportErrorSchema(ma.Schema):
    row = ma.fields.Integer()
    field = ma.fields.String()
    message = ma.fields.String()


class ImportReportSchema(ma.Schema):
    created = ma.fields.Integer()
    updated = ma.fields.Integer()
    skipped = ma.fields.Integer()
    unchanged = ma.fields.Integer()
    rejected = ma.fields.Integer()
    rows = ma.fields.Integer()
    errors = ma.fields.List(ma.fields.Nested(ImportErrorSchema))
    dry_run = ma.fields.Boolean()


class DeleteQuerySchema(ma.Schema):
    erase = ma.fields.Boolean(load_default=False, metadata={"description": "GDPR erasure: keep only a hash"})


class ReasonSchema(ma.Schema):
    reason = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=500))


class MergeSchema(ma.Schema):
    other_id = db_id(required=True, metadata={"description": "the contact folded into this one"})


class HistoryEventSchema(ma.Schema):
    at = ma.fields.String()
    kind = ma.fields.String()
    by = ma.fields.String()
    details = ma.fields.Dict()


class ListSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String(required=True)
    description = ma.fields.String(load_default="")
    embargo_trusted = ma.fields.Boolean(load_default=False)
    size = ma.fields.Integer(dump_only=True)


class ListPatchSchema(ma.Schema):
    name = ma.fields.String()
    description = ma.fields.String()
    embargo_trusted = ma.fields.Boolean()


class MembersSchema(ma.Schema):
    contact_ids = ma.fields.List(db_id(), required=True)


class MembersResultSchema(ma.Schema):
    changed = ma.fields.Integer()
    size = ma.fields.Integer()


class SegmentSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String(required=True)
    description = ma.fields.String(load_default="")
    filters = ma.fields.Dict(required=True, metadata={"description": "q, country, language, topic, list, status"})


class TopicSchema(ma.Schema):
    slug = ma.fields.String()
    label = ma.fields.String()
