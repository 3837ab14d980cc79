"""Staff pages for importing contacts from a CSV or vCard file: upload, preview, confirm.

The uploaded file waits under the instance folder (``imports/<random id>``)
between the preview and the confirmation, never in the browser: the id is a
random secret checked against a strict pattern, and only its uploader may use it.
"""

from __future__ import annotations

import json
import re
import secrets
import time
from pathlib import Path

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from comms.web.access import current_actor, roles_required
from comms.web.contacts.shared import WRITERS, fail, template_flags
from comms.web.context import db, runtime
from contacts import csv_io, importing, vcard_io
from contacts.errors import ContactError
from contacts.models import CONSENT_BASES, STATUSES

bp = Blueprint("import_ui", __name__, url_prefix="/staff/contacts/import")
bp.context_processor(template_flags)
UPLOAD_ID = re.compile(r"[0-9a-f]{32}")
# Abandoned previews are deleted after a day (checked whenever a file is uploaded).
KEEP_SECONDS = 24 * 3600
PREVIEW_ROWS = 200
IMPORT_SOURCE = "staff import"
ACTIONS = [("error", "Rejected"), ("skip", "Skipped"), ("create", "New contacts"), ("update", "Updated"),
           ("unchanged", "Unchanged")]
COLUMN_HELP = {
    "name": "the person's name; required for a new contact",
    "email": "required; the address identifies the contact, so an existing address updates that contact",
    "outlet": "the newspaper, agency or broadcaster they work for",
    "role": "e.g. Geneva correspondent",
    "country": "ISO code or English name: CH or Switzerland",
    "languages": "codes or English names separated by ; or , (fr; en)",
    "topics": "topic names or slugs separated by ; (Victim assistance; meetings)",
    "lists": "names of existing lists separated by ;",
    "phones": "work: +41 22 000 00 00*; mobile: +41 79 000 00 00 (a * marks a number that may be published)",
    "notes": "free text",
    "status": ", ".join(STATUSES) + "; imports never make a suppressed address active",
    "consent_basis": ", ".join(CONSENT_BASES) + " (legitimate_interest when empty)",
    "consent_source": "where the consent or contact came from",
    "consent_at": "when, as ISO 8601 with a zone: 2026-01-31T09:00:00+00:00",
}


def _folder() -> Path:
    folder = runtime().config.instance_path / "imports"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def _paths(upload_id: str) -> tuple[Path, Path]:
    # The id comes from the URL: only our own 32 hex digits may name a file.
    if not UPLOAD_ID.fullmatch(upload_id):
        abort(404)
    folder = _folder()
    return folder / f"{upload_id}.data", folder / f"{upload_id}.json"


def _load(upload_id: str) -> tuple[dict, bytes]:
    data_path, meta_path = _paths(upload_id)
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        data = data_path.read_bytes()
    except (OSError, ValueError):
        meta, data = {}, b""
    if meta.get("user_id") != current_user.id:
        abort(404, "This upload is unknown, or it was already imported or discarded. Please upload the file again.")
    return meta, data


def _discard(upload_id: str) -> None:
    for path in _paths(upload_id):
        path.unlink(missing_ok=True)


def _prune() -> None:
    cutoff = time.time() - KEEP_SECONDS
    for path in _folder().iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            pass  # another process pruned it first


def file_kind(filename: str, data: bytes) -> str:
    """'vcard' or 'csv': the content decides when it is clearly a vCard, else the extension."""
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n").upper()
    if head.startswith(b"BEGIN:VCARD") or filename.lower().endswith((".vcf", ".vcard")):
        return "vcard"
    return "csv"


def read_records(kind: str, data: bytes) -> list[dict]:
    """Parse an uploaded file into import records; ContactError when it cannot be read."""
    return vcard_io.read_vcards(data) if kind == "vcard" else csv_io.read_csv(data)


def _render_form(status: int = 200):
    return render_template("contacts/import.html", columns=[(c, COLUMN_HELP.get(c, "")) for c in csv_io.COLUMNS]), \
        status


@bp.route("")
@roles_required(*WRITERS)
def upload_form():
    """The upload form, with the accepted columns explained."""
    return _render_form()


@bp.route("", methods=["POST"])
@roles_required(*WRITERS)
def upload():
    """Keep the uploaded file server-side and show what importing it would do."""
    upload_file = request.files.get("file")
    data = upload_file.read() if upload_file and upload_file.filename else b""
    if not data.strip():
        flash("Choose a CSV or vCard file that is not empty.", "error")
        return _render_form(400)
    kind = file_kind(upload_file.filename, data)
    try:
        read_records(kind, data)
    except ContactError as exc:
        return _render_form(fail(exc))
    _prune()
    upload_id = secrets.token_hex(16)
    data_path, meta_path = _paths(upload_id)
    data_path.write_bytes(data)
    meta_path.write_text(json.dumps({"kind": kind, "filename": upload_file.filename[:200], "user_id": current_user.id}),
                         encoding="utf-8")
    return redirect(url_for("import_ui.preview", upload_id=upload_id), 303)


@bp.route("/<upload_id>")
@roles_required(*WRITERS)
def preview(upload_id: str):
    """What the import would create, update, leave alone, skip and reject; nothing is written."""
    meta, data = _load(upload_id)
    session = db()
    try:
        plan = importing.plan_import(session, read_records(meta["kind"], data), source=IMPORT_SOURCE)
    except ContactError as exc:
        _discard(upload_id)
        return _render_form(fail(exc))
    # Planning writes nothing; the rollback makes sure even a first salt is not kept.
    session.rollback()
    groups = [(action, label, [row for row in plan.rows if row.action == action][:PREVIEW_ROWS], plan.count(action))
              for action, label in ACTIONS]
    return render_template("contacts/import_preview.html", upload_id=upload_id, meta=meta, plan=plan,
                           groups=groups, counts={action: plan.count(action) for action, _ in ACTIONS},
                           preview_rows=PREVIEW_ROWS)


@bp.route("/<upload_id>", methods=["POST"])
@roles_required(*WRITERS)
def confirm(upload_id: str):
    """Apply the import in one transaction, then delete the kept file."""
    meta, data = _load(upload_id)
    session = db()
    try:
        plan = importing.plan_import(session, read_records(meta["kind"], data), source=IMPORT_SOURCE)
        report = importing.apply_import(session, plan, current_actor())
    except ContactError as exc:
        return _render_form(fail(exc))
    session.commit()
    _discard(upload_id)
    flash("Import done: {created} created, {updated} updated, {unchanged} unchanged, {skipped} skipped, "
          "{rejected} rejected.".format(**report), "success")
    return redirect(url_for("contacts_ui.index"), 303)


@bp.route("/<upload_id>/discard", methods=["POST"])
@roles_required(*WRITERS)
def discard(upload_id: str):
    """Drop an uploaded file without importing it."""
    _load(upload_id)
    _discard(upload_id)
    flash("The file was discarded; nothing was imported.", "info")
    return redirect(url_for("import_ui.upload_form"), 303)
