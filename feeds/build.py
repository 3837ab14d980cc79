"""Feed items -> RSS 2.0, Atom and JSON Feed 1.1 bytes (feedgen; no Flask, no comms).

This module knows nothing about releases: callers hand it :class:`FeedInfo` (the
feed itself) and :class:`FeedItem` objects (newest first) and get bytes back.
The same input always gives the same bytes: nothing here reads the clock, the
feed's ``updated``/``lastBuildDate`` is the newest entry's time (or the caller's
``empty_updated`` for an empty feed), and entries keep the caller's order
(feedgen's ``add_entry(order='append')``).

Rules the feed validators care about, kept here once for every feed:

- links: ``self`` first and the HTML ``alternate`` last, because feedgen makes
  the last feed-level link the RSS ``<link>``; WebSub ``hub`` and RFC 5005
  archive links (``prev-archive``, ``next-archive``, ``current``) in between,
  written as ``atom:link`` in RSS too;
- ids are the caller's permanent ids (RSS ``guid isPermaLink="false"``);
- dates must carry a zone: RFC 822 in RSS, RFC 3339 in Atom and JSON Feed;
- text that XML cannot hold (``\\x00``, ``\\x0b``, lone surrogates) is dropped,
  so a stray control character in a title never breaks a feed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from lxml import etree

FORMATS = ("rss", "atom", "json")
CONTENT_TYPES = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}
ATOM_NS = "http://www.w3.org/2005/Atom"
HISTORY_NS = "http://purl.org/syndication/history/1.0"
DC_NS = "http://purl.org/dc/elements/1.1/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
JSON_FEED_VERSION = "https://jsonfeed.org/version/1.1"
GENERATOR = "Pressroom"
# Characters XML 1.0 cannot carry (tab, line feed and carriage return are fine).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class FeedBuildError(ValueError):
    """The feed cannot be built from what was given (a naive time, an unknown format)."""


@dataclass(frozen=True)
class Enclosure:
    """A file attached to an entry: a photo, a PDF, a document."""

    url: str
    length: int
    mime_type: str
    title: str = ""


@dataclass(frozen=True)
class FeedItem:
    """One entry. ``id`` is permanent (never derived from the title); ``url`` the permalink."""

    id: str
    url: str
    title: str
    published: dt.datetime | None
    updated: dt.datetime | None = None
    summary: str = ""  # plain text
    content_html: str = ""  # sanitised by the caller
    author_name: str = ""
    author_url: str = ""
    categories: tuple[str, ...] = ()
    language: str = ""
    enclosures: tuple[Enclosure, ...] = ()
    image_url: str = ""
    # Attribution for items republished from elsewhere: the site and its feed.
    source_title: str = ""
    source_url: str = ""
    source_feed_url: str = ""

    @property
    def stamp(self) -> dt.datetime | None:
        """The entry's last significant change (updated, else published)."""
        return self.updated or self.published


@dataclass(frozen=True)
class FeedInfo:
    """The feed document itself. URLs are absolute; ``self_urls`` maps format -> URL."""

    id: str
    title: str
    home_url: str
    self_urls: dict[str, str]
    empty_updated: dt.datetime
    subtitle: str = ""
    language: str = ""
    author_name: str = ""
    author_url: str = ""
    icon_url: str = ""
    logo_url: str = ""
    favicon_url: str = ""
    hub_url: str = ""
    # RFC 5005 paged archives, per format: the older archive, the newer one, the current feed.
    prev_archive: dict[str, str] = field(default_factory=dict)
    next_archive: dict[str, str] = field(default_factory=dict)
    current: dict[str, str] = field(default_factory=dict)
    is_archive: bool = False


def xml_text(text: str | None) -> str:
    """``text`` without the characters XML 1.0 cannot hold."""
    return _NOT_XML.sub("", text or "")


def _moment(value: dt.datetime | None, what: str) -> dt.datetime | None:
    if value is None:
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        raise FeedBuildError(f"{what} has no time zone")
    return value.astimezone(dt.timezone.utc).replace(microsecond=0)


def feed_updated(info: FeedInfo, items: list[FeedItem]) -> dt.datetime:
    """The feed's updated time: the newest entry's, never the clock."""
    stamps = [_moment(item.stamp, f"entry {item.id!r}") for item in items if item.stamp is not None]
    return max(stamps, default=_moment(info.empty_updated, "empty_updated"))


