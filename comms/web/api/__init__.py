"""The JSON API under /api/v1, documented as OpenAPI 3 at /api/openapi.json.

flask-smorest builds the OpenAPI document from the same marshmallow schemas
that validate requests and serialise responses, so the document cannot drift
from the code. Its own error handler is switched off: comms.web.errors answers
every /api error in API.md's shape.
"""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from comms.web.api import contacts, lists, meetings, releases, sends, sources, users
from comms.web.api.schemas import ErrorSchema, StandardErrorsPlugin
from comms.web.login import csrf

BLUEPRINTS = [users.blp, contacts.blp, lists.blp, meetings.blp, releases.blp, sends.blp, sources.blp]


class PressroomApi(Api):
    """flask-smorest's Api with our error payload and handlers."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        """comms.web.errors handles errors for the whole app."""


def init_app(app: Flask) -> None:
    """Register the API blueprints and the bearer security scheme."""
    api = PressroomApi(app, spec_kwargs={"extra_plugins": [StandardErrorsPlugin()],
        "info": {"description": "Pressroom's JSON API. Authenticate with `Authorization: Bearer TOKEN`; "
                                "create tokens with `pressroom tokens create EMAIL` or on the API tokens page."},
    })
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    for blueprint in BLUEPRINTS:
        # Token-authenticated JSON: no cookies involved, so no CSRF token either.
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint)
    app.extensions["pressroom.api"] = api
