"""Public register pages (general + issued documents only): search, a document by symbol, its files,
a meeting's documents by kind and as one streamed zip."""

from __future__ import annotations

import datetime as dt
import re

from flask import Blueprint, Response, abort, render_template, request, send_file, stream_with_context, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import case, select
from sqlalchemy.orm import selectinload
from stream_zip import ZIP_64, stream_zip

from comms.meetings.service import Meeting
from comms.documents import search
from comms.documents import service
from comms.documents import symbols
from comms.documents import workflow
from comms.documents.models import KINDS, RegisterDocument, RegisterFile
from comms.meetings.languages import ISO_639_1
from comms.web.api.schemas import MAX_ID
from comms.web.context import db, runtime
from storage import fulltext

bp = Blueprint("register_public", __name__)
KIND_LABELS = {"provisional_agenda": _l("Provisional agenda"), "agenda": _l("Agenda"), "programme": _l("Programme"),
               "report": _l("Report"), "decision": _l("Decision"), "working_paper": _l("Working paper"),
               "information": _l("Information document"), "statement": _l("Statement"),
               "list_of_participants": _l("List of participants"), "background": _l("Background document"),
               "other": _l("Other")}
YEAR = 365 * 24 * 3600
BY_ID = re.compile(r"~([0-9]{1,9})")
CHUNK = 64 * 1024
# Documents whose file rows are read at once while a meeting's zip streams.
ZIP_BATCH = 100


def _by_id_only(document: RegisterDocument) -> bool:
    # No symbol (a statement), or one from before symbols ending in a language code were refused:
    # /documents/X/fr is always the French file of X, so such a document's page is /documents/~id.
    return not document.symbol or symbols.ends_in_language(document.symbol)


def _public_document(path: str) -> RegisterDocument | None:
    """The public document at ``path``: a symbol, or ``~id`` for one without a usable symbol."""
    by_id = BY_ID.fullmatch(path)
    if by_id:
        found = db().get(RegisterDocument, int(by_id.group(1)))
        found = found if found is not None and _by_id_only(found) else None
    else:
        found = service.find_by_symbol(db(), path)
    return found if found is not None and found.public else None


@bp.context_processor
def _labels():
    return {"kind_label": kind_label}


def kind_label(kind: str) -> str:
    """A document kind in words, in the page's language."""
    return str(KIND_LABELS.get(kind, kind.replace("_", " ").capitalize()))


def public_path(document: RegisterDocument) -> str:
    """The document's path under /documents/."""
    return f"~{document.id}" if _by_id_only(document) else document.symbol


def download_name(document: RegisterDocument, record: RegisterFile) -> str:
    """APLC-MSP.22-2026-1-EN.pdf: the symbol (or the id), the language, the type's extension."""
    stem = symbols.file_stem(document.symbol) if document.symbol else f"document-{document.id}"
    return f"{stem}-{record.language.upper()}.{record.stored_name.rsplit('.', 1)[-1]}"


@bp.route("/documents/")
def index():
    """Search the public documents: words in titles, symbols and the text inside the files."""
    q = request.args.get("q", "")[:600]
    kind = request.args.get("kind") if request.args.get("kind") in KINDS else None
    meeting_id = request.args.get("meeting", type=int)
    filters = search.Filters(meeting_id=meeting_id if meeting_id and meeting_id <= MAX_ID else None, kind=kind,
                             public_only=True)
    error, found, total = None, [], 0
    try:
        found, total = search.find(db(), filters, q, limit=30)
    except fulltext.QueryError as exc:
        error = str(exc)
    meetings = db().query(Meeting).order_by(Meeting.starts_on.desc()).all()
    return render_template("documents/index.html", found=found, total=min(total, search.COUNT_CAP),
                           more=search.more_than_counted(total), q=q, kind=kind, kinds=KINDS,
                           meeting_id=meeting_id, meetings=meetings, error=error, public_path=public_path), \
        400 if error else 200


