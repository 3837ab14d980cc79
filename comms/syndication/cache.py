"""Feed documents, built once per change and served from memory (no Flask).

A feed is rebuilt only when its *version* changes. The version is a few small
aggregate queries over the rows a feed depends on (counts, highest ids, newest
times, the sum of published revisions; the embargo condition is evaluated
against the clock, so a lifting embargo changes it too), on a plain connection:
no ORM objects. Each process remembers a version for one second, or until its
next commit, so a cache hit usually costs no query at all. Each web process
keeps its own cache; because the version comes from the database, a change made
by another process shows within that second, and the same data gives the same
bytes, so the strong ETag (a digest of the bytes) is the same in every process.

``Last-Modified`` is the newest time among those rows (publication, correction,
retraction, item found): it never goes backwards when an entry
leaves a feed, so If-Modified-Since stays safe.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field, replace

from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from comms.meetings import documents
from comms.syndication import items as feed_items
from comms.releases import service as releases
from comms.syndication.items import FeedSite, Key, ReleaseFilters, feed_text
from comms.platform.jobs import enqueue, job, periodic
from comms.meetings.service import Meeting
from comms.documents import feed as register_feed
from comms.documents.models import RegisterDocument
from feeds import archive
from feeds.build import FORMATS, FeedInfo, build_feed
from feeds.follow.models import Item, Source
from feeds.websub import claim_change, publish, usable_hub
from storage.db import READ_MOSTLY, utcnow

KINDS = ("releases", "related", "meeting")
EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)  # "updated" of a feed that has never had an entry
CACHE_SIZE = 512
VERSION_TTL = 1.0  # seconds a version is trusted before asking the database again


@dataclass(frozen=True)
class FeedRequest:
    """Which feed document: kind, format, filters (releases), meeting, archive page."""

    kind: str
    fmt: str
    filters: ReleaseFilters = field(default_factory=ReleaseFilters)
    meeting_id: int | None = None
    page: int | None = None

    def path(self, fmt: str | None = None, page: int | None = None, *, current: bool = False) -> str:
        """The site path of this feed in ``fmt`` (an archive page, or the current feed)."""
        fmt = fmt or self.fmt
        page = None if current else (page if page is not None else self.page)
        name = f"meetings/{self.meeting_id}" if self.kind == "meeting" else self.kind
        if page is not None:
            return f"/feeds/{name}/archive/{page}.{fmt}" + self.filters.query_string()
        return f"/feeds/{name}.{fmt}" + self.filters.query_string()

    @property
    def scope(self) -> str:
        """What the feed's version depends on."""
        return f"meeting:{self.meeting_id}" if self.kind == "meeting" else self.kind


@dataclass(frozen=True)
class Version:
    """A digest of the rows a feed depends on, and the newest time among them."""

    digest: str
    stamp: dt.datetime


@dataclass(frozen=True)
class CachedFeed:
    """Built bytes with their validators."""

    body: bytes
    etag: str
    last_modified: dt.datetime
    version: str


# --- Versions --------------------------------------------------------------------------------------------------------

def _digest(*rows) -> str:
    return hashlib.sha256(repr(rows).encode()).hexdigest()[:24]


def _stamp(*times) -> dt.datetime:
    aware = [t if t.tzinfo else t.replace(tzinfo=dt.timezone.utc) for t in times if isinstance(t, dt.datetime)]
    return max(aware, default=EPOCH).astimezone(dt.timezone.utc).replace(microsecond=0)


def _release_row(now: dt.datetime):
    r = releases.Release
    return feed_items._ever_public(select(
        func.count(), func.max(r.id), func.sum(r.published_revision), func.max(r.first_published_at),
        func.max(r.updated_published_at), func.max(r.retracted_at), func.max(r.updated_at)), now)


def releases_version(connection) -> Version:
    """Every release feed's version: public releases, the boilerplate, meeting names. A release's
    files are part of its published revision (comms.releases.files), so they change only with a
    republication, which the sum of published revisions and the newest update time already show."""
    row = connection.execute(_release_row(utcnow())).one()
    extra = connection.execute(select(select(func.max(releases.Boilerplate.updated_at)).scalar_subquery(),
                                      select(func.max(Meeting.updated_at)).scalar_subquery())).one()
    return Version(_digest(tuple(row), tuple(extra)), _stamp(*row[3:6], *extra))


