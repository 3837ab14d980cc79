"""Staff pages for delegations: the list (kind "as of" a day, search), a delegation's page (mission,
focal points, participation history), corrections (audited), and CSV import and export with a
row report before anything is written."""

from __future__ import annotations

import datetime as dt
import math

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for

from comms.distribution.dispatches.service import received_by_delegation
from comms.meetings.participants import participation_history
from comms.meetings.programme.bilaterals import bilaterals_for_delegation
from comms.web.access import current_actor, roles_required
from comms.web.contacts.shared import MAX_ID, PAGE_SIZE, READERS, WRITERS, fail, page_number, template_flags
from comms.web.context import db
from contacts import csv_io, delegation_io, delegations, importing
from contacts.delegation_input import DATE_FIELDS, parse_date
from contacts.errors import ContactError, NotAllowed
from contacts.models import DELEGATION_KINDS, JOINED_BY, STATE_KINDS
from contacts.treaty_status import in_force_on, status_on, withdrawal_pending

bp = Blueprint("delegations_ui", __name__, url_prefix="/staff/delegations")
bp.context_processor(template_flags)
KIND_LABELS = {"state_party": "State Party", "signatory": "Signatory", "state_not_party": "State not party",
               "international_organisation": "International organisation", "ngo": "NGO", "other": "Other"}
IMPORT_KINDS = {"delegations": "Delegations", "focal_points": "Focal points"}
PREVIEW_ROWS = 300


@bp.context_processor
def _labels() -> dict:
    return {"kind_labels": KIND_LABELS, "kinds": DELEGATION_KINDS}


def _delegation(delegation_id: int):
    try:
        return delegations.get_delegation(db(), delegation_id) if delegation_id <= MAX_ID else abort(404)
    except LookupError:
        abort(404, f"There is no delegation {delegation_id}.")


