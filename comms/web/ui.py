"""Staff pages: dashboard, people and API tokens, the audit log."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from comms import auth, meetings
from comms.web.access import roles_required
from comms.web.context import client_ip, db
from feeds.reach import summary as feed_reach
from storage import audit

bp = Blueprint("ui", __name__, url_prefix="/staff")

AUDIT_PAGE_SIZE = 50


@bp.route("/")
@roles_required()
def dashboard():
    """What a signed-in member of staff sees first."""
    session = db()
    today = dt.date.today()
    upcoming = meetings.upcoming_meetings(session, today)
    recent_events = audit.recent(session, limit=10) if current_user.user.has_role("officer") else []
    counts = dict(session.execute(select(auth.User.role, func.count()).group_by(auth.User.role)).all())
    return render_template("dashboard.html", upcoming=upcoming, recent_events=recent_events, counts=counts,
                           today=today, reach=feed_reach(session) if current_user.user.has_role("officer") else None)


@bp.route("/users", methods=["GET", "POST"])
@roles_required("admin")
def users():
    """Admins list staff accounts and create new ones."""
    session = db()
    if request.method == "POST":
        form = request.form
        try:
            user = auth.create_user(
                session, form.get("email", ""), form.get("role", ""), name=form.get("name", ""),
                password=form.get("password") or None, actor=current_user.user, ip=client_ip(),
                title=form.get("title", ""), organisation=form.get("organisation", ""), phone=form.get("phone", ""),
            )
        except auth.AuthError as exc:
            session.rollback()
            flash(str(exc), "error")
            return render_template("users.html", users=auth.list_users(session), roles=auth.ROLES,
                                   role_labels=auth.ROLE_LABELS, form=form), 400
        session.commit()
        flash(f"Account created for {user.display_name}.", "success")
        return redirect(url_for("ui.users"))
    return render_template("users.html", users=auth.list_users(session), roles=auth.ROLES,
                           role_labels=auth.ROLE_LABELS, form={})


@bp.route("/users/<int:user_id>", methods=["POST"])
@roles_required("admin")
def update_user(user_id: int):
    """Change a user's role or switch the account on or off."""
    session = db()
    user = session.get(auth.User, user_id) or abort(404)
    changes = {}
    if "role" in request.form:
        changes["role"] = request.form["role"]
    if "active" in request.form:
        changes["active"] = request.form["active"] == "1"
    try:
        auth.update_user(session, user, actor=current_user.user, ip=client_ip(), **changes)
    except auth.AuthError as exc:
        session.rollback()
        flash(str(exc), "error")
        return redirect(url_for("ui.users"), 303)
    session.commit()
    flash(f"Saved {user.display_name}.", "success")
    return redirect(url_for("ui.users"), 303)


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
    return redirect(url_for("ui.tokens"), 303)


@bp.route("/audit")
@roles_required("admin")
def audit_log():
    """The audit log, newest first, filterable by object."""
    page = max(1, request.args.get("page", 1, type=int) or 1)
    events = audit.recent(
        db(), limit=AUDIT_PAGE_SIZE + 1, offset=(page - 1) * AUDIT_PAGE_SIZE,
        object_type=request.args.get("object_type") or None, object_id=request.args.get("object_id") or None,
        action=request.args.get("action") or None,
    )
    return render_template("audit.html", events=events[:AUDIT_PAGE_SIZE], page=page,
                           has_next=len(events) > AUDIT_PAGE_SIZE, filters=request.args)
