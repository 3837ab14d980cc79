"""Polling one followed source end to end, and its health (no Flask).

:func:`poll_source` holds the source's host lease (one poll per host at a
time, across every worker), reads the source (:mod:`feeds.follow.reading`),
stores the items (:mod:`feeds.follow.store`), reads a bounded number of item
pages when the listing lacks dates or summaries, and records the outcome:

- ``ok``: read and found about as many items as usual;
- ``failing``: network or HTTP errors (the last one shown), with back-off;
- ``broken``: read, but nothing found, or under half the usual number;
- ``blocked``: robots.txt or the address guard refuses the URL.
A 301/308 moves the stored URL, a 429 waits for its Retry-After, a 410 pauses
the source.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from sqlalchemy import or_, select

from feeds.follow import extract
from feeds.follow.fetch import FetchError, Limits
from feeds.follow.guard import Network, Refused, Resolver, system_resolver
from feeds.follow.hosts import HostBusy, host_lease
from feeds.follow.models import Item, Source, host_key
from feeds.follow.reading import Outcome, SourceView, charset_of, read_source
from feeds.follow.store import apply_detail, upsert_items
from feeds.follow.visit import RetryLater, Visit
from storage.db import Database, utcnow

MAX_BACKOFF = dt.timedelta(hours=24)


class SourceNotFound(LookupError):
    """No source has this id."""


@dataclass(frozen=True)
class FollowSettings:
    """How the follower fetches; built on the comms side from the configuration."""

    allowed_networks: tuple[Network, ...] = ()
    user_agent: str = "Pressroom"
    limits: Limits = Limits()
    detail_pages_per_poll: int = 5
    # How long a poll waits for another worker to finish with the same host.
    host_wait_seconds: float = 120.0
    resolver: Resolver = system_resolver


@dataclass
class PollResult:
    """What one poll did."""

    source_id: int
    new_items: int = 0
    updated_items: int = 0
    unchanged: bool = False
    status: str = "ok"
    previous_status: str = "ok"
    new_item_ids: list[int] = field(default_factory=list)
    updated_item_ids: list[int] = field(default_factory=list)
    error: str | None = None
    busy: bool = False  # another worker held the host; nothing was done
    parsed: int = 0  # documents parsed (a 304 parses none)
    requests: int = 0  # HTTP requests sent, robots.txt included


def backoff(interval_minutes: int, failures: int) -> dt.timedelta:
    """Wait after ``failures`` failed polls in a row: the interval, doubled each time, at most a day."""
    return min(dt.timedelta(minutes=max(interval_minutes, 1)) * 2 ** max(failures - 1, 0), MAX_BACKOFF)


def poll_source(db: Database, source_id: int, *, settings: FollowSettings, now: dt.datetime | None = None,
                wait_for_host: float | None = None) -> PollResult:
    """Poll one source now (paused or not) and record the result."""
    now = now or utcnow()
    session = db.session(read_mostly=True)
    try:
        source = session.get(Source, source_id)
        if source is None:
            raise SourceNotFound(f"no followed source with id {source_id}")
        view, previous = _view(source), source.status
    finally:
        session.close()
    polled = (view.feed_url if view.kind == "auto" and view.feed_url else view.url)
    wait = settings.host_wait_seconds if wait_for_host is None else wait_for_host
    try:
        with host_lease(db, host_key(polled), wait=wait):
            visit = Visit(db, user_agent=settings.user_agent, allowed_networks=settings.allowed_networks,
                          limits=settings.limits, resolver=settings.resolver)
            try:
                outcome = read_source(visit, view, now)
                result = _record(db, source_id, outcome, now)
                # Only after a listing was read: a 304 costs one request and no parsing.
                if outcome.kind == "items" and not outcome.from_feed:
                    _read_details(db, visit, view, settings.detail_pages_per_poll, now, result)
            finally:
                visit.close()
            result.requests = visit.requests_made
    except HostBusy as exc:
        return PollResult(source_id=source_id, status=previous, previous_status=previous, unchanged=True,
                          error=str(exc), busy=True)
    result.previous_status = previous
    result.parsed = outcome.parsed
    return result


def _view(source: Source) -> SourceView:
    return SourceView(id=source.id, url=source.url, feed_url=source.feed_url, kind=source.kind,
                      selectors=source.selectors, language=source.language or "en", etag=source.etag,
                      last_modified=source.last_modified, discovered=source.discovered_at is not None)


def _record(db: Database, source_id: int, outcome: Outcome, now: dt.datetime) -> PollResult:
    with db.transaction() as session:
        source = session.get(Source, source_id)
        result = PollResult(source_id=source_id, previous_status=source.status)
        source.last_polled_at = source.updated_at = now
        _move(source, outcome)
        if outcome.kind == "items":
            stored = upsert_items(session, source.id, source.language or "en", outcome.items, now)
            result.new_item_ids = [item.id for item in stored.new]
            result.updated_item_ids = [item.id for item in stored.updated]
            result.new_items, result.updated_items = len(stored.new), len(stored.updated)
            _judge(source, stored.seen, outcome)
        elif outcome.kind == "not_modified":
            result.unchanged = True
            if source.status != "broken":
                source.status, source.last_error, source.last_success_at = "ok", None, now
            source.consecutive_failures = 0
        elif outcome.kind == "not_a_feed":
            source.status, source.last_error, source.consecutive_failures = "broken", outcome.error, 0
        else:
            _fail(source, outcome, now)
        if outcome.kind in ("items", "not_modified", "not_a_feed"):
            source.etag, source.last_modified = outcome.etag, outcome.last_modified
            source.next_poll_at = now + dt.timedelta(minutes=max(source.interval_minutes, 1))
        result.status, result.error = source.status, source.last_error if source.status != "ok" else None
        return result


def _move(source: Source, outcome: Outcome) -> None:
    if outcome.moved_url and outcome.moved_url != source.url:
        source.url = outcome.moved_url
    if source.kind == "auto":
        if outcome.discovered:
            source.discovered_at, source.feed_url = source.updated_at, outcome.feed_url
        if outcome.moved_feed_url:
            source.feed_url = outcome.moved_feed_url
        if outcome.forget_feed:
            # The feed is gone: discover afresh next time, without its validators.
            source.feed_url = source.discovered_at = source.etag = source.last_modified = None
    source.host = host_key(source.feed_url if source.kind == "auto" and source.feed_url else source.url)


def _judge(source: Source, found: int, outcome: Outcome) -> None:
    usual = source.usual_item_count
    source.consecutive_failures = 0
    where = outcome.document_url or source.url
    if found == 0:
        source.status, source.last_error = "broken", f"{where} was read but no items were found: the site may have changed"
    elif usual and found * 2 < usual:
        source.status = "broken"
        source.last_error = f"{where} gave {found} items where {usual} are usual: the site may have changed"
    else:
        source.status, source.last_error, source.last_success_at = "ok", None, source.last_polled_at
        source.usual_item_count = found if usual is None else math.ceil((usual + found) / 2)


def _fail(source: Source, outcome: Outcome, now: dt.datetime) -> None:
    source.consecutive_failures = (source.consecutive_failures or 0) + 1
    source.last_error = outcome.error
    if outcome.kind == "gone":
        # The site says the page is gone for good: stop until staff edit or resume it.
        source.status, source.paused, source.next_poll_at = "failing", True, None
    elif outcome.kind == "retry":
        source.status = "failing"
        source.next_poll_at = now + dt.timedelta(seconds=outcome.retry_after or 60)
    else:
        source.status = "blocked" if outcome.kind == "blocked" else "failing"
        source.next_poll_at = now + backoff(source.interval_minutes, source.consecutive_failures)


def _read_details(db: Database, visit: Visit, view: SourceView, limit: int, now: dt.datetime,
                  result: PollResult) -> None:
    """Read the pages of up to ``limit`` items that lack a date or a summary (each at most once)."""
    if limit <= 0:
        return
    host = host_key(view.url)
    with db.session(read_mostly=True) as session:
        pending = session.scalars(
            select(Item).where(Item.source_id == view.id, Item.detail_checked_at.is_(None),
                               or_(Item.published_at.is_(None), Item.summary == ""))
            .order_by(Item.first_seen_at.desc(), Item.id.desc()).limit(limit * 4)
        ).all()
        targets = [(item.id, item.url) for item in pending if host_key(item.url) == host][:limit]
    for item_id, url in targets:
        published, summary, checked = None, None, True
        try:
            response = visit.get(url)
            if response.status == 200:
                result.parsed += 1
                published, summary = extract.extract_detail(response.body, response.url,
                                                             encoding=charset_of(response.content_type),
                                                             language=view.language)
            elif response.status >= 500 or response.status == 429:
                checked = False
        except Refused:
            pass
        except (FetchError, RetryLater):
            checked = False
        if not checked:
            continue
        with db.transaction() as session:
            item = session.get(Item, item_id)
            if item is not None and apply_detail(item, published, summary, now) and item_id not in result.new_item_ids:
                result.updated_item_ids.append(item_id)
                result.updated_items += 1
