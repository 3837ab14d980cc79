"""Feed discovery beyond <link rel=alternate>: guesses under the listing's path and language prefix,
bounded, within robots.txt, kept only when the feed shares items with the page (docs/design/security.md items 7, 10)."""

from __future__ import annotations

import datetime as dt

import pytest

from feeds.follow.poll import poll_source
from feeds.follow.reading import MAX_FEED_GUESSES

from support.follow_server import SiteServers
from support.follow_support import add_source, items, rss, settings, source, write_site

TITLES = [f"Expert meeting number {n} on clearance closes in Geneva" for n in range(1, 6)]


def _undated_listing(prefix: str) -> str:
    # The page's dates are in a calendar the follower refuses (Hijri): only a feed can date these items.
    rows = "".join(f'<article class="news"><h2><a href="{prefix}/news/{n}/">{title}</a></h2>'
                   f"<p class=\"date\">{n} شوال 1445 هـ</p><p>Summary of the meeting and its outcome.</p></article>"
                   for n, title in enumerate(TITLES, start=1))
    return f"<!DOCTYPE html><html><body><nav><a href='/'>Home page</a></nav><main>{rows}</main></body></html>"


def _feed(base_path: str, titles=TITLES, day: int = 10) -> str:
    return rss([(title, f"http://127.0.0.1{base_path}/news/{n}/", f"Mon, {day + n:02d} Jun 2024 09:00:00 +0000")
                for n, title in enumerate(titles, start=1)])


@pytest.fixture
def site(tmp_path):
    running = []

    def start(files: dict, **meta) -> SiteServers:
        root = tmp_path / f"root{len(running)}"
        write_site(root, "site", files, **meta)
        servers = SiteServers(root, tmp_path / f"log{len(running)}.jsonl").__enter__()
        running.append(servers)
        return servers

    yield start
    for servers in running:
        servers.__exit__(None, None, None)


def _absolute(feed: str, base: str) -> str:
    return feed.replace("http://127.0.0.1", base)


def test_an_unlinked_feed_under_the_language_prefix_is_found_and_dates_the_items(database, site, tmp_path):
    servers = site({"ar/news/index.html": _undated_listing("/ar"), "ar/feed/index.xml": "placeholder"})
    base = servers.urls["site"]
    (tmp_path / "root0" / "site" / "ar" / "feed" / "index.xml").write_text(_absolute(_feed("/ar"), base))
    source_id = add_source(database, base + "/ar/news/", language="ar")
    result = poll_source(database, source_id, settings=settings())
    assert result.status == "ok" and result.new_items == 5
    assert source(database, source_id).feed_url == base + "/ar/feed/"
    # The page's Hijri dates were refused; the feed's dates are the items' dates.
    assert sorted((i.title, i.published_at.date()) for i in items(database, source_id)) == sorted(
        (title, dt.date(2024, 6, 10 + n)) for n, title in enumerate(TITLES, start=1))
    paths = [r["path"] for r in servers.requests()]
    assert paths[:4] == ["/robots.txt", "/ar/news/", "/ar/news/feed/", "/ar/feed/"]


def test_the_page_alone_is_read_when_no_guess_is_its_feed_and_guessing_is_bounded(database, site, tmp_path):
    other = ["A story from another section entirely", "Another story from another section"]
    servers = site({"fr/actualites/index.html": _undated_listing("/fr"), "feed/index.xml": "placeholder",
                    "robots.txt": "User-agent: *\nDisallow: /fr/feed/\n"})
    base = servers.urls["site"]
    (tmp_path / "root0" / "site" / "feed" / "index.xml").write_text(_absolute(_feed("/other", other), base))
    source_id = add_source(database, base + "/fr/actualites", language="fr")
    result = poll_source(database, source_id, settings=settings())
    assert result.status == "ok" and result.new_items == 5
    assert source(database, source_id).feed_url is None  # the site's feed shares no item with this page
    assert all(i.published_at is None for i in items(database, source_id))  # Hijri only: unknown, never now
    paths = [r["path"] + ("?" + r["query"] if r["query"] else "") for r in servers.requests()]
    assert paths[:2] == ["/robots.txt", "/fr/actualites"]
    guesses = [path for path in paths[2:] if not path.startswith("/fr/news/")]  # then the items' own pages
    assert "/fr/feed/" not in guesses  # robots.txt disallows it: never asked
    assert len(guesses) <= MAX_FEED_GUESSES
    assert guesses[:3] == ["/fr/actualites/feed/", "/fr/rss.xml", "/fr/actualites?format=feed"]


def test_joomla_style_format_feed_is_tried(database, site, tmp_path):
    servers = site({"ru/novosti/index.html": _undated_listing("/ru"), "ru/novosti/index__format=feed.html": "x"},
                   content_types={"/ru/novosti?format=feed": "application/rss+xml; charset=utf-8"})
    base = servers.urls["site"]
    (tmp_path / "root0" / "site" / "ru" / "novosti" / "index__format=feed.html").write_text(
        _absolute(_feed("/ru"), base))
    source_id = add_source(database, base + "/ru/novosti", language="ru")
    poll_source(database, source_id, settings=settings())
    assert source(database, source_id).feed_url == base + "/ru/novosti?format=feed"
    assert all(i.published_at is not None for i in items(database, source_id))
