"""The public feeds, their archives and the OPML list."""

from __future__ import annotations

from flask import Flask

from comms.web.syndication import pages

__all__ = ["init_app", "pages"]


def init_app(app: Flask) -> None:
    """Register this capability's pages on ``app``."""
    pages.init_app(app)
