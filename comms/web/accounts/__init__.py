"""Web pages and API for staff accounts: sign-in, people and access, password links, tokens, audit, approvals."""

from __future__ import annotations

from flask import Flask

from comms.web.api import register_api
from comms.web.accounts import api
from comms.web.accounts import approve
from comms.web.accounts import pages
from comms.web.accounts import passwords
from comms.web.accounts import people

__all__ = ["api", "approve", "desk", "init_app", "login", "pages", "passwords", "people"]


def init_app(app: Flask) -> None:
    """Register this capability's pages and API on ``app`` (people's routes ride on pages.bp)."""
    app.register_blueprint(pages.bp)
    app.register_blueprint(approve.bp)
    passwords.init_app(app)
    register_api(app, api.blp)
