"""Press releases and their revisions (no Flask).

Every change of content is a new revision (who, when, what). A release's
status moves through comms.release_workflow; this module owns the records,
the content rules and what the public may see.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from comms.auth import User
from comms.meetings import Meeting
from comms.rendering import clean_markdown
from storage.db import Base, UTCDateTime, utcnow

STATUSES = ("draft", "in_review", "approved", "scheduled", "published", "retracted")
CONTENT_FIELDS = ("headline", "subheadline", "dateline", "body_markdown", "quotes", "notes_to_editors",
                  "media_contacts", "topics")
LANGUAGES = ("en", "fr", "es", "ar", "ru", "zh", "de", "pt")
LIMITS = {"headline": 200, "subheadline": 300, "dateline": 120, "body_markdown": 50_000, "notes_to_editors": 10_000,
          "media_contacts": 2_000}


class ReleaseError(ValueError):
    """A release operation was refused; ``status`` maps it to HTTP."""

    def __init__(self, message: str, fields: dict | None = None, status: int = 422):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.status = status


class Release(Base):
    """A press release in one language (translations are linked releases)."""

    __tablename__ = "releases"
    __table_args__ = (UniqueConstraint("slug", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(120), index=True)
    language: Mapped[str] = mapped_column(String(8))
    translation_of_id: Mapped[int | None] = mapped_column(ForeignKey("releases.id", ondelete="SET NULL"),
                                                          nullable=True, index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"), nullable=True,
                                                   index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    approved_revision: Mapped[int | None] = mapped_column(Integer, nullable=True)
    published_revision: Mapped[int | None] = mapped_column(Integer, nullable=True)
    approval_policy: Mapped[str] = mapped_column(String(8), default="any")
    embargo_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    publish_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    first_published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    updated_published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    correction_note: Mapped[str] = mapped_column(Text, default="")
    retracted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    retraction_note: Mapped[str] = mapped_column(Text, default="")
    slug_locked: Mapped[bool] = mapped_column(Boolean, default=False)
    # Copied from the published revision when it goes public, so search and
    # filters can never see text that is not public yet.
    public_search: Mapped[str] = mapped_column(Text, default="")
    public_topics: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting | None] = relationship()
    author: Mapped[User | None] = relationship()
    revisions: Mapped[list["ReleaseRevision"]] = relationship(cascade="all, delete-orphan",
                                                              order_by="ReleaseRevision.number")

    def content(self, number: int | None = None) -> dict:
        """The content of a revision (default: the newest)."""
        number = number or self.revision
        for item in reversed(self.revisions):
            if item.number == number:
                return item.content
        raise ReleaseError(f"no revision {number}", status=404)

    @property
    def public_content(self) -> dict | None:
        """What the public sees: the published revision, whatever is being drafted since."""
        return self.content(self.published_revision) if self.published_revision else None

    @property
    def is_public(self) -> bool:
        """Has a published revision (kept while a correction is drafted; a retracted page
        stays with its notice) and is never ahead of its embargo."""
        return (self.published_revision is not None and self.first_published_at is not None
                and (self.embargo_until is None or self.embargo_until <= utcnow()))

    @property
    def is_listed(self) -> bool:
        """Shown in the newsroom, feeds and search: public and not retracted."""
        return self.is_public and self.retracted_at is None


class ReleaseRevision(Base):
    """One saved state of a release's content."""

    __tablename__ = "release_revisions"
    __table_args__ = (UniqueConstraint("release_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict] = mapped_column(JSON)
    author_label: Mapped[str] = mapped_column(String(200), default="system")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Boilerplate(Base):
    """The standard paragraph about the Convention, per language (admins edit it)."""

    __tablename__ = "boilerplates"

    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


def slugify(text: str) -> str:
    """A URL slug from a headline: lower case ASCII words joined by hyphens."""
    folded = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return "-".join(re.findall(r"[a-z0-9]+", folded))[:100].strip("-") or "release"


def clean_content(raw: dict, base: dict | None = None) -> dict:
    """Validated content: ``raw`` over ``base`` (the current revision), all fields present."""
    content = dict(base or {field: "" for field in CONTENT_FIELDS})
    content.setdefault("topics", [])
    content.setdefault("quotes", [])
    errors: dict[str, str] = {}
    for field in ("headline", "subheadline", "dateline", "body_markdown", "notes_to_editors", "media_contacts"):
        if field in raw and raw[field] is not None:
            value = clean_markdown(str(raw[field]))
            if len(value) > LIMITS[field]:
                errors[field] = f"longer than {LIMITS[field]} characters"
            content[field] = value
    if "quotes" in raw and raw["quotes"] is not None:
        quotes = []
        for item in raw["quotes"]:
            if isinstance(item, dict) and str(item.get("text", "")).strip():
                quotes.append({"text": clean_markdown(str(item["text"]))[:3000],
                               "speaker": clean_markdown(str(item.get("speaker", "")))[:200]})
            elif not isinstance(item, dict):
                errors["quotes"] = "each quote is {text, speaker}"
        content["quotes"] = quotes
    if "topics" in raw and raw["topics"] is not None:
        if not isinstance(raw["topics"], list) or not all(isinstance(t, str) for t in raw["topics"]):
            errors["topics"] = "a list of topic slugs"
        else:
            content["topics"] = sorted({t.strip() for t in raw["topics"] if t.strip()})
    if not content.get("headline"):
        errors["headline"] = "required"
    if errors:
        raise ReleaseError("some fields are not valid", errors)
    return content


def get_release(session: Session, release_id: int) -> Release:
    """The release with this id; ReleaseError 404 if none."""
    release = session.get(Release, release_id) if 0 < release_id < 2**31 else None
    if release is None:
        raise ReleaseError(f"no release {release_id}", status=404)
    return release


def translations(session: Session, release: Release) -> list[Release]:
    """The release and its translations (the family sharing one original)."""
    root = release.translation_of_id or release.id
    query = select(Release).where((Release.id == root) | (Release.translation_of_id == root))
    return list(session.scalars(query.order_by(Release.language)))


def boilerplate(session: Session, language: str) -> str:
    """The standard paragraph in ``language`` (English if missing)."""
    row = session.get(Boilerplate, language) or session.get(Boilerplate, "en")
    return row.text if row else ""


def set_boilerplate(session: Session, language: str, text: str) -> Boilerplate:
    """Set the standard paragraph for a language."""
    if not clean_markdown(text):
        raise ReleaseError("the paragraph cannot be empty", {"text": "required"})
    row = session.get(Boilerplate, language)
    if row is None:
        row = Boilerplate(language=language, text="")
        session.add(row)
    row.text, row.updated_at = clean_markdown(text), utcnow()
    return row


def release_to_dict(release: Release, url: str | None = None) -> dict:
    """API.md's release object (content of the current revision)."""
    content = release.content()
    return {
        "id": release.id, "slug": release.slug, "language": release.language,
        "translation_of": release.translation_of_id, "meeting_id": release.meeting_id,
        **{field: content.get(field) for field in CONTENT_FIELDS},
        "embargo_until": release.embargo_until, "publish_at": release.publish_at, "status": release.status,
        "revision": release.revision, "approved_revision": release.approved_revision,
        "published_revision": release.published_revision, "approval_policy": release.approval_policy,
        "first_published_at": release.first_published_at, "updated_published_at": release.updated_published_at,
        "correction_note": release.correction_note, "retraction_note": release.retraction_note, "url": url,
    }
