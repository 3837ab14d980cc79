"""/api/v1/delegations: list "as of" a day, create, correct (audited), and CSV import/export of
delegations and their focal points (a row report before anything is written)."""

from __future__ import annotations

import datetime as dt

import marshmallow as ma
from flask import Response, request
from flask_smorest import Blueprint

from comms.web.access import current_actor, token_required
from comms.web.api.schemas import ErrorSchema, PaginationSchema, db_id, page_of, search_text
from comms.web.contacts.api import contact_errors
from comms.web.contacts.schemas import ImportQuerySchema, ImportReportSchema
from comms.web.contacts.shared import import_report
from comms.web.context import db
from comms.web.errors import api_abort
from contacts import csv_io, delegation_io, delegations, importing
from contacts.errors import ContactError
from contacts.models import DELEGATION_KINDS, JOINED_BY

blp = Blueprint("api_delegations", __name__, url_prefix="/api/v1/delegations",
                description="Delegations (States, organisations, NGOs) and their focal points")
SECURITY = [{"bearerAuth": []}]
READERS = ("officer", "approver", "viewer")
WRITERS = ("officer",)
CSV_BODY = {"content": {"text/csv": {"schema": {"type": "string"}}}}


class MissionSchema(ma.Schema):
    address = ma.fields.String(validate=ma.validate.Length(max=1000))
    email = ma.fields.String(validate=ma.validate.Length(max=320))
    phone = ma.fields.String(validate=ma.validate.Length(max=50))


class DelegationInSchema(ma.Schema):
    """What may be sent: any subset on PATCH; treaty fields (kind of a State, country, dates) admins only."""

    name = ma.fields.String(validate=ma.validate.Length(max=200))
    name_fr = ma.fields.String(validate=ma.validate.Length(max=200))
    name_es = ma.fields.String(validate=ma.validate.Length(max=200))
    kind = ma.fields.String(validate=ma.validate.OneOf(DELEGATION_KINDS))
    country = ma.fields.String(allow_none=True, validate=ma.validate.Length(max=60),
                               metadata={"description": "ISO 3166-1 alpha-2 (States)"})
    joined_by = ma.fields.String(allow_none=True, validate=ma.validate.OneOf([*JOINED_BY, ""]))
    signed_on = ma.fields.Date(allow_none=True)
    joined_on = ma.fields.Date(allow_none=True)
    in_force_on = ma.fields.Date(allow_none=True)
    withdrawal_notified_on = ma.fields.Date(allow_none=True)
    withdrawal_effective_on = ma.fields.Date(allow_none=True)
    mission = ma.fields.Nested(MissionSchema)
    notes = ma.fields.String(validate=ma.validate.Length(max=5000))


class DelegationSchema(DelegationInSchema):
    """docs/design/contract.md's delegation object."""

    id = ma.fields.Integer()
    signed_on = ma.fields.String(allow_none=True)
    joined_on = ma.fields.String(allow_none=True)
    in_force_on = ma.fields.String(allow_none=True)
    withdrawal_notified_on = ma.fields.String(allow_none=True)
    withdrawal_effective_on = ma.fields.String(allow_none=True)
    names = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())
    in_force = ma.fields.Boolean()
    focal_points = ma.fields.List(ma.fields.Integer())
    updated_at = ma.fields.String()


class DelegationQuerySchema(PaginationSchema):
    kind = ma.fields.String(validate=ma.validate.OneOf(DELEGATION_KINDS))
    q = search_text()
    on = ma.fields.Date(metadata={"description": "each delegation's kind as of this day (YYYY-MM-DD)"})


class FocalPointExportQuerySchema(ma.Schema):
    delegation = db_id(metadata={"description": "only this delegation's focal points"})


def _as_dict(delegation, on: dt.date | None = None) -> dict:
    points = delegations.focal_point_ids(db(), [delegation.id])[delegation.id]
    return delegations.delegation_to_dict(delegation, focal_points=points, on=on)


def _raw(data: dict) -> dict:
    """The JSON as contacts.delegations reads it (dates back to text it parses itself)."""
    return {name: (value.isoformat() if isinstance(value, dt.date) else value) for name, value in data.items()}


@blp.route("", methods=["GET"])
@token_required(*READERS)
@blp.doc(security=SECURITY)
@blp.arguments(DelegationQuerySchema, location="query", as_kwargs=True)
@blp.response(200, page_of(DelegationSchema))
@blp.alt_response(422, schema=ErrorSchema)
def list_delegations(page: int, per_page: int, kind: str | None = None, q: str | None = None,
                     on: dt.date | None = None):
    """Delegations by name; ``kind`` as of ``on`` when given (a withdrawal counts from its effective day)."""
    session = db()
    with contact_errors():
        found = delegations.list_delegations(session, kind=kind, q=q, on=on, limit=per_page,
                                             offset=(page - 1) * per_page)
        total = delegations.count_delegations(session, kind=kind, q=q, on=on)
    points = delegations.focal_point_ids(session, [d.id for d in found])
    return {"items": [delegations.delegation_to_dict(d, focal_points=points[d.id], on=on) for d in found],
            "total": total}


