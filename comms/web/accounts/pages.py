"""Staff pages: dashboard, API tokens, the audit log (people and access: comms.web.accounts.people)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from comms.accounts import users as auth
from comms.meetings import service as meetings
from comms.web.access import roles_required
from comms.web.accounts import desk
from comms.web.context import client_ip, db
from comms.web.input_guard import MAX_PAGE, query_int
from feeds.reach import summary as feed_reach
from storage import audit

bp = Blueprint("ui", __name__, url_prefix="/staff")

AUDIT_PAGE_SIZE = 50
OFFICE_ZONE = ZoneInfo("Europe/Zurich")
SECURITY_ACTIONS = ("login", "login.failed", "logout", "user.create", "user.update", "user.password",
                    "token.create", "token.revoke", "link.invite", "link.reset", "link.invite.used",
                    "link.reset.used", "link.revoke")


@bp.route("/")
@roles_required()
def dashboard():
    """What a signed-in member of staff sees first."""
    session = db()
    today = dt.date.today()
    upcoming = meetings.upcoming_meetings(session, today)
    # Officers' dashboards show work; sign-ins, tokens and links are the admin's security panel.
    recent_events = (audit.recent(session, limit=10, actions=SECURITY_ACTIONS)
                     if current_user.user.role == "admin" else [])
    counts = dict(session.execute(select(auth.User.role, func.count()).group_by(auth.User.role)).all())
    user = current_user.user
    return render_template("dashboard.html", upcoming=upcoming, recent_events=recent_events, counts=counts,
                           today=today, reach=feed_reach(session) if user.has_role("officer") else None,
                           waiting=desk.approver_panel(session, user) if user.has_role("approver") else None,
                           desk_panels=desk.officer_panels(session, user) if user.has_role("officer") else None)


@bp.route("/tokens", methods=["GET", "POST"])
@roles_required()
def tokens():
    """Each user's own API tokens: create one (shown once) or revoke."""
    session = db()
    me = session.get(auth.User, current_user.id)
    new_secret = None
    if request.method == "POST":
        try:
            _token, new_secret = auth.create_token(session, me, request.form.get("name", ""), ip=client_ip())
        except auth.AuthError as exc:
            session.rollback()
            flash(str(exc), "error")
        else:
            session.commit()
    owned = session.scalars(select(auth.ApiToken).where(auth.ApiToken.user_id == me.id)
                            .order_by(auth.ApiToken.created_at.desc())).all()
    return render_template("tokens.html", tokens=owned, new_secret=new_secret)


@bp.route("/tokens/<int:token_id>/revoke", methods=["POST"])
@roles_required()
def revoke_token(token_id: int):
    """Revoke one of your tokens (admins may revoke anyone's)."""
    session = db()
    token = session.get(auth.ApiToken, token_id) or abort(404)
    try:
        auth.revoke_token(session, token, actor=current_user.user, ip=client_ip())
    except auth.AuthError:
        abort(403)
    session.commit()
    flash("Token revoked.", "success")
    # An admin revoking from the access review goes back there, everyone else to their own tokens.
    return redirect(url_for("ui.access" if request.form.get("from") == "access" else "ui.tokens"), 303)


def _day(name: str) -> dt.date | None:
    """The date in query parameter ``name`` (YYYY-MM-DD), None when empty; a bad one is a 400."""
    value = request.args.get(name, "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        abort(400, f"{name} must be a date (YYYY-MM-DD)")


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=OFFICE_ZONE)


@bp.route("/audit")
@roles_required("admin")
def audit_log():
    """The audit log, newest first, filtered by actor, action, date range (Geneva days) or object."""
    session = db()
    page = query_int("page", 1, maximum=MAX_PAGE)
    since, until = _day("from"), _day("to")
    events = audit.recent(
        session, limit=AUDIT_PAGE_SIZE + 1, offset=(page - 1) * AUDIT_PAGE_SIZE,
        object_type=request.args.get("object_type") or None, object_id=request.args.get("object_id") or None,
        action=request.args.get("action") or None, actor=request.args.get("actor") or None,
        since=_midnight(since) if since else None,
        before=_midnight(until + dt.timedelta(days=1)) if until else None,
    )
    filters = {key: request.args[key] for key in ("action", "actor", "from", "to", "object_type", "object_id")
               if request.args.get(key)}
    return render_template("audit.html", events=events[:AUDIT_PAGE_SIZE], page=page,
                           has_next=len(events) > AUDIT_PAGE_SIZE, filters=filters,
                           actions=audit.known_actions(session), actors=audit.known_actors(session),
                           zone=OFFICE_ZONE)
