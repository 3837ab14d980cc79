"""Admins' pages for people and access: add a person (and invite them), edit one, send a
set-your-password link, and review and revoke every API token and outstanding link.

An admin never types someone else's password: the person chooses it through an emailed link.
The routes live on the staff blueprint (comms.web.accounts.pages.bp), under /staff/.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from comms.accounts import links
from comms.accounts import users as auth
from comms.web.access import roles_required
from comms.web.accounts.pages import bp
from comms.web.accounts.passwords import email_link, local_time, person_limit_wait
from comms.web.context import client_ip, db

# New people get the least privilege; an admin raises it on purpose.
DEFAULT_ROLE = "viewer"


def _people_page(form, errors: dict, status: int = 200):
    return render_template("users.html", users=auth.list_users(db()), roles=auth.ROLES, role_labels=auth.ROLE_LABELS,
                           form=form, errors=errors, default_role=DEFAULT_ROLE), status


def _send_link(session, user: auth.User, purpose: str) -> str | None:
    """Issue and email a link; returns an error message instead when the person had too many lately."""
    wait = person_limit_wait(user)
    if wait is not None:
        return f"{user.display_name} was sent several links in the last hour. Try again in {wait // 60 + 1} minutes."
    link, secret = links.issue_link(session, user, purpose, actor=current_user.user, ip=client_ip())
    email_link(user, link, secret, sender=current_user.user)
    return None


@bp.route("/users", methods=["GET", "POST"])
@roles_required("admin")
def users():
    """Admins list staff accounts and add people, who are invited to choose their own password."""
    session = db()
    if request.method != "POST":
        return _people_page({}, {})
    form = request.form
    try:
        user = auth.create_user(
            session, form.get("email", ""), form.get("role") or DEFAULT_ROLE, name=form.get("name", ""),
            actor=current_user.user, ip=client_ip(),
            title=form.get("title", ""), organisation=form.get("organisation", ""), phone=form.get("phone", ""),
        )
    except auth.AuthError as exc:
        session.rollback()
        field = "email" if "email" in str(exc) else "role" if "role" in str(exc) else "name"
        return _people_page(form, {field: str(exc)}, 400)
    invited = bool(form.get("invite"))
    problem = _send_link(session, user, "invite") if invited else None
    session.commit()
    if invited and problem is None:
        flash(f"Account created for {user.display_name}; an invitation to choose a password is on its way "
              f"to {user.email}.", "success")
    else:
        flash(f"Account created for {user.display_name}. Send an invitation when they should sign in.", "success")
    return redirect(url_for("ui.edit_user", user_id=user.id))


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit_user(user_id: int):
    """Edit a person's name, email and role, or switch the account on or off (the fields a form sends)."""
    session = db()
    user = session.get(auth.User, user_id) or abort(404)
    if request.method != "POST":
        return render_template("user_edit.html", person=user, roles=auth.ROLES, role_labels=auth.ROLE_LABELS,
                               form={}, errors={}, links=_links_of(user), local_time=local_time)
    changes = {key: request.form[key] for key in ("name", "email", "role", "title", "organisation", "phone")
               if key in request.form}
    if "active" in request.form:
        changes["active"] = request.form["active"] == "1"
    try:
        auth.update_user(session, user, actor=current_user.user, ip=client_ip(), **changes)
    except auth.AuthError as exc:
        session.rollback()
        if set(changes) <= {"role", "active"}:  # the quick controls of the people list
            flash(str(exc), "error")
            return redirect(url_for("ui.users"), 303)
        user = session.get(auth.User, user_id)
        field = "email" if "email" in str(exc) else "role" if "role" in str(exc) or "admin" in str(exc) else "name"
        return render_template("user_edit.html", person=user, roles=auth.ROLES, role_labels=auth.ROLE_LABELS,
                               form=request.form, errors={field: str(exc)}, links=_links_of(user),
                               local_time=local_time), 400
    session.commit()
    flash(f"Saved {user.display_name}.", "success")
    back = "ui.edit_user" if request.form.get("from") == "edit" else "ui.users"
    return redirect(url_for(back, user_id=user.id) if back == "ui.edit_user" else url_for(back), 303)


def _links_of(user: auth.User) -> list[links.PasswordLink]:
    return [link for link in links.outstanding_links(db()) if link.user_id == user.id]


@bp.route("/users/<int:user_id>/link", methods=["POST"])
@roles_required("admin")
def send_link(user_id: int):
    """Email a person an invitation or a reset link (the newest link replaces older ones)."""
    session = db()
    user = session.get(auth.User, user_id) or abort(404)
    purpose = request.form.get("purpose", "")
    if purpose not in links.PURPOSES:
        abort(400)
    try:
        problem = _send_link(session, user, purpose)
    except auth.AuthError as exc:
        session.rollback()
        problem = str(exc)
    if problem:
        flash(problem, "error")
        return redirect(url_for("ui.edit_user", user_id=user.id), 303)
    session.commit()
    what = "An invitation" if purpose == "invite" else "A password reset link"
    flash(f"{what} is on its way to {user.email}.", "success")
    return redirect(url_for("ui.edit_user", user_id=user.id), 303)


@bp.route("/access")
@roles_required("admin")
def access():
    """Every API token of every person, and every invitation or reset link that could still be used."""
    session = db()
    return render_template("access.html", tokens=auth.all_tokens(session), links=links.outstanding_links(session),
                           labels=links.PURPOSE_LABELS, local_time=local_time)


@bp.route("/access/links/<int:link_id>/revoke", methods=["POST"])
@roles_required("admin")
def revoke_link(link_id: int):
    """Withdraw an invitation or reset link: it opens nothing afterwards."""
    session = db()
    link = session.get(links.PasswordLink, link_id) or abort(404)
    links.revoke_link(session, link, actor=current_user.user, ip=client_ip())
    session.commit()
    flash(f"{links.PURPOSE_LABELS[link.purpose]} link for {link.user.display_name} revoked.", "success")
    return redirect(url_for("ui.access"), 303)
