"""feeds.build without Flask or a database: the same input gives the same bytes, the validator
rules hold, control characters are dropped, naive times are refused; OPML."""

import datetime as dt
import json

import feedparser
import pytest
from lxml import etree

from feeds.build import (CONTENT_TYPES, FORMATS, Enclosure, FeedBuildError, FeedInfo, FeedItem, build_feed,
                         feed_updated, xml_text)
from feeds.opml import Outline, build_opml

T0 = dt.datetime(2026, 12, 14, 9, 30, tzinfo=dt.timezone.utc)
INFO = FeedInfo(id="tag:press.example,2026:feeds/releases", title="Press releases", home_url="https://press.example/news/",
                self_urls={fmt: f"https://press.example/feeds/releases.{fmt}" for fmt in FORMATS},
                empty_updated=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc), subtitle="From the office",
                language="fr", author_name="Office", icon_url="https://press.example/i.png",
                logo_url="https://press.example/l.png", hub_url="https://hub.example/")


def item(number, **extra):
    return FeedItem(id=f"tag:press.example,2026:release/{number}", url=f"https://press.example/news/r{number}",
                    title=f"Release {number}", published=T0 + dt.timedelta(hours=number), **extra)


def test_same_input_same_bytes_and_entry_order():
    items = [item(3), item(2), item(1)]
    for fmt in FORMATS:
        assert build_feed(fmt, INFO, items) == build_feed(fmt, INFO, list(items))
    atom = feedparser.parse(build_feed("atom", INFO, items))
    assert [entry.title for entry in atom.entries] == ["Release 3", "Release 2", "Release 1"]  # order='append'


def test_updated_is_the_newest_entry_or_the_fixed_empty_time():
    items = [item(1), item(5, updated=T0 + dt.timedelta(days=2)), item(3)]
    assert feed_updated(INFO, items) == T0 + dt.timedelta(days=2)
    assert feed_updated(INFO, []) == INFO.empty_updated
    rss = etree.fromstring(build_feed("rss", INFO, items))
    assert rss.find("channel").findtext("lastBuildDate") == "Wed, 16 Dec 2026 09:30:00 +0000"


def test_control_characters_and_empty_titles():
    assert xml_text("a\x00b\x0bc\x1fd\ud800e\uffff\tf\n") == "abcde\tf\n"
    items = [item(1, summary="x\x0c"), FeedItem(id="tag:x,2026:1", url="https://x.example/", title="\x00\x0b",
                                                published=T0)]
    for fmt in ("rss", "atom"):
        parsed = feedparser.parse(build_feed(fmt, INFO, items))
        assert parsed.bozo == 0 and parsed.entries[1].title == "(untitled)"
    assert json.loads(build_feed("json", INFO, items))["items"][1]["title"] == "(untitled)"


def test_naive_times_and_unknown_formats_are_refused():
    with pytest.raises(FeedBuildError):
        build_feed("atom", INFO, [item(1, updated=dt.datetime(2026, 1, 1))])
    with pytest.raises(FeedBuildError):
        build_feed("html", INFO, [])


def test_enclosures_language_source_and_archive_marks():
    archive = FeedInfo(**{**INFO.__dict__, "is_archive": True,
                          "prev_archive": {fmt: f"https://press.example/a/1.{fmt}" for fmt in FORMATS},
                          "current": {fmt: f"https://press.example/feeds/releases.{fmt}" for fmt in FORMATS}})
    entry = item(1, language="es", enclosures=(Enclosure("https://press.example/p.jpg", 10, "image/jpeg"),
                                               Enclosure("https://press.example/r.pdf", 20, "application/pdf")),
                 source_title="Monitor", source_url="https://monitor.example/",
                 source_feed_url="https://monitor.example/rss", author_name="Monitor")
    atom = etree.fromstring(build_feed("atom", archive, [entry]))
    ns = "{http://www.w3.org/2005/Atom}"
    assert atom.find("{http://purl.org/syndication/history/1.0}archive") is not None
    [xml_entry] = atom.findall(f"{ns}entry")
    assert xml_entry.get("{http://www.w3.org/XML/1998/namespace}lang") == "es"
    rels = [(link.get("rel"), link.get("type")) for link in xml_entry.findall(f"{ns}link")]
    assert rels == [("alternate", "text/html"), ("enclosure", "image/jpeg"), ("enclosure", "application/pdf")]
    assert xml_entry.find(f"{ns}source").findtext(f"{ns}title") == "Monitor"
    feed_rels = [link.get("rel") for link in atom.findall(f"{ns}link")]
    assert feed_rels == ["self", "hub", "prev-archive", "current", "alternate"]
    rss = feedparser.parse(build_feed("rss", archive, [entry]))
    assert [link.rel for link in rss.feed.links][1:] == ["self", "hub", "prev-archive", "current"]
    assert rss.entries[0].author == "Monitor" and rss.entries[0].enclosures[0].type == "application/pdf"
    document = json.loads(build_feed("json", archive, [entry]))
    assert document["next_url"] == "https://press.example/a/1.json" and document["language"] == "fr"
    assert document["items"][0]["external_url"] == "https://monitor.example/"
    assert set(CONTENT_TYPES) == set(FORMATS)


def test_opml():
    body = build_opml("Sources", [("Followed", [Outline("A & B\x0b", "https://a.example/", "https://a.example/rss"),
                                                Outline("C", "https://c.example/")])],
                      modified=T0, owner_name="Office")
    root = etree.fromstring(body)
    outlines = root.findall("body/outline/outline")
    assert outlines[0].get("text") == "A & B" and outlines[0].get("xmlUrl") == "https://a.example/rss"
    assert outlines[1].get("type") == "link" and root.findtext("head/dateModified") == "Mon, 14 Dec 2026 09:30:00 +0000"
    with pytest.raises(ValueError):
        build_opml("x", [], modified=dt.datetime(2026, 1, 1))
