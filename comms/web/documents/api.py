"""/api/v1 for the document register: records, files, workflow, search (docs/design/contract.md, "Document register")."""

from __future__ import annotations

from contextlib import contextmanager

import marshmallow as ma
from flask import request, url_for
from flask_smorest import Blueprint

from comms.meetings.service import Meeting
from comms.documents import search
from comms.documents import service
from comms.documents import workflow
from comms.documents.models import RegisterDocument
from comms.documents.serialise import document_to_dict
from comms.web.access import current_actor, token_required
from comms.web.meetings import api as first_wave_api
from comms.web.api.schemas import MAX_ID, ErrorSchema
from comms.web.context import db, runtime
from comms.web.errors import api_abort
from comms.web.documents.schemas import (DerivedInputSchema, DocumentInputSchema, DocumentOutSchema,
                                         DocumentPageSchema, DocumentPatchSchema, DocumentQuerySchema, FileFormSchema)
from storage import fulltext

blp = Blueprint("api_register", __name__, url_prefix="/api/v1", description="The document register")
SECURITY = [{"bearerAuth": []}]
READERS = ("officer", "approver", "viewer")
ERRORS = {404: "not_found", 409: "conflict", 413: "too_large", 422: "invalid"}


@contextmanager
def register_errors():
    """RegisterError -> its status with the contract's error body, after a rollback."""
    try:
        yield
    except service.RegisterError as exc:
        db().rollback()
        api_abort(exc.status, ERRORS.get(exc.status, "invalid"), exc.message, exc.fields)


def staff_file_url(document: RegisterDocument, record) -> str:
    """The staff download of a language file (any status)."""
    return url_for("register_staff.download", document_id=document.id, language=record.language)


def _dict(document: RegisterDocument) -> dict:
    return document_to_dict(db(), document, staff_file_url)


def _document(document_id: int) -> RegisterDocument:
    found = db().get(RegisterDocument, document_id) if document_id <= MAX_ID else None
    if found is None:
        api_abort(404, "not_found", f"no document {document_id}")
    return found


def _load(schema: ma.Schema) -> dict:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        api_abort(400, "bad_request", "send a JSON object")
    try:
        return schema.load(body)
    except ma.ValidationError as exc:
        api_abort(422, "invalid", "the request is not valid", {k: str(v) for k, v in exc.normalized_messages().items()})


def _values(data: dict) -> dict:
    values = dict(data)
    if "title" in values:
        values["titles"] = values.pop("title")
    return values


@blp.route("/meetings/<int:meeting_id>/documents", methods=["POST"])
@token_required("officer")
@blp.doc(security=SECURITY, requestBody={"content": {"application/json": {"schema": DocumentInputSchema}}},
         description="JSON: a register document (symbol given or assigned; 409 when taken). "
                     "multipart/form-data: the first wave's upload of one language file.")
@blp.response(201, DocumentOutSchema)
@blp.alt_response(409, schema=ErrorSchema)
@blp.alt_response(422, schema=ErrorSchema)
def create_document(meeting_id: int):
    """A new document in the register (JSON), or the first wave's multipart upload."""
    if not request.is_json:
        # The first wave's multipart upload stays at this URL: its own view (and checks) answer it.
        return first_wave_api.upload_document(meeting_id=meeting_id)
    meeting = db().get(Meeting, meeting_id) if meeting_id <= MAX_ID else None
    if meeting is None:
        api_abort(404, "not_found", f"no meeting {meeting_id}")
    data = _load(DocumentInputSchema())
    with register_errors():
        document = service.create(db(), meeting, _values(data), current_actor())
        db().commit()
    return _dict(document)


@blp.route("/documents", methods=["GET"])
@token_required(*READERS)
@blp.doc(security=SECURITY)
@blp.arguments(DocumentQuerySchema, location="query", as_kwargs=True)
@blp.response(200, DocumentPageSchema)
def list_documents(page: int, per_page: int, q: str = "", meeting: int | None = None, kind: str | None = None,
                   language: str | None = None, agenda_item: str | None = None, delegation: int | None = None):
    """Documents, filtered; ``q`` also searches the text inside the files (best match first)."""
    filters = search.Filters(meeting_id=meeting, kind=kind, language=language, agenda_item=agenda_item,
                             delegation_id=delegation)
    try:
        found, total = search.find(db(), filters, q or "", limit=per_page, offset=(page - 1) * per_page)
    except fulltext.QueryError as exc:
        api_abort(422, "invalid", str(exc), {"q": "invalid"})
    items = []
    for hit in found:
        item = _dict(hit.document)
        if hit.snippet is not None:
            item["snippet"] = hit.snippet.html()
        items.append(item)
    # Past search.COUNT_CAP matches the count stops: total is then a floor, and total_capped says so.
    capped = search.more_than_counted(total)
    return {"items": items, "total": search.COUNT_CAP if capped else total, "total_capped": capped}


