"""Feed discovery: the feeds a page links to, and the usual feed paths of its site.

``find_feed_links`` reads ``<link rel="alternate">`` elements (RSS, Atom, RDF
and JSON Feed), resolves them as a browser would (``<base href>`` included) and
leaves out comment feeds, which carry readers' comments rather than news.
``candidate_feed_urls`` guesses where an unlinked feed may be, nearest the
listing first: under the listing's own path (WordPress and many others answer
``/category/news/feed/``), under its language prefix (``/ar/feed/``, Drupal's
``/zh-hans/rss.xml``), Joomla's ``?format=feed``, then the site's root. Only a
few of these are ever tried (see reading.py).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from .htmltext import parse_html
from .urls import is_safe_link, resolve

FEED_PATHS = ["/feed/", "/rss.xml", "/index.xml", "/atom.xml", "/rss"]
# A first path segment that names a language: "ar", "fr", "zh-hans", "pt-br", "en_GB".
_LANGUAGE_SEGMENT = re.compile(r"^[a-z]{2,3}(?:[-_][a-z0-9]{2,4})?$", re.I)
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


def language_prefix(path: str) -> str:
    """The language part that starts ``path`` ("/ar", "/index.php/en"), or "" when it has none."""
    segments = [segment for segment in path.split("/") if segment]
    lead = 1 if segments[:1] == ["index.php"] else 0
    if len(segments) > lead and _LANGUAGE_SEGMENT.match(segments[lead]):
        return "/" + "/".join(segments[: lead + 1])
    return ""


def candidate_feed_urls(page_url: str) -> list[str]:
    """Where an unlinked feed of ``page_url`` may be, most likely first (try them within robots.txt)."""
    parts = urlsplit(page_url)
    path = parts.path.rstrip("/")
    prefix = language_prefix(parts.path)
    # A folder-like listing path ("/fr/actualites") may have feeds below it; a file ("News.aspx") has none.
    below = bool(path) and path != prefix and "." not in path.rsplit("/", 1)[-1]
    paths = ([path + "/feed/"] if below else []) + ([prefix + "/feed/", prefix + "/rss.xml"] if prefix else [])
    found = [urlunsplit((parts.scheme, parts.netloc, candidate, "", "")) for candidate in paths]
    if path:
        found.append(urlunsplit((parts.scheme, parts.netloc, parts.path, "format=feed", "")))
    found += [urlunsplit((parts.scheme, parts.netloc, usual, "", "")) for usual in FEED_PATHS]
    if below:
        found.append(urlunsplit((parts.scheme, parts.netloc, path + "/index.xml", "", "")))
    return list(dict.fromkeys(found))
