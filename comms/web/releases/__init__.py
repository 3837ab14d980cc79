"""Web pages and API for press releases: editor, files, previews, sending, the newsroom."""

from __future__ import annotations

from flask import Flask

from comms.web.api import register_api
from comms.web.releases import api
from comms.web.releases import editor
from comms.web.releases import files
from comms.web.releases import newsroom
from comms.web.releases import pages
from comms.web.releases import preview
from comms.web.releases import send
from comms.web.releases import sends_api

__all__ = ["api", "editor", "files", "init_app", "links", "newsroom", "pages", "preview", "schemas", "send", "sends_api", "shared"]


def init_app(app: Flask) -> None:
    """Register this capability's pages and API on ``app``."""
    app.register_blueprint(newsroom.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(editor.bp)
    app.register_blueprint(files.bp)
    app.register_blueprint(send.bp)
    preview.init_app(app)
    register_api(app, api.blp)
    register_api(app, sends_api.blp)
