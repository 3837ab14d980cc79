"""Public feeds: releases, related news, meeting feeds, their archives, the OPML list and /feeds/.

The views only parse the request and set HTTP headers; the bytes come from
comms.syndication.cache (built once per change). Query parameters are checked against
known values and never echoed back (docs/design/security.md item 14): a bad ``?lang=`` is a 400
with a fixed message.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
import uuid
from dataclasses import dataclass

from flask import Blueprint, Response, current_app, render_template, request
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.http import http_date, is_resource_modified

from comms.syndication import cache as feed_cache
from comms.releases import service as releases
from comms.syndication.items import FeedSite, ReleaseFilters
from comms.meetings.service import Meeting
from comms.web import security
from comms.web.context import absolute_url, db, runtime
from contacts.models import Topic
from feeds import reach
from feeds.build import CONTENT_TYPES, FORMATS
from feeds.follow.models import Source
from feeds.opml import Outline, build_opml
from feeds.websub import usable_hub

bp = Blueprint("feeds", __name__)
log = logging.getLogger("pressroom.feeds")
MAX_AGE = 300  # seconds: readers may poll often, and a 304 costs almost nothing
FORMAT = "any(rss, atom, json):fmt"
_TOPIC = re.compile(r"[a-z0-9][a-z0-9-]{0,59}")


class BadFilter(Exception):
    """A query parameter that is not one of the known values (the message never repeats it)."""


def _site() -> FeedSite:
    config = runtime().config
    return FeedSite(base_url=config.base_url or request.host_url.rstrip("/"), office=config.office_name,
                    hub_url=usable_hub(config.websub_hub))


def _cache() -> feed_cache.FeedCache:
    return current_app.extensions.setdefault("pressroom_feed_cache", feed_cache.FeedCache())


def _plain(status: int, message: str) -> Response:
    response = Response(message + "\n", status=status, content_type="text/plain; charset=utf-8")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.cache_control.max_age = 60
    return response


def _filters() -> ReleaseFilters:
    args = request.args
    language = args.get("lang", "")
    if language and language not in releases.LANGUAGES:
        raise BadFilter(f"lang must be one of: {', '.join(releases.LANGUAGES)}")
    topic = args.get("topic", "")
    if topic and (not _TOPIC.fullmatch(topic)
                  or db().scalar(select(Topic.id).where(Topic.slug == topic)) is None):
        raise BadFilter("topic must be one of the topics listed on /feeds/")
    meeting = args.get("meeting", "")
    meeting_id = None
    if meeting:
        if not meeting.isdigit() or len(meeting) > 9 or db().get(Meeting, int(meeting)) is None:
            raise BadFilter("meeting must be the number of a meeting listed on /feeds/")
        meeting_id = int(meeting)
    return ReleaseFilters(language=language, topic=topic, meeting_id=meeting_id)


def _serve(feed_request: feed_cache.FeedRequest) -> Response:
    site = _site()
    cached = _cache().get(runtime().db, site, feed_request)
    if cached is None:
        return _plain(404, "There is no such feed page.")
    response = Response(cached.body, content_type=CONTENT_TYPES[feed_request.fmt])
    response.set_etag(cached.etag)
    response.last_modified = cached.last_modified
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    response.headers["X-Content-Type-Options"] = "nosniff"
    links = [f'<{site.url(feed_request.path())}>; rel="self"']
    if site.hub_url:
        links.append(f'<{site.hub_url}>; rel="hub"')
    response.headers["Link"] = ", ".join(links)
    _record_reach(feed_request)
    request.environ["pressroom.feed"] = (feed_request, site)  # FastFeeds may answer this URL from now on
    return response.make_conditional(request)


def _record_reach(feed_request: feed_cache.FeedRequest) -> None:
    seen = reach.parse_user_agent(request.headers.get("User-Agent"))
    if seen is None or feed_request.page is not None:
        return
    try:
        with runtime().db.transaction() as session:
            reach.record(session, feed_request.path(), seen)
    except SQLAlchemyError:
        # Counting readers is never worth failing their request.
        log.warning("could not record feed reach", exc_info=True)


@bp.route(f"/feeds/releases.<{FORMAT}>")
def releases_feed(fmt: str):
    """Published releases, newest 50, filtered by ?lang=&topic=&meeting=."""
    try:
        filters = _filters()
    except BadFilter as exc:
        return _plain(400, str(exc))
    return _serve(feed_cache.FeedRequest("releases", fmt, filters))


@bp.route(f"/feeds/releases/archive/<int:page>.<{FORMAT}>")
def releases_archive(page: int, fmt: str):
    """An RFC 5005 archive page of the release feed."""
    try:
        filters = _filters()
    except BadFilter as exc:
        return _plain(400, str(exc))
    return _serve(feed_cache.FeedRequest("releases", fmt, filters, page=page))


@bp.route(f"/feeds/related.<{FORMAT}>")
def related_feed(fmt: str):
    """News from the followed sources, with the source named on every entry."""
    return _serve(feed_cache.FeedRequest("related", fmt))


@bp.route(f"/feeds/related/archive/<int:page>.<{FORMAT}>")
def related_archive(page: int, fmt: str):
    """An archive page of the related feed."""
    return _serve(feed_cache.FeedRequest("related", fmt, page=page))


@bp.route(f"/feeds/meetings/<int:meeting_id>.<{FORMAT}>")
def meeting_feed(meeting_id: int, fmt: str):
    """A meeting's public releases and documents."""
    return _serve(feed_cache.FeedRequest("meeting", fmt, meeting_id=meeting_id))