def related_version(connection) -> Version:
    """The related feed's version: followed items and their sources."""
    items = connection.execute(select(func.count(), func.max(Item.id), func.max(Item.updated_at),
                                      func.max(Item.first_seen_at))).one()
    # The few fields entries show, not Source.updated_at: every poll touches that.
    sources = connection.execute(select(Source.id, Source.name, Source.url, Source.feed_url, Source.language)
                                 .order_by(Source.id)).all()
    return Version(_digest(tuple(items), tuple(map(tuple, sources))), _stamp(items[2], items[3]))


def meeting_version(connection, meeting_id: int) -> Version:
    """A meeting feed's version: the releases' version plus the meeting and its documents."""
    base = releases_version(connection)
    d, f = documents.Document, documents.DocumentFile
    docs = connection.execute(select(func.count(), func.max(d.id), func.max(d.published_at), func.max(f.id),
                                     func.count(f.id), func.max(f.uploaded_at))
                              .select_from(d).outerjoin(f, f.document_id == d.id)
                              .where(d.meeting_id == meeting_id, d.public.is_(True))).one()
    meeting = connection.execute(select(Meeting.title, Meeting.updated_at).where(Meeting.id == meeting_id)).first()
    registered = register_feed.version_row(connection, meeting_id)
    return Version(_digest(base.digest, tuple(docs), tuple(meeting or ()), registered),
                   _stamp(base.stamp, docs[2], docs[5], registered[2]))


def version_of(connection, request: FeedRequest) -> Version:
    """The version of the data behind ``request``."""
    if request.kind == "related":
        return related_version(connection)
    if request.kind == "meeting":
        return meeting_version(connection, request.meeting_id)
    return releases_version(connection)


# --- Building --------------------------------------------------------------------------------------------------------

def _keys(session: Session, request: FeedRequest) -> list[Key] | None:
    if request.kind == "related":
        return feed_items.related_keys(session)
    if request.kind == "meeting":
        meeting = session.get(Meeting, request.meeting_id)
        return feed_items.meeting_keys(session, meeting) if meeting else None
    return feed_items.release_keys(session, request.filters)


def _title(session: Session, site: FeedSite, request: FeedRequest) -> tuple[str, str, str]:
    words = feed_text(request.filters.language or "en")
    if request.kind == "related":
        return words["related"], words["related_sub"].format(office=site.office), site.url("/feeds/")
    if request.kind == "meeting":
        meeting_title = session.scalar(select(Meeting.title).where(Meeting.id == request.meeting_id)) or ""
        return (meeting_title, words["meeting_sub"].format(meeting=meeting_title),
                site.url(f"/meetings/{request.meeting_id}"))
    title = f"{words['releases']} · {site.office}"
    filters = request.filters
    if filters.topic:
        title += f" · {filters.topic}"
    if filters.meeting_id:
        title += " · " + (session.scalar(select(Meeting.title).where(Meeting.id == filters.meeting_id)) or "")
    return title, words["releases_sub"].format(office=site.office), site.url("/news/" + filters.query_string())


def build_document(session: Session, site: FeedSite, request: FeedRequest) -> bytes | None:
    """The bytes of one feed document; None when it does not exist (an unknown meeting or archive page)."""
    parts = document_parts(session, site, request)
    return build_feed(request.fmt, *parts) if parts else None


