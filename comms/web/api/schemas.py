"""Marshmallow schemas shared by the API blueprints."""

from __future__ import annotations

from functools import lru_cache

import marshmallow as ma
from apispec import BasePlugin

from contacts.vocab import MAX_SEARCH_WORDS


class ErrorDetailSchema(ma.Schema):
    code = ma.fields.String(metadata={"description": "machine-readable error code", "example": "not_found"})
    message = ma.fields.String(metadata={"description": "what went wrong, for people"})
    fields = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(),
                            metadata={"description": "per-field problems"})


class ErrorSchema(ma.Schema):
    """docs/design/contract.md's error body: ``{"error": {"code", "message", "fields"}}``."""

    error = ma.fields.Nested(ErrorDetailSchema)


MAX_PAGE = 1_000_000
# Ids are INTEGER columns; the app's <int:...> URL converter has the same bound.
MAX_ID = 2**31 - 1


def db_id(minimum: int = 1, **kwargs) -> ma.fields.Integer:
    """An integer naming a row (or a version number, ``minimum=0``): up to 2**31-1.

    Unbounded integers reach the database driver, which overflows (a 500)
    instead of answering "no such object"; out of range is a 422 here.
    """
    return ma.fields.Integer(validate=ma.validate.Range(min=minimum, max=MAX_ID), **kwargs)


def _few_words(text: str) -> None:
    if len(text.split()) > MAX_SEARCH_WORDS:
        raise ma.ValidationError(f"at most {MAX_SEARCH_WORDS} words")


def search_text(**kwargs) -> ma.fields.String:
    """A ``q`` search: at most MAX_SEARCH_WORDS words (each is one more SQL condition), else 422."""
    return ma.fields.String(validate=_few_words, metadata={
        "description": f"words that must all appear (at most {MAX_SEARCH_WORDS})"}, **kwargs)


class PaginationSchema(ma.Schema):
    """``?page=1&per_page=50`` for list endpoints."""

    # Bounded: a page number past 64-bit range would overflow the database driver (500).
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=MAX_PAGE))
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


ERROR_RESPONSE = {"$ref": "#/components/schemas/Error"}
STANDARD_ERRORS = {
    400: "the body is not well-formed JSON",
    401: "no or invalid token",
    403: "the token's role may not do this",
    404: "no such object",
    413: "the request body is larger than the server accepts",
    422: "invalid fields or parameters",
}


class StandardErrorsPlugin(BasePlugin):
    """Document the errors every operation can answer, so the OpenAPI document is true.

    Whatever a view documents itself stays; this adds what the shared
    machinery answers: 401/403 from ``token_required`` on secured operations,
    404 where a path names an object, 422 from argument validation, and 400/413
    for request bodies (malformed JSON, larger than the request limit).
    """

    def operation_helper(self, path=None, operations=None, **kwargs):
        """Add the standard error responses to each operation of ``path``."""
        for operation in (operations or {}).values():
            if not isinstance(operation, dict):
                continue
            codes = set()
            if operation.get("security"):
                codes |= {401, 403}
            if "{" in (path or ""):
                codes.add(404)
            if any(p.get("in") == "query" for p in operation.get("parameters", []) if isinstance(p, dict)):
                codes.add(422)
            if "requestBody" in operation:
                codes |= {400, 413, 422}
            responses = operation.setdefault("responses", {})
            for code in sorted(codes):
                if str(code) not in responses and code not in responses:
                    responses[str(code)] = {"description": STANDARD_ERRORS[code],
                                            "content": {"application/json": {"schema": ERROR_RESPONSE}}}
