"""Errors: JSON under /api (API.md's shape), friendly pages elsewhere."""

from __future__ import annotations

import logging
import re

from flask import Flask, current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

log = logging.getLogger("pressroom.errors")

ERROR_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 410: "gone", 413: "too_large",
    415: "unsupported_media_type", 422: "invalid", 429: "rate_limited", 500: "internal",
}


class ApiError(HTTPException):
    """An HTTP error carrying API.md's ``code``, ``message`` and ``fields``."""

    def __init__(self, status: int, code: str, message: str, fields: dict | None = None, headers: dict | None = None):
        super().__init__(description=message)
        self.code = status
        self.error_code = code
        self.fields = fields or {}
        self.extra_headers = headers or {}


def api_abort(status: int, code: str, message: str, fields: dict | None = None, headers: dict | None = None):
    """Stop the request with an API error."""
    raise ApiError(status, code, message, fields, headers)


def wants_json() -> bool:
    """True for API paths, whose errors are always JSON."""
    return request.path.startswith("/api/") or request.path == "/api"


def _json_error(status: int, code: str, message: str, fields: dict | None = None, headers: dict | None = None):
    response = jsonify({"error": {"code": code, "message": message, "fields": fields or {}}})
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _validation_fields(error: HTTPException) -> dict:
    # webargs (used by flask-smorest) puts validation messages in data["messages"],
    # keyed by location: {"json": {"field": ["msg"]}}. Flatten the locations.
    messages = (getattr(error, "data", None) or {}).get("messages") or {}
    fields: dict = {}
    for location_errors in messages.values():
        if isinstance(location_errors, dict):
            for field, problems in location_errors.items():
                fields[field] = "; ".join(problems) if isinstance(problems, list) else str(problems)
    return fields


def _id_out_of_range() -> bool:
    """True when a 405 really means "no such object": an id beyond the ``<int>`` range.

    Werkzeug checks the method before the converter's range, so PATCH
    /api/v1/lists/99999999999 finds only the GET rule's method and answers 405
    although no object can have that id; with a small id the route exists.
    """
    probe = re.sub(r"/\d{10,}(?=/|$)", "/1", request.path)
    if probe == request.path:
        return False
    try:
        current_app.url_map.bind_to_environ(request.environ).match(probe, method=request.method)
    except HTTPException:
        return False
    return True


def _nul_fields(value, name: str = "") -> dict:
    # Walk a parsed JSON body: keys and strings at any depth.
    if isinstance(value, str):
        return {name or "body": "contains a NUL character"} if "\x00" in value else {}
    found: dict = {}
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{name}.{key}" if name else str(key)
            found.update(_nul_fields(key, path) or _nul_fields(item, path))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.update(_nul_fields(item, f"{name}[{index}]" if name else f"[{index}]"))
    return found


def reject_nul_bytes():
    """Refuse API input holding NUL characters (422), wherever it sits.

    PostgreSQL cannot store NUL in text and raises on it (a 500), SQLite
    stores it and truncates it in places; no field has a use for it.
    """
    if not wants_json():
        return None
    fields: dict = {}
    for source in (request.args, request.form if request.mimetype == "multipart/form-data" else {}):
        for key, values in getattr(source, "lists", lambda: [])():
            if "\x00" in key or any("\x00" in v for v in values):
                fields[key.replace("\x00", "\\0")] = "contains a NUL character"
    if request.is_json:
        fields.update(_nul_fields(request.get_json(silent=True)))
    if fields:
        return _json_error(422, "invalid", "NUL characters are not allowed", fields)
    return None


def init_app(app: Flask) -> None:
    """Register the error handlers and the API's NUL-byte guard."""
    app.before_request(reject_nul_bytes)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        status = error.code or 500
        if wants_json():
            if status == 405 and _id_out_of_range():
                return _json_error(404, "not_found", "no such object")
            if isinstance(error, ApiError):
                return _json_error(status, error.error_code, error.description, error.fields, error.extra_headers)
            fields = _validation_fields(error)
            message = "some fields are not valid" if fields else (error.description or error.name)
            if isinstance(error, CSRFError):
                message = "CSRF token missing or invalid"
            # RFC 9110: a 405 names the methods the resource does offer.
            allow = {"Allow": ", ".join(error.valid_methods)} if getattr(error, "valid_methods", None) else None
            return _json_error(status, ERROR_CODES.get(status, "error"), message, fields, allow)
        if isinstance(error, CSRFError):
            message = "This form has expired or was not sent from Pressroom. Go back, reload the page and try again."
        else:
            message = error.description
        return render_template("error.html", status=status, title=error.name, message=message), status

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        log.exception("unhandled error")
        return _http_error(InternalServerError())
