"""The generic listing extractor and the feed reader against every fixture site.

The project's own sites (tests/follow_sites: Joomla, Plone, Hugo, WordPress block
theme, SharePoint, Drupal 7, hand-written HTML, German cards) always run; the
shared fixture sites run when ../shared/fixtures is present. No selectors are
configured: what is found must equal _expected.json (titles, URLs, dates, order).
"""

from __future__ import annotations

import datetime as dt

import pytest

from feeds.follow.discover import candidate_feed_urls, find_feed_links
from feeds.follow.extract import ExtractedItem, extract_detail, extract_feed, extract_listing
from feeds.follow.selectors import BadSelector

from support.follow_pages import (BASE, OWN_SITES, SHARED_SITES, as_rows, charset_for, expected, expected_rows,
                                  listings, page_bytes, site_config, site_names)
from support.follow_scoring import score

NO_SHARED = "../shared/fixtures is absent (fresh clone): the project's own fixture sites still run"
OWN = [pytest.param(OWN_SITES / name, id=name) for name in site_names(OWN_SITES)]
SHARED = [pytest.param(SHARED_SITES / name, id=name) for name in site_names(SHARED_SITES)] or [
    pytest.param(None, marks=pytest.mark.skip(reason=NO_SHARED), id="shared-absent")]


def _every_listing() -> list:
    found = []
    for origin, root in (("own", OWN_SITES), ("shared", SHARED_SITES)):
        for name in site_names(root):
            for listing, language, items in listings(root / name):
                found.append(pytest.param(root / name, listing, language, items, id=f"{origin}:{name}:{listing[:40]}"))
    if not SHARED_SITES.is_dir():
        found.append(pytest.param(None, None, None, None, marks=pytest.mark.skip(reason=NO_SHARED), id="shared-absent"))
    return found


@pytest.mark.parametrize("site,listing,language,items", _every_listing())
def test_every_fixture_listing_is_read_at_0_9_precision_recall_and_dates(site, listing, language, items):
    """The bar of issue 19, per listing: precision, recall and dates right at 0.9 or more, no per-site setting."""
    found = extract_listing(page_bytes(site, listing), BASE + listing, encoding=charset_for(site, listing),
                            language=language)
    result = score(as_rows(found), expected_rows(items))
    assert min(result.precision, result.recall, result.date_accuracy) >= 0.9, result


def check_listings(site):
    for listing, language, items in listings(site):
        body = page_bytes(site, listing)
        found = extract_listing(body, BASE + listing, encoding=charset_for(site, listing), language=language)
        assert as_rows(found) == expected_rows(items), listing
        for item in found:
            assert isinstance(item, ExtractedItem)
            assert "<" not in item.summary.replace("&lt;", "")  # escaped text only
            if isinstance(item.published, dt.datetime):
                assert item.published.tzinfo is not None


def check_feed(site):
    data = expected(site)
    if not data.get("feed"):
        pytest.skip("this site has no feed")
    found = extract_feed(page_bytes(site, data["feed"]), BASE + data["feed"], "application/rss+xml")
    assert as_rows(found) == expected_rows(data["feed_items"])
    assert all(isinstance(i.published, dt.datetime) and i.published.tzinfo is not None for i in found)


@pytest.mark.parametrize("site", OWN)
def test_own_site_listings_match_expected(site):
    check_listings(site)


@pytest.mark.parametrize("site", OWN)
def test_own_site_feeds_match_expected(site):
    check_feed(site)


@pytest.mark.parametrize("site", SHARED)
def test_shared_site_listings_match_expected(site):
    check_listings(site)


@pytest.mark.parametrize("site", SHARED)
def test_shared_site_feeds_match_expected(site):
    check_feed(site)


@pytest.mark.parametrize("site", OWN)
def test_own_site_feed_is_discovered_from_its_listing(site):
    config = site_config(site)
    links = find_feed_links(page_bytes(site, config["listing"]), BASE + config["listing"])
    if config["feed"] and config.get("feed_linked", True):
        assert links[0] == BASE + config["feed"]
    elif config["feed"]:  # a feed the page does not link: only probing finds it (test_follow_discovery.py)
        assert BASE + config["feed"] not in links
    assert not any("comments" in link or "wp-json" in link for link in links)


