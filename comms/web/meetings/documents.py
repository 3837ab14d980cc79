"""Staff pages for a meeting's documents: upload, another language, download, email to a list."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, send_file, url_for

from comms.meetings import document_mail
from comms.meetings import documents
from comms.web.access import current_actor, roles_required
from comms.web.context import db, runtime
from comms.web.forms import refuse
from comms.web.meetings.links import document_url
from comms.web.meetings.shared import DOMAIN_ERRORS, MAX_ID, READERS, WRITERS, check_length, fail, get_meeting, parse_id, template_context
from contacts.models import ContactList

bp = Blueprint("meeting_documents", __name__, url_prefix="/staff/meetings")
bp.context_processor(template_context)


def _document(meeting_id: int, document_id: int) -> documents.Document:
    document = db().get(documents.Document, document_id) if document_id <= MAX_ID else None
    if document is None or document.meeting_id != meeting_id:
        abort(404, f"There is no document {document_id} at this meeting.")
    return document


def _store_upload(document: documents.Document, language: str) -> documents.DocumentFile:
    """Hand the uploaded file to documents.add_file, which checks its type and size."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise documents.DocumentError("choose a file to upload", {"file": "required"})
    limit = runtime().config.max_upload_bytes
    # One byte more than allowed is enough for add_file to refuse it, without reading a huge body twice.
    data = upload.stream.read(limit + 1)
    return documents.add_file(db(), document, runtime().config.documents_path, language=language,
                              filename=upload.filename, data=data, max_bytes=limit, actor=current_actor())


def _refused(meeting_id: int, exc: Exception, document_id: int | None = None, values: dict | None = None):
    """POST-redirect-GET back to the meeting page's documents, the reason flashed and the new document's
    fields (not its file) kept, so a reload shows the page rather than posting again or a 405."""
    fail(exc)
    anchor = f"document-{document_id}" if document_id else "documents"
    return refuse(url_for("meetings_ui.show", meeting_id=meeting_id, _anchor=anchor), "document", values or {},
                  getattr(exc, "fields", None))


def _back(meeting_id: int, document_id: int | None = None):
    anchor = f"document-{document_id}" if document_id else "documents"
    return redirect(url_for("meetings_ui.show", meeting_id=meeting_id, _anchor=anchor), 303)


@bp.route("/<int:meeting_id>/documents", methods=["POST"])
@roles_required(*WRITERS)
def upload(meeting_id: int):
    """A new document with its first language's file."""
    meeting, session, form = get_meeting(meeting_id), db(), request.form
    language = form.get("language", "").strip().lower()
    try:
        title = check_length(form.get("title", ""), 300, "the title", documents.DocumentError)
        document = documents.create_document(session, meeting, title=title,
                                             kind=form.get("kind", ""), public=form.get("public") == "yes",
                                             actor=current_actor())
        stored = _store_upload(document, language)
    except DOMAIN_ERRORS as exc:
        return _refused(meeting_id, exc, values=form.to_dict())
    session.commit()
    flash(f"Uploaded {document.title} ({stored.language.upper()}, {stored.filename}).", "success")
    return _back(meeting.id, document.id)


@bp.route("/<int:meeting_id>/documents/<int:document_id>/files", methods=["POST"])
@roles_required(*WRITERS)
def add_language(meeting_id: int, document_id: int):
    """Another language of an existing document (or a new file for a language it has)."""
    document, session = _document(meeting_id, document_id), db()
    language = request.form.get("language", "").strip().lower()
    replacing = any(f.language == language for f in document.files)
    try:
        stored = _store_upload(document, language)
    except DOMAIN_ERRORS as exc:
        return _refused(meeting_id, exc, document_id)
    session.commit()
    flash(f"{'Replaced' if replacing else 'Added'} the {stored.language.upper()} file of {document.title}.", "success")
    return _back(meeting_id, document.id)


@bp.route("/<int:meeting_id>/documents/<int:document_id>/<language>")
@roles_required(*READERS)
def download(meeting_id: int, document_id: int, language: str):
    """One language of a document for staff (public or not), always as a download."""
    document = _document(meeting_id, document_id)
    record = next((f for f in document.files if f.language == language), None)
    if record is None:
        abort(404, f"This document has no {language[:8]!r} file.")
    path = documents.file_path(runtime().config.documents_path, record)
    if not path.exists():
        abort(404, "The stored file is missing.")
    # send_file writes Content-Disposition per RFC 6266 (filename*= for non-ASCII names; docs/design/security.md item 35).
    return send_file(path, mimetype=record.content_type, download_name=record.filename, conditional=True,
                     etag=record.sha256, as_attachment=True)


@bp.route("/<int:meeting_id>/documents/<int:document_id>/email", methods=["POST"])
@roles_required(*WRITERS)
def email(meeting_id: int, document_id: int):
    """Email a public document's links to every eligible member of a contacts list."""
    document, session = _document(meeting_id, document_id), db()
    list_id = parse_id(request.form.get("list_id"))
    contact_list = session.get(ContactList, list_id) if list_id is not None else None
    try:
        if contact_list is None:
            raise documents.DocumentError("choose the list to email", {"list": "required"})
        messages = document_mail.prepare_document_mailing(runtime(), session, document, contact_list,
                                                          document_url, current_actor())
    except (*DOMAIN_ERRORS, ValueError) as exc:
        return _refused(meeting_id, exc, document_id)
    session.commit()
    queued = document_mail.queue_messages(runtime(), messages)
    flash(f"Queued {queued} email{'s' if queued != 1 else ''} of {document.title} to {contact_list.name}"
          + (" (nobody on it can be emailed now)." if queued == 0 else "."), "success")
    return _back(meeting_id, document.id)
