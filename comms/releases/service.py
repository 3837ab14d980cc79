"""Press releases and their revisions (no Flask).

Every change of content is a new revision (who, when, what); the photo and
the PDF are content too (a revision names its attachments, see
comms.releases.files). A release's status moves through comms.releases.workflow;
this module owns the records, the content rules and what the public may see,
in one place: :attr:`Release.is_public` in Python and :func:`embargo_lifted` in
SQL. A translation is never public before its original's embargo lifts.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from sqlalchemy import JSON, Boolean, ColumnElement, ForeignKey, Integer, String, Text, UniqueConstraint, exists, \
    select, true
from sqlalchemy.sql import Select
from sqlalchemy.orm import Mapped, Session, aliased, mapped_column, relationship

from comms.platform.errors import DomainError
from comms.accounts.users import User
from comms.meetings.service import Meeting
from comms.rendering.richtext import RichTextError, check_rich_text, clean_markdown
from contacts.text import single_line_problem
from storage.db import Base, UTCDateTime, utcnow

STATUSES = ("draft", "in_review", "approved", "scheduled", "published", "retracted")
CONTENT_FIELDS = ("headline", "subheadline", "dateline", "body_markdown", "quotes", "notes_to_editors",
                  "media_contacts", "topics")
LANGUAGES = ("en", "fr", "es", "ar", "ru", "zh", "de", "pt")
LIMITS = {"headline": 200, "subheadline": 300, "dateline": 120, "body_markdown": 50_000, "notes_to_editors": 10_000,
          "media_contacts": 2_000}
QUOTE_LIMITS = {"text": 3000, "speaker": 200}
# One-line fields: the headline becomes an email subject, so no line breaks or control characters.
SINGLE_LINE = ("headline", "subheadline", "dateline")
# The key of a revision's content naming its photo and PDF: {kind: {"file_id", "filename", "caption",
# "sha256"}}. Set only by comms.releases.files (never from typed input); absent means none.
ATTACHMENTS = "attachments"
# The Markdown fields: bounded in size and nesting at input as at every render (docs/design/security.md item 31).
RICH_FIELDS = ("body_markdown", "notes_to_editors")


class ReleaseError(DomainError):
    """A release operation was refused; ``status`` maps it to HTTP."""

    def __init__(self, message: str, fields: dict | None = None, status: int = 422):
        super().__init__(message, status, fields)


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
    # Email the matching self-subscribers when it goes public (comms.distribution.subscriber_jobs), once:
    # subscribers_notified_at records that the worker has done it.
    notify_subscribers: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    subscribers_notified_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting | None] = relationship()
    author: Mapped[User | None] = relationship()
    original: Mapped["Release | None"] = relationship(remote_side=[id], foreign_keys=[translation_of_id])
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
    def effective_embargo_until(self) -> dt.datetime | None:
        """The embargo that holds this release: its own, or its original's when that lifts later.

        A translation shares its original's slug and tells the same news: it is never
        public before the original's embargo lifts, whatever its own embargo says."""
        own = self.embargo_until
        inherited = self.original.embargo_until if self.translation_of_id and self.original is not None else None
        return max((t for t in (own, inherited) if t is not None), default=None)

    def is_public_at(self, moment: dt.datetime) -> bool:
        """Has a published revision (kept while a correction is drafted; a retracted page
        stays with its notice) and is, at ``moment``, past its own and its original's embargo."""
        embargo = self.effective_embargo_until
        return (self.published_revision is not None and self.first_published_at is not None
                and (embargo is None or embargo <= moment))

    @property
    def is_public(self) -> bool:
        """Public now (see :meth:`is_public_at`): the one Python form of what :func:`embargo_lifted` says in SQL."""
        return self.is_public_at(utcnow())

    @property
    def is_listed(self) -> bool:
        """Shown in the newsroom, feeds and search: public and not retracted."""
        return self.is_public and self.retracted_at is None


def embargo_lifted(now: dt.datetime) -> ColumnElement[bool]:
    """SQL: the release's own embargo and, for a translation, its original's have lifted at ``now``.

    Every public query (newsroom, search, API, feeds, hreflang, the scheduler) uses this
    condition, the SQL twin of :meth:`Release.is_public_at`."""
    original = aliased(Release)
    held_by_original = exists().where(original.id == Release.translation_of_id, original.embargo_until.is_not(None),
                                      original.embargo_until > now)
    return ((Release.embargo_until.is_(None)) | (Release.embargo_until <= now)) & ~held_by_original


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


