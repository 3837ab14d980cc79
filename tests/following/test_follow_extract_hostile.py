"""docs/design/security.md items 4, 8, 9 for the parsers: hostile feeds and pages, built here so no shared files are needed."""

from __future__ import annotations

import datetime as dt
import http.server
import threading
import tracemalloc

import pytest

from feeds.follow.extract import NotAFeed, extract_feed, extract_listing, looks_like_feed

from support.follow_pages import BASE, SHARED_HOSTILE

RSS_ITEM = """<item><title>{title}</title><link>{BASE}/news/{slug}/</link>
<pubDate>Mon, 03 Jun 2024 10:00:00 +0000</pubDate><description>{description}</description></item>"""


def rss(doctype: str, *items: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}\n<rss version="2.0"><channel><title>T</title>'
            f"<link>{BASE}/</link>{''.join(items)}</channel></rss>").encode()


def fields(items) -> str:
    return " ".join(f"{i.title} {i.url} {i.summary} {i.guid}" for i in items)


def test_xxe_reads_no_local_file(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("root:x:0:0:TOPSECRET")
    body = rss(f'<!DOCTYPE rss [<!ELEMENT rss ANY><!ENTITY xxe SYSTEM "file://{secret}">]>',
               RSS_ITEM.format(title="Clearance progress report &xxe;", BASE=BASE, slug="a", description="&xxe;"),
               RSS_ITEM.format(title="Survivor assistance in rural areas", BASE=BASE, slug="b", description="ok"))
    items = extract_feed(body, BASE + "/feed/")
    assert "TOPSECRET" not in fields(items) and "root:" not in fields(items)
    assert [i.title for i in items] == ["Clearance progress report", "Survivor assistance in rural areas"]


def test_remote_dtd_is_never_requested():
    requests = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'<!ENTITY remote "EXPANDED-FROM-REMOTE">')

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        dtd = f"http://127.0.0.1:{server.server_address[1]}/evil.dtd"
        for doctype in (f'<!DOCTYPE rss SYSTEM "{dtd}">', f'<!DOCTYPE rss [<!ENTITY % p SYSTEM "{dtd}"> %p;]>'):
            body = rss(doctype, RSS_ITEM.format(title="Hello &remote; world", BASE=BASE, slug="a", description="d"))
            items = extract_feed(body, BASE + "/feed/")
            assert "EXPANDED" not in fields(items)
    finally:
        server.shutdown()
        server.server_close()
    assert requests == []


def test_billion_laughs_is_not_expanded_and_memory_stays_small():
    levels = "".join(f'<!ENTITY lol{n} "{("&lol%d;" % (n - 1)) * 10}">' for n in range(1, 10))
    body = rss(f'<!DOCTYPE rss [<!ENTITY lol0 "lol">{levels}]>',
               RSS_ITEM.format(title="&lol9;", BASE=BASE, slug="lol", description="&lol9;"),
               RSS_ITEM.format(title="A normal item", BASE=BASE, slug="ok", description="fine"))
    tracemalloc.start()
    try:
        items = extract_feed(body, BASE + "/feed/")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 30 * 1024 * 1024
    assert "lollol" not in fields(items)
    assert [i.title for i in items] == ["A normal item"]


def test_entities_declared_after_a_fake_end_of_doctype_are_refused():
    body = rss('<!DOCTYPE rss [<!ENTITY a "]>"> <!ENTITY b SYSTEM "file:///etc/passwd">]>',
               RSS_ITEM.format(title="&b;", BASE=BASE, slug="a", description="x"))
    with pytest.raises(NotAFeed):
        extract_feed(body, BASE + "/feed/")


NOT_XML = f"""<!DOCTYPE html><html lang="en-US"><head><title>Page not found</title>
<link rel="alternate" type="application/rss+xml" href="{BASE}/feed/" /></head><body class="error404">
<main><h1>Oops! That page can&rsquo;t be found.</h1><div class="widget widget_recent_entries"><h2>Recent Posts</h2>
<ul><li><a href="{BASE}/news/clearing-the-way-2024/">Clearing the Way 2024 published</a></li>
<li><a href="{BASE}/news/new-country-reports/">New country reports online</a></li></ul></div></main></body></html>"""


