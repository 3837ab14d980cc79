"""Security headers, request ids and the access log line on every response."""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, current_app, g, request
from flask_login import current_user
from werkzeug.exceptions import InternalServerError

access_log = logging.getLogger("pressroom.access")
error_log = logging.getLogger("pressroom.errors")

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def init_app(app: Flask) -> None:
    """Register the before/after request hooks."""

    @app.before_request
    def _start():
        incoming = request.headers.get("X-Request-ID", "")
        g.request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        g.started = time.perf_counter()

    @app.after_request
    def _headers(response):
        response = _sendable(response)
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if getattr(current_user, "is_authenticated", False) and "Cache-Control" not in headers:
            # Pages for signed-in staff must not land in shared caches.
            headers["Cache-Control"] = "private, no-store"
        headers["X-Request-ID"] = g.get("request_id", "")
        _log(response)
        return response


def _sendable(response):
    """``response``, or a 500 page when a header cannot go on the wire.

    The access line is written here, before the WSGI server encodes the headers
    (PEP 3333: Latin-1 only) and sends the body; a header it cannot encode used
    to fail inside the server, after this log had said 200. A body that breaks
    off while streaming is logged on its own line with the request id.
    """
    unsendable = [name for name, value in response.headers.items() if not _latin1(name) or not _latin1(value)]
    if unsendable:
        error_log.error("request_id=%s refused a response: header %s cannot be sent over HTTP",
                        g.get("request_id", "-"), ", ".join(repr(name) for name in unsendable))
        response = current_app.make_response(current_app.handle_http_exception(InternalServerError()))
    elif response.is_streamed and not response.direct_passthrough:
        response.response = _watched(response.response, g.get("request_id", "-"), response.status_code)
    return response


def _latin1(text: str) -> bool:
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


def _watched(body, request_id: str, status: int):
    try:
        yield from body
    except Exception:
        error_log.exception("request_id=%s the response body failed after status %s was sent", request_id, status)
        raise


# Route arguments that are credentials until used: set-your-password, approval, registration and
# subscription confirmation links, preference and unsubscribe links. Whoever reads a log line must not
# be able to approve in the President's name or unsubscribe someone.
SECRET_ROUTE_ARGS = frozenset({"token", "signed"})


def _log(response) -> None:
    # The path without its query string: queries can carry search terms or
    # addresses, and personal data never goes into logs (docs/design/security.md item 29).
    elapsed = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
    user = getattr(current_user, "id", None) if getattr(current_user, "is_authenticated", False) else None
    user = user or g.get("api_user_id")
    # A link that acts as a credential is logged as its route's pattern (/approve/<token>), never the token.
    secret = request.url_rule is not None and not SECRET_ROUTE_ARGS.isdisjoint(request.view_args or {})
    path = request.url_rule.rule if secret else request.path
    access_log.info(
        "request_id=%s method=%s path=%s status=%s ms=%.1f user=%s",
        g.get("request_id", "-"), request.method, path, response.status_code, elapsed, user or "-",
    )
