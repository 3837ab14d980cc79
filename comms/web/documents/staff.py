"""Staff pages of the register: a meeting's register table, new documents and statements, bulk upload,
files, issue, Rev/Corr/Add and withdraw."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from sqlalchemy import select

from comms.meetings.service import Meeting
from comms.documents import bulk
from comms.documents import service
from comms.documents import workflow
from comms.documents.models import DISTRIBUTIONS, KINDS, RegisterDocument
from comms.web.access import current_actor, roles_required
from comms.web.context import db, runtime
from comms.web.meetings.shared import MAX_ID, READERS, WRITERS, template_context
from contacts.models import Delegation

bp = Blueprint("register_staff", __name__, url_prefix="/staff/register")
bp.context_processor(template_context)
MAX_BULK_FILES = 60


def _meeting(meeting_id: int) -> Meeting:
    found = db().get(Meeting, meeting_id) if meeting_id <= MAX_ID else None
    if found is None:
        abort(404)
    return found


def _document(document_id: int) -> RegisterDocument:
    found = db().get(RegisterDocument, document_id) if document_id <= MAX_ID else None
    if found is None:
        abort(404)
    return found


def _documents(meeting: Meeting) -> list[RegisterDocument]:
    return list(db().scalars(select(RegisterDocument).where(RegisterDocument.meeting_id == meeting.id)
                             .order_by(RegisterDocument.symbol.nulls_last(), RegisterDocument.id)))


def _refused(exc: service.RegisterError, back: str):
    db().rollback()
    flash(exc.message, "error")
    return redirect(back), 303


@bp.route("/meetings/<int:meeting_id>")
@roles_required(*READERS)
def register(meeting_id: int):
    """The register of a meeting: symbol, title, kind, status, languages present and missing, due, late."""
    meeting = _meeting(meeting_id)
    delegations = list(db().scalars(select(Delegation).order_by(Delegation.name).limit(400)))
    return render_template("documents/staff_meeting.html", meeting=meeting, documents=_documents(meeting),
                           kinds=KINDS, distributions=DISTRIBUTIONS, delegations=delegations,
                           effective_due=service.effective_due, is_late=service.is_late)


def _form_values(form, meeting: Meeting) -> dict:
    titles = {code: form.get(f"title_{code}", "").strip() for code in meeting.languages}
    values = {"titles": {k: v for k, v in titles.items() if v}, "kind": form.get("kind", "other"),
              "distribution": form.get("distribution", "general"),
              "original_language": form.get("original_language") or (meeting.languages or ["en"])[0],
              "agenda_items": [i for i in form.get("agenda_items", "").split(",") if i.strip()],
              "author": form.get("author", "")}
    if form.get("symbol", "").strip():
        values["symbol"] = form["symbol"]
    try:
        if form.get("due_on"):
            values["due_on"] = dt.date.fromisoformat(form["due_on"])
        if form.get("due_days_before"):
            values["due_days_before"] = int(form["due_days_before"])
        if form.get("delegation_id"):
            values["delegation_id"] = int(form["delegation_id"])
        if form.get("delivered_at"):
            local = dt.datetime.fromisoformat(form["delivered_at"])
            values["delivered_at"] = local.replace(tzinfo=meeting.zone).astimezone(dt.timezone.utc)
    except (ValueError, OverflowError):
        raise service.RegisterError("dates are YYYY-MM-DD, days and delegations are numbers") from None
    return values


def _upload(document: RegisterDocument, upload, language: str) -> None:
    limit = runtime().config.max_upload_bytes
    service.add_file(db(), document, runtime().config.documents_path, language=language,
                     filename=upload.filename or "document", data=upload.stream.read(limit + 1), max_bytes=limit,
                     actor=current_actor())


@bp.route("/meetings/<int:meeting_id>/documents", methods=["POST"])
@roles_required(*WRITERS)
def create(meeting_id: int):
    """A new document (or a statement, with its file) in the meeting's register."""
    meeting = _meeting(meeting_id)
    back = url_for(".register", meeting_id=meeting.id)
    try:
        document = service.create(db(), meeting, _form_values(request.form, meeting), current_actor())
        upload = request.files.get("file")
        if upload is not None and upload.filename:
            _upload(document, upload, service.check_language(request.form.get("language", "")))
        db().commit()
    except service.RegisterError as exc:
        return _refused(exc, back)
    flash(f"Registered {document.symbol or document.title()}.", "success")
    return redirect(url_for(".document", document_id=document.id)), 303


