"""Records for the follower's staff-side tests: sources, items and a published release,
written straight to the database (the poller itself is tested in its own files)."""

from __future__ import annotations

import datetime as dt
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from comms.releases.service import Release, ReleaseRevision
from feeds.follow.models import Item, Source, host_key
from feeds.follow.poll import PollResult
from storage.db import utcnow


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def add_source(runtime, name: str = "Partner news", url: str = "https://partner.example/news/", **fields) -> int:
    with runtime.db.transaction() as session:
        source = Source(name=name, url=url, host=host_key(url), **fields)
        session.add(source)
        session.flush()
        return source.id


def add_item(runtime, source_id: int, title: str, url: str | None = None, summary: str = "",
             language: str = "en", published_at: dt.datetime | None = None,
             first_seen_at: dt.datetime | None = None) -> int:
    url = url or f"https://partner.example/news/{abs(hash(title))}"
    with runtime.db.transaction() as session:
        item = Item(source_id=source_id, url=url, url_key=url, title=title, summary=summary, language=language,
                    published_at=published_at, first_seen_at=first_seen_at or utcnow())
        session.add(item)
        session.flush()
        return item.id


def new_items_result(source_id: int, item_ids: list[int], *, status: str = "ok", previous: str = "ok",
                     error: str | None = None) -> PollResult:
    """The PollResult a poll that found these items would give."""
    return PollResult(source_id=source_id, new_items=len(item_ids), status=status, previous_status=previous,
                      new_item_ids=list(item_ids), error=error)


def add_published_release(runtime, headline: str, slug: str, language: str = "en") -> int:
    """A release that is public now (published revision 1, no embargo)."""
    now = utcnow()
    with runtime.db.transaction() as session:
        release = Release(slug=slug, language=language, status="published", revision=1, approved_revision=1,
                          published_revision=1, first_published_at=now - dt.timedelta(hours=2))
        release.revisions = [ReleaseRevision(number=1, content={
            "headline": headline, "subheadline": "", "dateline": "GENEVA", "body_markdown": "Text.",
            "quotes": [], "notes_to_editors": "", "media_contacts": "", "topics": []})]
        session.add(release)
        session.flush()
        return release.id


RSS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Partner</title><link>{base}/</link><description>News</description>
<item><title>States agree on Article 5 extension requests</title><link>{base}/news/one</link>
<guid>{base}/news/one</guid><pubDate>Tue, 03 Mar 2026 09:00:00 +0000</pubDate>
<description>The meeting considered two requests.</description></item>
<item><title>La Convention d’Ottawa a 25 ans</title><link>{base}/news/two</link>
<guid>{base}/news/two</guid><pubDate>Mon, 02 Mar 2026 09:00:00 +0000</pubDate>
<description>Les mines antipersonnel reculent.</description></item>
</channel></rss>
"""


class _Handler(BaseHTTPRequestHandler):

    def do_GET(self):  # noqa: N802 (http.server's naming)
        content_type, body = self.server.pages.get(self.path, ("text/plain", b""))
        if not body:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@contextmanager
def site(pages: dict[str, tuple[str, str]]):
    """A real HTTP server on 127.0.0.1 serving ``{path: (content_type, text)}``; yields its base URL.

    ``{base}`` in a page is replaced by the server's own address.
    """
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    server.pages = {path: (kind, text.replace("{base}", base).encode("utf-8")) for path, (kind, text) in pages.items()}
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield base
    finally:
        server.shutdown()
        server.server_close()
