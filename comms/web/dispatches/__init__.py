"""Web pages and API for dispatches to delegations and the information note."""

from __future__ import annotations

from flask import Flask

from comms.web.api import register_api
from comms.web.dispatches import api
from comms.web.dispatches import note
from comms.web.dispatches import pages

__all__ = ["api", "init_app", "note", "pages"]


def init_app(app: Flask) -> None:
    """Register this capability's pages and API on ``app``."""
    app.register_blueprint(pages.bp)
    app.register_blueprint(note.bp)
    register_api(app, api.blp)
