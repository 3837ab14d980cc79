"""The generic listing extractor: the repeated news blocks of a page, found without per-site rules.

Every link whose text reads like a headline is a candidate. Each of its
ancestors (up to a few levels) is a possible item block, keyed by its
structural path (tags plus the first meaningful class of every element from
<body> down), so the cards of a grid and the rows of a table fall into one
group even when they sit in different parents. Each group is scored on what
news blocks have and menus lack: several blocks, headline-length titles in
headings, a date, some text beside the title, one story per block, and a
place in <main> rather than in <nav>, <header>, <footer>, <aside> or an
element whose class says menu, sidebar, breadcrumb, pager, share or cookie.
The best group wins; stories outside it that link under the same path and
carry a date (a "featured" block above a grid) join it. Everything walks the
lxml tree iteratively, so depth costs no recursion.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import lru_cache


from .dates import find_date_in_text, parse_date
from .headlines import HEADINGS, TITLE_CLASS, headline_for, is_read_more, reads_as_headline
from .htmltext import clean_text, text_of
from .urls import clean_url, is_safe_link, resolve

NEGATIVE_TAGS = frozenset({"nav", "footer", "aside", "header", "menu", "form-nav"})
NEGATIVE_WORDS = frozenset({
    "nav", "navbar", "navigation", "menu", "menubar", "submenu", "subnav", "footer", "sidebar", "breadcrumb",
    "breadcrumbs", "pager", "pagination", "paginator", "pagenavigator", "lang", "language", "languages",
    "switcher", "share", "sharing", "sharedaddy", "social", "cookie", "cookies", "cookieconsent", "consent",
    "widget", "related", "tags", "tag", "tagcloud", "skip", "header", "masthead", "toolbar", "filter", "filters",
    "facet", "facets", "topbar", "search", "login", "utility", "sitemap", "newsletter", "archives", "extrainfo",
    "calendar", "events", "upcoming", "aside", "portlet", "mostread", "popular", "promo", "advert", "ads", "banner", "offcanvas", "dropdown", "megamenu"})
POSITIVE_WORDS = frozenset({
    "main", "content", "news", "post", "posts", "article", "articles", "list", "listing", "view", "views",
    "results", "items", "teasers", "teaser", "blog", "press", "releases", "updates", "stories", "entries", "feed",
    "actualites", "noticias", "communiques", "media"})
STATE_TOKENS = frozenset({"odd", "even", "first", "last", "active", "current", "selected", "open", "closed",
                          "sticky", "featured", "new", "hidden", "visible", "clearfix", "clear", "row", "col",
                          "column", "item", "hentry", "status-publish", "format-standard", "type-post"})
DATE_CLASS = re.compile(r"date|time|posted|published|meta|byline|created|when", re.I)
SUMMARY_CLASS = re.compile(r"summary|teaser|excerpt|description|intro|lead|abstract|body|text|content", re.I)
# Zebra striping and state classes that differ between otherwise identical blocks.
_STATE_PART = re.compile(r"^(?:is|has|js)-|altern|(?:^|[-_])(?:odd|even|alt|first|last|active|current|selected)$")
_HAS_DIGIT = re.compile(r"\d")
_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_BEM_SUFFIX = re.compile(r"(?:__|--)\S*")
MAX_LEVELS = 7
_NOT_PAGES = ("mailto:", "tel:", "javascript:", "#", "data:", "file:", "ftp:", "callto:", "sms:")


@dataclass
class Link:
    """A candidate headline link."""

    element: object
    title: str
    url: str
    in_heading: bool
    order: int
    titled: bool = False
    # A "read more" (or empty) link: its title is the plain-text headline before it.
    read_more: bool = False


@dataclass
class Node:
    """What the extractor knows about one ancestor element."""

    path: int
    negative: bool
    positive: bool
    links: list = field(default_factory=list)


@lru_cache(maxsize=4096)
def _words(value: str) -> frozenset[str]:
    # BEM: only the block ("layout" in "layout--sidebar") says what an element is; camelCase splits too.
    return frozenset(word.lower() for word in _WORD.findall(_BEM_SUFFIX.sub("", value)))


def _signature(element) -> str:
    return _signature_of(element.tag, element.get("class"))


@lru_cache(maxsize=4096)
def _signature_of(tag, classes: str | None) -> str:
    for token in (classes or "")[:300].split():
        lowered = token.lower()
        if lowered in STATE_TOKENS or _HAS_DIGIT.search(lowered) or _STATE_PART.search(lowered):
            continue
        return f"{tag}.{lowered}"
    return str(tag)


def _hints(element) -> tuple[bool, bool]:
    tag = element.tag
    attributes = element.attrib
    words = _words(attributes.get("class", "")[:300] + " " + attributes.get("id", "")[:100]) \
        if ("class" in attributes or "id" in attributes) else frozenset()
    role = (element.get("role") or "").lower()
    negative = tag in NEGATIVE_TAGS or bool(words & NEGATIVE_WORDS) or role in ("navigation", "banner",
                                                                                   "contentinfo", "complementary")
    positive = tag in ("main", "article") or role == "main" or bool(words & POSITIVE_WORDS)
    return negative, positive


class Page:
    """One parsed listing page and the candidate links in it."""

    def __init__(self, root, url: str, language: str | None):
        self.root = root
        self.url = url
        self.language = language
        self.body = root.find("body") if root.find("body") is not None else root
        base = next((element.get("href") for element in root.iter("base") if element.get("href")), None)
        self.base = base
        self.page = url.partition("#")[0]
        self.nodes: dict = {}
        self.links: dict = {}
        self._date_cache: dict = {}
        self._date_shown: dict = {}
        # Nested wrappers (li > div > p) often hold the very same text: read each text once per page.
        self._text_dates: dict = {}
        self._texts: dict = {}
        self._by_story: dict = {}  # story URL (no fragment) -> anchors with a title pointing at it
        read_more = []
        for order, anchor in enumerate(self.body.iter("a")):
            link = self._candidate(anchor, order)
            if isinstance(link, tuple):
                read_more.append(link)
            elif link is not None:
                self.links[anchor] = link
                self._by_story.setdefault(link.url.partition("#")[0], []).append(anchor)
        for anchor, order, url in read_more:
            link = self._read_more(anchor, order, url)
            if link is not None:
                self.links[anchor] = link
        self.links = dict(sorted(self.links.items(), key=lambda pair: pair[1].order))

    def text(self, element) -> str:
        """text_of(element), computed once per element."""
        found = self._texts.get(element)
        if found is None:
            found = self._texts[element] = text_of(element)
        return found

    def _candidate(self, anchor, order: int) -> Link | None:
        href = (anchor.get("href") or "").strip()
        if not href or href.lower().startswith(_NOT_PAGES):
            return None
        url = resolve(href, self.url, self.base)
        if not is_safe_link(url) or url.partition("#")[0] == self.page:
            return None
        heading = next((h for h in anchor.iter(*HEADINGS)), None)
        in_heading = heading is not None or any(a.tag in HEADINGS for a in anchor.iterancestors(*HEADINGS))
        if heading is not None:
            title = text_of(heading)
        else:
            title = text_of(anchor)
            if len(title) > 160:  # a link wrapping a whole card: its title is the element that says so
                named = next((e for e in anchor.iter() if isinstance(e.tag, str)
                              and TITLE_CLASS.search(e.get("class") or "")), None)
                title = text_of(named) if named is not None else ""
        title = clean_text(title)
        if not in_heading and is_read_more(title):
            return anchor, order, url  # judged once every titled link is known (_read_more)
        if not reads_as_headline(title):
            return None
        near = [anchor, *itertools.islice(anchor.iterancestors(), 2)]
        titled = any(TITLE_CLASS.search((e.get("class") or "")[:200]) for e in near)
        return Link(anchor, title, clean_url(url), in_heading, order, titled)

    def _read_more(self, anchor, order: int, url: str) -> Link | None:
        titled = [set(itertools.islice(other.iterancestors(), 6)) for other in
                  self._by_story.get(clean_url(url).partition("#")[0], ())]

        def holds_titled_link(ancestor) -> bool:
            return any(ancestor in ancestors for ancestors in titled)

        headline = headline_for(anchor, holds_titled_link)
        if headline is None:
            return None
        return Link(anchor, clean_text(text_of(headline)), clean_url(url), headline.tag in HEADINGS, order,
                    titled=True, read_more=True)

    def node(self, element) -> Node:
        """The Node of ``element``, computing its ancestors' first (iteratively, top down)."""
        found = self.nodes.get(element)
        if found is not None:
            return found
        chain = [element]
        for ancestor in element.iterancestors():
            if ancestor in self.nodes:
                break
            chain.append(ancestor)
        parent_node = self.nodes.get(chain[-1].getparent()) if chain[-1].getparent() is not None else None
        for current in reversed(chain):
            negative, positive = _hints(current) if current.tag not in ("html", "body") else (False, False)
            if parent_node is None:
                made = Node(hash(_signature(current)), negative, positive)
            else:
                made = Node(hash((parent_node.path, _signature(current))), negative or parent_node.negative,
                            positive or parent_node.positive)
            self.nodes[current] = made
            parent_node = made
        return self.nodes[element]

    def record_date(self, element, title: str):
        """The date shown in a block: <time>, then a date-like element, then the first date in its text."""
        if element in self._date_cache:
            return self._date_cache[element]
        value, shown = None, None
        for time in element.iter("time"):
            shown = self.text(time)
            value = parse_date(time.get("datetime"), self.language) or parse_date(shown, self.language)
            if value:
                break
        if value is None:
            for candidate in element.iter():
                if candidate is not element and isinstance(candidate.tag, str) and \
                        DATE_CLASS.search((candidate.get("class") or "")[:200] + (candidate.get("itemprop") or "")):
                    shown = self.text(candidate)
                    if shown and title not in shown and len(shown) < 200:
                        value = parse_date(shown, self.language)
                        if value:
                            break
        if value is None:
            shown = None
            text = self.text(element)
            text = text.replace(title, " ", 1)
            if text not in self._text_dates:
                self._text_dates[text] = find_date_in_text(text, self.language)
            value = self._text_dates[text]
        self._date_cache[element] = value
        self._date_shown[element] = shown if value is not None else None
        return value

    def date_shown(self, element) -> str | None:
        """The text of the element that gave ``element``'s date (a <time>, a date-classed element), if any."""
        return self._date_shown.get(element)