def test_an_html_page_served_as_rss_is_not_a_feed():
    assert not looks_like_feed(NOT_XML.encode(), "application/rss+xml")
    with pytest.raises(NotAFeed):
        extract_feed(NOT_XML.encode(), BASE + "/feed/", "application/rss+xml")


@pytest.mark.parametrize("start", [b'<?xml version="1.0"?>\n<!-- c -->\n<rss version="2.0">', b"\xef\xbb\xbf<feed xmlns",
                                   b'<rdf:RDF xmlns:rdf="x">', b'{"version": "https://jsonfeed.org/version/1.1"'])
def test_real_feeds_look_like_feeds(start):
    assert looks_like_feed(start, None)


def test_control_characters_are_removed_from_titles():
    body = rss("", RSS_ITEM.format(title="Survivors\x00 network meets in Geneva", BASE=BASE, slug="a", description="d"),
               RSS_ITEM.format(title="New guidance on\x0b psychosocial support", BASE=BASE, slug="b", description="d"),
               RSS_ITEM.format(title="Rehabilitation &#11;services expanded", BASE=BASE, slug="c", description="d"))
    items = extract_feed(body, BASE + "/feed/")
    assert [i.title for i in items] == ["Survivors network meets in Geneva", "New guidance on psychosocial support",
                                        "Rehabilitation services expanded"]


def test_feed_summaries_and_titles_are_sanitised_and_unsafe_links_dropped():
    body = rss("", RSS_ITEM.format(title="&lt;b&gt;Bold&lt;/b&gt; claim", BASE=BASE, slug="a",
                                   description="&lt;p&gt;Hi&lt;/p&gt;&lt;img src=x onerror=alert(1)&gt;"
                                               "&lt;a href='javascript:alert(2)'&gt;x&lt;/a&gt;&lt;script&gt;alert(3)"
                                               "&lt;/script&gt;"),
               "<item><title>Evil link</title><link>javascript:alert(1)</link></item>")
    items = extract_feed(body, BASE + "/feed/")
    assert len(items) == 1
    summary = items[0].summary.lower()
    assert "<p>hi</p>" in summary
    assert "onerror" not in summary and "javascript:" not in summary and "<script" not in summary


def test_javascript_and_data_links_in_a_listing_are_never_items():
    rows = "".join(f'<div class="post"><h2><a href="{href}">A long enough headline number {n}</a></h2>'
                   f"<p>{n} May 2024</p></div>" for n, href in enumerate(
                       ["javascript:alert(1)", "data:text/html,<script>", "JaVaScRiPt:alert(2)", "file:///etc/passwd",
                        "/news/ok-1", "/news/ok-2", "vbscript:x"], start=1))
    found = extract_listing(f"<html><body><main>{rows}</main></body></html>", BASE + "/news/")
    assert [i.url for i in found] == [BASE + "/news/ok-1", BASE + "/news/ok-2"]


def test_listing_titles_and_summaries_are_text_not_markup():
    rows = "".join(f'<div class="post"><h2><a href="/n/{n}">&lt;img src=x onerror=alert(1)&gt; headline {n}</a></h2>'
                   f"<p>{n} May 2024</p><p>Text &lt;script&gt;alert(1)&lt;/script&gt; and more words here.</p></div>"
                   for n in range(1, 4))
    found = extract_listing(f"<html><body><main>{rows}</main></body></html>", BASE + "/news/")
    assert found[0].title == "<img src=x onerror=alert(1)> headline 1"  # text; templates escape it
    assert all("<script" not in i.summary and "&lt;script&gt;" in i.summary for i in found)


MOJIBAKE_TITLES = ["Déminage : l’Unité d’appui publie son rapport annuel",
                   "Assistance aux victimes – les survivants au cœur des débats",
                   "Réunions intersessions : « un monde sans mines » en 2025 ?",
                   "Coopération régionale en Amérique latine — bilan d’étape"]


def test_mojibake_page_gives_four_repaired_items():
    rows = "".join(f'<article class="post"><h2 class="entry-title"><a href="{BASE}/fr/actualites/{n}/">{title}</a></h2>'
                   f'<time datetime="2024-0{6 - n}-12T09:00:00+00:00">12</time><p>L’Unité d’appui a présenté.</p>'
                   "</article>" for n, title in enumerate(MOJIBAKE_TITLES))
    page = f'<html lang="fr"><head><meta charset="UTF-8"></head><body><main>{rows}</main></body></html>'
    broken = page.encode("utf-8").decode("cp1252", errors="ignore").encode("utf-8")
    found = extract_listing(broken, BASE + "/fr/actualites/", language="fr")
    assert [i.title for i in found] == MOJIBAKE_TITLES


