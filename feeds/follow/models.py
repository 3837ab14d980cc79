"""Tables of the follower: followed sources, the items found on them, and one
row per host for robots.txt, politeness and the poll lease (no Flask)."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.db import Base, UTCDateTime, utcnow

KINDS = ("auto", "feed", "html")
STATUSES = ("ok", "failing", "broken", "blocked")
DEFAULT_INTERVAL_MINUTES = 60


def host_key(url: str) -> str:
    """The "host:port" a URL is fetched from: the unit of politeness and of the poll lease."""
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    host = (parts.hostname or "").lower()
    return f"{host}:{port or (443 if parts.scheme == 'https' else 80)}"


class Source(Base):
    """A related site the follower watches: a feed or a news-listing page."""

    __tablename__ = "follow_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # The configured URL; a 301/308 answer replaces it with the new location.
    url: Mapped[str] = mapped_column(String(2000))
    # The feed discovery found (kind "auto") or the configured feed; polled instead of url.
    feed_url: Mapped[str | None] = mapped_column(String(2000), nullable=True)
    kind: Mapped[str] = mapped_column(String(10), default="auto")
    # When discovery (kind "auto") last looked for a feed; None: look on the next poll.
    discovered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    selectors: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    language: Mapped[str] = mapped_column(String(8), default="en")
    interval_minutes: Mapped[int] = mapped_column(Integer, default=DEFAULT_INTERVAL_MINUTES)
    paused: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(10), default="ok", index=True)
    last_polled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    next_poll_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    last_success_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    # How many items a healthy poll finds; far fewer means the site changed (broken).
    usual_item_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    etag: Mapped[str | None] = mapped_column(String(500), nullable=True)
    last_modified: Mapped[str | None] = mapped_column(String(100), nullable=True)
    # "host:port" of the polled URL: polls of one host are serialised on it.
    host: Mapped[str] = mapped_column(String(300), default="", index=True)
    # Set on the sources seeded by migration 0007, so they can be recognised.
    default_key: Mapped[str | None] = mapped_column(String(60), nullable=True, unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    items: Mapped[list["Item"]] = relationship(back_populates="source", cascade="all, delete-orphan",
                                               passive_deletes=True)


class Item(Base):
    """One news item found on a source; (source, normalised URL) is its identity."""

    __tablename__ = "follow_items"
    __table_args__ = (
        UniqueConstraint("source_id", "url_key"),
        Index("ix_follow_items_source_id_guid", "source_id", "guid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("follow_sources.id", ondelete="CASCADE"), index=True)
    guid: Mapped[str | None] = mapped_column(String(1000), nullable=True)
    url: Mapped[str] = mapped_column(String(2000))
    url_key: Mapped[str] = mapped_column(String(2000))
    title: Mapped[str] = mapped_column(String(1000))  # plain text
    summary: Mapped[str] = mapped_column(Text, default="")  # sanitised HTML
    # None: the site gives no date we could trust (docs/design/security.md item 10), never "now".
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    # False when the site gave only a date: published_at is then that day at 00:00 UTC.
    published_has_time: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[str] = mapped_column(String(8), default="en")
    # A hash of title, summary and date: a changed item is updated in place.
    content_hash: Mapped[str] = mapped_column(String(64), default="")
    # When the item's own page was read for a missing date or summary (at most once).
    detail_checked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    first_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    source: Mapped[Source] = relationship(back_populates="items")


class Host(Base):
    """Per-host state shared by every worker: robots.txt, Crawl-delay and the poll lease."""

    __tablename__ = "follow_hosts"

    id: Mapped[int] = mapped_column(primary_key=True)
    host: Mapped[str] = mapped_column(String(300), unique=True)
    # The worker polling this host now; nobody else polls it until lease_until.
    lease_owner: Mapped[str | None] = mapped_column(String(120), nullable=True)
    lease_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    robots_body: Mapped[str | None] = mapped_column(Text, nullable=True)
    # 200-299: robots_body applies; 4xx: allow all; 5xx or 0 (unreachable): disallow all.
    robots_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    robots_fetched_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    crawl_delay: Mapped[float | None] = mapped_column(Float, nullable=True)
    # Earliest time of the next request to this host (Crawl-delay, Retry-After).
    next_request_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
