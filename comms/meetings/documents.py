"""Meeting documents: programmes, background papers, statements, reports (no Flask).

Files are checked by their content, never their name (``filetype`` reads the
magic bytes), limited in size, and stored under generated names in the
configured folder; the name a person uploaded is kept only as a display name,
cleaned of paths and odd characters. One file per language per document.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import secrets
import unicodedata
from pathlib import Path

import filetype
from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from comms.platform.errors import DomainError
from comms.meetings.service import Meeting
from storage import pending_files
from storage.audit import Actor
from storage.db import Base, UTCDateTime, utcnow

DOCUMENT_KINDS = ("programme", "background", "statement", "report", "other")
# What the office publishes: PDF and office formats (OOXML, OpenDocument, legacy OLE).
ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
    "application/msword": "doc",
    "application/vnd.ms-excel": "xls",
    "application/vnd.ms-powerpoint": "ppt",
}
DEFAULT_MAX_BYTES = 20 * 1024 * 1024


class DocumentError(DomainError):
    """An upload was refused; the message says why."""

    def __init__(self, message: str, fields: dict | None = None):
        super().__init__(message, fields=fields)


class Document(Base):
    """A meeting document, in one or more languages."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(20), default="other")
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    meeting: Mapped[Meeting] = relationship()
    files: Mapped[list["DocumentFile"]] = relationship(cascade="all, delete-orphan", order_by="DocumentFile.language")


class DocumentFile(Base):
    """One language of a document, stored on disk under a generated name."""

    __tablename__ = "document_files"
    __table_args__ = (UniqueConstraint("document_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    filename: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


def safe_filename(name: str, extension: str) -> str:
    """A display name without any path, control or shell-special characters.

    "../../etc/passwd", "C:\\\\boot.ini" or a name with a NUL byte all become plain names;
    the extension always matches the detected content. What people type in a file name
    stays as typed: spaces (runs of them too), brackets, apostrophes, commas and dots
    ("Draft agenda (FR) v2.1.pdf"), since the name is shown and offered on download.
    """
    name = unicodedata.normalize("NFKC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    stem = name.rsplit(".", 1)[0] if "." in name else name
    # Tabs, line breaks and other separators read as a space; other control characters go.
    stem = "".join(" " if ch.isspace() else ch for ch in stem if ch.isspace() or unicodedata.category(ch)[0] != "C")
    stem = re.sub(r"[^\w\- ()\[\]',.&+]+", "_", stem, flags=re.UNICODE).strip(" ._")[:120].rstrip(" .")
    return f"{stem or 'document'}.{extension}"


def detect_type(data: bytes, allowed: dict[str, str] | None = None,
                what: str = "PDF and office documents") -> str:
    """The MIME type of an allowed file, from its content; DocumentError otherwise."""
    allowed = ALLOWED_TYPES if allowed is None else allowed
    guess = filetype.guess(data[:8192] if len(data) > 8192 else data)
    if guess is None and data[:4] == b"PK\x03\x04":
        guess = filetype.guess(data)  # zip-based formats sometimes need more than the head
    if guess is None or guess.mime not in allowed:
        found = guess.mime if guess else "unknown"
        raise DocumentError(f"only {what} can be uploaded (this file is {found})", {"file": "type not allowed"})
    return guess.mime


def store_bytes(storage_path: Path, data: bytes, extension: str) -> str:
    """Write ``data`` under a new random name in ``storage_path``; returns the name."""
    stored_name = f"{secrets.token_hex(16)}.{extension}"
    folder = Path(storage_path)
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / f".{stored_name}.part"
    with open(temporary, "wb") as handle:
        handle.write(data)
    os.replace(temporary, folder / stored_name)
    return stored_name


def create_document(session: Session, meeting: Meeting, *, title: str, kind: str, public: bool,
                    actor: Actor) -> Document:
    """A new document (files are added per language)."""
    if not title.strip():
        raise DocumentError("a document needs a title", {"title": "required"})
    if kind not in DOCUMENT_KINDS:
        raise DocumentError(f"kind must be one of {', '.join(DOCUMENT_KINDS)}", {"kind": "unknown"})
    document = Document(meeting=meeting, meeting_id=meeting.id, title=title.strip(), kind=kind, public=public,
                        published_at=utcnow() if public else None)
    session.add(document)
    session.flush()
    actor.record(session, "document.create", object_type="document", object_id=document.id)
    return document


def add_file(session: Session, document: Document, storage_path: Path, *, language: str, filename: str,
             data: bytes, max_bytes: int = DEFAULT_MAX_BYTES, actor: Actor) -> DocumentFile:
    """Store one language's file; replaces an earlier file in that language."""
    if not re.fullmatch(r"[a-z]{2}", language or ""):
        raise DocumentError("language must be a two-letter code", {"language": "invalid"})
    if not data:
        raise DocumentError("the file is empty", {"file": "empty"})
    if len(data) > max_bytes:
        limit = f"{max_bytes / (1024 * 1024):.1f} MB" if max_bytes >= 1024 * 1024 else f"{max_bytes // 1024} KB"
        raise DocumentError(f"the file is larger than {limit}", {"file": "too large"})
    mime = detect_type(data)
    stored_name = store_bytes(storage_path, data, ALLOWED_TYPES[mime])
    pending_files.written(session, Path(storage_path) / stored_name)
    # The replaced file stays on disk: the office keeps every document it issued, and
    # migration 0014 gave the register a row that names the same stored file.
    for old in [f for f in document.files if f.language == language]:
        document.files.remove(old)
        session.flush()
    record = DocumentFile(language=language, filename=safe_filename(filename, ALLOWED_TYPES[mime]),
                          stored_name=stored_name, content_type=mime, size=len(data),
                          sha256=hashlib.sha256(data).hexdigest(), uploaded_at=utcnow())
    document.files.append(record)
    session.flush()
    actor.record(session, "document.upload", object_type="document", object_id=document.id,
                 details={"language": language, "size": len(data)})
    return record


def file_path(storage_path: Path, record) -> Path:
    """Where a stored file lives (its generated name can hold no path)."""
    if not re.fullmatch(r"[0-9a-f]{32}\.[a-z]{3,4}", record.stored_name):
        raise DocumentError("invalid stored name")
    return Path(storage_path) / record.stored_name


def public_documents(session: Session, meeting: Meeting) -> list[Document]:
    """A meeting's public documents, newest first."""
    query = select(Document).where(Document.meeting_id == meeting.id, Document.public.is_(True))
    return list(session.scalars(query.order_by(Document.published_at.desc(), Document.id.desc())))


def documents_of(session: Session, meeting: Meeting) -> list[Document]:
    """All of a meeting's documents (staff view), newest first."""
    query = select(Document).where(Document.meeting_id == meeting.id)
    return list(session.scalars(query.order_by(Document.created_at.desc(), Document.id.desc())))


def document_to_dict(document: Document, url_for_file=None) -> dict:
    """A document as JSON, with file URLs when a builder is given."""
    return {
        "id": document.id, "meeting_id": document.meeting_id, "title": document.title, "kind": document.kind,
        "public": document.public,
        "published_at": document.published_at.isoformat() if document.published_at else None,
        "files": [{"language": f.language, "filename": f.filename, "content_type": f.content_type, "size": f.size,
                   **({"url": url_for_file(document, f)} if url_for_file else {})} for f in document.files],
    }