@blp.route("/documents/<int:document_id>", methods=["GET"])
@token_required(*READERS)
@blp.doc(security=SECURITY)
@blp.response(200, DocumentOutSchema)
@blp.alt_response(404, schema=ErrorSchema)
def get_document(document_id: int):
    """One document."""
    return _dict(_document(document_id))


@blp.route("/documents/<int:document_id>", methods=["PATCH"])
@token_required("officer")
@blp.doc(security=SECURITY)
@blp.arguments(DocumentPatchSchema)
@blp.response(200, DocumentOutSchema)
@blp.alt_response(409, schema=ErrorSchema)
def update_document(data: dict, document_id: int):
    """Change a document before it is issued (409 after)."""
    document = _document(document_id)
    with register_errors():
        service.update(db(), document, _values(data), current_actor())
        db().commit()
    return _dict(document)


@blp.route("/documents/<int:document_id>", methods=["DELETE"])
@token_required("officer")
@blp.doc(security=SECURITY)
@blp.response(204)
@blp.alt_response(409, schema=ErrorSchema)
def delete_document(document_id: int):
    """Delete a document never issued; issued and withdrawn ones answer 409."""
    document = _document(document_id)
    with register_errors():
        workflow.delete(db(), document, runtime().config.documents_path, current_actor())
        db().commit()
    return None


@blp.route("/documents/<int:document_id>/files", methods=["POST"])
@token_required("officer")
@blp.doc(security=SECURITY, description="multipart/form-data: `language` and a `file` part")
@blp.arguments(FileFormSchema, location="form")
@blp.response(201, DocumentOutSchema)
@blp.alt_response(409, schema=ErrorSchema)
def add_file(data: dict, document_id: int):
    """Add a language version (before issue it may replace one; after issue: 409)."""
    document = _document(document_id)
    upload = request.files.get("file")
    if upload is None:
        api_abort(422, "invalid", "send the file in a `file` part", {"file": "required"})
    limit = runtime().config.max_upload_bytes
    with register_errors():
        service.add_file(db(), document, runtime().config.documents_path, language=data["language"],
                         filename=upload.filename or "document", data=upload.stream.read(limit + 1),
                         max_bytes=limit, actor=current_actor())
        db().commit()
    return _dict(document)


def _step(document_id: int, step) -> dict:
    document = _document(document_id)
    with register_errors():
        step(document)
        db().commit()
    return _dict(document)


@blp.route("/documents/<int:document_id>/issue", methods=["POST"])
@token_required("officer")
@blp.doc(security=SECURITY)
@blp.response(200, DocumentOutSchema)
@blp.alt_response(409, schema=ErrorSchema)
def issue_document(document_id: int):
    """Issue: status issued, issued_on today; its files never change afterwards."""
    return _step(document_id, lambda d: workflow.issue(db(), d, current_actor()))


@blp.route("/documents/<int:document_id>/withdraw", methods=["POST"])
@token_required("officer")
@blp.doc(security=SECURITY)
@blp.response(200, DocumentOutSchema)
@blp.alt_response(409, schema=ErrorSchema)
def withdraw_document(document_id: int):
    """Withdraw: the record and files are kept."""
    return _step(document_id, lambda d: workflow.withdraw(db(), d, current_actor()))


def _derive(document_id: int, relation: str):
    document = _document(document_id)
    data = _load(DerivedInputSchema()) if request.get_data() else {}
    with register_errors():
        new = workflow.derive(db(), document, relation, current_actor(), _values(data))
        db().commit()
    return _dict(new)


for _relation, _path in (("rev", "revise"), ("corr", "correct"), ("add", "add")):
    def _view(document_id: int, _relation=_relation):
        return _derive(document_id, _relation)

    _view.__name__ = f"{_path}_document"
    _view.__doc__ = f"A new planned document {{symbol}}/{_relation.title()}.{{n}} of an issued document."
    blp.route(f"/documents/<int:document_id>/{_path}", methods=["POST"])(
        token_required("officer")(blp.doc(security=SECURITY)(blp.response(201, DocumentOutSchema)(
            blp.alt_response(409, schema=ErrorSchema)(_view)))))
