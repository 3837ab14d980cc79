"""Marshmallow schemas shared by the API blueprints."""

from __future__ import annotations

from functools import lru_cache

import marshmallow as ma


class ErrorDetailSchema(ma.Schema):
    code = ma.fields.String(metadata={"description": "machine-readable error code", "example": "not_found"})
    message = ma.fields.String(metadata={"description": "what went wrong, for people"})
    fields = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(),
                            metadata={"description": "per-field problems"})


class ErrorSchema(ma.Schema):
    """API.md's error body: ``{"error": {"code", "message", "fields"}}``."""

    error = ma.fields.Nested(ErrorDetailSchema)


class PaginationSchema(ma.Schema):
    """``?page=1&per_page=50`` for list endpoints."""

    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1))
    per_page = ma.fields.Integer(load_default=50, validate=ma.validate.Range(min=1, max=200))


class UserSchema(ma.Schema):
    id = ma.fields.Integer(dump_only=True)
    email = ma.fields.Email()
    name = ma.fields.String()
    role = ma.fields.String(validate=ma.validate.OneOf(["admin", "officer", "approver", "viewer"]))


@lru_cache(maxsize=None)
def page_of(schema: type[ma.Schema]) -> type[ma.Schema]:
    """A ``{"items": [...], "total": N}`` schema for a list of ``schema``."""
    return ma.Schema.from_dict(
        {"items": ma.fields.List(ma.fields.Nested(schema)), "total": ma.fields.Integer()},
        name=f"{schema.__name__.removesuffix('Schema')}Page",
    )
