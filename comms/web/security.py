"""Security headers, request ids and the access log line on every response."""

from __future__ import annotations

import logging
import re
import time
import uuid

from flask import Flask, g, request
from flask_login import current_user

access_log = logging.getLogger("pressroom.access")

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


def _log(response) -> None:
    # The path without its query string: queries can carry search terms or
    # addresses, and personal data never goes into logs (SECURITY.md 29).
    elapsed = (time.perf_counter() - g.get("started", time.perf_counter())) * 1000
    user = getattr(current_user, "id", None) if getattr(current_user, "is_authenticated", False) else None
    user = user or g.get("api_user_id")
    access_log.info(
        "request_id=%s method=%s path=%s status=%s ms=%.1f user=%s",
        g.get("request_id", "-"), request.method, request.path, response.status_code, elapsed, user or "-",
    )
