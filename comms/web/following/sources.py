"""Staff pages for followed sources: the list with health and a weekly chart, one source's
page (edit, pause, poll now, delete) and "Try a URL", which shows what would be
extracted before anything is saved.

Every POST carries a CSRF token; refused input rolls back and shows the form
again with a 400 and the reasons; success commits once and redirects (303).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select

from comms.following import admin as follow_admin
from comms.following import on_demand as follow_try
from comms.following.admin import SELECTOR_KEYS, SourceError
from comms.following.items import ItemFilter, bars, search_items, weekly_counts
from comms.web.access import current_actor, roles_required
from comms.web.contacts.shared import template_flags
from comms.web.context import db, runtime
from comms.web.following.shared import READERS, WRITERS, register_template_helpers
from feeds.follow.models import KINDS, Source

bp = Blueprint("sources_ui", __name__, url_prefix="/staff")
bp.context_processor(template_flags)
register_template_helpers(bp)
MAX_ID = 2**31 - 1


def _source(source_id: int) -> Source:
    found = db().get(Source, source_id) if source_id <= MAX_ID else None
    return found or abort(404, f"There is no source {source_id}.")


def form_data(form) -> dict:
    """The fields of a source form, as follow_admin expects them."""
    data = {key: form.get(key, "") for key in ("name", "url", "kind", "language", "interval_minutes")}
    data["selectors"] = {key: form.get(f"selector_{key}", "") for key in SELECTOR_KEYS}
    data["paused"] = form.get("paused") == "yes"
    return data


def _fail(exc: SourceError, template: str, **context):
    db().rollback()
    flash(exc.message[:1].upper() + exc.message[1:] + ".", "error")
    return render_template(template, errors=exc.fields, kinds=KINDS, selector_keys=SELECTOR_KEYS, **context), 400


@bp.route("/sources")
@roles_required(*READERS)
def index():
    """Every source with its status, last poll, last error, items and a chart of items per week."""
    session = db()
    sources = list(session.scalars(select(Source).order_by(func.lower(Source.name), Source.id)))
    counts = follow_admin.item_counts(session)
    mondays, weekly = weekly_counts(session)
    totals = [sum(week) for week in zip(*weekly.values())] if weekly else [0] * len(mondays)
    charts = {source.id: bars(weekly.get(source.id, [0] * len(mondays))) for source in sources}
    by_status = {}
    for source in sources:
        by_status[source.status] = by_status.get(source.status, 0) + 1
    return render_template("follow/sources.html", sources=sources, counts=counts, charts=charts, mondays=mondays,
                           total_bars=bars(totals, width=480, height=80), totals=totals, by_status=by_status)


@bp.route("/sources/new")
@roles_required(*WRITERS)
def new():
    """The form for a new source (prefilled from "Try a URL" when it came from there)."""
    form = {key: request.args.get(key, "") for key in ("name", "url", "kind", "language")}
    return render_template("follow/source_new.html", form=form, errors={}, kinds=KINDS, selector_keys=SELECTOR_KEYS)


@bp.route("/sources", methods=["POST"])
@roles_required(*WRITERS)
def create():
    """Save a new source."""
    try:
        source = follow_admin.create_source(db(), form_data(request.form), current_actor())
    except SourceError as exc:
        return _fail(exc, "follow/source_new.html", form=request.form)
    db().commit()
    flash(f"Now following {source.name}. It is polled at the worker's next pass, or use Poll now.", "success")
    return redirect(url_for("sources_ui.show", source_id=source.id), 303)


def _values(source: Source) -> dict:
    values = {"name": source.name, "url": source.url, "kind": source.kind, "language": source.language,
              "interval_minutes": source.interval_minutes}
    values.update({f"selector_{key}": value for key, value in (source.selectors or {}).items()})
    return values


def _render_source(source: Source, form=None, errors=None, status: int = 200):
    recent, total = search_items(db(), ItemFilter(source=source.id), per_page=20)
    return render_template("follow/source.html", source=source, recent=recent, total=total,
                           values=form if form is not None else _values(source),
                           errors=errors or {}, kinds=KINDS, selector_keys=SELECTOR_KEYS), status


@bp.route("/sources/<int:source_id>")
@roles_required(*READERS)
def show(source_id: int):
    """One source: its health, settings and newest items."""
    return _render_source(_source(source_id))


@bp.route("/sources/<int:source_id>", methods=["POST"])
@roles_required(*WRITERS)
def update(source_id: int):
    """Save changes to a source."""
    source = _source(source_id)
    try:
        follow_admin.update_source(db(), source, form_data(request.form), current_actor())
    except SourceError as exc:
        db().rollback()
        flash(exc.message[:1].upper() + exc.message[1:] + ".", "error")
        return _render_source(_source(source_id), request.form, exc.fields, 400)
    db().commit()
    flash("Saved.", "success")
    return redirect(url_for("sources_ui.show", source_id=source_id), 303)


@bp.route("/sources/<int:source_id>/pause", methods=["POST"])
@roles_required(*WRITERS)
def pause(source_id: int):
    """Pause or resume polling."""
    source = _source(source_id)
    paused = request.form.get("paused") == "yes"
    follow_admin.update_source(db(), source, {"paused": paused}, current_actor())
    db().commit()
    flash(f"{source.name} is {'paused' if paused else 'followed again'}.", "success")
    return redirect(url_for("sources_ui.show", source_id=source_id), 303)


@bp.route("/sources/<int:source_id>/delete", methods=["POST"])
@roles_required(*WRITERS)
def delete(source_id: int):
    """Stop following a source and delete its items."""
    source = _source(source_id)
    name = source.name
    follow_admin.delete_source(db(), source, current_actor())
    db().commit()
    flash(f"Stopped following {name}; its items are deleted.", "success")
    return redirect(url_for("sources_ui.index"), 303)


@bp.route("/sources/<int:source_id>/poll", methods=["POST"])
@roles_required(*WRITERS)
def poll_now(source_id: int):
    """Poll the source now and report what happened."""
    _source(source_id)
    db().rollback()  # the poll writes in its own transactions
    result = follow_try.poll_now(runtime(), source_id)
    if result.busy:
        flash("Another worker is polling this site right now; try again in a minute.", "info")
    elif result.status == "ok":
        flash(f"Polled: {result.new_items} new, {result.updated_items} changed"
              f"{' (nothing changed on the site)' if result.unchanged else ''}.", "success")
    else:
        flash(f"Polled: the source is {result.status}. {result.error or ''}".strip(), "error")
    return redirect(url_for("sources_ui.show", source_id=source_id), 303)


@bp.route("/sources/try", methods=["GET", "POST"])
@roles_required(*WRITERS)
def try_url():
    """Fetch a URL and show what the follower would extract from it; nothing is stored."""
    form = request.form if request.method == "POST" else request.args
    preview = error = None
    if request.method == "POST":
        try:
            url = follow_admin.check_url(form.get("url", ""))
            selectors = follow_admin.check_selectors({k: form.get(f"selector_{k}", "") for k in SELECTOR_KEYS})
            language = follow_admin.check_language(form.get("language") or "en")
        except ValueError as exc:
            error = str(exc)
        else:
            kind = form.get("kind") if form.get("kind") in KINDS else "auto"
            db().rollback()  # hold no database lock while fetching
            preview = follow_try.preview(runtime(), url, kind=kind, selectors=selectors, language=language)
    return render_template("follow/try.html", form=form, preview=preview, error=error, kinds=KINDS,
                           selector_keys=SELECTOR_KEYS), 400 if error else 200
