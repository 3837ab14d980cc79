"""Politeness, health and identity of one poll, on small sites served for real (docs/design/security.md items 1, 7, 9, 10)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from feeds.follow.models import Host
from feeds.follow.poll import poll_source

from support.follow_server import SiteServers
from support.follow_support import add_source, items, listing_html, read_log, settings, source, write_site

ENTRIES = [(f"States Parties meeting number {n} closes in Geneva", f"/news/{n}/", f"2024-05-{n:02d}")
           for n in range(1, 7)]


@pytest.fixture
def serve(tmp_path):
    """``serve({"site": (files, meta)})`` -> running SiteServers (stopped after the test)."""
    running = []

    def start(sites: dict) -> SiteServers:
        root = tmp_path / f"root{len(running)}"
        for name, (files, meta) in sites.items():
            write_site(root, name, files, **meta)
        servers = SiteServers(root, tmp_path / f"log{len(running)}.jsonl").__enter__()
        running.append(servers)
        return servers

    yield start
    for servers in running:
        servers.__exit__(None, None, None)


def news_site(**meta):
    return {"site": ({"news/index.html": listing_html(ENTRIES)}, meta)}


def _site_requests(servers):
    return [(r["path"], r["status"]) for r in servers.requests()]


def test_robots_disallow_blocks_the_source_and_the_page_is_never_requested(database, serve):
    servers = serve({"site": ({"news/index.html": listing_html(ENTRIES),
                               "robots.txt": "User-agent: *\nDisallow: /news/\n"}, {})})
    source_id = add_source(database, servers.urls["site"] + "/news/")
    result = poll_source(database, source_id, settings=settings())
    assert result.status == "blocked" and "robots.txt" in result.error
    assert _site_requests(servers) == [("/robots.txt", 200)]
    assert items(database, source_id) == []


@pytest.mark.parametrize("robots_status,expected", [(404, "ok"), (410, "ok"), (500, "failing"), (503, "failing")])
def test_robots_4xx_allows_and_5xx_disallows(database, serve, robots_status, expected):
    servers = serve(news_site(status={"/robots.txt": robots_status}))
    result = poll_source(database, add_source(database, servers.urls["site"] + "/news/"), settings=settings())
    assert result.status == expected
    assert ("/news/", 200) in _site_requests(servers) if expected == "ok" else ("/news/", 200) not in _site_requests(servers)


def test_unreachable_robots_disallows(database, serve):
    servers = serve(news_site(slow={"/robots.txt": 3}))
    result = poll_source(database, add_source(database, servers.urls["site"] + "/news/"),
                         settings=settings(deadline_seconds=1.0, read_timeout=0.5))
    assert result.status == "failing" and "could not be read" in result.error
    assert "/news/" not in [r["path"] for r in servers.requests()]


def test_robots_is_cached_for_at_most_a_day_and_crawl_delay_is_honoured(database, serve):
    servers = serve({"site": ({"news/index.html": listing_html(ENTRIES), "news/other.html": listing_html(ENTRIES[:3]),
                               "robots.txt": "User-agent: *\nCrawl-delay: 1\n"}, {})})
    base = servers.urls["site"]
    first = add_source(database, base + "/news/", kind="html")
    second = add_source(database, base + "/news/other.html", kind="html")
    poll_source(database, first, settings=settings())
    poll_source(database, second, settings=settings())
    log = servers.requests()
    assert [r["path"] for r in log] == ["/robots.txt", "/news/", "/news/other.html"]
    gaps = [b["time"] - a["time"] for a, b in zip(log, log[1:])]
    assert min(gaps) >= 0.95  # Crawl-delay: 1, also across two polls
    with database.transaction() as session:
        host = session.scalar(select(Host).where(Host.host == source(database, first).host))
        assert host.crawl_delay == 1.0
        host.robots_fetched_at -= dt.timedelta(hours=24, minutes=1)
    poll_source(database, first, settings=settings())
    assert [r["path"] for r in servers.requests()][3:] == ["/robots.txt", "/news/"]


def test_429_waits_for_retry_after_then_succeeds(database, serve):
    servers = serve(news_site(retry_after_once={"/news/": 2}))
    source_id = add_source(database, servers.urls["site"] + "/news/", kind="html")
    before = dt.datetime.now(dt.timezone.utc)
    first = poll_source(database, source_id, settings=settings())
    assert first.status == "failing" and "retry after 2s" in first.error and first.new_items == 0
    polled = source(database, source_id)
    assert before + dt.timedelta(seconds=2) <= polled.next_poll_at <= before + dt.timedelta(seconds=10)
    second = poll_source(database, source_id, settings=settings())
    assert second.status == "ok" and second.new_items == 6
    log = servers.requests()
    assert log[-1]["time"] - [r for r in log if r["status"] == 429][0]["time"] >= 1.95


def test_301_updates_the_stored_url(database, serve):
    servers = serve(news_site(redirects={"/old-news/": "/news/"}))
    base = servers.urls["site"]
    source_id = add_source(database, base + "/old-news/", kind="html")
    assert poll_source(database, source_id, settings=settings()).new_items == 6
    assert source(database, source_id).url == base + "/news/"


def test_410_stops_polling_with_a_reason(database, serve):
    servers = serve(news_site(status={"/news/": 410}))
    source_id = add_source(database, servers.urls["site"] + "/news/")
    result = poll_source(database, source_id, settings=settings())
    stopped = source(database, source_id)
    assert result.status == "failing" and stopped.paused and stopped.next_poll_at is None
    assert "410 Gone" in stopped.last_error


def test_an_external_redirect_to_the_metadata_address_is_refused_and_nothing_stored(database, serve):
    servers = serve(news_site(external_redirects={"/news/": "http://169.254.169.254/latest/meta-data/"}))
    source_id = add_source(database, servers.urls["site"] + "/news/")
    result = poll_source(database, source_id, settings=settings())
    assert result.status == "blocked" and "169.254.169.254" in result.error
    assert items(database, source_id) == [] and result.new_items == 0


@pytest.mark.parametrize("url", ["http://10.0.0.1/news/", "http://[::1]/news/", "http://2130706433/news/",
                                 "http://0x7f000001/", "file:///etc/passwd", "http://10.0.0.1\\@example.org/"])
def test_refused_addresses_block_the_source(database, url):
    source_id = add_source(database, url)
    result = poll_source(database, source_id, settings=settings())
    assert result.status == "blocked" and result.requests == 0 and items(database, source_id) == []


def test_network_errors_fail_with_back_off(database, free_port_url):
    source_id = add_source(database, free_port_url, interval_minutes=60)
    now = dt.datetime.now(dt.timezone.utc)
    waits = []
    for _ in range(3):
        result = poll_source(database, source_id, settings=settings(), now=now)
        waits.append(source(database, source_id).next_poll_at - now)
    assert result.status == "failing" and "robots.txt could not be read" in result.error
    assert waits == [dt.timedelta(hours=1), dt.timedelta(hours=2), dt.timedelta(hours=4)]
    assert source(database, source_id).consecutive_failures == 3


@pytest.fixture
def free_port_url():
    from support.ports import free_port

    return f"http://127.0.0.1:{free_port()}/news/"


def test_broken_when_nothing_or_under_half_the_usual_number_is_found(database, serve, tmp_path):
    servers = serve(news_site())
    page = next(tmp_path.glob("root0/site/news/index.html"))
    source_id = add_source(database, servers.urls["site"] + "/news/", kind="html")
    assert poll_source(database, source_id, settings=settings()).status == "ok"
    page.write_text(listing_html(ENTRIES[:2]))
    shrunk = poll_source(database, source_id, settings=settings())
    assert (shrunk.previous_status, shrunk.status) == ("ok", "broken") and "6 are usual" in shrunk.error
    page.write_text("<html><body><p>We are redesigning our site.</p></body></html>")
    empty = poll_source(database, source_id, settings=settings())
    assert empty.status == "broken" and "no items were found" in source(database, source_id).last_error
    page.write_text(listing_html(ENTRIES))
    assert poll_source(database, source_id, settings=settings()).status == "ok"


def test_a_changed_item_is_updated_in_place(database, serve, tmp_path):
    servers = serve(news_site())
    page = next(tmp_path.glob("root0/site/news/index.html"))
    source_id = add_source(database, servers.urls["site"] + "/news/", kind="html")
    poll_source(database, source_id, settings=settings())
    before = {i.url: i.id for i in items(database, source_id)}
    changed = [(t + " (updated)" if n == 0 else t, h, d) for n, (t, h, d) in enumerate(ENTRIES)]
    page.write_text(listing_html(changed))
    result = poll_source(database, source_id, settings=settings())
    assert (result.new_items, result.updated_items) == (0, 1)
    after = items(database, source_id)
    assert {i.url: i.id for i in after} == before
    assert [i.title for i in after if i.id == result.updated_item_ids[0]] == [changed[0][0]]


def test_undated_items_get_dates_from_a_bounded_number_of_their_pages(database, serve):
    teasers = "".join(f'<div class="teaser"><h3><a href="/n/{i}/">Undated story number {i} about demining</a></h3>'
                      f"<p>Text of story {i}, with a few more words.</p></div>" for i in range(6))
    pages = {f"n/{i}/index.html": f"<html><body><article><h1>Story {i}</h1><time datetime=\"2023-03-0{i + 1}\">"
             f"{i + 1} March 2023</time><p>Body.</p></article></body></html>" for i in range(6)}
    servers = serve({"site": ({"news/index.html": f"<html><body><main>{teasers}</main></body></html>", **pages}, {})})
    source_id = add_source(database, servers.urls["site"] + "/news/", kind="html")
    result = poll_source(database, source_id, settings=settings().__class__(**{**settings().__dict__,
                                                                               "detail_pages_per_poll": 4}))
    assert result.new_items == 6
    dated = [i for i in items(database, source_id) if i.published_at is not None]
    assert len(dated) == 4 and all(not i.published_has_time for i in dated)
    assert len([r for r in servers.requests() if r["path"].startswith("/n/")]) == 4


def test_untrusted_feed_text_is_cleaned(database, serve):
    feed = ('<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>http://x/</link>'
            '<description>d</description>'
            '<item><title>Mine\x0bclearance &lt;script&gt;alert(1)&lt;/script&gt; done</title><link>{{BASE}}/a</link>'
            '<guid>a</guid><pubDate>Tue, 04 Jun 2024 10:00:00 +0200</pubDate>'
            '<description>&lt;p onclick="x()"&gt;Hi &lt;img src=x onerror=alert(1)&gt;&lt;/p&gt;</description></item>'
            '<item><title>Bad link</title><link>javascript:alert(1)</link><guid>b</guid></item>'
            '<item><title>Odd date</title><link>{{BASE}}/c</link><guid>c</guid><pubDate>2016/6/29 15:07 MEST</pubDate></item>'
            '</channel></rss>')
    servers = serve({"site": ({"feed.xml": feed}, {})})
    source_id = add_source(database, servers.urls["site"] + "/feed.xml", kind="feed")
    poll_source(database, source_id, settings=settings())
    stored = {i.url.rsplit("/", 1)[-1]: i for i in items(database, source_id)}
    assert len(stored) == 2 and "alert(1)" not in stored  # a javascript: link is never stored
    assert stored["a"].title == "Mineclearance <script>alert(1)</script> done"  # plain text, escaped at output
    assert "onclick" not in stored["a"].summary and "onerror" not in stored["a"].summary
    assert stored["a"].published_at == dt.datetime(2024, 6, 4, 8, 0, tzinfo=dt.timezone.utc)
    assert stored["a"].published_at.tzinfo is not None and stored["a"].published_has_time
    # "2016/6/29 15:07 MEST": the right day or unknown, never another day (docs/design/security.md item 10).
    assert stored["c"].published_at is None or stored["c"].published_at.date() == dt.date(2016, 6, 29)
