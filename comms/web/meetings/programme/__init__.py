"""Web pages and API for a meeting's agenda, programme and bilateral meetings."""

from __future__ import annotations

from flask import Flask

from comms.web.api import register_api
from comms.web.meetings.programme import api
from comms.web.meetings.programme import bilaterals_api
from comms.web.meetings.programme import bilaterals_pages
from comms.web.meetings.programme import pages
from comms.web.meetings.programme import public

__all__ = ["api", "bilaterals_api", "bilaterals_pages", "init_app", "pages", "public", "schemas", "views"]


def init_app(app: Flask) -> None:
    """Register the programme's pages and API on ``app``."""
    app.register_blueprint(public.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(bilaterals_pages.bp)
    register_api(app, api.blp)
    register_api(app, bilaterals_api.blp)