@bp.route(f"/feeds/meetings/<int:meeting_id>/archive/<int:page>.<{FORMAT}>")
def meeting_archive(meeting_id: int, page: int, fmt: str):
    """An archive page of a meeting's feed."""
    return _serve(feed_cache.FeedRequest("meeting", fmt, meeting_id=meeting_id, page=page))


@bp.route("/feeds/sources.opml")
def sources_opml():
    """The followed sources (and our own feeds) as OPML, to import into a feed reader."""
    site = _site()
    sources = db().scalars(select(Source).order_by(Source.name, Source.id)).all()
    followed = [Outline(text=source.name, html_url=source.url, xml_url=source.feed_url or "",
                        language=source.language or "") for source in sources]
    ours = [Outline(text=f"{site.office}: press releases", html_url=site.url("/news/"),
                    xml_url=site.url("/feeds/releases.atom")),
            Outline(text=f"{site.office}: related news", html_url=site.url("/feeds/"),
                    xml_url=site.url("/feeds/related.atom"))]
    modified = max((source.created_at for source in sources), default=feed_cache.EPOCH)
    body = build_opml(f"{site.office}: feeds and followed sources", [(site.office, ours), ("Followed sources", followed)],
                      modified=modified, owner_name=site.office, docs_url="http://opml.org/spec2.opml")
    response = Response(body, content_type="text/x-opml; charset=utf-8")
    response.set_etag(hashlib.sha256(body).hexdigest()[:40])
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Disposition"] = 'inline; filename="sources.opml"'
    return response.make_conditional(request)


@bp.route("/feeds/")
def index():
    """The feeds, explained for journalists."""
    session = db()
    used_languages = set(session.scalars(select(releases.Release.language).where(
        releases.Release.first_published_at.is_not(None)).distinct()))
    languages = [code for code in releases.LANGUAGES if code in used_languages or code in ("en", "fr", "es")]
    return render_template(
        "feeds/index.html", formats=FORMATS, languages=languages,
        topics=session.scalars(select(Topic).order_by(Topic.label)).all(),
        meetings=session.scalars(select(Meeting).order_by(Meeting.starts_on.desc())).all(),
        sources=session.scalars(select(Source).order_by(Source.name)).all(),
        office=runtime().config.office_name, hub=usable_hub(runtime().config.websub_hub),
        page_size=feed_cache.archive.PAGE_SIZE, max_age=MAX_AGE)


