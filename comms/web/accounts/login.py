"""Sign in and sign out, with throttling and safe ``next`` handling."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Flask, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_user, logout_user
from flask_wtf.csrf import CSRFProtect

from comms.accounts import users as auth
from comms.platform.throttle import LoginThrottle
from comms.web.access import SessionUser
from comms.web.context import client_ip, db
from storage import audit

bp = Blueprint("auth", __name__)
csrf = CSRFProtect()


def init_app(app: Flask) -> None:
    """CSRF protection for every form, the login throttle and the blueprint."""
    csrf.init_app(app)
    config = app.extensions["pressroom"].config
    app.extensions["pressroom.login_throttle"] = LoginThrottle(
        config.redis_url or "memory://", config.login_limit_ip, config.login_limit_account
    )
    app.register_blueprint(bp)


def safe_next(target: str | None, fallback: str) -> str:
    """``target`` if it is a path on this site, else ``fallback``.

    Refuses scheme-relative (``//evil``), backslash (``/\\evil``) and
    whitespace or control-character tricks (``/%09/evil``), which browsers
    normalise into another host (docs/design/security.md item 16).
    """
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return fallback
    if "\\" in target or any(ord(ch) < 0x21 or ord(ch) == 0x7F for ch in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    """The sign-in page."""
    destination = safe_next(request.values.get("next"), url_for("ui.dashboard"))
    if current_user.is_authenticated:
        return redirect(destination)
    if request.method != "POST":  # GET and HEAD only read (docs/design/security.md item 30)
        # A set-your-password page sends the person here with their address filled in.
        return render_template("login.html", next=destination, email=request.args.get("email", "")[:320])
    throttle: LoginThrottle = current_app.extensions["pressroom.login_throttle"]
    email = request.form.get("email", "").strip()
    password = request.form.get("password", "")
    ip = client_ip()
    wait = throttle.retry_after(ip, email)
    if wait is not None:
        flash(f"Too many sign-in attempts. Try again in {wait} seconds.", "error")
        response = current_app.make_response((render_template("login.html", next=destination, email=email), 429))
        response.headers["Retry-After"] = str(wait)
        return response
    throttle.attempt(ip)
    user = auth.authenticate(db(), email, password)
    if user is None:
        throttle.failure(ip, email)
        # Name the staff account tried (an admin needs to see who is being guessed at); an address
        # that is no account is not kept, as it may be a mistyped password or someone else's address.
        tried = auth.find_user(db(), email)
        audit.record(db(), "login.failed", actor_label="anonymous", ip=ip, object_type="user" if tried else "",
                     object_id=tried.id if tried else "",
                     details={"account": tried.email if tried else "(no such account)"})
        db().commit()
        flash("That email and password do not match an active account.", "error")
        return render_template("login.html", next=destination, email=email), 401
    throttle.success(ip, email)
    audit.record(db(), "login", actor_id=user.id, actor_label=user.email, object_type="user", object_id=user.id, ip=ip)
    db().commit()
    # A fresh session on sign-in, so a session id planted before login is useless.
    session.clear()
    login_user(SessionUser(user))
    return redirect(destination)


@bp.route("/logout", methods=["POST"])
def logout():
    """Sign out (POST only: a link or prefetch must not sign anyone out).

    Every session of the user ends, not only this cookie's: a copy of the
    cookie (a shared computer, a stolen cookie) must not outlive the sign-out.
    """
    if current_user.is_authenticated:
        user = db().get(auth.User, current_user.id)
        auth.end_sessions(user)
        audit.record(db(), "logout", actor_id=user.id, actor_label=user.email,
                     object_type="user", object_id=user.id, ip=client_ip())
        db().commit()
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))
