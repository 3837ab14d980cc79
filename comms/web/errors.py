"""Errors: JSON under /api (API.md's shape), friendly pages elsewhere."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
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


def init_app(app: Flask) -> None:
    """Register the error handlers."""

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        status = error.code or 500
        if wants_json():
            if isinstance(error, ApiError):
                return _json_error(status, error.error_code, error.description, error.fields, error.extra_headers)
            fields = _validation_fields(error)
            message = "some fields are not valid" if fields else (error.description or error.name)
            if isinstance(error, CSRFError):
                message = "CSRF token missing or invalid"
            return _json_error(status, ERROR_CODES.get(status, "error"), message, fields)
        if isinstance(error, CSRFError):
            message = "This form has expired or was not sent from Pressroom. Go back, reload the page and try again."
        else:
            message = error.description
        return render_template("error.html", status=status, title=error.name, message=message), status

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        log.exception("unhandled error")
        return _http_error(InternalServerError())