def _rfc3339(value: dt.datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


# --- feedgen extensions: what feedgen itself cannot write ------------------------------------------------------------

class _PressroomFeed(BaseExtension):
    """Feed-level atom:link elements in RSS (hub, archives) and fh:archive in archive documents."""

    def __init__(self):
        self.links: list[tuple[str, str]] = []
        self.is_archive = False

    def extend_ns(self):
        # Declared once on the root, so entries' dc: elements need no namespace of their own.
        return {"dc": DC_NS, **({"fh": HISTORY_NS} if self.is_archive else {})}

    def _add(self, parent, *, rss: bool):
        if rss:
            for rel, href in self.links:
                etree.SubElement(parent, f"{{{ATOM_NS}}}link", rel=rel, href=href)
        if self.is_archive:
            etree.SubElement(parent, f"{{{HISTORY_NS}}}archive")

    def extend_rss(self, feed):
        self._add(feed[0], rss=True)
        return feed

    def extend_atom(self, feed):
        self._add(feed, rss=False)
        return feed


class _PressroomEntry(BaseEntryExtension):
    """xml:lang and entry links on Atom entries; the author's name as dc:creator in RSS (RSS wants an email)."""

    def __init__(self):
        self.language = ""
        self.creator = ""
        self.links: list[dict[str, str]] = []

    def extend_atom(self, entry):
        if self.language:
            entry.attrib[XML_LANG] = self.language
        # feedgen 1.0 writes entry links without rel, type or length (its loop variable shadows the
        # link data), which would turn every enclosure into an alternate: write them here instead.
        # feedgen's Atom elements carry no namespace of their own (the root declares the default one).
        old = entry.findall("link")
        position = entry.index(old[0]) if old else len(entry)
        for element in old:
            entry.remove(element)
        for offset, attributes in enumerate(self.links):
            element = etree.Element("link", attrib=attributes)
            entry.insert(position + offset, element)
        return entry

    def extend_rss(self, entry):
        if self.creator:
            etree.SubElement(entry, f"{{{DC_NS}}}creator").text = self.creator
        if self.language:
            etree.SubElement(entry, f"{{{DC_NS}}}language").text = self.language
        return entry


def _generator(info: FeedInfo, fmt: str, items: list[FeedItem]) -> FeedGenerator:
    fg = FeedGenerator()
    fg.register_extension("pressroom", _PressroomFeed, _PressroomEntry)
    extra = [("hub", info.hub_url)] if info.hub_url else []
    for rel, urls in (("prev-archive", info.prev_archive), ("next-archive", info.next_archive),
                      ("current", info.current)):
        if urls.get(fmt):
            extra.append((rel, urls[fmt]))
    fg.pressroom.links = extra if fmt == "rss" else []
    fg.pressroom.is_archive = info.is_archive
    fg.id(xml_text(info.id))
    fg.title(xml_text(info.title) or "Feed")
    fg.link(href=info.self_urls[fmt], rel="self", type=CONTENT_TYPES[fmt].split(";")[0])
    if fmt == "atom":
        for rel, href in extra:
            fg.link(href=href, rel=rel)
    fg.link(href=info.home_url, rel="alternate", type="text/html")  # last: feedgen's RSS <link>
    fg.description(xml_text(info.subtitle or info.title) or "Feed")  # also Atom's subtitle
    if info.language:
        fg.language(info.language)
    if info.author_name:
        fg.author({"name": xml_text(info.author_name), **({"uri": info.author_url} if info.author_url else {})})
    if info.icon_url:
        fg.icon(info.icon_url)
    if info.logo_url:
        fg.logo(info.logo_url)
        fg.image(url=info.logo_url, title=xml_text(info.title) or "Feed", link=info.home_url)
    fg.generator(GENERATOR)
    updated = feed_updated(info, items)
    fg.updated(updated)
    fg.lastBuildDate(updated)
    for item in items:
        _entry(fg, item)
    return fg


def _entry(fg: FeedGenerator, item: FeedItem) -> None:
    published = _moment(item.published, f"entry {item.id!r}")
    updated = _moment(item.stamp, f"entry {item.id!r}")
    fe = fg.add_entry(order="append")
    fe.id(xml_text(item.id))
    fe.title(xml_text(item.title).strip() or "(untitled)")
    links = [{"href": item.url, "rel": "alternate", "type": "text/html",
              **({"hreflang": item.language} if item.language else {})}]
    # feedgen keeps the last enclosure for RSS, which allows only one.
    links += [{"href": e.url, "rel": "enclosure", "type": e.mime_type, "length": str(e.length),
               **({"title": xml_text(e.title)} if e.title else {})} for e in item.enclosures]
    for link in links:
        fe.link(**link)
    fe.pressroom.links = links
    if updated is not None:
        fe.updated(updated)
    if published is not None:
        fe.published(published)
    if item.summary:
        fe.summary(xml_text(item.summary))
    if item.content_html:
        fe.content(xml_text(item.content_html), type="html")
    if item.author_name:
        fe.author({"name": xml_text(item.author_name), **({"uri": item.author_url} if item.author_url else {})})
        fe.pressroom.creator = xml_text(item.author_name)
    for term in item.categories:
        fe.category(term=xml_text(term))
    if item.source_title and (item.source_feed_url or item.source_url):
        fe.source(url=item.source_feed_url or item.source_url, title=xml_text(item.source_title))
    fe.pressroom.language = item.language


def build_rss(info: FeedInfo, items: list[FeedItem]) -> bytes:
    """RSS 2.0 bytes."""
    return _generator(info, "rss", items).rss_str(pretty=True)


def build_atom(info: FeedInfo, items: list[FeedItem]) -> bytes:
    """Atom (RFC 4287) bytes."""
    return _generator(info, "atom", items).atom_str(pretty=True)


def _json_item(item: FeedItem) -> dict:
    entry: dict = {"id": xml_text(item.id), "url": item.url, "title": xml_text(item.title).strip() or "(untitled)"}
    if item.content_html:
        entry["content_html"] = xml_text(item.content_html)
    else:
        entry["content_text"] = xml_text(item.summary)
    if item.summary:
        entry["summary"] = xml_text(item.summary)
    if item.image_url:
        entry["image"] = item.image_url
    if item.published is not None:
        entry["date_published"] = _rfc3339(_moment(item.published, f"entry {item.id!r}"))
    if item.stamp is not None:
        entry["date_modified"] = _rfc3339(_moment(item.stamp, f"entry {item.id!r}"))
    if item.author_name:
        entry["authors"] = [{"name": xml_text(item.author_name),
                             **({"url": item.author_url} if item.author_url else {})}]
    if item.categories:
        entry["tags"] = [xml_text(term) for term in item.categories]
    if item.language:
        entry["language"] = item.language
    if item.source_url:
        entry["external_url"] = item.source_url
    if item.enclosures:
        entry["attachments"] = [{"url": e.url, "mime_type": e.mime_type, "size_in_bytes": e.length,
                                 **({"title": xml_text(e.title)} if e.title else {})} for e in item.enclosures]
    return entry


def build_json(info: FeedInfo, items: list[FeedItem]) -> bytes:
    """JSON Feed 1.1 bytes."""
    document: dict = {"version": JSON_FEED_VERSION, "title": xml_text(info.title) or "Feed",
                      "home_page_url": info.home_url, "feed_url": info.self_urls["json"]}
    if info.subtitle:
        document["description"] = xml_text(info.subtitle)
    if info.prev_archive.get("json"):
        document["next_url"] = info.prev_archive["json"]  # JSON Feed's "next" is the older page
    if info.icon_url:
        document["icon"] = info.icon_url
    if info.favicon_url or info.icon_url:
        document["favicon"] = info.favicon_url or info.icon_url
    if info.author_name:
        document["authors"] = [{"name": xml_text(info.author_name),
                                **({"url": info.author_url} if info.author_url else {})}]
    if info.language:
        document["language"] = info.language
    if info.hub_url:
        document["hubs"] = [{"type": "WebSub", "url": info.hub_url}]
    document["items"] = [_json_item(item) for item in items]
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


BUILDERS = {"rss": build_rss, "atom": build_atom, "json": build_json}


def build_feed(fmt: str, info: FeedInfo, items: list[FeedItem]) -> bytes:
    """The feed in ``fmt`` ("rss", "atom" or "json")."""
    if fmt not in BUILDERS:
        raise FeedBuildError(f"unknown feed format {fmt!r}: use one of {', '.join(FORMATS)}")
    return BUILDERS[fmt](info, items)