def document_parts(session: Session, site: FeedSite, request: FeedRequest) -> tuple[FeedInfo, list] | None:
    """The feed (for every format) and its entries; None when it does not exist."""
    keys = _keys(session, request)
    if keys is None:
        return None
    newest = archive.newest_page(len(keys))
    links: dict[str, dict[str, str]] = {"prev": {}, "next": {}, "current": {}}
    if request.page is None:
        selected = [key for key in keys if key.listed][-archive.PAGE_SIZE:]
        if newest:
            links["prev"] = {fmt: site.url(request.path(fmt, newest)) for fmt in FORMATS}
    else:
        page = archive.archive_page(request.page, len(keys))
        if page is None:
            return None
        selected = keys[page.offset:page.offset + page.size]
        links["current"] = {fmt: site.url(request.path(fmt, current=True)) for fmt in FORMATS}
        if page.prev:
            links["prev"] = {fmt: site.url(request.path(fmt, page.prev)) for fmt in FORMATS}
        if page.next:
            links["next"] = {fmt: site.url(request.path(fmt, page.next)) for fmt in FORMATS}
    title, subtitle, home = _title(session, site, request)
    base_id = request.path("x", current=True).replace(".x", "", 1)
    info = FeedInfo(
        id=site.tag(base_id.lstrip("/")), title=title, subtitle=subtitle, home_url=home,
        self_urls={fmt: site.url(request.path(fmt)) for fmt in FORMATS}, empty_updated=EPOCH,
        language=request.filters.language, author_name=site.office, author_url=site.url("/news/"),
        icon_url=site.url("/static/feeds/icon.png"), logo_url=site.url("/static/feeds/logo.png"),
        favicon_url=site.url("/static/feeds/favicon.png"), hub_url=site.hub_url,
        prev_archive=links["prev"], next_archive=links["next"], current=links["current"],
        is_archive=request.page is not None)
    return info, feed_items.load_items(session, site, selected)


# --- The cache -------------------------------------------------------------------------------------------------------

_commits = itertools.count(1)
_generation = 0


@event.listens_for(Session, "after_commit")
def _data_changed(_session) -> None:
    """Any commit in this process may have changed what a feed shows: forget remembered versions."""
    global _generation
    _generation = next(_commits)


class FeedCache:
    """Built feeds by (site, request), each kept with the version it was built from.

    The version itself is remembered for ``version_ttl`` seconds, or until the
    next commit in this process, so a burst of readers costs one query per
    second; a change made by another process shows within that second.
    """

    def __init__(self, size: int = CACHE_SIZE, *, version_ttl: float = VERSION_TTL, clock=time.monotonic):
        self.size = size
        self.version_ttl = version_ttl
        self.clock = clock
        self._entries: OrderedDict[tuple, CachedFeed] = OrderedDict()
        self._parts: OrderedDict[tuple, tuple] = OrderedDict()
        self._versions: dict[tuple, tuple[Version, float, int]] = {}
        self._lock = threading.Lock()
        self.builds = 0
        self.version_queries = 0

    def version(self, db, request: FeedRequest) -> Version:
        """The version of the data behind ``request``, asked of the database at most once per TTL."""
        key = (db.url, request.scope)
        now, generation = self.clock(), _generation
        remembered = self._versions.get(key)
        if remembered and remembered[2] == generation and now - remembered[1] < self.version_ttl:
            return remembered[0]
        with db.engine.connect().execution_options(**{READ_MOSTLY: True}) as connection:
            version = version_of(connection, request)
        self.version_queries += 1
        if len(self._versions) > self.size:
            self._versions.clear()
        self._versions[key] = (version, now, generation)
        return version

    def peek(self, db, site: FeedSite, request: FeedRequest) -> CachedFeed | None:
        """The built feed if it is still current, else None (never builds)."""
        cached = self._entries.get((site, request))
        if cached is None or cached.version != self.version(db, request).digest:
            return None
        return cached

    def get(self, db, site: FeedSite, request: FeedRequest) -> CachedFeed | None:
        """The feed's bytes, rebuilt only if the data changed; None if the document does not exist."""
        version = self.version(db, request)
        key = (site, request)
        with self._lock:
            cached = self._entries.get(key)
            if cached is not None and cached.version == version.digest:
                self._entries.move_to_end(key)
                return cached
            # The entries do not depend on the format: RSS, Atom and JSON share them.
            parts_key = (site, replace(request, fmt=""), version.digest)
            parts = self._parts.get(parts_key)
        if parts is None:
            session = db.session(read_mostly=True)
            try:
                parts = document_parts(session, site, request)
            finally:
                session.close()
            if parts is None:
                return None
            with self._lock:
                self._parts[parts_key] = parts
                while len(self._parts) > self.size // 4:
                    self._parts.popitem(last=False)
        body = build_feed(request.fmt, *parts)
        built = CachedFeed(body=body, etag=hashlib.sha256(body).hexdigest()[:40], last_modified=version.stamp,
                           version=version.digest)
        with self._lock:
            self.builds += 1
            self._entries[key] = built
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return built

    def clear(self) -> None:
        """Forget every built feed."""
        with self._lock:
            self._entries.clear()
            self._parts.clear()
            self._versions.clear()


