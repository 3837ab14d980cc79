"""Grouping, scoring and reading the repeated blocks that ``listing.Page`` finds (see listing.py)."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlsplit

from .htmltext import summary_html, text_of
from .listing import HEADINGS, MAX_LEVELS, SUMMARY_CLASS, Link, Page


@dataclass
class Found:
    """One item read from a block: where it is in the page, and what it says."""

    order: int
    title: str
    url: str
    published: object
    summary: str


@dataclass
class Group:
    """Blocks sharing one structural path, with the primary link of each."""

    records: list
    primary: dict
    score: float


def _primary(record, links: list[Link]) -> Link:
    def rank(link: Link):
        return (link.in_heading, link.titled, len(link.title.split()) >= 3, -link.order)
    return max(links, key=rank)


def _record_text(record) -> str:
    return text_of(record)


def _followers(record, records: set) -> list:
    """Siblings after a block up to the next one: where flat layouts (<dt>/<dd>, h3 + p) keep date and text."""
    found = []
    for sibling in record.itersiblings():
        if len(found) == 4 or sibling in records or not isinstance(sibling.tag, str) or sibling.tag in HEADINGS:
            break
        found.append(sibling)
    return found


def _date(page: Page, record, title: str, records: set):
    value = page.record_date(record, title)
    if value is None:
        for sibling in _followers(record, records):
            if any(a in page.links for a in sibling.iter("a")) and sibling.tag not in ("dd", "p"):
                break
            value = page.record_date(sibling, title)
            if value is not None:
                break
    return value


def _score(page: Page, records: list, record_links: dict) -> Group | None:
    primary = {record: _primary(record, record_links[record]) for record in records}
    urls = [primary[record].url for record in records]
    unique = len(set(urls)) / len(urls)
    title_score = extra = dated = headed = region = 0.0
    stories = 0.0
    members = set(records)
    for record in records:
        link = primary[record]
        text = _record_text(record)
        title_score += min(len(link.title.split()), 10) / 10
        extra += min(max(len(text) - len(link.title), 0) / 150, 1.0)
        dated += 1.0 if _date(page, record, link.title, members) else 0.0
        headed += 1.0 if link.in_heading else 0.0
        heading_urls = {l.url for l in record_links[record] if l.in_heading}
        long_urls = {l.url for l in record_links[record] if len(l.title.split()) >= 4}
        stories += max(len(heading_urls), 1) if heading_urls else max(len(long_urls), 1) ** 0.5
        node = page.node(record)
        region += 0.15 if node.negative else (1.3 if node.positive else 1.0)
    n = len(records)
    score = (math.log2(1 + n) * (title_score / n) * unique * (n / stories) * (1 + 1.5 * dated / n)
             * (1 + 0.5 * headed / n) * (1 + extra / n) * (region / n))
    return Group(records, primary, score)


def _groups(page: Page) -> list[Group]:
    buckets: dict = defaultdict(dict)
    for anchor, link in page.links.items():
        page.node(anchor)
        element = anchor
        for _ in range(MAX_LEVELS):
            if element is None or element is page.body:
                break
            buckets[page.nodes[element].path].setdefault(element, []).append(link)
            element = element.getparent()
    groups = []
    for members in buckets.values():
        if len(members) >= 2:
            groups.append(_score(page, list(members), members))
    return sorted(groups, key=lambda group: -group.score)


def _common_prefix(urls: list[str]) -> tuple[str, str]:
    parts = [urlsplit(url) for url in urls]
    hosts = {part.netloc.lower() for part in parts}
    segments = [part.path.split("/")[1:-1] for part in parts]
    prefix = []
    for column in zip(*segments):
        if len(set(column)) != 1:
            break
        prefix.append(column[0])
    return (hosts.pop() if len(hosts) == 1 else "", "/" + "/".join(prefix) + ("/" if prefix else ""))


def _container(page: Page, link: Link, blocked: set):
    """The largest ancestor of a lone story link that holds no other story and no block of the group."""
    best = link.element
    for ancestor in link.element.iterancestors():
        if ancestor is page.body or ancestor in blocked:
            break
        others = (page.links.get(a) for a in ancestor.iter("a"))
        if any(other is not None and other.url != link.url and (other.in_heading or other.titled)
               for other in others):
            break
        best = ancestor
    return best


def _extras(page: Page, group: Group) -> list[tuple]:
    """Stories outside the winning group that look like its items (a featured block, a second list)."""
    taken = {link.url for link in group.primary.values()}
    host, prefix = _common_prefix(list(taken))
    members = set(group.records)
    needs_date = sum(1 for r in group.records if _date(page, r, group.primary[r].title, members)) >= 0.6 * len(
        group.records)
    inside = set()
    blocked = set()
    for record in group.records:
        inside.update(record.iter("a"))
        blocked.update(record.iterancestors())
    found = []
    for anchor, link in page.links.items():
        if anchor in inside or link.url in taken:
            continue
        if not (link.in_heading or len(link.title.split()) >= 4):
            continue
        parts = urlsplit(link.url)
        if host and parts.netloc.lower() != host:
            continue
        if prefix == "/" or not parts.path.startswith(prefix) or parts.path == prefix:
            continue
        container = _container(page, link, blocked)
        if page.node(container).negative:
            continue
        if needs_date and not page.record_date(container, link.title):
            continue
        taken.add(link.url)
        found.append((container, link))
    return found


def _summary_of_texts(texts: list[str], title: str) -> str:
    chosen = next((t for t in texts if title not in t and len(t.split()) >= 5), "")
    return summary_html(chosen) if chosen else ""


def _summary(record, title: str) -> str:
    parts = []
    for element in record.iter():
        if element is record or not isinstance(element.tag, str) or element.tag in HEADINGS or element.tag == "a":
            continue
        if element.tag == "p" or SUMMARY_CLASS.search((element.get("class") or "")[:200]):
            text = text_of(element)
            if text and title not in text and len(text.split()) >= 5:
                parts.append(text)
                break
    return summary_html(parts[0] if parts else text_of(record).replace(title, " ", 1).strip())


def read_items(page: Page) -> list[Found]:
    """The items of ``page`` in page order, one per story URL."""
    groups = _groups(page)
    blocks, members = [], set()
    if groups and groups[0].score > 0.3:
        best = groups[0]
        members = set(best.records)
        blocks = [(record, best.primary[record]) for record in best.records]
        blocks += _extras(page, best)
    else:
        # No repeated block: a lone story (heading link with a date beside it) is still an item.
        lone = [(_container(page, link, set()), link) for link in page.links.values() if link.in_heading]
        blocks = [(record, link) for record, link in lone
                  if not page.node(record).negative and page.record_date(record, link.title)]
    items, seen = [], set()
    for record, link in sorted(blocks, key=lambda pair: pair[1].order):
        key = link.url.partition("#")[0]
        if key in seen:
            continue
        seen.add(key)
        summary = _summary(record, link.title)
        if not summary and record in members:
            summary = _summary_of_texts([text_of(s) for s in _followers(record, members)], link.title)
        items.append(Found(link.order, link.title, link.url, _date(page, record, link.title, members), summary))
    return items
