"""Pick-up: items from followed sources that mention one of our published releases (no Flask).

An item picks up a release when its link or summary carries the release's public
URL (``/news/<slug>``, on our host when PRESSROOM_BASE_URL is set), or when its
title or summary contains the release's public headline, compared without case,
accents or punctuation. Matching runs when items arrive (comms.following.alerts)
and is stored, so a release's staff page reads it with one query.
"""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

from sqlalchemy import ForeignKey, String, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship, selectinload

from comms.releases.service import Release
from comms.following.watch_match import fold, html_to_text
from feeds.follow.models import Item
from storage.db import Base, UTCDateTime, utcnow

# Shorter headlines ("Press release") would match too much.
MIN_HEADLINE_WORDS = 4
_WORDS = re.compile(r"[^\W_]+")


class ReleasePickup(Base):
    """An item that mentions a release: how it was recognised and what matched."""

    __tablename__ = "release_pickups"
    __table_args__ = (UniqueConstraint("release_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("follow_items.id", ondelete="CASCADE"), index=True)
    matched_by: Mapped[str] = mapped_column(String(10))  # "url" or "headline"
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    item: Mapped[Item] = relationship()


def normalise(text: str) -> str:
    """Words only, folded: 'States Parties’ meeting — Geneva!' -> 'states parties meeting geneva'."""
    return " ".join(_WORDS.findall(fold(text or "")))


def _url_pattern(base_url: str, slug: str) -> re.Pattern:
    host = urlsplit(base_url).netloc if base_url else ""
    prefix = (r"//" + re.escape(host.lower())) if host else ""
    # The slug must end there ("/news/a" is not "/news/a-b"); an optional ?lang= picks the translation.
    return re.compile(prefix + r"/news/" + re.escape(slug) + r"(?![\w-])(?:/?\?(?:[^\s\"'<>#]*&)?lang=([a-z]{2}))?",
                      re.IGNORECASE)


def _candidates(session: Session) -> list[tuple[Release, str]]:
    found = session.scalars(select(Release).options(selectinload(Release.revisions))
                            .where(Release.published_revision.is_not(None), Release.retracted_at.is_(None)))
    out = []
    for release in found:
        if release.is_listed:
            headline = normalise((release.public_content or {}).get("headline", ""))
            out.append((release, headline if len(headline.split()) >= MIN_HEADLINE_WORDS else ""))
    return out


def _matches(item: Item, candidates, base_url: str) -> list[tuple[int, str]]:
    raw = f"{item.url}\n{item.summary}"
    words = f" {normalise(item.title)} {normalise(html_to_text(item.summary))} "
    hits: dict[int, str] = {}
    by_slug: dict[str, list[Release]] = {}
    for release, headline in candidates:
        by_slug.setdefault(release.slug, []).append(release)
        if headline and f" {headline} " in words:
            hits.setdefault(release.id, "headline")
    for slug, family in by_slug.items():
        for found in _url_pattern(base_url, slug).finditer(raw):
            language = (found.group(1) or "").lower()
            for release in family:
                if not language or release.language == language:
                    hits[release.id] = "url"
    return list(hits.items())


def match_items(runtime, item_ids: list[int]) -> int:
    """Record which of these items pick up a published release; returns how many new pick-ups."""
    created = 0
    with runtime.db.transaction() as session:
        candidates = _candidates(session)
        if not candidates:
            return 0
        done = set(session.execute(select(ReleasePickup.release_id, ReleasePickup.item_id)
                                   .where(ReleasePickup.item_id.in_(item_ids))).all())
        for item in session.scalars(select(Item).where(Item.id.in_(item_ids))):
            for release_id, how in _matches(item, candidates, runtime.config.base_url):
                if (release_id, item.id) in done:
                    continue
                try:
                    with session.begin_nested():
                        session.add(ReleasePickup(release_id=release_id, item_id=item.id, matched_by=how))
                        session.flush()
                    created += 1
                except IntegrityError:
                    continue  # a concurrent poll recorded it first
    return created


def pickups_for(session: Session, release_id: int, limit: int = 100) -> list[ReleasePickup]:
    """The items that picked up a release, newest first, with their sources."""
    return list(session.scalars(
        select(ReleasePickup).options(selectinload(ReleasePickup.item).selectinload(Item.source))
        .join(Item, Item.id == ReleasePickup.item_id)
        .where(ReleasePickup.release_id == release_id)
        .order_by(Item.first_seen_at.desc(), ReleasePickup.id.desc()).limit(limit)))