# --- Telling the WebSub hub ------------------------------------------------------------------------------------------

def _grouped_digests(connection, now: dt.datetime) -> dict[str, str]:
    """A digest per feed group: all release feeds, the related feed, each meeting's feed."""
    r, d, f = releases.Release, documents.Document, documents.DocumentFile
    digests = {"releases": releases_version(connection).digest, "related": related_version(connection).digest}
    meeting_rows: dict[int, list] = {}
    by_meeting = feed_items._ever_public(select(
        r.meeting_id, func.count(), func.max(r.id), func.sum(r.published_revision), func.max(r.first_published_at),
        func.max(r.updated_published_at), func.max(r.retracted_at)), now).where(r.meeting_id.is_not(None))
    for row in connection.execute(by_meeting.group_by(r.meeting_id)):
        meeting_rows.setdefault(row[0], []).append(tuple(row[1:]))
    docs = (select(d.meeting_id, func.count(d.id), func.max(d.id), func.max(f.id), func.max(f.uploaded_at))
            .select_from(d).outerjoin(f, f.document_id == d.id).where(d.public.is_(True)).group_by(d.meeting_id))
    for row in connection.execute(docs):
        meeting_rows.setdefault(row[0], []).append(("documents", *row[1:]))
    for meeting_id in list(meeting_rows) + list(connection.scalars(select(RegisterDocument.meeting_id).distinct())):
        meeting_rows.setdefault(meeting_id, []).append(("register", *register_feed.version_row(connection, meeting_id)))
    for meeting_id, rows in meeting_rows.items():
        digests[f"meeting:{meeting_id}"] = _digest(*rows)
    return digests


def _release_languages(connection, now: dt.datetime) -> list[str]:
    r = releases.Release
    return sorted(connection.scalars(feed_items._ever_public(select(r.language).distinct(), now)))


def _topic_urls(runtime, key: str, languages: list[str]) -> list[str]:
    base = runtime.config.base_url
    if key == "releases":
        requests_ = [FeedRequest("releases", fmt, ReleaseFilters(language=lang))
                     for lang in ["", *languages] for fmt in FORMATS]
    elif key == "related":
        requests_ = [FeedRequest("related", fmt) for fmt in FORMATS]
    else:
        requests_ = [FeedRequest("meeting", fmt, meeting_id=int(key.split(":", 1)[1])) for fmt in FORMATS]
    return [base + request.path() for request in requests_]


@periodic("feeds.announce_changes")
def announce_changes(runtime, now: dt.datetime | None = None) -> int:
    """Queue a WebSub publish ping for every feed group whose content changed (once, whatever the workers)."""
    hub = usable_hub(runtime.config.websub_hub)
    if not hub or not runtime.config.base_url:
        return 0
    now = now or utcnow()
    with runtime.db.engine.connect().execution_options(**{READ_MOSTLY: True}) as connection:
        digests = _grouped_digests(connection, now)
        languages = _release_languages(connection, now)
    announced = 0
    for key, digest in sorted(digests.items()):
        with runtime.db.transaction() as session:
            claimed = claim_change(session, key, digest, now=now)
        if claimed:
            enqueue(runtime, "feeds.websub_publish", _topic_urls(runtime, key, languages))
            announced += 1
    return announced


@job("feeds.websub_publish")
def websub_publish(runtime, urls: list[str]) -> int:
    """Tell the hub these feed URLs changed."""
    return publish(runtime.config.websub_hub, list(urls), user_agent=f"Pressroom ({runtime.config.base_url})")
