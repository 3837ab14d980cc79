"""Register records: create, change before issue, add language files (text extracted once), index.

Workflow steps (issue, Rev/Corr/Add, withdraw, delete) are in comms.documents.workflow.
Every function works inside the caller's transaction and raises RegisterError
before writing anything it cannot finish.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from comms.meetings import documents as first_wave
from comms.meetings.languages import unknown_languages
from comms.meetings.service import Meeting
from comms.documents import extract
from comms.documents import symbols
from comms.documents.models import DISTRIBUTIONS, INDEX, KINDS, UN_LANGUAGES, RegisterDocument, RegisterFile, RegisterText
from contacts.models import Delegation
from contacts.text import single_line_problem
from storage import fulltext
from storage import pending_files
from storage.audit import Actor
from storage.db import utcnow

LANGUAGE = re.compile(r"[a-z]{2}")
MAX_TITLE = 500
MAX_AGENDA_ITEMS = 50
EDITABLE = ("planned", "received")


class RegisterError(ValueError):
    """A register operation was refused: ``status`` is the HTTP status it means (422, 404, 409)."""

    def __init__(self, message: str, status: int = 422, fields: dict | None = None):
        super().__init__(message)
        self.message, self.status, self.fields = message, status, fields or {}


def language_order(code: str) -> tuple[int, str]:
    """Sort key: the six UN languages in UN order (ar, zh, en, fr, ru, es), then the others."""
    return (UN_LANGUAGES.index(code), code) if code in UN_LANGUAGES else (len(UN_LANGUAGES), code)


def check_language(code: str, what: str = "language") -> str:
    """An ISO 639-1 language code, lower case (docs/design/contract.md: "xx" is no language)."""
    code = (code or "").strip().lower()
    if not LANGUAGE.fullmatch(code) or unknown_languages([code]):
        raise RegisterError(f"{what} must be an ISO 639-1 language code such as en, fr or es", 422,
                            {what: "invalid"})
    return code


def check_titles(titles: dict) -> dict:
    """Titles per language: at least one, each one line of at most MAX_TITLE characters."""
    if not isinstance(titles, dict) or not titles:
        raise RegisterError("a document needs a title in at least one language", 422, {"title": "required"})
    if len(titles) > 20:
        raise RegisterError("at most 20 titles", 422, {"title": "too many"})
    clean = {}
    for code, value in titles.items():
        code, value = check_language(code, "title"), str(value or "").strip()
        problem = single_line_problem(value) if value else None
        if not value or len(value) > MAX_TITLE or problem:
            raise RegisterError(f"the {code} title must be one line of 1 to {MAX_TITLE} characters", 422,
                                {"title": "invalid"})
        clean[code] = value
    return clean


def check_agenda_items(items) -> list[str]:
    """Agenda item numbers such as '5' or '7(b)'."""
    items = [str(i).strip() for i in (items or []) if str(i).strip()]
    if len(items) > MAX_AGENDA_ITEMS or any(len(i) > 20 or single_line_problem(i) for i in items):
        raise RegisterError("agenda items are at most 50 short item numbers", 422, {"agenda_items": "invalid"})
    return list(dict.fromkeys(items))


def effective_due(document: RegisterDocument) -> dt.date | None:
    """The due date: given, or N days before the meeting opens."""
    if document.due_days_before is not None:
        return document.meeting.starts_on - dt.timedelta(days=document.due_days_before)
    return document.due_on


def is_late(document: RegisterDocument, today: dt.date | None = None) -> bool:
    """Past its due date and not issued yet."""
    due = effective_due(document)
    return document.status in EDITABLE and due is not None and due < (today or dt.date.today())


def _apply(session: Session, document: RegisterDocument, values: dict) -> None:
    if "titles" in values:
        document.titles = check_titles(values["titles"])
    if "kind" in values:
        if values["kind"] not in KINDS:
            raise RegisterError(f"kind must be one of {', '.join(KINDS)}", 422, {"kind": "unknown"})
        document.kind = values["kind"]
    if "distribution" in values:
        if values["distribution"] not in DISTRIBUTIONS:
            raise RegisterError("distribution is general or limited", 422, {"distribution": "unknown"})
        document.distribution = values["distribution"]
    if "original_language" in values:
        document.original_language = check_language(values["original_language"], "original_language")
    if "agenda_items" in values:
        document.agenda_items = check_agenda_items(values["agenda_items"])
    if "due_on" in values or "due_days_before" in values:
        days = values.get("due_days_before")
        if days is not None and not 0 <= int(days) <= 365:
            raise RegisterError("due_days_before goes from 0 to 365", 422, {"due_days_before": "invalid"})
        document.due_on, document.due_days_before = values.get("due_on"), days
    if "delegation_id" in values:
        if values["delegation_id"] is not None and session.get(Delegation, values["delegation_id"]) is None:
            raise RegisterError(f"no delegation {values['delegation_id']}", 422, {"delegation_id": "unknown"})
        document.delegation_id = values["delegation_id"]
    if "author" in values:
        author = str(values["author"] or "").strip()
        if len(author) > 300 or (author and single_line_problem(author)):
            raise RegisterError("the author is one line of at most 300 characters", 422, {"author": "invalid"})
        document.author = author
    if "delivered_at" in values:
        document.delivered_at = values["delivered_at"]


def create(session: Session, meeting: Meeting, values: dict, actor: Actor) -> RegisterDocument:
    """A new planned document; its symbol as given or the next free one in its series.

    Meetings without a symbol prefix, and statements, get no symbol unless one is given.
    """
    kind = values.get("kind", "other")
    document = RegisterDocument(meeting=meeting, meeting_id=meeting.id, status="planned", kind="other",
                                titles={}, agenda_items=[])
    _apply(session, document, {"kind": kind, "distribution": "general", "original_language": "en", **values})
    given = (values.get("symbol") or "").strip()
    try:
        if given:
            document.symbol = symbols.check_symbol(given)
        elif meeting.symbol_prefix and kind != "statement":
            document.symbol = symbols.next_symbol(session, symbols.series_for(meeting.symbol_prefix, kind))
    except symbols.SymbolError as exc:
        raise RegisterError(exc.message, exc.status, {"symbol": "invalid"}) from exc
    save_new(session, document)
    actor.record(session, "register.create", object_type="register_document", object_id=document.id,
                 details={"symbol": document.symbol})
    return document


def save_new(session: Session, document: RegisterDocument) -> None:
    """Insert a document; a symbol ending in a language code is a 422, one already in use in any case
    (even by a concurrent insert: the unique index on upper(symbol) decides) a 409."""
    if document.symbol:
        try:
            symbols.check_new_symbol(document.symbol)
        except symbols.SymbolError as exc:
            raise RegisterError(exc.message, exc.status, {"symbol": "invalid"}) from exc
    if document.symbol and symbols.symbol_taken(session, document.symbol):
        raise RegisterError(f"the symbol {document.symbol} is already in use", 409, {"symbol": "taken"})
    session.add(document)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:
        session.expunge(document) if document in session else None
        raise RegisterError(f"the symbol {document.symbol} is already in use", 409, {"symbol": "taken"}) from exc
    reindex(session, document)


def update(session: Session, document: RegisterDocument, values: dict, actor: Actor) -> RegisterDocument:
    """Change a document that is not issued yet (issued ones change by Rev, Corr or Add: 409)."""
    if document.status not in EDITABLE:
        raise RegisterError(f"an {document.status} document does not change; issue a Rev, Corr or Add", 409)
    values = {k: v for k, v in values.items() if k != "symbol"}
    _apply(session, document, values)
    session.flush()
    reindex(session, document)
    actor.record(session, "register.update", object_type="register_document", object_id=document.id,
                 details={"fields": sorted(values)})
    return document


def add_file(session: Session, document: RegisterDocument, storage_path: Path, *, language: str, filename: str,
             data: bytes, max_bytes: int, actor: Actor, trusted: bool = False) -> RegisterFile:
    """Store a language version (before issue it may replace one); extract its text once; index it.

    ``trusted`` files (made by Pressroom itself, as the demo's) are read in this process;
    uploads are read in a child process with limits.
    """
    if document.status not in EDITABLE:
        raise RegisterError(f"the files of an {document.status} document never change", 409)
    language = check_language(language)
    if not data:
        raise RegisterError("the file is empty", 422, {"file": "empty"})
    if len(data) > max_bytes:
        raise RegisterError(f"the file is larger than {max_bytes // 1024} KB", 413, {"file": "too large"})
    try:
        mime = first_wave.detect_type(data)
    except first_wave.DocumentError as exc:
        raise RegisterError(exc.message, 422, exc.fields) from exc
    found = extract.extract_here(data, mime) if trusted else extract.extract(data, mime)
    extension = first_wave.ALLOWED_TYPES[mime]
    stored_name = first_wave.store_bytes(storage_path, data, extension)
    pending_files.written(session, Path(storage_path) / stored_name)
    old = document.file(language)
    if old is not None:
        document.files.remove(old)
        session.flush()
        pending_files.replaced(session, Path(storage_path) / old.stored_name)
    record = RegisterFile(language=language, filename=first_wave.safe_filename(filename, extension),
                          stored_name=stored_name, content_type=mime, size=len(data),
                          sha256=hashlib.sha256(data).hexdigest(), text_status=found.status, pages=found.pages,
                          uploaded_at=utcnow())
    document.files.append(record)
    if document.status == "planned":
        document.status = "received"
    session.flush()
    set_text(session, document, language, found.text)
    reindex(session, document)
    actor.record(session, "register.upload", object_type="register_document", object_id=document.id,
                 details={"language": language, "size": len(data), "text": found.status})
    return record


def set_text(session: Session, document: RegisterDocument, language: str, body: str) -> None:
    row = session.scalar(select(RegisterText).where(RegisterText.document_id == document.id,
                                                    RegisterText.language == language))
    if row is None:
        session.add(RegisterText(document_id=document.id, language=language, body=body))
    else:
        row.body = body
    session.flush()


def reindex(session: Session, document: RegisterDocument) -> None:
    """Write the document's rows of the full-text index: one per language of its titles and files."""
    languages = set(document.titles or {}) | {f.language for f in document.files}
    rows = {r.language: r for r in session.scalars(select(RegisterText).where(RegisterText.document_id == document.id))}
    for language in languages - set(rows):
        rows[language] = RegisterText(document_id=document.id, language=language, body="")
        session.add(rows[language])
    session.flush()
    fulltext.index_rows(session.connection(), INDEX, [
        fulltext.Entry(row.id, {"title": document.title(language), "symbol": document.symbol or "", "body": row.body},
                       language) for language, row in rows.items()])


def file_path(storage_path: Path, record: RegisterFile) -> Path:
    """Where a stored file lives (generated names hold no path)."""
    return first_wave.file_path(storage_path, record)


def find_by_symbol(session: Session, symbol: str) -> RegisterDocument | None:
    """The document with this symbol, if the symbol is well formed and in use.

    A symbol ending in a language code (possible only from before that was refused) is never looked
    up this way: that path names a file of another document (symbols.ends_in_language).
    """
    if not symbols.is_symbol(symbol) or symbols.ends_in_language(symbol):
        return None
    return session.scalar(select(RegisterDocument).where(RegisterDocument.symbol == symbol))


def sorted_files(document: RegisterDocument) -> list[RegisterFile]:
    """The language versions in UN order."""
    return sorted(document.files, key=lambda f: language_order(f.language))
