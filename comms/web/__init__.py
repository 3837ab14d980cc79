"""The web layer: the request plumbing every page shares; each capability's pages
and API live in its own sub-package, registered through comms.features."""

from __future__ import annotations

import importlib
from pathlib import Path

from flask import Flask

from comms import features
from comms.web import access, api, errors, i18n, idempotency, input_guard, security, site_chrome
from comms.web.accounts import login
from comms.web.context import init_db_session

__all__ = ["init_app"]


def init_app(app: Flask) -> None:
    """Attach request handling, authentication, the API and every capability's pages to ``app``."""
    init_db_session(app)
    i18n.init_app(app, Path(app.instance_path))
    site_chrome.init_app(app)
    security.init_app(app)
    access.init_app(app)
    login.init_app(app)
    errors.init_app(app)
    idempotency.init_app(app)
    input_guard.init_app(app)
    api.init_app(app)
    for package in features.web_packages():
        importlib.import_module(package).init_app(app)
