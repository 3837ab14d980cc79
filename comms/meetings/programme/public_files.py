"""The published programme as the public reads it, and its PDF built ahead of the first reader (no Flask).

Typesetting the A4 PDF of a large programme takes seconds (14 s for 500 sessions on the probe's
machine). file_cache keeps each built file, but without more the first anonymous reader after a
publication would pay for it: publishing queues ``programme.prebuild``, which builds the PDF in every
public language into the same cache the web pages read, so readers get a file from disk.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Callable

from sqlalchemy.orm import Session

from comms.meetings.programme import file_cache, signoff
from comms.meetings.programme.models import Programme
from comms.meetings.programme.printing import programme_pdf
from comms.meetings.programme.sessions import side_event_sessions, without_private_documents
from comms.meetings.service import Meeting
from comms.platform.jobs import job

__all__ = ["PDF_LANGUAGES", "cache_folder", "pdf_builder", "pdf_file", "pdf_key", "pdf_path", "prebuild_pdfs",
           "public_sessions"]

# The public site's languages (comms.web.i18n.LOCALES): a PDF per language.
PDF_LANGUAGES = ("en", "fr", "es")
EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


def cache_folder(instance_path: Path) -> Path:
    """Where the programme's built files are kept, under the instance folder."""
    return Path(instance_path) / "cache" / "programme"


def public_sessions(session: Session, programme: Programme | None, meeting: Meeting) -> list[dict]:
    """The published sessions and the public side events, by start time, citing only the documents the
    public may see (a limited or not yet issued document stays on the staff pages)."""
    merged = without_private_documents(session, meeting, signoff.published_sessions(programme)) \
        + side_event_sessions(meeting)
    return sorted(merged, key=lambda s: (s["starts_at"], str(s["id"])))


def pdf_key(meeting: Meeting, programme: Programme | None, language: str) -> str:
    """The key (and ETag) of the programme's PDF in ``language`` as it is published now."""
    return file_cache.file_key("pdf", meeting, programme, language)


def pdf_path(folder: Path, meeting: Meeting, language: str, key: str) -> Path:
    """Where the PDF named by ``key`` is kept."""
    return file_cache.cache_path(folder, "pdf", meeting, language, key)


def pdf_builder(session: Session, meeting: Meeting, programme: Programme | None, language: str
                ) -> Callable[[], bytes]:
    """A function that typesets the programme's PDF in ``language`` (for file_cache.cached_file)."""
    created = programme.published_at if programme and programme.published_at else EPOCH

    def build() -> bytes:
        return programme_pdf(meeting, public_sessions(session, programme, meeting),
                             programme.published_version if programme else None, language, created=created)

    return build


def pdf_file(session: Session, meeting: Meeting, programme: Programme | None, language: str, folder: Path) -> bytes:
    """The programme's PDF in ``language``: from the cache, or built once and kept."""
    key = pdf_key(meeting, programme, language)
    return file_cache.cached_file(pdf_path(folder, meeting, language, key),
                                  pdf_builder(session, meeting, programme, language))


@job("programme.prebuild")
def prebuild_pdfs(runtime, meeting_id: int) -> int:
    """Build the published programme's PDF in every public language ahead of readers; returns how many."""
    with runtime.db.transaction() as session:
        meeting = session.get(Meeting, meeting_id)
        programme = signoff.find_programme(session, meeting) if meeting else None
        if programme is None or programme.published_version is None:
            return 0
        for language in PDF_LANGUAGES:
            pdf_file(session, meeting, programme, language, cache_folder(runtime.config.instance_path))
    return len(PDF_LANGUAGES)
