"""Who is asking: page sessions (Flask-Login), Bearer tokens, and role checks."""

from __future__ import annotations

from functools import wraps

from flask import Flask, abort, g, request
from flask_login import LoginManager, UserMixin, current_user
from sqlalchemy.exc import OperationalError

from comms.accounts import users as auth
from comms.web.context import db
from storage.audit import Actor
from comms.web.context import client_ip
from comms.web.errors import api_abort

login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "Please sign in to see that page."
login_manager.login_message_category = "info"


class SessionUser(UserMixin):
    """Flask-Login's view of a :class:`comms.accounts.users.User` (which knows no Flask)."""

    def __init__(self, user: auth.User):
        self.user = user

    def get_id(self) -> str:
        # "id.generation": a cookie stops working once the user's session generation moves on.
        return f"{self.user.id}.{self.user.session_generation or 0}"

    @property
    def is_active(self) -> bool:
        return self.user.active

    def __getattr__(self, name):
        return getattr(self.user, name)


@login_manager.user_loader
def _load_user(session_id: str):
    # A cookie from before session generations (a bare id) is refused too: one more sign-in.
    user_id, _, generation = session_id.partition(".")
    if not (user_id.isdigit() and generation.isdigit() and len(user_id) <= 10 and len(generation) <= 10):
        return None
    user = db().get(auth.User, int(user_id))
    if user is None or not user.active or user.session_generation != int(generation):
        return None
    return SessionUser(user)


def init_app(app: Flask) -> None:
    """Install the login manager on ``app``."""
    login_manager.init_app(app)


def roles_required(*roles: str):
    """A page decorator: sign-in required, and one of ``roles`` (admins pass)."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if roles and not current_user.user.has_role(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorate


def bearer_token() -> str | None:
    """The token from an ``Authorization: Bearer`` header, if present."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def api_user() -> auth.User:
    """The user behind this API request (set by :func:`token_required`)."""
    return g.api_user


def token_required(*roles: str):
    """An API decorator: a valid Bearer token (401) with one of ``roles`` (403)."""

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            secret = bearer_token()
            user = auth.user_for_token(db(), secret) if secret else None
            if user is None:
                api_abort(401, "unauthorized", "a valid API token is required (Authorization: Bearer TOKEN)",
                          headers={"WWW-Authenticate": 'Bearer realm="pressroom"'})
            if roles and not user.has_role(*roles):
                api_abort(403, "forbidden", f"this needs one of the roles: {', '.join(roles)}")
            try:
                db().commit()  # keep last_used_at; best effort, never worth failing a request
            except OperationalError:
                db().rollback()
            g.api_user = user
            g.api_user_id = user.id
            return view(*args, **kwargs)

        return wrapper

    return decorate


def current_actor() -> Actor:
    """The audit Actor for whoever is making this request (page session or token)."""
    user = g.get("api_user") or (current_user.user if current_user.is_authenticated else None)
    if user is None:
        return Actor(label="anonymous", ip=client_ip())
    return Actor(id=user.id, label=user.email, ip=client_ip(), is_admin=user.role == "admin")
