"""Setting a password through an emailed link, and asking for a reset link.

The reset form answers the same words whatever address is typed, so it never
tells a stranger which addresses have accounts; it is rate-limited per client
address and, silently, per account (so nobody can flood a person's inbox).
Opening a link (GET or HEAD) changes nothing; only the form's POST spends it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from zoneinfo import ZoneInfo

from flask import Blueprint, Flask, current_app, flash, redirect, render_template, request, url_for

from comms.accounts import links
from comms.accounts import users as auth
from comms.platform import jobs
from comms.platform.throttle import RateLimit, address_key
from comms.web.context import absolute_url, client_ip, db, runtime

bp = Blueprint("passwords", __name__)

RESET_LIMIT_IP = "5 per hour"
RESET_LIMIT_ACCOUNT = "3 per hour"
# How many links an admin may send one person in an hour: a slip of the finger, not a mail bomb.
LINK_LIMIT_PERSON = "5 per hour"
ZONE = ZoneInfo("Europe/Zurich")
SUBJECTS = {"invite": "You are invited to the {office}", "reset": "Set a new password for the {office}"}


def init_app(app: Flask) -> None:
    """Register the pages and their rate limits (shared through Redis when configured)."""
    storage = app.extensions["pressroom"].config.redis_url or "memory://"
    app.extensions["pressroom.reset_limit_ip"] = RateLimit(storage, RESET_LIMIT_IP, "reset-ip")
    app.extensions["pressroom.reset_limit_account"] = RateLimit(storage, RESET_LIMIT_ACCOUNT, "reset-account")
    app.extensions["pressroom.link_limit_person"] = RateLimit(storage, LINK_LIMIT_PERSON, "link-person")
    app.register_blueprint(bp)


def _person_key(user: auth.User) -> str:
    # Hashed, so that addresses never sit in Redis keys.
    return hashlib.sha256(f"user:{user.id}".encode()).hexdigest()[:32]


def person_limit_wait(user: auth.User) -> int | None:
    """Seconds before another link may be sent to ``user``, or None; counts this sending when allowed."""
    limit: RateLimit = current_app.extensions["pressroom.link_limit_person"]
    wait = limit.retry_after(_person_key(user))
    if wait is None:
        limit.hit(_person_key(user))
    return wait


def local_time(moment: dt.datetime) -> str:
    """A time as staff read it: Geneva time, with its zone's name."""
    return moment.astimezone(ZONE).strftime("%-d %B %Y, %H:%M %Z")


def email_link(user: auth.User, link: links.PasswordLink, secret: str, *, sender: auth.User | None = None) -> str:
    """Queue the email carrying ``secret`` to ``user``; returns the job id."""
    office = runtime().config.office_name
    url = absolute_url("passwords.set_password", token=secret)
    if link.purpose == "invite":
        opening = (f"{sender.display_name if sender else 'The administrator'} has invited you to the {office}'s "
                   f"Pressroom as {auth.ROLE_LABELS[user.role].lower()}.")
        action = "Choose your password here"
    else:
        opening = f"Someone asked to set a new password for your account at the {office}'s Pressroom."
        action = "Choose a new password here"
    text = (f"Hello {user.display_name},\n\n{opening}\n\n{action} (the link works once, until "
            f"{local_time(link.expires_at)}):\n\n{url}\n\nThen sign in at {absolute_url('auth.login')} "
            f"with {user.email}.\n\nIf you did not expect this email, ignore it: nothing changes until the link "
            f"is used.\n")
    subject = SUBJECTS[link.purpose].format(office=office)
    return jobs.enqueue(runtime(), "mail.send", user.email, subject, text, None, user.display_name)


@bp.route("/password/reset", methods=["GET", "POST"])
def request_reset():
    """Ask for a reset link; the answer never says whether the address has an account."""
    if request.method != "POST":  # GET and HEAD only read (docs/design/security.md item 30)
        return render_template("password_reset.html", email="", error=None)
    email = request.form.get("email", "").strip()[:320]
    per_ip: RateLimit = current_app.extensions["pressroom.reset_limit_ip"]
    wait = per_ip.retry_after(address_key(client_ip()))
    if wait is not None:
        message = f"Too many requests from your network. Try again in {wait // 60 + 1} minutes."
        return render_template("password_reset.html", email=email, error=message), 429, {"Retry-After": str(wait)}
    per_ip.hit(address_key(client_ip()))
    session = db()
    user = auth.find_user(session, email)
    per_account: RateLimit = current_app.extensions["pressroom.reset_limit_account"]
    # An unknown address, a switched-off account or one asked for too often: the same page, no email.
    if user is not None and user.active and per_account.retry_after(_person_key(user)) is None:
        per_account.hit(_person_key(user))
        link, secret = links.issue_link(session, user, "reset", ip=client_ip())
        email_link(user, link, secret)
        session.commit()
    return render_template("password_sent.html", email=email)


@bp.route("/password/<token>", methods=["GET", "POST"])
def set_password(token: str):
    """The set-your-password page an invitation or reset link opens; POST sets it and spends the link."""
    session = db()
    try:
        link = links.find_link(session, token)
    except links.LinkError as exc:
        return render_template("password_link_closed.html", reason=exc.reason, message=str(exc)), 410
    if request.method != "POST":  # opening the link (or a mail scanner's HEAD) spends nothing
        return render_template("password_set.html", link=link, errors={})
    password = request.form.get("password", "")
    errors = {}
    try:
        auth.check_password_strength(password)
    except auth.AuthError as exc:
        errors["password"] = str(exc).capitalize() + "."
    if password != request.form.get("confirm", ""):
        errors["confirm"] = "The two passwords are not the same."
    if errors:
        return render_template("password_set.html", link=link, errors=errors), 400
    user = links.use_link(session, token, password, ip=client_ip())
    session.commit()
    flash("Your password is set. Sign in with it now.", "success")
    return redirect(url_for("auth.login", email=user.email), 303)