@pytest.mark.skipif(not SHARED_SITES.is_dir(), reason=NO_SHARED)
def test_shared_feeds_are_discovered_where_linked():
    ccm, icrc, unoda = (SHARED_SITES / name for name in ("ccm", "icrc", "unoda"))
    # The comments feed and the WordPress REST link are not news feeds.
    assert find_feed_links(page_bytes(ccm, "/category/news/"), BASE + "/category/news/") == [
        BASE + "/feed/", BASE + "/category/news/feed/"]
    assert find_feed_links(page_bytes(icrc, "/en/news-releases"), BASE + "/en/news-releases") == [
        BASE + "/en/feeds/news-releases.atom"]
    assert find_feed_links(page_bytes(unoda, "/en/updates"), BASE + "/en/updates") == []
    assert find_feed_links(page_bytes(unoda, "/"), BASE + "/") == [BASE + "/feed/"]


def test_feed_links_resolve_against_base_href_in_page_order():
    page = b"""<html><head><base href="http://example.org/sub/">
    <link rel="alternate" type="application/atom+xml" href="atom.xml" title="Atom">
    <link rel="alternate" type="application/rss+xml" href="/rss.xml">
    <link rel="alternate" type="application/feed+json" href="feed.json">
    <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
    <link rel="stylesheet" type="text/css" href="x.css"></head><body></body></html>"""
    assert find_feed_links(page, "http://example.org/news/") == [
        "http://example.org/sub/atom.xml", "http://example.org/rss.xml", "http://example.org/sub/feed.json"]


def test_candidate_feed_urls_start_under_the_listing_and_its_language_prefix_then_the_site_root():
    assert candidate_feed_urls("https://example.org/en/news?page=2") == [
        "https://example.org/en/news/feed/", "https://example.org/en/feed/", "https://example.org/en/rss.xml",
        "https://example.org/en/news?format=feed", "https://example.org/feed/", "https://example.org/rss.xml",
        "https://example.org/index.xml", "https://example.org/atom.xml", "https://example.org/rss",
        "https://example.org/en/news/index.xml"]
    assert candidate_feed_urls("https://example.org/zh-hans/news")[1:3] == [
        "https://example.org/zh-hans/feed/", "https://example.org/zh-hans/rss.xml"]
    # A file-like listing has nothing below it; a site without a language prefix has no prefix guesses.
    assert candidate_feed_urls("https://example.org/Pages/News.aspx")[:2] == [
        "https://example.org/Pages/News.aspx?format=feed", "https://example.org/feed/"]


def test_selectors_read_a_listing_the_generic_extractor_is_not_asked_about():
    site = OWN_SITES / "plone"
    selectors = {"item": "article.tileItem", "title": "h2.tileHeadline a", "date": ".documentPublished",
                 "summary": ".description"}
    found = extract_listing(page_bytes(site, "/news"), BASE + "/news", selectors=selectors, language="en")
    assert as_rows(found) == expected_rows(expected(site)["items"])
    assert found[0].summary.startswith("Delegations reviewed progress")


def test_selectors_with_only_an_item_use_its_heading_and_first_link():
    site = OWN_SITES / "hugo"
    found = extract_listing(page_bytes(site, "/es/noticias/"), BASE + "/es/noticias/",
                            selectors={"item": "ul.post-list > li"}, language="es")
    assert as_rows(found) == expected_rows(expected(site)["items"])


@pytest.mark.parametrize("selectors", [{"item": "li[["}, {"title": "h2"}, {"item": "li", "colour": "red"}])
def test_bad_selectors_are_refused(selectors):
    with pytest.raises(BadSelector):
        extract_listing(b"<html><body><ul><li>x</li></ul></body></html>", BASE + "/", selectors=selectors)


def test_listing_accepts_an_already_parsed_tree():
    import lxml.html

    site = OWN_SITES / "drupal7"
    tree = lxml.html.document_fromstring(page_bytes(site, "/news"))
    assert as_rows(extract_listing(tree, BASE + "/news")) == expected_rows(expected(site)["items"])