def feed_links(language: str = "") -> list[dict]:
    """The rel=alternate links a newsroom page puts in its <head>."""
    titles = {"rss": "RSS", "atom": "Atom", "json": "JSON Feed"}
    links = [{"href": absolute_url("feeds.releases_feed", fmt=fmt), "type": CONTENT_TYPES[fmt].split(";")[0],
              "title": f"Press releases ({titles[fmt]})"} for fmt in FORMATS]
    if language in releases.LANGUAGES:
        links.append({"href": absolute_url("feeds.releases_feed", fmt="atom", lang=language),
                      "type": "application/atom+xml", "title": f"Press releases in {language.upper()} (Atom)"})
    links.append({"href": absolute_url("feeds.related_feed", fmt="atom"), "type": "application/atom+xml",
                  "title": "Related news (Atom)"})
    return links


@bp.app_context_processor
def _feed_links():
    return {"feed_links": feed_links}


# --- The fast path: cached feeds served before Flask's per-request machinery -----------------------------------------

_REPLAYED = frozenset({"date", "x-request-id", "set-cookie", "vary", "content-length", "etag", "last-modified"})
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


@dataclass(frozen=True)
class _HotFeed:
    """A feed URL the app has answered before, with the headers it answered with."""

    request: feed_cache.FeedRequest
    site: FeedSite
    headers: tuple[tuple[str, str], ...]


class FastFeeds:
    """WSGI middleware: a feed whose data has not changed since it was built is answered
    straight from the cache, without sessions, sign-in or routing.

    Only URLs the app itself has answered with 200 are served this way, with the
    headers it sent then (security headers included), so validation, headers and
    bytes stay the app's; anything else, a changed feed, or a reader that reports
    subscribers (counted by the view), goes through Flask as usual. Only when
    PRESSROOM_BASE_URL is set: without it, feed URLs depend on the Host header.
    """

    def __init__(self, app, wsgi_app, size: int = 1024):
        self.app, self.wsgi_app, self.size = app, wsgi_app, size
        self.hot: dict[str, _HotFeed] = {}
        self.answered = 0

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if not path.startswith("/feeds/") or environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return self.wsgi_app(environ, start_response)
        key = path + "?" + environ.get("QUERY_STRING", "")
        hot = self.hot.get(key)
        if hot is not None and reach.parse_user_agent(environ.get("HTTP_USER_AGENT")) is None:
            answer = self._answer(hot, environ, start_response)
            if answer is not None:
                return answer
        return self.wsgi_app(environ, self._watch(key, environ, start_response))

    def _watch(self, key, environ, start_response):
        def watching(status, headers, exc_info=None):
            served = environ.get("pressroom.feed")
            if served is not None and status.startswith("200") and served[1].base_url == self._base_url():
                if len(self.hot) >= self.size:
                    self.hot.clear()
                self.hot[key] = _HotFeed(served[0], served[1], tuple(
                    (name, value) for name, value in headers if name.lower() not in _REPLAYED))
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)
        return watching

    def _base_url(self) -> str:
        return self.app.extensions["pressroom"].config.base_url

    def _answer(self, hot: _HotFeed, environ, start_response):
        started = time.perf_counter()
        runtime_ = self.app.extensions["pressroom"]
        cache = self.app.extensions.get("pressroom_feed_cache")
        cached = cache.peek(runtime_.db, hot.site, hot.request) if cache is not None else None
        if cached is None:
            return None
        incoming = environ.get("HTTP_X_REQUEST_ID", "")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex
        headers = list(hot.headers) + [("ETag", f'"{cached.etag}"'), ("Last-Modified", http_date(cached.last_modified)),
                                       ("Date", http_date()), ("X-Request-ID", request_id)]
        if is_resource_modified(environ, etag=cached.etag, last_modified=cached.last_modified):
            status, body = "200 OK", cached.body
            headers.append(("Content-Length", str(len(body))))
        else:
            status, body = "304 Not Modified", b""
            headers = [(name, value) for name, value in headers if name.lower() != "content-type"]
        start_response(status, headers)
        self.answered += 1
        security.access_log.info("request_id=%s method=%s path=%s status=%s ms=%.1f user=-", request_id,
                                 environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"), status[:3],
                                 (time.perf_counter() - started) * 1000)
        return [body] if environ.get("REQUEST_METHOD") == "GET" else []


def init_app(app) -> None:
    """Register the feeds and put the fast path in front of the app."""
    app.register_blueprint(bp)
    app.wsgi_app = FastFeeds(app, app.wsgi_app)
