"""Retention: re-hash every stored register file and report the missing and altered ones;
read the text of files whose text is still pending (first-wave files copied by migration 0014)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from comms.documents import extract
from comms.documents import service
from comms.documents.models import RegisterDocument, RegisterFile

BLOCK = 1024 * 1024


@dataclass
class Report:
    """What a verification found: files checked, and the problems as lines."""

    checked: int = 0
    missing: list[str] = field(default_factory=list)
    altered: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every file is there with its recorded hash."""
        return not self.missing and not self.altered


def sha256_of(path: Path) -> str:
    """The sha256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(BLOCK):
            digest.update(block)
    return digest.hexdigest()


def _label(document: RegisterDocument, record: RegisterFile) -> str:
    return f"{document.symbol or f'document {document.id}'} [{record.language}] {record.stored_name}"


def verify(session: Session, storage_path: Path) -> Report:
    """Re-hash every stored file against its recorded sha256."""
    report = Report()
    rows = session.execute(select(RegisterFile, RegisterDocument).join(RegisterDocument)
                           .order_by(RegisterFile.id)).all()
    for record, document in rows:
        report.checked += 1
        try:
            path = service.file_path(storage_path, record)
        except ValueError:
            report.missing.append(_label(document, record))
            continue
        if not path.is_file():
            report.missing.append(_label(document, record))
        elif sha256_of(path) != record.sha256:
            report.altered.append(_label(document, record))
    return report


def extract_pending(session: Session, storage_path: Path) -> int:
    """Read the text of files marked pending, once; returns how many were read."""
    done = 0
    for record in session.scalars(select(RegisterFile).where(RegisterFile.text_status == "pending")):
        path = service.file_path(storage_path, record)
        if not path.is_file():
            continue
        found = extract.extract(path.read_bytes(), record.content_type)
        record.text_status, record.pages = found.status, found.pages
        service.set_text(session, record.document, record.language, found.text)
        service.reindex(session, record.document)
        done += 1
    return done