def test_detail_page_gives_date_and_summary():
    page = """<html><head><meta property="article:published_time" content="2021-05-04T10:00:00+02:00">
    <meta name="description" content="Site-wide description"></head><body><nav><p>Menu text here</p></nav>
    <article><h1>Title</h1><p>Short.</p><p>The Committee met in Geneva to review the requests and to agree on
    the next steps, <b>including</b> a visit.</p><script>alert(1)</script></article></body></html>"""
    published, summary = extract_detail(page.encode(), BASE + "/a")
    assert published == dt.datetime(2021, 5, 4, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    assert summary.startswith("The Committee met in Geneva") and "<" not in summary


def test_detail_page_date_from_text_when_no_metadata():
    page = "<html><body><main><p class='date'>Publié le 3 mars 2016</p><p>" + "Texte de l'article. " * 5 + \
           "</p></main></body></html>"
    assert extract_detail(page, BASE + "/a", language="fr")[0] == dt.date(2016, 3, 3)


@pytest.mark.skipif(not SHARED_SITES.is_dir(), reason=NO_SHARED)
@pytest.mark.parametrize("site,path,day", [
    ("icrc", "/en/news-release/explosive-remnants-war-icrc-calls-urgent-action-protect-civilians", "2024-06-20"),
    ("gichd", "/the-gichd/news/imsma-core-first-field-deployment-completed", "2018-03-22"),
    ("icblcmc", "/en-gb/news-and-events/news/2015/happy-anniversary!.aspx", "2015-02-27"),
    ("unoda", "/en/updates/unoda-statement-mine-ban-convention-intersessional-meetings", "2025-02-27")])
def test_shared_detail_pages_give_their_dates(site, path, day):
    published, summary = extract_detail(page_bytes(SHARED_SITES / site, path), BASE + path, language="en")
    assert (published.date() if isinstance(published, dt.datetime) else published).isoformat() == day
    assert summary


def test_read_more_and_sidebar_repeats_are_one_item_and_navigation_is_none():
    rows = "".join(f"""<div class="entry"><h2><a href="/news/story-{n}">Story number {n} about clearance work</a></h2>
        <p class="date">{n} June 2024</p><p>Some text about the story with <a href="/about">a link inside</a>.</p>
        <a href="/news/story-{n}">Read more</a></div>""" for n in range(1, 5))
    page = f"""<html><body><nav><ul><li><a href="/about-us">About the organisation</a></li>
      <li><a href="/what-we-do">What we do in the field</a></li><li><a href="/news">All the news</a></li></ul></nav>
      <ul class="breadcrumb"><li><a href="/">Home page</a></li><li><a href="/news">News and stories</a></li></ul>
      <main>{rows}<div class="pager"><a href="/news?page=2">Next page</a></div></main>
      <aside><h2>Recent posts</h2><ul><li><a href="/news/story-1">Story number 1 about clearance work</a></li>
      <li><a href="/news/story-0">An older story that is not in the listing</a></li></ul></aside>
      <footer><a href="/privacy-policy">Privacy policy and cookies</a></footer></body></html>"""
    found = extract_listing(page, "http://example.org/news")
    assert [(i.title, i.url, i.published) for i in found] == [
        (f"Story number {n} about clearance work", f"http://example.org/news/story-{n}", dt.date(2024, 6, n))
        for n in range(1, 5)]


@pytest.mark.parametrize("layout", ["dl", "flat"])
def test_flat_layouts_take_date_and_summary_from_the_following_siblings(layout):
    if layout == "dl":
        rows = "".join(f"<dt><a href='/n/{n}'>Headline number {n} about mines</a></dt>"
                       f"<dd>{n} May 2024 – short text here about it all</dd>" for n in range(1, 5))
        page = f"<html><body><main><h1>News</h1><dl>{rows}</dl></main></body></html>"
    else:
        rows = "".join(f"<h3><a href='/n/{n}'>Headline number {n} about mines</a></h3><p class='date'>{n} May 2024</p>"
                       "<p>Some summary text about the story.</p>" for n in range(1, 5))
        page = f"<html><body><div id='content'><h1>News</h1>{rows}</div></body></html>"
    found = extract_listing(page, "http://example.org/news/")
    assert [(i.url, i.published) for i in found] == [(f"http://example.org/n/{n}", dt.date(2024, 5, n))
                                                     for n in range(1, 5)]
    assert all(i.summary for i in found)