@pytest.mark.skipif(not SHARED_HOSTILE.is_dir(), reason="../shared/fixtures is absent (fresh clone)")
def test_shared_hostile_files():
    def read(name):
        return (SHARED_HOSTILE / name).read_bytes().replace(b"{{BASE}}", BASE.encode())

    assert "root:" not in fields(extract_feed(read("xxe.rss"), BASE + "/feed/"))
    assert "lollol" not in fields(extract_feed(read("billion-laughs.rss"), BASE + "/feed/"))
    with pytest.raises(NotAFeed):
        extract_feed(read("not-xml.rss"), BASE + "/feed/", "application/rss+xml")
    controls = extract_feed(read("control-chars.rss"), BASE + "/feed/")
    assert len(controls) == 3 and not any(ch in fields(controls) for ch in "\x00\x0b")
    mojibake = extract_listing(read("mojibake.html"), BASE + "/fr/actualites/", language="fr")
    assert [i.title for i in mojibake] == MOJIBAKE_TITLES


def test_100000_nested_divs_cause_no_recursion_error():
    depth = 100_000
    page = ('<html><body><main><div class="news-list">' + '<div class="wrap">' * depth +
            '<div class="news-item"><h3><a href="/news/item-1/">Clearance update number 1</a></h3>'
            '<p class="date">2 June 2024</p><p>Teams released another stretch of farmland.</p></div>' +
            "</div>" * depth + "</div></main></body></html>")
    found = extract_listing(page.encode(), BASE + "/news/")
    assert [(i.title, i.url) for i in found] == [("Clearance update number 1", BASE + "/news/item-1/")]


def test_deep_irregular_nesting_neither_crashes_nor_recurses():
    page = "<html><body>" + "<div><span>" * 30_000 + "<h3><a href='/x/1'>Deep headline one here</a></h3>" + \
        "</span></div>" * 30_000 + "</body></html>"
    assert isinstance(extract_listing(page, BASE + "/"), list)


def test_huge_attributes_are_survived():
    quarter = 512 * 1024
    rows = "".join(f'<div class="news-item" data-tracking="{"x" * quarter}"><h3><a href="/news/attr-item-{n}/" '
                   f'title="{"Mine action " * (quarter // 12)}">Item with huge attributes {n}</a></h3>'
                   f'<img alt="" src="data:image/png;base64,{"iVBORw0KGgo" * (quarter // 11)}">'
                   f'<p class="date" style="{"color:red;" * (quarter // 10)}">{10 + n} June 2024</p></div>'
                   for n in range(1, 4))
    found = extract_listing(f"<html><body><main>{rows}</main></body></html>".encode(), BASE + "/news/")
    assert [i.title for i in found] == [f"Item with huge attributes {n}" for n in range(1, 4)]
    assert all(len(i.summary) < 1000 for i in found)


def test_odd_feed_dates_are_the_right_day_or_unknown():
    body = rss("", *[RSS_ITEM.format(title=f"Item {n}", BASE=BASE, slug=str(n), description="d").replace(
        "Mon, 03 Jun 2024 10:00:00 +0000", date) for n, date in enumerate(
            ["2016/6/29 15:07 MEST", "Wed, 29 Jun 2016 15:07:00 MEST", "Wed, 29 Jun 16 15:07:00 GMT", "soon",
             "Tue, 04 Jun 2024 00:30:00 +0200", "Mon, 01 Jan 0200 00:00:00 GMT"])])
    published = [i.published for i in extract_feed(body, BASE + "/feed/")]
    assert published[0] == dt.date(2016, 6, 29)  # feedparser alone says 1 November 2016
    assert published[1].date() == dt.date(2016, 6, 29) and published[1].tzinfo is not None
    assert published[2:4] == [None, None]  # a two-digit year, no date at all: unknown, never "now"
    assert published[4] == dt.datetime(2024, 6, 3, 22, 30, tzinfo=dt.timezone.utc)
    assert published[5] is None
