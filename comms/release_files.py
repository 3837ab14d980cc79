"""A release's photo and PDF attachment (no Flask): typed by content, stored like documents."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, Session, mapped_column

from comms.documents import DocumentError, detect_type, file_path, safe_filename, store_bytes
from comms.releases import Release
from storage.audit import Actor
from storage.db import Base, UTCDateTime, utcnow

KINDS = {
    "photo": ({"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}, "JPEG, PNG or WebP images"),
    "pdf": ({"application/pdf": "pdf"}, "PDF files"),
}


class ReleaseFile(Base):
    """The photo or the PDF of a release (one of each)."""

    __tablename__ = "release_files"
    __table_args__ = (UniqueConstraint("release_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    filename: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(60))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    caption: Mapped[str] = mapped_column(String(500), default="")
    uploaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


def files_of(session: Session, release: Release) -> dict[str, ReleaseFile]:
    """The release's files by kind."""
    rows = session.query(ReleaseFile).filter_by(release_id=release.id).all()
    return {row.kind: row for row in rows}


def attach(session: Session, release: Release, storage_path: Path, *, kind: str, filename: str, data: bytes,
           caption: str = "", max_bytes: int, actor: Actor) -> ReleaseFile:
    """Attach (or replace) the release's photo or PDF."""
    if kind not in KINDS:
        raise DocumentError("attach a photo or a pdf", {"kind": "unknown"})
    if not data:
        raise DocumentError("the file is empty", {"file": "empty"})
    if len(data) > max_bytes:
        raise DocumentError("the file is too large", {"file": "too large"})
    allowed, what = KINDS[kind]
    mime = detect_type(data, allowed, what)
    existing = files_of(session, release).get(kind)
    stored_name = store_bytes(storage_path, data, allowed[mime])
    if existing is not None:
        file_path(storage_path, existing).unlink(missing_ok=True)
        session.delete(existing)
        session.flush()
    record = ReleaseFile(release_id=release.id, kind=kind, filename=safe_filename(filename, allowed[mime]),
                         stored_name=stored_name, content_type=mime, size=len(data),
                         sha256=hashlib.sha256(data).hexdigest(), caption=caption.strip()[:500], uploaded_at=utcnow())
    session.add(record)
    session.flush()
    actor.record(session, "release.attach", object_type="release", object_id=release.id, details={"kind": kind})
    return record


def detach(session: Session, release: Release, storage_path: Path, kind: str, actor: Actor) -> bool:
    """Remove the release's photo or PDF; True if there was one."""
    existing = files_of(session, release).get(kind)
    if existing is None:
        return False
    file_path(storage_path, existing).unlink(missing_ok=True)
    session.delete(existing)
    actor.record(session, "release.detach", object_type="release", object_id=release.id, details={"kind": kind})
    return True
