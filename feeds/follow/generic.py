"""Grouping, scoring and reading the repeated blocks that ``listing.Page`` finds (see listing.py).

Every group of blocks sharing a structural path gets a first score; the best few are then
judged block by block (blocks.py), so that introductions and closing paragraphs that share
the items' markup are dropped, and scored again on the blocks kept. In flat layouts, where a
block's date sits in a sibling element, the group's blocks are looked at together to tell
whether dates come after their links or before them.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from .blocks import Block, judge
from .headlines import headline_words
from .htmltext import summary_html, text_of
from .listing import HEADINGS, MAX_LEVELS, SUMMARY_CLASS, Link, Page

JUDGED_GROUPS = 6
CONTENDER_SHARE = 0.3


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
    links: dict = field(default_factory=dict)  # record -> its candidate links
    direction: str = "after"  # where flat layouts keep a block's date: in the siblings after it, or before
    blocks: list = field(default_factory=list)  # the verdict on every block, once judged


@dataclass
class Verdict:
    """Why one block of the page was or was not read as an item (for "Try a URL")."""

    title: str
    url: str
    kept: bool
    reasons: str


def _primary(record, links: list[Link]) -> Link:
    def rank(link: Link):
        return (link.in_heading, link.titled, len(link.title.split()) >= 3, -link.order)
    return max(links, key=rank)




def _siblings(record, records: set, forward: bool, limit: int = 4) -> list:
    """Siblings after (or before) a block up to the next block: where flat layouts keep date and text."""
    found = []
    for sibling in record.itersiblings(preceding=not forward):
        if len(found) == limit or sibling in records or not isinstance(sibling.tag, str):
            break
        # After a block, a heading starts the next item; before it, a heading may be its date ("<h4>3 May").
        if forward and sibling.tag in HEADINGS:
            break
        found.append(sibling)
    return found


def _followers(record, records: set) -> list:
    return _siblings(record, records, True)


def _date(page: Page, record, title: str, records: set, direction: str = "after"):
    return _dated_by(page, record, title, records, direction)[0]


def _dated_by(page: Page, record, title: str, records: set, direction: str = "after") -> tuple:
    """(date, element that shows it): the block itself, or in flat layouts a sibling after or before it."""
    value = page.record_date(record, title)
    if value is not None:
        return value, record
    for sibling in _siblings(record, records, direction == "after"):
        if any(a in page.links for a in sibling.iter("a")) and sibling.tag not in ("dd", "p"):
            break
        value = page.record_date(sibling, title)
        if value is not None:
            return value, sibling
    return None, None


def _nearest_dated(page: Page, siblings: list) -> int | None:
    return next((i for i, sibling in enumerate(siblings) if page.record_date(sibling, "\x00") is not None), None)


def _directions(page: Page, records: list) -> list[str]:
    """Where the blocks' dates may sit: ["after"], or also "before" when some block has one just before it.

    In flat layouts a date between two links is as near to one as to the other; which way it
    belongs shows only at the ends of the run, so both readings are judged and the better kept.
    """
    members = set(records)
    for record in records:
        if page.record_date(record, "\x00") is not None:
            continue
        after = _nearest_dated(page, [s for s in record.itersiblings() if s not in members][:4])
        before = _nearest_dated(page, _siblings(record, members, False))
        if before is not None and (after is None or before <= after):
            return ["after", "before"]
    return ["after"]


def _score(page: Page, records: list, record_links: dict, direction: str = "after", dates: dict | None = None,
           texts: dict | None = None) -> Group:
    primary = {record: _primary(record, record_links[record]) for record in records}
    if not records:
        return Group(records, primary, 0.0, record_links, direction)
    urls = [primary[record].url for record in records]
    unique = len(set(urls)) / len(urls)
    title_score = extra = dated = headed = region = 0.0
    stories = 0.0
    members = set(records)
    for record in records:
        link = primary[record]
        text = texts[record] if texts else page.text(record)
        title_score += min(headline_words(link.title), 10) / 10
        extra += min(max(len(text) - len(link.title), 0) / 150, 1.0)
        date = dates[record] if dates else _date(page, record, link.title, members, direction)
        dated += 1.0 if date else 0.0
        headed += 1.0 if link.in_heading else 0.0
        heading_urls = {l.url for l in record_links[record] if l.in_heading}
        long_urls = {l.url for l in record_links[record] if headline_words(l.title) >= 4}
        stories += max(len(heading_urls), 1) if heading_urls else max(len(long_urls), 1) ** 0.5
        node = page.node(record)
        region += 0.15 if node.negative else (1.3 if node.positive else 1.0)
    n = len(records)
    score = (math.log2(1 + n) * (title_score / n) * unique * (n / stories) * (1 + 1.5 * dated / n)
             * (1 + 0.5 * headed / n) * (1 + extra / n) * (region / n))
    return Group(records, primary, score, record_links, direction)


def _spread(blocks: list[Block]) -> float:
    """1 for blocks of like length, less for text whose blocks' lengths vary as prose paragraphs do."""
    lengths = [len(b.text) for b in blocks]
    if len(lengths) < 3:
        return 1.0
    variation = statistics.pstdev(lengths) / max(statistics.mean(lengths), 1.0)
    return 1.0 / (1.0 + max(0.0, variation - 0.6))