def rich_text_problems(content: dict) -> dict[str, str]:
    """{field: why} for each Markdown field of ``content`` over the rich-text limits (none: {})."""
    problems = {}
    for field in RICH_FIELDS:
        try:
            check_rich_text(content.get(field) or "")
        except RichTextError as exc:
            problems[field] = str(exc)
    return problems


def clean_content(raw: dict, base: dict | None = None, *, check_rich: bool = True) -> dict:
    """Validated content: ``raw`` over ``base`` (the current revision), all fields present.

    The Markdown fields given in ``raw`` must be within the rich-text limits (a 422
    naming the field otherwise) unless ``check_rich`` is off (the editor's preview,
    which shows the problem in place instead)."""
    content = dict(base or {field: "" for field in CONTENT_FIELDS})
    content.setdefault("topics", [])
    content.setdefault("quotes", [])
    errors: dict[str, str] = {}
    for field in ("headline", "subheadline", "dateline", "body_markdown", "notes_to_editors", "media_contacts"):
        if field in raw and raw[field] is not None:
            problem = single_line_problem(str(raw[field]).strip()) if field in SINGLE_LINE else None
            value = clean_markdown(str(raw[field]))
            if problem:
                errors[field] = problem
            elif len(value) > LIMITS[field]:
                # Refused, never cut: a shortened headline would go out without anyone choosing it.
                errors[field] = f"longer than {LIMITS[field]} characters (it has {len(value)}): shorten it"
            content[field] = value
    if "quotes" in raw and raw["quotes"] is not None:
        quotes = []
        for item in raw["quotes"]:
            if isinstance(item, dict) and str(item.get("text", "")).strip():
                speaker = str(item.get("speaker", "")).strip()
                text, name = clean_markdown(str(item["text"])), clean_markdown(speaker)
                if single_line_problem(speaker):
                    errors["quotes"] = f"a speaker's name {single_line_problem(speaker)}"
                elif len(text) > QUOTE_LIMITS["text"] or len(name) > QUOTE_LIMITS["speaker"]:
                    errors["quotes"] = (f"quote {len(quotes) + 1} is too long (at most {QUOTE_LIMITS['text']} "
                                        f"characters, and {QUOTE_LIMITS['speaker']} for the speaker): shorten it")
                quotes.append({"text": text, "speaker": name})
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
    if check_rich:
        given = {field: content[field] for field in RICH_FIELDS if raw.get(field) is not None and field not in errors}
        errors.update(rich_text_problems(given))
    if errors:
        raise ReleaseError("some fields are not valid", errors)
    return content


def get_release(session: Session, release_id: int) -> Release:
    """The release with this id; ReleaseError 404 if none."""
    release = session.get(Release, release_id) if 0 < release_id < 2**31 else None
    if release is None:
        raise ReleaseError(f"no release {release_id}", status=404)
    return release


def filtered_releases(status: str | None = None, language: str | None = None,
                      meeting_id: int | None = None) -> Select:
    """Releases matching the staff list's filters (any left empty matches all), unordered.

    The list page and GET /api/v1/releases both filter this way.
    """
    query = select(Release)
    if status:
        query = query.where(Release.status == status)
    if language:
        query = query.where(Release.language == language)
    if meeting_id:
        query = query.where(Release.meeting_id == meeting_id)
    return query


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
    """docs/design/contract.md's release object (content of the current revision)."""
    content = release.content()
    return {
        "id": release.id, "slug": release.slug, "language": release.language,
        "translation_of": release.translation_of_id, "meeting_id": release.meeting_id,
        **{field: content.get(field) for field in CONTENT_FIELDS},
        "embargo_until": release.embargo_until, "publish_at": release.publish_at, "status": release.status,
        "revision": release.revision, "approved_revision": release.approved_revision,
        "published_revision": release.published_revision, "approval_policy": release.approval_policy,
        "first_published_at": release.first_published_at, "updated_published_at": release.updated_published_at,
        "correction_note": release.correction_note, "retraction_note": release.retraction_note,
        "notify_subscribers": release.notify_subscribers, "url": url,
    }
