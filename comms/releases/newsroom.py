"""What the public newsroom may show (no Flask): published, listed, past their embargo.

The page, the listing, search, the public API, the feeds (comms.syndication.items),
hreflang alternates and the email links all come through these queries or
Release.is_public, so the embargo rule (a translation waits for its original's
embargo too) is decided in one place: comms.releases."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from comms.releases.service import Release, embargo_lifted
from contacts.vocab import search_words
from storage.db import escape_like, utcnow


def ever_public_query(query: Select, now: dt.datetime | None = None) -> Select:
    """Limit a query over Release to what was made public and is past every embargo that holds it
    (its own and, for a translation, its original's: releases.embargo_lifted), retracted or not."""
    return query.where(Release.published_revision.is_not(None), Release.first_published_at.is_not(None),
                       embargo_lifted(now or utcnow()))


def public_query(query: Select) -> Select:
    """Limit a query over Release to what anyone may see, now (public and not retracted)."""
    return ever_public_query(query).where(Release.retracted_at.is_(None))



def filtered_public_query(*, language: str = "", topic: str = "", meeting_id: int | None = None,
                          q: str = "") -> Select:
    """Public releases matching the newsroom's filters (unordered)."""
    query = public_query(select(Release))
    if language:
        query = query.where(Release.language == language)
    if topic:
        query = query.where(Release.public_topics.like(f"% {escape_like(topic)} %", escape="\\"))
    if meeting_id:
        query = query.where(Release.meeting_id == meeting_id)
    for word in search_words(q):
        query = query.where(Release.public_search.like(f"%{escape_like(word)}%", escape="\\"))
    return query


def search_public(session: Session, *, language: str = "", topic: str = "", meeting_id: int | None = None,
                  q: str = "", page: int = 1, per_page: int = 20) -> tuple[list[Release], int]:
    """Public releases, newest first, filtered; returns one page and the total."""
    query = filtered_public_query(language=language, topic=topic, meeting_id=meeting_id, q=q)
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