@bp.route("/meetings/<int:meeting_id>/bulk", methods=["POST"])
@roles_required(*WRITERS)
def bulk_upload(meeting_id: int):
    """Language files matched to documents by name (APLC-MSP.22-2026-1-FR.pdf); all or nothing."""
    meeting = _meeting(meeting_id)
    back = url_for(".register", meeting_id=meeting.id)
    uploads = [u for u in request.files.getlist("files") if u.filename][:MAX_BULK_FILES + 1]
    if not uploads or len(uploads) > MAX_BULK_FILES:
        flash(f"Choose 1 to {MAX_BULK_FILES} files.", "error")
        return redirect(back), 303
    documents = _documents(meeting)
    matched, unmatched = [], []
    for upload in uploads:
        found = bulk.match(documents, upload.filename)
        (matched.append((upload, *found)) if found else unmatched.append(upload.filename))
    if unmatched:
        flash(f"No document of this meeting matches {', '.join(unmatched)[:300]}: nothing was uploaded.", "error")
        return redirect(back), 303
    try:
        for upload, document, language in matched:
            _upload(document, upload, language)
        db().commit()
    except service.RegisterError as exc:
        return _refused(service.RegisterError(f"{upload.filename}: {exc.message}; nothing was uploaded."), back)
    flash(f"Uploaded {len(matched)} file{'s' if len(matched) != 1 else ''}.", "success")
    return redirect(back), 303


@bp.route("/documents/<int:document_id>")
@roles_required(*READERS)
def document(document_id: int):
    """One document: its files, chain and workflow buttons."""
    found = _document(document_id)
    return render_template("documents/staff_document.html", document=found, meeting=found.meeting,
                           files=service.sorted_files(found), chain=workflow.chain(db(), found),
                           effective_due=service.effective_due, is_late=service.is_late)


@bp.route("/documents/<int:document_id>/files", methods=["POST"])
@roles_required(*WRITERS)
def add_file(document_id: int):
    """A language file for a document not yet issued."""
    found = _document(document_id)
    back = url_for(".document", document_id=found.id)
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise service.RegisterError("choose a file to upload")
        _upload(found, upload, request.form.get("language", ""))
        db().commit()
    except service.RegisterError as exc:
        return _refused(exc, back)
    flash("File uploaded.", "success")
    return redirect(back), 303


def _step(document_id: int, step: str):
    found = _document(document_id)
    back = url_for(".document", document_id=found.id)
    try:
        (workflow.issue if step == "issue" else workflow.withdraw)(db(), found, current_actor())
        db().commit()
    except service.RegisterError as exc:
        return _refused(exc, back)
    flash(f"{found.symbol or found.title()} is {found.status}.", "success")
    return redirect(back), 303


@bp.route("/documents/<int:document_id>/issue", methods=["POST"])
@roles_required(*WRITERS)
def issue(document_id: int):
    """Issue a document: its files never change afterwards."""
    return _step(document_id, "issue")


@bp.route("/documents/<int:document_id>/withdraw", methods=["POST"])
@roles_required(*WRITERS)
def withdraw(document_id: int):
    """Withdraw a document (record and files kept)."""
    return _step(document_id, "withdraw")


def _derive(document_id: int, relation: str):
    found = _document(document_id)
    try:
        new = workflow.derive(db(), found, relation, current_actor())
        db().commit()
    except service.RegisterError as exc:
        return _refused(exc, url_for(".document", document_id=found.id))
    flash(f"Registered {new.symbol}: upload its files, then issue it.", "success")
    return redirect(url_for(".document", document_id=new.id)), 303


@bp.route("/documents/<int:document_id>/rev", methods=["POST"])
@roles_required(*WRITERS)
def revise(document_id: int):
    """A new Rev of an issued document (it supersedes it)."""
    return _derive(document_id, "rev")


@bp.route("/documents/<int:document_id>/corr", methods=["POST"])
@roles_required(*WRITERS)
def correct(document_id: int):
    """A new Corr of an issued document."""
    return _derive(document_id, "corr")


@bp.route("/documents/<int:document_id>/add", methods=["POST"])
@roles_required(*WRITERS)
def add(document_id: int):
    """A new Add of an issued document."""
    return _derive(document_id, "add")


@bp.route("/documents/<int:document_id>/<language>")
@roles_required(*READERS)
def download(document_id: int, language: str):
    """A language file for staff (any status), always as a download."""
    found = _document(document_id)
    record = found.file(language)
    if record is None:
        abort(404)
    stored = service.file_path(runtime().config.documents_path, record)
    if not stored.exists():
        abort(404)
    response = send_file(stored, mimetype=record.content_type, as_attachment=True, download_name=record.filename,
                         etag=record.sha256, conditional=True, max_age=0)
    if not found.public:
        # A limited or not yet issued file: no cache, shared or the browser's, may keep a copy
        # (as for non-public release files; docs/design/security.md item 36).
        response.headers["Cache-Control"] = "private, no-store"
    return response
