"""The application factory: the only place a Flask app is made."""

from __future__ import annotations

import importlib
import logging

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from comms import __version__, features, web
from comms.config import Config, load_config
from comms.runtime import Runtime


class DatabaseIdConverter(IntegerConverter):
    """``<int:...>`` limited to what an integer column holds, so /contacts/99999999999
    is a 404 rather than a database overflow."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def create_app(config: Config | dict | None = None) -> Flask:
    """Build the Pressroom web app.

    ``config`` is a ready :class:`Config`, a dict of overrides for the settings
    read from the environment (field names of Config), or None for the
    environment alone.
    """
    if not isinstance(config, Config):
        config = load_config(**(config or {}))
    app = Flask("comms", instance_path=str(config.instance_path))
    app.url_map.converters["int"] = DatabaseIdConverter
    app.config.update(
        SECRET_KEY=config.secret_key,
        MAX_CONTENT_LENGTH=config.max_content_length,
        TESTING=config.testing,
        SESSION_COOKIE_NAME="pressroom_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=config.is_https,
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=config.is_https,
        PREFERRED_URL_SCHEME="https" if config.is_https else "http",
        # CSRF tokens live as long as the session, so a long form does not expire.
        WTF_CSRF_TIME_LIMIT=None,
        WTF_CSRF_SSL_STRICT=config.is_https,
        API_TITLE="Pressroom API",
        API_VERSION=__version__,
        OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api",
        OPENAPI_JSON_PATH="openapi.json",
        JSON_SORT_KEYS=False,
    )
    logging.getLogger("pressroom").setLevel(config.log_level)
    if config.trusted_proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=config.trusted_proxies, x_proto=config.trusted_proxies,
                                x_host=config.trusted_proxies)
    app.extensions["pressroom"] = Runtime(config)

    web.init_app(app)
    register_commands(app)
    return app


def register_commands(app: Flask) -> None:
    """Attach every capability's ``pressroom`` commands to ``app.cli`` (flaskr's db.py way)."""
    for module in features.command_modules():
        for command in importlib.import_module(module).COMMANDS:
            app.cli.add_command(command)
