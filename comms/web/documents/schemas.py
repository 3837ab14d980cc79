"""Marshmallow schemas of the register's API (docs/design/contract.md, "Document register")."""

from __future__ import annotations

import marshmallow as ma

from comms.documents.models import DISTRIBUTIONS, KINDS
from comms.web.api.schemas import db_id

LANGUAGE = ma.validate.Regexp(r"^[a-z]{2,3}$")


class FileSchema(ma.Schema):
    language = ma.fields.String()
    url = ma.fields.String()
    size = ma.fields.Integer()
    sha256 = ma.fields.String()
    content_type = ma.fields.String()
    filename = ma.fields.String()
    text = ma.fields.String(metadata={"description": "text, no_text (a scan), failed, unsupported or pending"})
    pages = ma.fields.Integer(allow_none=True)


class DocumentInputSchema(ma.Schema):
    """A new document (or changes to one before it is issued)."""

    symbol = ma.fields.String(validate=ma.validate.Length(max=120),
                              metadata={"description": "taken as given; without it, the next free one"})
    kind = ma.fields.String(validate=ma.validate.OneOf(KINDS))
    title = ma.fields.Dict(keys=ma.fields.String(validate=LANGUAGE), values=ma.fields.String(), required=True,
                           metadata={"description": "language -> title"})
    distribution = ma.fields.String(validate=ma.validate.OneOf(DISTRIBUTIONS))
    original_language = ma.fields.String(validate=LANGUAGE)
    agenda_items = ma.fields.List(ma.fields.String(validate=ma.validate.Length(max=20)),
                                  validate=ma.validate.Length(max=50))
    due_on = ma.fields.Date(allow_none=True)
    due_days_before = ma.fields.Integer(allow_none=True, validate=ma.validate.Range(0, 365),
                                        metadata={"description": "due N days before the meeting opens"})
    delegation_id = db_id(allow_none=True)
    author = ma.fields.String(validate=ma.validate.Length(max=300))
    delivered_at = ma.fields.AwareDateTime(allow_none=True)


class DocumentPatchSchema(DocumentInputSchema):
    title = ma.fields.Dict(keys=ma.fields.String(validate=LANGUAGE), values=ma.fields.String())


class DerivedInputSchema(ma.Schema):
    """A Rev, Corr or Add: titles default to the document's."""

    title = ma.fields.Dict(keys=ma.fields.String(validate=LANGUAGE), values=ma.fields.String())
    due_on = ma.fields.Date(allow_none=True)


class DocumentOutSchema(ma.Schema):
    """The document object."""

    id = ma.fields.Integer()
    meeting_id = ma.fields.Integer()
    symbol = ma.fields.String(allow_none=True)
    kind = ma.fields.String()
    title = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())
    distribution = ma.fields.String()
    original_language = ma.fields.String()
    agenda_items = ma.fields.List(ma.fields.String())
    status = ma.fields.String()
    due_on = ma.fields.Date(allow_none=True)
    due_days_before = ma.fields.Integer(allow_none=True)
    late = ma.fields.Boolean()
    issued_on = ma.fields.Date(allow_none=True)
    supersedes = ma.fields.String(allow_none=True)
    superseded_by = ma.fields.String(allow_none=True)
    relation = ma.fields.String(allow_none=True)
    base = ma.fields.String(allow_none=True)
    delegation_id = ma.fields.Integer(allow_none=True)
    author = ma.fields.String()
    delivered_at = ma.fields.DateTime(allow_none=True)
    files = ma.fields.List(ma.fields.Nested(FileSchema))
    snippet = ma.fields.String(metadata={"description": "with q: the matching text, matches in <mark>"})


class DocumentPageSchema(ma.Schema):
    """A page of documents; with ``q`` counting stops past 1,000 and ``total_capped`` is then true."""

    items = ma.fields.List(ma.fields.Nested(DocumentOutSchema))
    total = ma.fields.Integer()
    total_capped = ma.fields.Boolean()


class DocumentQuerySchema(ma.Schema):
    meeting = db_id()
    kind = ma.fields.String(validate=ma.validate.OneOf(KINDS))
    q = ma.fields.String(validate=ma.validate.Length(max=500))
    language = ma.fields.String(validate=LANGUAGE)
    agenda_item = ma.fields.String(validate=ma.validate.Length(max=20))
    delegation = db_id()
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(1, 200))
    per_page = ma.fields.Integer(load_default=20, validate=ma.validate.Range(1, 50))


class FileFormSchema(ma.Schema):
    language = ma.fields.String(required=True, validate=LANGUAGE)
