"""Web pages and API for meetings, their documents, strategies and the calendar."""

from __future__ import annotations

from flask import Flask

from comms.web.api import register_api
from comms.web.meetings import api
from comms.web.meetings import calendar
from comms.web.meetings import documents
from comms.web.meetings import pages
from comms.web.meetings import participants
from comms.web.meetings import participants_api
from comms.web.meetings import public
from comms.web.meetings import register
from comms.web.meetings import strategy

__all__ = ["api", "calendar", "documents", "init_app", "links", "pages", "participants", "participants_api", "public", "register", "schemas", "shared", "strategy"]


def init_app(app: Flask) -> None:
    """Register this capability's pages and API on ``app``."""
    app.register_blueprint(public.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(documents.bp)
    app.register_blueprint(strategy.bp)
    app.register_blueprint(calendar.bp)
    app.register_blueprint(participants.bp)
    register.init_app(app)
    register_api(app, api.blp)
    register_api(app, participants_api.blp)
