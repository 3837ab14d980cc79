"""Web pages and API for followed sources, their items and watchlists."""

from __future__ import annotations

from flask import Flask

from comms.web.api import register_api
from comms.web.following import about
from comms.web.following import api
from comms.web.following import items
from comms.web.following import sources
from comms.web.following import watchlists

__all__ = ["about", "api", "init_app", "items", "schemas", "shared", "sources", "watchlists"]


def init_app(app: Flask) -> None:
    """Register this capability's pages and API on ``app``."""
    app.register_blueprint(sources.bp)
    app.register_blueprint(items.bp)
    app.register_blueprint(watchlists.bp)
    app.register_blueprint(about.bp)
    register_api(app, api.blp)
