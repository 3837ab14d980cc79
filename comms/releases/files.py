"""A release's photo and PDF attachment (no Flask): typed by content, stored like documents.

Attachments are content (docs/design/security.md item 32). Each upload is a new, never-changing
``ReleaseFile`` row with its own stored file; a revision names the files it
holds under ``content["attachments"]`` (releases.ATTACHMENTS). Attaching,
replacing or removing a file (or changing a caption, which comes with an upload)
makes a new revision through release_workflow.revise_attachments: approval is
cleared, and the public page, ``og:image``, the feeds and email links keep the
published revision's files until the new revision is approved and published.
Stored files are kept as long as the revisions that name them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from sqlalchemy import ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from comms.releases import workflow as release_workflow
from comms.accounts.users import User
from comms.meetings.documents import DocumentError, detect_type, safe_filename, store_bytes
from comms.releases.service import ATTACHMENTS, Release
from contacts.text import single_line_problem
from storage import pending_files
from storage.audit import Actor
from storage.db import Base, UTCDateTime, utcnow

KINDS = {
    "photo": ({"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}, "JPEG, PNG or WebP images"),
    "pdf": ({"application/pdf": "pdf"}, "PDF files"),
}
CAPTION_LIMIT = 500


class ReleaseFile(Base):
    """One uploaded photo or PDF of a release; never changed once stored (revisions name it)."""

    __tablename__ = "release_files"

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


def _entry(record: ReleaseFile) -> dict:
    """How a revision names a file: enough to compare and to show a diff without a lookup."""
    return {"file_id": record.id, "filename": record.filename, "caption": record.caption, "sha256": record.sha256}


def files_of(session: Session, release: Release, revision: int | None = None) -> dict[str, ReleaseFile]:
    """The files a revision of the release names, by kind (default: the current revision)."""
    named = release.content(revision).get(ATTACHMENTS) or {}
    ids = {kind: entry.get("file_id") for kind, entry in named.items() if isinstance(entry, dict)}
    if not ids:
        return {}
    rows = {row.id: row for row in session.scalars(select(ReleaseFile).where(
        ReleaseFile.id.in_([i for i in ids.values() if isinstance(i, int)]), ReleaseFile.release_id == release.id))}
    return {kind: rows[file_id] for kind, file_id in ids.items() if file_id in rows}


def public_files(session: Session, release: Release) -> dict[str, ReleaseFile]:
    """The files the public sees: those of the published revision (none before publication)."""
    return files_of(session, release, release.published_revision) if release.published_revision else {}


def attach(session: Session, release: Release, storage_path: Path, *, kind: str, filename: str, data: bytes,
           caption: str = "", max_bytes: int, editor: User) -> ReleaseFile:
    """Attach (or replace) the release's photo or PDF: a new revision that needs approval.

    The same bytes with the same name and caption change nothing (no new revision)."""
    if kind not in KINDS:
        raise DocumentError("attach a photo or a pdf", {"kind": "unknown"})
    if not data:
        raise DocumentError("the file is empty", {"file": "empty"})
    if len(data) > max_bytes:
        raise DocumentError("the file is too large", {"file": "too large"})
    caption = caption.strip()
    if single_line_problem(caption):
        raise DocumentError("the caption must be one line", {"caption": single_line_problem(caption)})
    if len(caption) > CAPTION_LIMIT:
        raise DocumentError("the caption is too long", {"caption": f"longer than {CAPTION_LIMIT} characters"})
    allowed, what = KINDS[kind]
    mime = detect_type(data, allowed, what)
    name, digest = safe_filename(filename, allowed[mime]), hashlib.sha256(data).hexdigest()
    current = files_of(session, release)
    existing = current.get(kind)
    if existing is not None and (existing.filename, existing.sha256, existing.caption) == (name, digest, caption):
        return existing
    stored_name = store_bytes(storage_path, data, allowed[mime])
    # A later failure in the same transaction (the caller's commit) must not leave it either.
    pending_files.written(session, Path(storage_path) / stored_name)
    try:
        record = ReleaseFile(release_id=release.id, kind=kind, filename=name, stored_name=stored_name,
                             content_type=mime, size=len(data), sha256=digest, caption=caption, uploaded_at=utcnow())
        session.add(record)
        session.flush()
        named = {other: _entry(row) for other, row in current.items()}
        named[kind] = _entry(record)
        release_workflow.revise_attachments(session, release, named, editor)
        Actor(id=editor.id, label=editor.email).record(session, "release.attach", object_type="release",
                                                       object_id=release.id,
                                                       details={"kind": kind, "revision": release.revision})
    except Exception:
        # Nothing names the new file if the revision is refused: do not leave it on disk.
        (Path(storage_path) / stored_name).unlink(missing_ok=True)
        raise
    return record


def detach(session: Session, release: Release, kind: str, editor: User) -> bool:
    """Remove the photo or the PDF from the release: a new revision that needs approval.

    True if the current revision had one. The stored file stays: older revisions name it."""
    current = files_of(session, release)
    if kind not in current:
        return False
    named = {other: _entry(row) for other, row in current.items() if other != kind}
    release_workflow.revise_attachments(session, release, named, editor)
    Actor(id=editor.id, label=editor.email).record(session, "release.detach", object_type="release",
                                                   object_id=release.id,
                                                   details={"kind": kind, "revision": release.revision})
    return True
