"""The JSON API under /api/v1, documented as OpenAPI 3 at /api/openapi.json.

flask-smorest builds the OpenAPI document from the same marshmallow schemas
that validate requests and serialise responses, so the document cannot drift
from the code. Its own error handler is switched off: comms.web.errors answers
every /api error in docs/design/contract.md's shape.
"""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from comms.web.api.schemas import ErrorSchema, StandardErrorsPlugin
__all__ = ["PressroomApi", "init_app", "register_api"]


class PressroomApi(Api):
    """flask-smorest's Api with our error payload and handlers."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        """comms.web.errors handles errors for the whole app."""


def init_app(app: Flask) -> None:
    """Create the API (OpenAPI document, bearer security scheme); capabilities add blueprints."""
    api = PressroomApi(app, spec_kwargs={"extra_plugins": [StandardErrorsPlugin()],
        "info": {"description": "Pressroom's JSON API. Authenticate with `Authorization: Bearer TOKEN`; "
                                "create tokens with `pressroom tokens create EMAIL` or on the API tokens page."},
    })
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    app.extensions["pressroom_api"] = api


def register_api(app: Flask, blueprint) -> None:
    """Register one capability's API blueprint (each web package calls this from its init_app)."""
    # Token-authenticated JSON: no cookies involved, so no CSRF token either.
    app.extensions["csrf"].exempt(blueprint)
    app.extensions["pressroom_api"].register_blueprint(blueprint)
