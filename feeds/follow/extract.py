"""What a followed page or feed says: items with a title, a link, a date and a safe summary.

Pure functions on bytes: no network, no database. Feeds go through feedparser
after their DOCTYPE and entity declarations are removed (docs/design/security.md item 8: no
external entities, no remote DTD, no billion laughs) and never as a URL;
listing pages go through one lxml parse and the generic extractor (generic.py)
or, when a source has them, CSS selectors (selectors.py).
"""

from __future__ import annotations

import datetime as dt
import html.entities
import io
import re
from dataclasses import dataclass

import feedparser

from .dates import EARLIEST_YEAR, find_date_in_text, parse_date
from .generic import Verdict, explain_items, read_items
from .htmltext import clean_text, decode_html, html_to_text, parse_html, sanitize_html, summary_html, text_of
from .listing import Page
from .selectors import extract_with_selectors
from .urls import clean_url, is_safe_link, resolve


@dataclass(frozen=True)
class ExtractedItem:
    """One news item found on another site; ``published`` is None when the site gives no date."""

    title: str
    url: str
    published: dt.date | dt.datetime | None
    summary: str = ""
    guid: str | None = None


class NotAFeed(ValueError):
    """The bytes are not an RSS, Atom, RDF or JSON feed (an HTML error page, say)."""


_LEADING_JUNK = re.compile(rb"^(?:\s+|<\?[^>]{0,500}\?>|<!--.{0,2000}?-->|<!DOCTYPE\s+(?!html)[^>\[]*"
                           rb"(?:\[.*?\])?\s*>)*", re.S | re.I)
_ROOT = re.compile(rb"^<([A-Za-z][\w.-]*:)?([A-Za-z][\w.-]*)")
_DOCTYPE = re.compile(rb"<!DOCTYPE[^>\[]*(?:\[.*?\]\s*)?>", re.S | re.I)
_DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)", re.I)
_ENTITY_REF = re.compile(rb"&([A-Za-z][A-Za-z0-9._-]{0,31});")
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|&#0*(?:[0-8]|1[1-2]|1[4-9]|2\d|3[01]);|"
                            rb"&#x0*(?:[0-8bBcCeEfF]|1[0-9a-fA-F]);")
XML_ENTITIES = {b"amp", b"lt", b"gt", b"quot", b"apos"}
FEED_ROOTS = {b"rss", b"feed", b"rdf", b"channel"}


def looks_like_feed(body: bytes, content_type: str | None = None) -> bool:
    """True when ``body`` starts like RSS, Atom, RDF or a JSON Feed, whatever the Content-Type claims."""
    head = (body or b"")[:4096]
    for bom in (b"\xef\xbb\xbf",):
        head = head[len(bom):] if head.startswith(bom) else head
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", errors="replace").encode("utf-8")
    head = head[_LEADING_JUNK.match(head).end():]
    if head.startswith(b"{"):
        return b"jsonfeed.org/version" in head.replace(b"\\/", b"/")
    match = _ROOT.match(head)
    return bool(match and match.group(2).lower() in FEED_ROOTS)


def _entity(match: re.Match) -> bytes:
    name = match.group(1)
    if name in XML_ENTITIES:
        return match.group(0)
    codepoint = html.entities.name2codepoint.get(name.decode("ascii"))
    # HTML names (&nbsp;) become numeric references; anything else (&xxe;, &lol9;) is dropped unexpanded.
    return b"&#%d;" % codepoint if codepoint else b""


def _defused(body: bytes) -> bytes:
    if body.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = body.decode("utf-16", errors="replace")
        body = re.sub(r"^(<\?xml[^>]*?)encoding=[\"'][^\"']*[\"']", r"\1", text).encode("utf-8")
    body = _DOCTYPE.sub(b"", body, count=1)
    if _DECLARATION.search(body):
        raise NotAFeed("the feed declares entities or a DTD, which are refused")
    body = _CONTROL_BYTES.sub(b"", body)
    return _ENTITY_REF.sub(_entity, body)


def _published(entry) -> dt.date | dt.datetime | None:
    # feedparser guesses at odd dates ("2016/6/29 15:07 MEST" becomes 1 November): its instant is kept only
    # when our own reading of the text names the same day; otherwise our day, or unknown.
    for key in ("published", "updated", "created"):
        raw = entry.get(key)
        if not raw:
            continue
        mine = parse_date(raw)
        if mine is None:
            return None
        day = mine.date() if isinstance(mine, dt.datetime) else mine
        parsed = entry.get(key + "_parsed")
        if parsed:
            try:
                moment = dt.datetime(*parsed[:6], tzinfo=dt.timezone.utc)
            except (TypeError, ValueError):
                return mine
            tomorrow = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)
            if abs((moment.date() - day).days) <= 1 and EARLIEST_YEAR <= moment.year and moment <= tomorrow:
                return moment
        return mine
    return None


