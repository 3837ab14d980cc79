"""Hostile pages and feeds through a whole poll (docs/design/security.md items 5, 8, 9, 26).

The project's own hostile bytes are generated here, so this runs on a fresh clone;
the shared hostile files run too when ../shared/fixtures is present.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from feeds.follow.poll import poll_source

from support.follow_server import SiteServers
from support.follow_support import (NO_SHARED, SHARED_HOSTILE, add_source, gzip_bomb, huge_listing, items, listing_html,
                                    settings, write_site)

XXE = ('<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
       '<rss version="2.0"><channel><title>t</title><link>http://x/</link><description>d</description>'
       '<item><title>Leak &xxe;</title><link>{{BASE}}/leak</link><description>&xxe;</description></item>'
       '<item><title>Clean item about mine action</title><link>{{BASE}}/clean</link></item></channel></rss>')
LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
          + ']><rss version="2.0"><channel><title>&lol9;</title><link>http://x/</link><description>d</description>'
          '<item><title>&lol9;</title><link>{{BASE}}/lol</link></item></channel></rss>')
NOT_XML = ("<!DOCTYPE html><html><head><title>Page not found</title></head><body><h1>Oops</h1>"
           '<aside><h2>Recent Posts</h2><ul><li><a href="/a/">A recent post title here</a></li>'
           '<li><a href="/b/">Another recent post title</a></li></ul></aside></body></html>')
CONTROL = ('<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>http://x/</link>'
           '<description>d</description>'
           + "".join(f"<item><title>Title\x00 number\x0b {n}</title><link>{{{{BASE}}}}/c{n}</link></item>"
                     for n in range(3)) + "</channel></rss>")


@pytest.fixture
def hostile(tmp_path):
    root = tmp_path / "root"
    write_site(root, "bad", {
        "xxe.rss": XXE, "laughs.rss": LAUGHS, "not-xml.rss": NOT_XML, "control.rss": CONTROL,
        "huge/index.html": huge_listing(3), "bomb/index.html": gzip_bomb(64),
        "deep/index.html": "<html><body>" + "<div>" * 100000 + listing_html([("A news item deep inside", "/x/", "2024-01-01")])
        + "</div>" * 100000 + "</body></html>",
        "drip/index.html": listing_html([("A slowly dripping news item", "/d/", "2024-01-01")]),
    }, content_encoding={"/bomb/": "gzip"}, drip={"/drip/": 0.05},
        content_types={"/not-xml.rss": "application/rss+xml; charset=utf-8"})
    with SiteServers(root) as servers:
        yield servers.urls["bad"]


def poll(database, url, kind="auto", **limits):
    source_id = add_source(database, url, kind=kind)
    return source_id, poll_source(database, source_id, settings=settings(**limits))


def test_xxe_reads_no_file(database, hostile):
    source_id, _result = poll(database, hostile + "/xxe.rss", kind="feed")
    stored = items(database, source_id)
    assert all("root:" not in i.title + i.summary for i in stored)


def test_billion_laughs_does_not_expand(database, hostile):
    source_id, _result = poll(database, hostile + "/laughs.rss", kind="feed")
    assert all("lollollol" not in i.title + i.summary for i in items(database, source_id))


def test_html_served_as_a_feed_is_not_a_feed(database, hostile):
    source_id, result = poll(database, hostile + "/not-xml.rss", kind="feed")
    assert result.status == "broken" and "not a feed" in result.error
    assert items(database, source_id) == []


def test_control_characters_are_removed_from_titles(database, hostile):
    source_id, _result = poll(database, hostile + "/control.rss", kind="feed")
    titles = sorted(i.title for i in items(database, source_id))
    assert titles == ["Title number 0", "Title number 1", "Title number 2"]


@pytest.mark.parametrize("path,message", [("/huge/", "limit"), ("/bomb/", "decompressed"), ("/drip/", "")])
def test_huge_pages_gzip_bombs_and_slow_drips_fail_cleanly(database, hostile, path, message):
    source_id, result = poll(database, hostile + path, kind="html", deadline_seconds=1.0, read_timeout=0.5)
    assert result.status == "failing" and message in result.error
    assert items(database, source_id) == []


def test_deep_nesting_does_not_crash(database, hostile):
    _source_id, result = poll(database, hostile + "/deep/", kind="html", max_bytes=4 * 1024 * 1024)
    assert result.status in ("ok", "broken")


@pytest.fixture(scope="module")
def shared_hostile(tmp_path_factory):
    if not SHARED_HOSTILE.exists():
        pytest.skip(NO_SHARED)
    root = tmp_path_factory.mktemp("hostile-root")
    subprocess.run([sys.executable, str(SHARED_HOSTILE / "generate_hostile.py"), str(root / "hostile"),
                    "--copy-static", "--page-mb", "12", "--bomb-mb", "256"], check=True, capture_output=True)
    for path in (root / "hostile").rglob("*"):
        path.chmod(0o644)
    with SiteServers(root) as servers:
        yield servers.urls["hostile"]


@pytest.mark.parametrize("name,kind,statuses", [
    ("xxe.rss", "feed", {"ok", "broken"}), ("billion-laughs.rss", "feed", {"ok", "broken"}),
    ("not-xml.rss", "feed", {"broken"}), ("mojibake.html", "html", {"ok"}), ("control-chars.rss", "feed", {"ok"}),
    ("huge-page.html", "html", {"failing"}), ("gzip-bomb.html", "html", {"failing"}),
    ("deep-nesting.html", "html", {"ok", "broken"}), ("huge-attrs.html", "html", {"ok", "broken", "failing"}),
    ("slow.html", "html", {"failing"}),
])
def test_shared_hostile_files(database, shared_hostile, name, kind, statuses):
    source_id, result = poll(database, f"{shared_hostile}/{name}", kind=kind, deadline_seconds=2.0, read_timeout=1.0,
                             max_bytes=5 * 1024 * 1024)
    stored = items(database, source_id)
    assert result.status in statuses, result.error
    assert all("root:" not in i.title + i.summary and "lollol" not in i.title + i.summary for i in stored)
    assert all("\x00" not in i.title and "\x0b" not in i.title for i in stored)
    if name == "mojibake.html":
        assert len(stored) == 4
    if name == "control-chars.rss":
        assert len(stored) == 3
    if name == "not-xml.rss":
        assert stored == []
