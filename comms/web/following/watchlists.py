"""The watchlists page: keyword rules (officers manage them) and each person's choice of
alerts: immediately, a daily digest, or off."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from comms.following import watchlists
from comms.following.watchlists import FREQUENCIES, WatchlistError, WatchMatch, WatchRule
from comms.web.access import current_actor, roles_required
from comms.web.contacts.shared import template_flags
from comms.web.context import db
from comms.web.following.shared import READERS, WRITERS

bp = Blueprint("watchlists_ui", __name__, url_prefix="/staff")
bp.context_processor(template_flags)
MAX_ID = 2**31 - 1
FREQUENCY_LABELS = {"immediately": "Immediately, one email per poll with matches",
                    "daily": "A daily digest (once a day, after 06:00 UTC)", "off": "Off"}


def _rule(rule_id: int) -> WatchRule:
    found = db().get(WatchRule, rule_id) if rule_id <= MAX_ID else None
    return found or abort(404, f"There is no rule {rule_id}.")


def _render(form=None, errors=None, editing: int | None = None, status: int = 200):
    session = db()
    counts = dict(session.execute(select(WatchMatch.rule_id, func.count(WatchMatch.id))
                                  .group_by(WatchMatch.rule_id)).all())
    return render_template("follow/watchlists.html", rules=watchlists.all_rules(session), counts=counts,
                           form=form or {}, errors=errors or {}, editing=editing, frequencies=FREQUENCIES,
                           frequency_labels=FREQUENCY_LABELS,
                           mine=watchlists.subscription_for(session, current_user.user.id)), status


def _fail(exc: WatchlistError, editing: int | None = None):
    db().rollback()
    flash(exc.message[:1].upper() + exc.message[1:] + ".", "error")
    return _render(request.form, exc.fields, editing, 400)


@bp.route("/watchlists")
@roles_required(*READERS)
def index():
    """The rules, how many items each flagged, and my alert choice."""
    return _render()


@bp.route("/watchlists/rules", methods=["POST"])
@roles_required(*WRITERS)
def create_rule():
    """Add a rule; recent items are checked against it at once."""
    form = request.form
    try:
        rule = watchlists.create_rule(db(), form.get("name", ""), form.get("phrases", ""), current_actor(),
                                      active=form.get("active", "yes") == "yes")
    except WatchlistError as exc:
        return _fail(exc)
    db().commit()
    flash(f"Added the rule {rule.name}.", "success")
    return redirect(url_for("watchlists_ui.index"), 303)


@bp.route("/watchlists/rules/<int:rule_id>", methods=["POST"])
@roles_required(*WRITERS)
def update_rule(rule_id: int):
    """Change a rule's name, phrases or whether it is active."""
    rule, form = _rule(rule_id), request.form
    try:
        watchlists.update_rule(db(), rule, current_actor(), name=form.get("name", ""),
                               phrases=form.get("phrases", ""), active=form.get("active") == "yes")
    except WatchlistError as exc:
        return _fail(exc, rule_id)
    db().commit()
    flash(f"Saved the rule {rule.name}.", "success")
    return redirect(url_for("watchlists_ui.index"), 303)


@bp.route("/watchlists/rules/<int:rule_id>/delete", methods=["POST"])
@roles_required(*WRITERS)
def delete_rule(rule_id: int):
    """Delete a rule and its flags."""
    rule = _rule(rule_id)
    name = rule.name
    watchlists.delete_rule(db(), rule, current_actor())
    db().commit()
    flash(f"Deleted the rule {name}.", "success")
    return redirect(url_for("watchlists_ui.index"), 303)


@bp.route("/watchlists/defaults", methods=["POST"])
@roles_required(*WRITERS)
def add_defaults():
    """Add the suggested EN/FR/ES rules that are missing."""
    added = watchlists.ensure_default_rules(db(), current_actor())
    db().commit()
    flash(f"Added {added} suggested rule{'s' if added != 1 else ''}.", "success")
    return redirect(url_for("watchlists_ui.index"), 303)


@bp.route("/watchlists/subscription", methods=["POST"])
@roles_required(*READERS)
def subscribe():
    """Save how I want to hear about flagged items."""
    try:
        watchlists.set_subscription(db(), current_user.user, request.form.get("frequency", ""))
    except WatchlistError as exc:
        return _fail(exc)
    db().commit()
    flash("Saved your alert choice.", "success")
    return redirect(url_for("watchlists_ui.index"), 303)
