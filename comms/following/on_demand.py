"""Polling on demand and "Try a URL" for staff (no Flask).

``preview`` reads a URL exactly as a first poll would (the guarded fetcher,
robots.txt, feed discovery and the same extractors, through
feeds.follow.reading) and returns what it would extract. Nothing is stored:
no source, no item, and not even the per-host robots.txt cache.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from comms.following import jobs as follow_jobs
from feeds.follow.reading import SourceView, read_source
from feeds.follow.visit import Visit
from storage.db import utcnow

PREVIEW_ITEMS = 50


@dataclass
class PreviewItem:
    """One item as the extractor found it (already cleaned by it; templates escape it again)."""

    title: str
    url: str
    published: str
    summary: str


@dataclass
class PreviewBlock:
    """One block of the listing page the generic extractor weighed, and why it kept or dropped it."""

    title: str
    url: str
    kept: bool
    reasons: str


@dataclass
class Preview:
    """What a poll of ``url`` would find."""

    url: str
    kind: str = "auto"
    selectors: dict | None = None
    title: str = ""
    language: str = ""
    feed_url: str | None = None
    discovered: bool = False
    items: list[PreviewItem] = field(default_factory=list)
    blocks: list[PreviewBlock] = field(default_factory=list)
    error: str | None = None
    # True when the address or robots.txt refused the fetch: offering to save it would mislead.
    refused: bool = False


def poll_now(runtime, source_id: int):
    """Poll one source now, in this thread, then run its alerts; returns its PollResult."""
    return follow_jobs.poll_and_alert(runtime, source_id)


def _published(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def _name_for(url: str) -> str:
    host = (urlsplit(url).hostname or url).lower()
    return host.removeprefix("www.")


def preview(runtime, url: str, *, kind: str = "auto", selectors: dict | None = None, language: str = "en",
            now: dt.datetime | None = None) -> Preview:
    """Fetch ``url`` and extract its items as a first poll would; nothing is stored."""
    settings = follow_jobs.follow_settings(runtime.config)
    view = SourceView(id=0, url=url, feed_url=None, kind=kind, selectors=selectors or None, language=language,
                      etag=None, last_modified=None, discovered=False)
    visit = Visit(runtime.db, user_agent=settings.user_agent, allowed_networks=settings.allowed_networks,
                  limits=settings.limits, resolver=settings.resolver)
    try:
        outcome = read_source(visit, view, now or utcnow(), explain=True)
    finally:
        # Only the connections: Visit.close() would also save this host's robots.txt verdict.
        visit.fetcher.close()
    result = Preview(url=url, kind=kind, selectors=selectors or None, title=_name_for(url), language=language,
                     feed_url=outcome.feed_url or (url if kind == "feed" else None),
                     discovered=bool(outcome.feed_url and outcome.feed_url != url))
    if outcome.kind not in ("items", "not_modified"):
        result.error = outcome.error or f"nothing could be read ({outcome.kind})"
        result.refused = outcome.kind == "blocked"
        return result
    result.blocks = [PreviewBlock(block.title, block.url, block.kept, block.reasons)
                     for block in outcome.blocks[:PREVIEW_ITEMS * 2]]
    for item in outcome.items[:PREVIEW_ITEMS]:
        result.items.append(PreviewItem(title=getattr(item, "title", "") or "", url=getattr(item, "url", "") or "",
                                        published=_published(getattr(item, "published", None)),
                                        summary=getattr(item, "summary", "") or ""))
    return result
