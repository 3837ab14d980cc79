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
        g.db_session = runtime().db.session()
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
