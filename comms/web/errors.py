"""Errors: JSON under /api (docs/design/contract.md's shape), friendly pages elsewhere.

The domain raises :class:`comms.platform.errors.DomainError`; this module maps it to
HTTP once for the API (:func:`domain_errors`, and the app-wide handler) and once for
pages (:func:`error_message`, and the handler's error page).
"""

from __future__ import annotations

import logging
import re
from contextlib import contextmanager
from typing import Callable

from flask import Flask, current_app, jsonify, redirect, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from comms.platform.errors import DomainError
from comms.web.context import db
from comms.web.forms import page_above

log = logging.getLogger("pressroom.errors")

ERROR_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 410: "gone", 413: "too_large",
    415: "unsupported_media_type", 422: "invalid", 429: "rate_limited", 500: "internal",
}


class ApiError(HTTPException):
    """An HTTP error carrying docs/design/contract.md's ``code``, ``message`` and ``fields``."""

    def __init__(self, status: int, code: str, message: str, fields: dict | None = None, headers: dict | None = None):
        super().__init__(description=message)
        self.code = status
        self.error_code = code
        self.fields = fields or {}
        self.extra_headers = headers or {}


def api_abort(status: int, code: str, message: str, fields: dict | None = None, headers: dict | None = None):
    """Stop the request with an API error."""
    raise ApiError(status, code, message, fields, headers)


def api_code(status: int) -> str:
    """docs/design/contract.md's error code for an HTTP status."""
    return ERROR_CODES.get(status, "invalid")


@contextmanager
def domain_errors():
    """In an API view: a DomainError rolls the request back and answers in the contract's shape."""
    try:
        yield
    except DomainError as exc:
        db().rollback()
        api_abort(exc.status, api_code(exc.status), exc.message, exc.fields)


def error_message(exc: Exception, label: Callable[[str], str] = str,
                  rephrase: Callable[[str], str] | None = None) -> str:
    """A sentence for people from a refusal, naming each bad field.

    ``label`` makes field names readable; ``rephrase`` may reword the sentence before
    its first letter is capitalised.
    """
    # KeyError's str() is the repr of its argument, quotes included: use the argument.
    text = getattr(exc, "message", None) or (str(exc.args[0]) if exc.args else str(exc))
    fields = getattr(exc, "fields", None) or {}
    details = "; ".join(f"{label(name)}: {problem}" for name, problem in fields.items())
    if details:
        text = f"{text} ({details})"
    if rephrase is not None:
        text = rephrase(text)
    return text[:1].upper() + text[1:]


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


def init_app(app: Flask) -> None:
    """Register the error handlers."""

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
        if status == 405 and request.method in ("GET", "HEAD"):
            # A reload or Back after a form's POST-only address: show the page the form is on.
            page = page_above(request.path)
            if page:
                return redirect(page, 303)
        if isinstance(error, CSRFError):
            message = "This form has expired or was not sent from Pressroom. Go back, reload the page and try again."
        else:
            message = error.description
        return render_template("error.html", status=status, title=error.name, message=message), status

    @app.errorhandler(DomainError)
    def _domain_error(error: DomainError):
        # A refusal no view caught: nothing it began may be committed.
        db().rollback()
        if wants_json():
            return _json_error(error.status, api_code(error.status), error.message, error.fields)
        return render_template("error.html", status=error.status, title="Not accepted",
                               message=error_message(error)), error.status

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        log.exception("unhandled error")
        return _http_error(InternalServerError())
