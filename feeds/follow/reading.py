"""Reading one source: which document to fetch, and what it says (no Flask).

``kind="auto"`` discovers once: a feed the page links to, else one at a few
guessed paths (under the listing's path and language prefix, then the site's
root; within robots.txt), else the page itself as a listing. A feed is kept
only when it shares items with the page, and then its dates are the items'.
Later polls fetch the chosen document with its stored validators; a 304 is
never parsed. The extractor (:mod:`feeds.follow.extract`) only ever sees the
bytes the guarded fetcher got (docs/design/security.md item 8).
"""

from __future__ import annotations

import datetime as dt
import email.utils
import logging
import re
from dataclasses import dataclass, field

from feeds.follow import discover, extract
from feeds.follow.fetch import FetchError, Fetched
from feeds.follow.guard import Refused
from feeds.follow.urls import url_key
from feeds.follow.visit import RetryLater, Visit

log = logging.getLogger("pressroom.follow")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
MAX_FEED_LINKS = 3
MAX_FEED_GUESSES = 6
MAX_RETRY_AFTER = 24 * 3600


@dataclass(frozen=True)
class SourceView:
    """The fields of a Source a poll reads, detached from any session."""

    id: int
    url: str
    feed_url: str | None
    kind: str
    selectors: dict | None
    language: str
    etag: str | None
    last_modified: str | None
    discovered: bool


@dataclass
class Outcome:
    """What reading a source gave, for :mod:`feeds.follow.poll` to record."""

    kind: str  # items | not_modified | error | retry | gone | blocked | not_a_feed
    items: list = field(default_factory=list)
    from_feed: bool = False
    document_url: str | None = None  # the URL that was read (feed or page)
    etag: str | None = None
    last_modified: str | None = None
    moved_url: str | None = None  # source.url answered 301/308 to here
    moved_feed_url: str | None = None
    feed_url: str | None = None  # set by discovery (None: no feed)
    discovered: bool = False
    forget_feed: bool = False  # the stored feed is gone: discover again next time
    error: str | None = None
    retry_after: float | None = None
    parsed: int = 0
    # With explain=True: why each block of the listing page was or was not read as an item.
    blocks: list = field(default_factory=list)


def charset_of(content_type: str | None) -> str | None:
    """The charset parameter of a Content-Type header, if any."""
    match = _CHARSET.search(content_type or "")
    return match.group(1) if match else None


def retry_after_seconds(value: str | None, now: dt.datetime) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), bounded."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None or when.tzinfo is None:
            return None
        seconds = (when - now).total_seconds()
    return max(1.0, min(seconds, MAX_RETRY_AFTER))


def read_source(visit: Visit, source: SourceView, now: dt.datetime, *, explain: bool = False) -> Outcome:
    """Fetch and extract ``source``; never raises for network, HTTP or parsing trouble.

    ``explain`` (for "Try a URL") also keeps, for a listing page read by the generic extractor,
    the verdict on each of its blocks in ``Outcome.blocks``.
    """
    try:
        if source.kind == "auto" and not source.discovered:
            return _discover(visit, source, now, explain)
        feed = source.feed_url if source.kind == "auto" else (source.url if source.kind == "feed" else None)
        url = feed or source.url
        headers = {}
        if source.etag:
            headers["If-None-Match"] = source.etag
        if source.last_modified:
            headers["If-Modified-Since"] = source.last_modified
        response = visit.get(url, headers)
        failed = _failure(visit, response, now, is_feed=bool(feed) and source.kind == "auto")
        if failed is not None:
            return failed
        outcome = _validators(response, Outcome(kind="not_modified", document_url=url))
        if bool(feed) and source.kind == "auto":
            outcome.moved_feed_url = response.permanent_url
        else:
            outcome.moved_url = response.permanent_url
        if response.status == 304:
            return outcome
        if feed:
            return _read_feed(response, source, outcome)
        return _read_listing(response, source, outcome, explain)
    except Refused as exc:
        return Outcome(kind="blocked", error=str(exc))
    except RetryLater as exc:
        return Outcome(kind="retry", error=str(exc), retry_after=exc.seconds)
    except FetchError as exc:
        return Outcome(kind="error", error=str(exc))
    except (RecursionError, MemoryError, ValueError, LookupError) as exc:
        # Pages from other sites can trip any parser; the source shows it, the worker goes on.
        log.exception("could not extract source %s", source.id)
        return Outcome(kind="error", error=f"the page could not be read ({exc.__class__.__name__})")


