"""The register's tables: documents, their language files, their searchable texts, symbol counters.

The first-wave ``documents`` table (comms.documents) stays as it was; these tables
are the register's own, and migration 0014 copies first-wave documents into them.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from comms.meetings.service import Meeting
from storage import fulltext
from storage.db import Base, UTCDateTime, utcnow

KINDS = ("provisional_agenda", "agenda", "programme", "report", "decision", "working_paper", "information",
         "statement", "list_of_participants", "background", "other")
STATUSES = ("planned", "received", "issued", "withdrawn")
DISTRIBUTIONS = ("general", "limited")
RELATIONS = ("rev", "corr", "add")
# The six official UN languages in the UN's own order; others follow alphabetically.
UN_LANGUAGES = ("ar", "zh", "en", "fr", "ru", "es")

# Titles (A), the symbol (B) and the text inside the files (C), one row per document and language.
INDEX = fulltext.FullTextIndex(
    name="register", source="register_texts", key="id",
    fields=(fulltext.Field("title", "A"), fulltext.Field("symbol", "B"), fulltext.Field("body", "C")),
    language=None, snippet_fields=("body", "title"),
)


class RegisterDocument(Base):
    """An official document (or a statement): one symbol, its titles and language files."""

    __tablename__ = "register_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="RESTRICT"), index=True)
    symbol: Mapped[str | None] = mapped_column(String(120), unique=True, nullable=True)
    kind: Mapped[str] = mapped_column(String(30), default="other", index=True)
    titles: Mapped[dict] = mapped_column(JSON, default=dict)
    distribution: Mapped[str] = mapped_column(String(10), default="general")
    original_language: Mapped[str] = mapped_column(String(8), default="en")
    agenda_items: Mapped[list] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(12), default="planned", index=True)
    due_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    due_days_before: Mapped[int | None] = mapped_column(Integer, nullable=True)
    issued_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    issued_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    base_id: Mapped[int | None] = mapped_column(ForeignKey("register_documents.id", ondelete="RESTRICT"),
                                                nullable=True, index=True)
    relation: Mapped[str | None] = mapped_column(String(4), nullable=True)
    relation_number: Mapped[int | None] = mapped_column(Integer, nullable=True)
    delegation_id: Mapped[int | None] = mapped_column(ForeignKey("delegations.id", ondelete="SET NULL"),
                                                      nullable=True, index=True)
    author: Mapped[str] = mapped_column(String(300), default="")
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    legacy_document_id: Mapped[int | None] = mapped_column(Integer, nullable=True, unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    meeting: Mapped[Meeting] = relationship()
    base: Mapped["RegisterDocument | None"] = relationship(remote_side=[id])
    files: Mapped[list["RegisterFile"]] = relationship(back_populates="document", cascade="all, delete-orphan",
                                                       order_by="RegisterFile.language")

    def title(self, language: str | None = None) -> str:
        """The title in ``language``, else in the original language, else any."""
        titles = self.titles or {}
        for code in (language, self.original_language, "en"):
            if code and titles.get(code):
                return titles[code]
        return next(iter(titles.values()), "") or (self.symbol or f"Document {self.id}")

    @property
    def public(self) -> bool:
        """Shown on public pages: general distribution and issued."""
        return self.distribution == "general" and self.status == "issued"

    def file(self, language: str) -> "RegisterFile | None":
        """The file in ``language``, if there is one."""
        return next((f for f in self.files if f.language == language), None)


# Symbols are unique whatever their case (aplc/msp.22/2026/1 is APLC/MSP.22/2026/1): symbols are ASCII, so
# upper() folds them alike on SQLite and PostgreSQL. Migration 0023.
Index("uq_register_documents_symbol_upper", func.upper(RegisterDocument.symbol), unique=True)


class RegisterFile(Base):
    """One language version of a document, stored under a generated name, with its sha256."""

    __tablename__ = "register_files"
    __table_args__ = (UniqueConstraint("document_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("register_documents.id", ondelete="RESTRICT"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    filename: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    text_status: Mapped[str] = mapped_column(String(12), default="pending")
    pages: Mapped[int | None] = mapped_column(Integer, nullable=True)
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    document: Mapped[RegisterDocument] = relationship(back_populates="files")


class RegisterText(Base):
    """What the full-text index reads for one document in one language: title, symbol, file text."""

    __tablename__ = "register_texts"
    __table_args__ = (UniqueConstraint("document_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("register_documents.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    body: Mapped[str] = mapped_column(Text, default="")


class SymbolCounter(Base):
    """The last number handed out in a series (``APLC/MSP.22/2026/INF.``)."""

    __tablename__ = "register_counters"

    series: Mapped[str] = mapped_column(String(130), primary_key=True)
    last: Mapped[int] = mapped_column(Integer, default=0)
