"""Web pages and API for the address book: contacts, imports, lists, subscriptions."""

from __future__ import annotations

from flask import Flask

from comms.web.api import register_api
from comms.web.contacts import api
from comms.web.contacts import contact
from comms.web.contacts import delegations
from comms.web.contacts import delegations_api
from comms.web.contacts import imports
from comms.web.contacts import lists
from comms.web.contacts import lists_api
from comms.web.contacts import pages
from comms.web.contacts import subscribe

__all__ = ["api", "contact", "delegations", "delegations_api", "imports", "init_app", "lists", "lists_api", "pages", "schemas", "shared", "subscribe"]


def init_app(app: Flask) -> None:
    """Register this capability's pages and API on ``app``."""
    app.register_blueprint(pages.bp)
    app.register_blueprint(contact.bp)
    app.register_blueprint(imports.bp)
    app.register_blueprint(lists.bp)
    app.register_blueprint(delegations.bp)
    subscribe.init_app(app)
    register_api(app, api.blp)
    register_api(app, lists_api.blp)
    register_api(app, delegations_api.blp)