def _entry_title(entry) -> str:
    detail = entry.get("title_detail") or {}
    value = entry.get("title") or ""
    return html_to_text(value) if "html" in (detail.get("type") or "") else clean_text(value)


def extract_feed(body: bytes, url: str, content_type: str | None = None) -> list[ExtractedItem]:
    """The items of an RSS/Atom/RDF/JSON feed's bytes, links resolved against ``url``.

    Raises NotAFeed for anything else (an HTML page served as RSS included).
    """
    if not looks_like_feed(body, content_type):
        raise NotAFeed("this is not an RSS, Atom or JSON feed")
    parsed = feedparser.parse(io.BytesIO(_defused(body)), response_headers={"content-location": url},
                              sanitize_html=True, resolve_relative_uris=True)
    if not parsed.get("version") and not parsed.entries:
        raise NotAFeed("the feed could not be read")
    items = []
    for entry in parsed.entries:
        link = entry.get("link") or ""
        guid = clean_text(entry.get("id") or "") or None
        if not link and guid and guid.startswith(("http://", "https://")):
            link = guid
        link = resolve(link, url) if link else ""
        if not is_safe_link(link):
            continue
        summary = sanitize_html(entry.get("summary") or "")
        title = _entry_title(entry) or html_to_text(summary)[:120]
        if title:
            items.append(ExtractedItem(title, clean_url(link), _published(entry), summary, guid))
    return items


def extract_listing(body, url: str, *, selectors: dict | None = None, encoding: str | None = None,
                    language: str | None = None) -> list[ExtractedItem]:
    """The news items of a listing page, in page order.

    ``body`` is bytes, text or an lxml tree parsed already. With ``selectors``
    ({item, title, link, date, summary}: CSS) those are used; otherwise the
    generic extractor finds the repeated blocks itself.
    """
    if selectors and any((value or "").strip() for value in selectors.values()):
        return [ExtractedItem(*values) for values in
                extract_with_selectors(body, url, selectors, encoding=encoding, language=language)]
    page = Page(parse_html(body, encoding), url, language)
    return [ExtractedItem(found.title, found.url, found.published, found.summary) for found in read_items(page)]


def explain_listing(body, url: str, *, encoding: str | None = None, language: str | None = None) -> list[Verdict]:
    """Why the generic extractor kept or dropped each block of a listing page, in page order ("Try a URL")."""
    return explain_items(Page(parse_html(body, encoding), url, language))


_META_DATES = ("article:published_time", "og:published_time", "datepublished", "date", "dc.date",
               "dc.date.issued", "dcterms.created", "dcterms.date", "publish-date", "pubdate", "sailthru.date")
_JSON_LD_DATE = re.compile(r'"datePublished"\s*:\s*"([^"]{6,40})"')


def extract_detail(body, url: str, *, encoding: str | None = None,
                   language: str | None = None) -> tuple[dt.date | dt.datetime | None, str]:
    """The publication date and a short sanitised summary of an article page (for listings that lack them)."""
    text = decode_html(body, encoding) if isinstance(body, (bytes, str)) else None
    root = parse_html(text if text is not None else body)
    published = None
    for meta in root.iter("meta"):
        name = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        if name in _META_DATES:
            published = parse_date(meta.get("content"), language)
            if published:
                break
    if published is None and text is not None:
        found = _JSON_LD_DATE.search(text[:200000])
        published = parse_date(found.group(1), language) if found else None
    scope = next((e for tag in ("article", "main") for e in root.iter(tag)), None)
    if scope is None:
        scope = root.find("body") if root.find("body") is not None else root
    if published is None:
        published = Page(root, url, language).record_date(scope, "\x00")
    paragraphs = (text_of(p) for p in scope.iter("p"))
    first = next((p for p in paragraphs if len(p.split()) >= 8), "")
    if not first:
        description = next((m.get("content") for m in root.iter("meta")
                            if (m.get("name") or m.get("property") or "").lower() in ("description", "og:description")),
                           "")
        first = description or ""
    return published, summary_html(first)


__all__ = ["ExtractedItem", "NotAFeed", "Verdict", "looks_like_feed", "extract_feed", "extract_listing",
           "explain_listing", "extract_detail", "find_date_in_text"]
