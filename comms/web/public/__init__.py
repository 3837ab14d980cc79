"""Public pages that need no sign-in: the front door and the health check."""

from __future__ import annotations

from flask import Flask

from comms.web.public import pages

__all__ = ["init_app", "pages"]


def init_app(app: Flask) -> None:
    """Register this capability's pages on ``app``."""
    app.register_blueprint(pages.bp)