@bp.route("")
@roles_required(*READERS)
def index():
    """Delegations by name: filter by kind as of a day (today by default) and search their names."""
    args = request.args
    current = {"kind": args.get("kind", ""), "q": args.get("q", "")[:200], "on": args.get("on", "")}
    page, status, total, found = page_number(args), 200, 0, []
    try:
        on = parse_date(current["on"]) if current["on"] else None
    except ValueError:
        on, status = None, fail(ContactError("the date must be YYYY-MM-DD", {"on": "not a date"}))
    if status == 200:
        try:
            found = delegations.list_delegations(db(), kind=current["kind"] or None, q=current["q"], on=on,
                                                 limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
            total = delegations.count_delegations(db(), kind=current["kind"] or None, q=current["q"], on=on)
        except ContactError as exc:
            status = fail(exc)
    day = on or dt.date.today()
    points = delegations.focal_point_ids(db(), [d.id for d in found])
    args_out = {k: v for k, v in current.items() if v}
    return render_template("contacts/delegations.html", delegations=found, total=total, page=page, current=current,
                           pages=max(1, math.ceil(total / PAGE_SIZE)), args=args_out, day=day,
                           status_of=lambda d: status_on(d, day), points=points), status


@bp.route("/<int:delegation_id>", methods=["GET", "POST"])
@roles_required(*READERS)
def show(delegation_id: int):
    """A delegation: names, treaty dates, mission, focal points, the meetings it took part in, the
    dispatches that reached its people and its bilateral meetings (with their notes).

    POST (officers; treaty fields admins only) corrects it; the audit log keeps old and new values.
    """
    delegation = _delegation(delegation_id)
    status, form = 200, None
    if request.method == "POST":
        if not template_flags()["can_edit"]:
            abort(403)
        form = request.form
        raw = {name: form.get(name, "") for name in ("name", "name_fr", "name_es", "mission_address",
                                                     "mission_email", "mission_phone", "notes") if name in form}
        if delegation.kind in STATE_KINDS and form.get("treaty") == "yes":
            raw.update({name: form.get(name, "") for name in DATE_FIELDS + ("joined_by", "country")})
        elif delegation.kind not in STATE_KINDS and form.get("kind"):
            raw["kind"] = form["kind"]
        try:
            changed = delegations.update_delegation(db(), delegation.id, raw, current_actor())
        except (ContactError, NotAllowed) as exc:
            status = fail(exc)
        else:
            db().commit()
            flash(f"Saved: {', '.join(sorted(changed)) or 'nothing changed'}.", "success")
            return redirect(url_for("delegations_ui.show", delegation_id=delegation.id), 303)
    today = dt.date.today()
    return render_template("contacts/delegation.html", delegation=delegation, form=form, joined_by=JOINED_BY,
                           focal_points=delegations.focal_points(db(), delegation.id),
                           history=participation_history(db(), delegation.id),
                           dispatches=received_by_delegation(db(), delegation.id),
                           bilaterals=bilaterals_for_delegation(db(), delegation.id),
                           status_today=status_on(delegation, today), is_state=delegation.kind in STATE_KINDS,
                           pending_withdrawal=withdrawal_pending(delegation, today),
                           in_force=in_force_on(delegation, today)), status


@bp.route("/export.csv")
@roles_required(*WRITERS)
def export():
    """Every delegation as CSV with the import's columns (formula cells neutralised)."""
    text = delegation_io.export_delegations(db())
    return Response(text, mimetype="text/csv", headers={"Content-Disposition": 'attachment; filename="delegations.csv"'})


@bp.route("/focal-points.csv")
@roles_required(*WRITERS)
def export_focal_points():
    """Every focal point as the contacts CSV (with its delegation column)."""
    text = delegation_io.export_focal_points(db())
    current_actor().record(db(), "focal_points.export", object_type="export")
    db().commit()
    return Response(text, mimetype="text/csv",
                    headers={"Content-Disposition": 'attachment; filename="focal-points.csv"'})


def _plan(kind: str, data: bytes):
    if kind == "delegations":
        return delegation_io.plan_delegation_import(db(), delegation_io.read_delegations_csv(data), current_actor())
    return delegation_io.plan_focal_point_import(db(), csv_io.read_csv(data), source="staff focal points import")


@bp.route("/import", methods=["GET", "POST"])
@roles_required(*WRITERS)
def import_csv():
    """Upload a CSV of delegations or focal points; the preview reports every row, the confirmation writes.

    The file travels back with the preview form (a hidden field) and is checked again when confirmed,
    so what is written is exactly what the second check accepts, in one transaction.
    """
    if request.method != "POST":  # GET and HEAD only read (docs/design/security.md item 30)
        return render_template("contacts/delegations_import.html", kinds=IMPORT_KINDS, kind="delegations",
                               plan=None, data="")
    form = request.form
    kind = form.get("kind", "delegations")
    if kind not in IMPORT_KINDS:
        abort(400)
    upload = request.files.get("file")
    data = upload.read() if upload is not None and upload.filename else form.get("data", "").encode("utf-8")
    try:
        if not data.strip():
            raise ContactError("choose a CSV file to import", {"file": "required"})
        plan = _plan(kind, data)
    except ContactError as exc:
        status = fail(exc)
        return render_template("contacts/delegations_import.html", kinds=IMPORT_KINDS, kind=kind, plan=None,
                               data=""), status
    if form.get("confirm") != "yes":
        db().rollback()
        return render_template("contacts/delegations_import.html", kinds=IMPORT_KINDS, kind=kind, plan=plan,
                               report=plan.report(), rows=plan.rows[:PREVIEW_ROWS],
                               data=data.decode("utf-8", "replace"))
    if kind == "delegations":
        report = delegation_io.apply_delegation_import(db(), plan, current_actor())
    else:
        report = importing.apply_import(db(), plan, current_actor())
    db().commit()
    flash(f"Imported: {report['created']} created, {report['updated']} updated, {report['unchanged']} unchanged, "
          f"{report['rejected']} rejected.", "success")
    return redirect(url_for("delegations_ui.index"), 303)
