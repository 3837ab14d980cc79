"""Per-request access to the runtime and a database session."""

from __future__ import annotations

from flask import Flask, current_app, g, request
from sqlalchemy.orm import Session

from comms.runtime import Runtime


def runtime() -> Runtime:
    """The Runtime of the current app."""
    return current_app.extensions["pressroom"]


def db() -> Session:
    """This request's database session, opened on first use.

    Views commit what they change; anything left uncommitted when the request
    ends is rolled back, so a failed request never half-writes.
    """
    if "db_session" not in g:
        # GET never changes state (docs/design/security.md item 15), so it needs no write lock up front.
        g.db_session = runtime().db.session(read_mostly=request.method in ("GET", "HEAD"))
    return g.db_session


def client_ip() -> str:
    """The client's address (ProxyFix has already applied trusted proxies)."""
    return request.remote_addr or "unknown"


def init_db_session(app: Flask) -> None:
    """Close the request's session when the app context ends."""

    @app.teardown_appcontext
    def _close_session(_exc):
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


def absolute_url(endpoint: str, **values) -> str:
    """An absolute URL for links in emails: PRESSROOM_BASE_URL when set, else this host."""
    from flask import url_for

    base = runtime().config.base_url
    if base:
        return base + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)
