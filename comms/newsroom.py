"""What the public newsroom may show (no Flask): published, listed, past their embargo."""

from __future__ import annotations

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from comms.releases import Release
from contacts.vocab import fold
from storage.db import utcnow


def public_query(query: Select) -> Select:
    """Limit a query over Release to what anyone may see, now."""
    now = utcnow()
    return query.where(Release.published_revision.is_not(None), Release.first_published_at.is_not(None),
                       Release.retracted_at.is_(None),
                       or_(Release.embargo_until.is_(None), Release.embargo_until <= now))


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_public(session: Session, *, language: str = "", topic: str = "", meeting_id: int | None = None,
                  q: str = "", page: int = 1, per_page: int = 20) -> tuple[list[Release], int]:
    """Public releases, newest first, filtered; returns one page and the total."""
    query = public_query(select(Release))
    if language:
        query = query.where(Release.language == language)
    if topic:
        query = query.where(Release.public_topics.like(f"% {_escape(topic)} %", escape="\\"))
    if meeting_id:
        query = query.where(Release.meeting_id == meeting_id)
    for word in fold(q).split():
        query = query.where(Release.public_search.like(f"%{_escape(word)}%", escape="\\"))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    # The listing shows each release's published revision: load the page's revisions in one
    # query rather than one lazy load per release.
    rows = session.scalars(query.order_by(Release.first_published_at.desc(), Release.id.desc())
                           .offset((max(page, 1) - 1) * per_page).limit(per_page)
                           .options(selectinload(Release.revisions)))
    return list(rows), total


def public_release(session: Session, slug: str, language: str) -> Release | None:
    """The release at /news/{slug} in a language, if the public may see it (retracted pages stay)."""
    release = session.scalar(select(Release).where(Release.slug == slug, Release.language == language))
    return release if release is not None and release.is_public else None


def public_translations(session: Session, release: Release) -> list[Release]:
    """The public language versions of a release (for hreflang links)."""
    root = release.translation_of_id or release.id
    query = public_query(select(Release)).where((Release.id == root) | (Release.translation_of_id == root))
    return list(session.scalars(query.order_by(Release.language)))