@blp.route("", methods=["POST"])
@token_required(*WRITERS)
@blp.doc(security=SECURITY)
@blp.arguments(DelegationInSchema)
@blp.response(201, DelegationSchema)
@blp.alt_response(403, schema=ErrorSchema, description="only admins create States")
@blp.alt_response(422, schema=ErrorSchema)
def create_delegation(data: dict):
    """Create a delegation (a State only by an admin); audited."""
    with contact_errors():
        created = delegations.create_delegation(db(), _raw(data), current_actor())
        db().commit()
    return _as_dict(created)


@blp.route("/<int:delegation_id>", methods=["GET"])
@token_required(*READERS)
@blp.doc(security=SECURITY)
@blp.response(200, DelegationSchema)
@blp.alt_response(404, schema=ErrorSchema)
def get_delegation(delegation_id: int):
    """One delegation with its focal points' contact ids."""
    with contact_errors():
        return _as_dict(delegations.get_delegation(db(), delegation_id))


@blp.route("/<int:delegation_id>", methods=["PATCH"])
@token_required(*WRITERS)
@blp.doc(security=SECURITY)
@blp.arguments(DelegationInSchema)
@blp.response(200, DelegationSchema)
@blp.alt_response(403, schema=ErrorSchema, description="treaty fields are an admin's to correct")
@blp.alt_response(404, schema=ErrorSchema)
@blp.alt_response(422, schema=ErrorSchema)
def update_delegation(data: dict, delegation_id: int):
    """Correct a delegation; the audit log keeps each changed field's old and new value."""
    with contact_errors():
        delegations.update_delegation(db(), delegation_id, _raw(data), current_actor())
        db().commit()
        return _as_dict(delegations.get_delegation(db(), delegation_id))


def _csv_body() -> bytes:
    if request.mimetype not in ("text/csv", "text/plain", "application/csv"):
        api_abort(415, "unsupported_media_type", "send text/csv")
    return request.get_data()


@blp.route("/import", methods=["POST"])
@token_required(*WRITERS)
@blp.doc(security=SECURITY, requestBody=CSV_BODY)
@blp.arguments(ImportQuerySchema, location="query", as_kwargs=True)
@blp.response(200, ImportReportSchema)
@blp.alt_response(400, schema=ErrorSchema, description="the file cannot be read")
@blp.alt_response(415, schema=ErrorSchema)
def import_delegations(dry_run: bool):
    """Import delegations by CSV: every row is checked and reported first; the write is one transaction."""
    body = _csv_body()
    try:
        records = delegation_io.read_delegations_csv(body)
    except ContactError as exc:
        api_abort(400, "bad_request", exc.message, exc.fields)
    plan = delegation_io.plan_delegation_import(db(), records, current_actor())
    return import_report(plan, delegation_io.apply_delegation_import, dry_run=dry_run)


@blp.route("/export", methods=["GET"])
@token_required(*WRITERS)
@blp.doc(security=SECURITY, responses={"200": {"description": "delegations as CSV", **CSV_BODY}})
@blp.arguments(DelegationQuerySchema, location="query", as_kwargs=True)
def export_delegations(page: int, per_page: int, kind: str | None = None, q: str | None = None,
                       on: dt.date | None = None):
    """Delegations as CSV with the import's columns (formula cells neutralised)."""
    with contact_errors():
        text = delegation_io.export_delegations(db(), kind=kind, q=q, on=on)
    return Response(text, mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="delegations.csv"'})


@blp.route("/focal-points/import", methods=["POST"])
@token_required(*WRITERS)
@blp.doc(security=SECURITY, requestBody=CSV_BODY)
@blp.arguments(ImportQuerySchema, location="query", as_kwargs=True)
@blp.response(200, ImportReportSchema)
@blp.alt_response(400, schema=ErrorSchema)
@blp.alt_response(415, schema=ErrorSchema)
def import_focal_points(dry_run: bool):
    """Import focal points: the contacts CSV where every row names its delegation (id, name or ISO code)."""
    body = _csv_body()
    try:
        records = csv_io.read_csv(body)
    except ContactError as exc:
        api_abort(400, "bad_request", exc.message, exc.fields)
    plan = delegation_io.plan_focal_point_import(db(), records, source="api focal points import")
    return import_report(plan, importing.apply_import, dry_run=dry_run)


@blp.route("/focal-points/export", methods=["GET"])
@token_required(*WRITERS)
@blp.doc(security=SECURITY, responses={"200": {"description": "focal points as a contacts CSV", **CSV_BODY}})
@blp.arguments(FocalPointExportQuerySchema, location="query", as_kwargs=True)
def export_focal_points(delegation: int | None = None):
    """Focal points (contacts with a delegation) as the contacts CSV, with its ``delegation`` column."""
    text = delegation_io.export_focal_points(db(), delegation)
    current_actor().record(db(), "focal_points.export", object_type="export")
    db().commit()
    return Response(text, mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="focal-points.csv"'})