@bp.route("/documents/<path:path>")
def document(path: str):
    """A document's page (language versions in UN order, its chain, agenda items), or one of its files."""
    found = _public_document(path)
    if found is not None:
        chain = [d for d in workflow.chain(db(), found) if d.public]
        return render_template("documents/document.html", document=found, chain=chain,
                               files=service.sorted_files(found), public_path=public_path,
                               replaced_by=workflow.superseded_by(db(), found, issued_only=True),
                               download_name=download_name)
    # Not a document's page: the last part names a language file (never a symbol's last part, which
    # may not be a language code: comms.documents.symbols.check_new_symbol).
    head, _, language = path.rpartition("/")
    found = _public_document(head) if language in ISO_639_1 else None
    record = found.file(language) if found is not None else None
    if record is None:
        abort(404)
    return _send(found, record)


def _send(document: RegisterDocument, record: RegisterFile):
    stored = service.file_path(runtime().config.documents_path, record)
    if not stored.exists():
        abort(404)
    # An attachment, never a page of this site; issued files never change, hence the long cache.
    response = send_file(stored, mimetype=record.content_type, as_attachment=True,
                         download_name=download_name(document, record), conditional=True, etag=record.sha256,
                         max_age=YEAR)
    response.cache_control.public = True
    response.cache_control.immutable = True
    return response


def _meeting(meeting_id: int) -> Meeting:
    found = db().get(Meeting, meeting_id) if meeting_id <= MAX_ID else None
    if found is None:
        abort(404)
    return found


def _public_query(meeting: Meeting):
    """Every public document of the meeting, by kind (in KINDS order), then symbol."""
    by_kind = case({kind: number for number, kind in enumerate(KINDS)}, value=RegisterDocument.kind, else_=len(KINDS))
    return (select(RegisterDocument)
            .where(RegisterDocument.meeting_id == meeting.id, *search.public_conditions())
            .order_by(by_kind, RegisterDocument.symbol, RegisterDocument.id))


@bp.route("/meetings/<int:meeting_id>/documents")
def meeting_documents(meeting_id: int):
    """Every public document of a meeting, grouped by kind, with their count."""
    meeting = _meeting(meeting_id)
    groups: dict[str, list[RegisterDocument]] = {}
    found = db().scalars(_public_query(meeting).options(selectinload(RegisterDocument.files)))
    for item in found:
        groups.setdefault(item.kind, []).append(item)
    return render_template("documents/meeting.html", meeting=meeting, groups=groups, public_path=public_path,
                           total=sum(len(items) for items in groups.values()),
                           download_name=download_name, sorted_files=service.sorted_files)


def _zip_members(meeting: Meeting):
    """(name, stored path, time) of every public file of the meeting, read a batch of documents at a time
    in a session of its own (the zip streams after the view has returned)."""
    folder = runtime().config.documents_path
    query = _public_query(meeting).options(selectinload(RegisterDocument.files))
    offset = 0
    while True:
        with runtime().db.session(read_mostly=True) as session:
            batch = list(session.scalars(query.limit(ZIP_BATCH).offset(offset)))
            members = [(download_name(item, record), service.file_path(folder, record), record.uploaded_at)
                       for item in batch for record in service.sorted_files(item)]
        for member in members:
            if member[1].exists():
                yield member
        if len(batch) < ZIP_BATCH:
            return
        offset += ZIP_BATCH


@bp.route("/meetings/<int:meeting_id>/documents.zip")
def meeting_zip(meeting_id: int):
    """Every public file of a meeting in one zip, streamed as it is read (never built in memory)."""
    meeting = _meeting(meeting_id)
    members = _zip_members(meeting)

    def chunks(stored):
        with open(stored, "rb") as handle:
            while block := handle.read(CHUNK):
                yield block

    def files():
        for name, stored, moment in members:
            yield name, (moment or dt.datetime.now(dt.timezone.utc)).replace(tzinfo=None), 0o644, \
                ZIP_64, chunks(stored)

    response = Response(stream_with_context(stream_zip(files())), mimetype="application/zip")
    response.headers["Content-Disposition"] = f'attachment; filename="meeting-{meeting.id}-documents.zip"'
    return response


def document_url(document: RegisterDocument) -> str:
    """The public page of a document."""
    return url_for("register_public.document", path=public_path(document))