def _validators(response: Fetched, outcome: Outcome) -> Outcome:
    outcome.etag = response.headers.get("ETag")
    outcome.last_modified = response.headers.get("Last-Modified")
    return outcome


def _failure(visit: Visit, response: Fetched, now: dt.datetime, *, is_feed: bool = False) -> Outcome | None:
    status = response.status
    if status in (200, 203, 304):
        return None
    if status == 429 or (status == 503 and response.headers.get("Retry-After")):
        seconds = retry_after_seconds(response.headers.get("Retry-After"), now) or 60.0
        visit.pause_host(response.url, seconds)
        return Outcome(kind="retry", retry_after=seconds,
                       error=f"{status} from {response.url}: the site asked us to retry after {seconds:.0f}s")
    if status == 410:
        return Outcome(kind="gone", forget_feed=is_feed,
                       error=f"410 Gone: {response.url} was removed by the site; polling stopped")
    return Outcome(kind="error", forget_feed=is_feed and status in (404, 410),
                   error=f"HTTP {status} from {response.url}")


def _read_feed(response: Fetched, source: SourceView, outcome: Outcome) -> Outcome:
    outcome.parsed += 1
    try:
        outcome.items = extract.extract_feed(response.body, response.url, response.content_type)
    except extract.NotAFeed as exc:
        outcome.kind, outcome.error = "not_a_feed", f"{response.url} is not a feed ({exc})"
        return outcome
    outcome.kind, outcome.from_feed = "items", True
    return outcome


def _read_listing(response: Fetched, source: SourceView, outcome: Outcome, explain: bool = False) -> Outcome:
    outcome.parsed += 1
    encoding = charset_of(response.content_type)
    outcome.items = extract.extract_listing(response.body, response.url, selectors=source.selectors or None,
                                            encoding=encoding, language=source.language)
    if explain and not source.selectors:
        outcome.blocks = extract.explain_listing(response.body, response.url, encoding=encoding,
                                                 language=source.language)
    outcome.kind = "items"
    return outcome


def _discover(visit: Visit, source: SourceView, now: dt.datetime, explain: bool = False) -> Outcome:
    page = visit.get(source.url)
    failed = _failure(visit, page, now)
    if failed is not None:
        return failed
    base = Outcome(kind="items", document_url=source.url, discovered=True, moved_url=page.permanent_url)
    if extract.looks_like_feed(page.body, page.content_type):
        base.feed_url = source.url
        return _read_feed(page, source, _validators(page, base))
    base.parsed += 1
    listing: Outcome | None = None
    for feed_url in _feed_candidates(visit, page):
        try:
            response = visit.get(feed_url)
        except (Refused, FetchError):
            continue
        if response.status != 200 or not extract.looks_like_feed(response.body, response.content_type):
            continue
        found = _read_feed(response, source, _validators(response, Outcome(kind="items", document_url=feed_url)))
        if found.kind != "items" or not found.items:
            continue
        listing = listing or _read_listing(page, source, _validators(page, base), explain)
        if listing.items and not _overlap(found.items, listing.items):
            continue  # the site's feed, but not this page's (page 2, an archive, another section)
        found.feed_url, found.discovered = response.permanent_url or feed_url, True
        found.moved_url, found.parsed = page.permanent_url, found.parsed + listing.parsed
        found.blocks = listing.blocks
        return found
    return listing or _read_listing(page, source, _validators(page, base), explain)


def _overlap(feed_items: list, listing_items: list) -> bool:
    keys = {url_key(item.url) for item in listing_items if item.url}
    return any(url_key(item.url) in keys for item in feed_items if item.url)


def _feed_candidates(visit: Visit, page: Fetched):
    """The feeds the page links to, then (when none of those is this page's) a few guessed ones."""
    linked = discover.find_feed_links(page.body, page.url)[:MAX_FEED_LINKS]
    yield from linked
    # The guesses cost a request each: a bounded few, and only those robots.txt lets us read.
    guesses = [url for url in discover.candidate_feed_urls(page.url) if url not in linked]
    yield from [url for url in guesses if _robots_allow(visit, url)][:MAX_FEED_GUESSES]


def _robots_allow(visit: Visit, url: str) -> bool:
    try:
        return visit.allowed(url)
    except Refused:
        return False