def _judged(page: Page, group: Group) -> Group:
    """The group scored again on the blocks judged to be items (blocks.py), the verdicts kept."""
    best = None
    for direction in _directions(page, group.records):
        judged = _judged_one_way(page, group, direction)
        if best is None or judged.score > best.score:
            best = judged
    return best


def _judged_one_way(page: Page, group: Group, direction: str) -> Group:
    members = set(group.records)
    blocks, dates, texts = [], {}, {}
    for record in group.records:
        link = group.primary[record]
        date, source = _dated_by(page, record, link.title, members, direction)
        dates[record] = date
        texts[record] = text = page.text(record)
        if source is not None and source is not record:
            beside = " ".join(page.text(s) for s in _siblings(record, members, direction == "after", 2))
            text = f"{text} {beside}" if direction == "after" else f"{beside} {text}"
        stories = len({candidate.url for candidate in group.links[record]})
        blocks.append(Block(record, link, date, text, stories, page.date_shown(source) if source is not None
                            else None))
    kept = judge(blocks, page.language)
    judged = _score(page, [block.record for block in kept], group.links, direction, dates, texts)
    judged.score *= _spread(kept)
    judged.blocks = blocks
    return judged


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
    groups.sort(key=lambda group: -group.score)
    # Judging drops blocks: it does not lift a group from under a third of the best score to the top.
    contenders = [g for g in groups[:JUDGED_GROUPS] if g.score >= CONTENDER_SHARE * groups[0].score] if groups else []
    judged = [_judged(page, group) for group in contenders]
    return sorted(judged, key=lambda group: -group.score) + groups[len(contenders):]


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
    needs_date = sum(1 for r in group.records if _date(page, r, group.primary[r].title, members,
                                                       group.direction)) >= 0.6 * len(group.records)
    inside = set()
    blocked = set()
    for record in group.records:
        inside.update(record.iter("a"))
        blocked.update(record.iterancestors())
    for block in group.blocks:  # the blocks judged not to be items stay out
        inside.update(block.record.iter("a"))
    found = []
    for anchor, link in page.links.items():
        if anchor in inside or link.url in taken:
            continue
        if not (link.in_heading or headline_words(link.title) >= 4):
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


def _chosen(page: Page) -> tuple[Group | None, list[tuple]]:
    groups = _groups(page)
    if groups and groups[0].score > 0.3:
        best = groups[0]
        return best, [(record, best.primary[record]) for record in best.records] + _extras(page, best)
    # No repeated block: a lone story (heading link with a date beside it) is still an item.
    lone = [(_container(page, link, set()), link) for link in page.links.values() if link.in_heading]
    return None, [(record, link) for record, link in lone
                  if not page.node(record).negative and page.record_date(record, link.title)]


def read_items(page: Page) -> list[Found]:
    """The items of ``page`` in page order, one per story URL."""
    best, blocks = _chosen(page)
    members = set(best.records) if best else set()
    direction = best.direction if best else "after"
    items, seen = [], set()
    for record, link in sorted(blocks, key=lambda pair: pair[1].order):
        key = link.url.partition("#")[0]
        if key in seen:
            continue
        seen.add(key)
        summary = _summary(record, link.title)
        if not summary and record in members:
            summary = _summary_of_texts([text_of(s) for s in _followers(record, members)], link.title)
        items.append(Found(link.order, link.title, link.url, _date(page, record, link.title, members, direction),
                           summary))
    return items


def explain_items(page: Page) -> list[Verdict]:
    """Every block the extractor weighed as an item, in page order, with why it was kept or dropped."""
    best, blocks = _chosen(page)
    if best is None:
        return [Verdict(link.title, link.url, True, "a lone story: a heading link with a date beside it")
                for _, link in blocks]
    verdicts = [(block.link.order, Verdict(block.link.title, block.link.url, block.kept, block.reasons()))
                for block in best.blocks] or [(best.primary[r].order, Verdict(best.primary[r].title,
                                                                              best.primary[r].url, True,
                                                                              "repeated block"))
                                               for r in best.records]
    members = set(best.records)
    verdicts += [(link.order, Verdict(link.title, link.url, True, "outside the repeated blocks, a story link "
                                      "like theirs (same site and path)"))
                 for record, link in blocks if record not in members]
    return [verdict for _, verdict in sorted(verdicts, key=lambda pair: pair[0])]
