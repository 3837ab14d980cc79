"""The document register's web layer: public pages, staff pages and the JSON API (issue 16)."""

from __future__ import annotations

from flask import Flask

from comms.web.api import register_api
from comms.web.documents import api, pages, staff

__all__ = ["api", "init_app", "pages", "schemas", "staff"]


def init_app(app: Flask) -> None:
    """Register the register's public pages, staff pages and API on ``app``."""
    app.register_blueprint(pages.bp)
    app.register_blueprint(staff.bp)
    register_api(app, api.blp)
