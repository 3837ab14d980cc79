"""Feed discovery: the feeds a page links to, and the usual feed paths of its site.

``find_feed_links`` reads ``<link rel="alternate">`` elements (RSS, Atom, RDF
and JSON Feed), resolves them as a browser would (``<base href>`` included) and
leaves out comment feeds, which carry readers' comments rather than news.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from .htmltext import parse_html
from .urls import is_safe_link, resolve

FEED_PATHS = ["/feed/", "/rss", "/rss.xml", "/atom.xml", "/index.xml"]
FEED_TYPES = {"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json",
              "application/x.atom+xml", "application/x-atom+xml", "application/x-rss+xml", "text/xml",
              "application/xml", "text/rss+xml", "text/atom+xml"}
_COMMENTS = re.compile(r"\bcomments?\b|commentaires|comentarios|kommentare|/comments/feed", re.I)


def _is_feed_link(rel: str, kind: str, title: str) -> bool:
    if "alternate" not in rel.lower().split():
        return False
    kind = kind.split(";")[0].strip().lower()
    if kind == "application/json":
        # WordPress also links its REST API as application/json: only a titled JSON feed counts.
        return "feed" in title.lower()
    return kind in FEED_TYPES


def find_feed_links(body, url: str) -> list[str]:
    """Absolute URLs of the feeds ``body`` links with rel=alternate, in page order, comment feeds left out."""
    root = parse_html(body)
    base = next((element.get("href") for element in root.iter("base") if element.get("href")), None)
    found: list[str] = []
    for element in root.iter("link", "a"):
        href = element.get("href")
        title = element.get("title") or ""
        if not href or not _is_feed_link(element.get("rel") or "", element.get("type") or "", title):
            continue
        absolute = resolve(href, url, base)
        if not is_safe_link(absolute) or _COMMENTS.search(title) or _COMMENTS.search(urlsplit(absolute).path):
            continue
        if absolute not in found:
            found.append(absolute)
    return found


def candidate_feed_urls(page_url: str) -> list[str]:
    """The usual feed locations on ``page_url``'s site, to try (within robots.txt) when none is linked."""
    parts = urlsplit(page_url)
    return [urlunsplit((parts.scheme, parts.netloc, path, "", "")) for path in FEED_PATHS]
