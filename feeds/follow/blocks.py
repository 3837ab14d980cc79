"""Telling a repeated news item from a repeated paragraph of prose, block by block.

A group of blocks that share one structural path (generic.py) may hold more than items: an
editor's introduction and closing paragraphs share the items' markup and hold links too (to
an archive, an accreditation page). Each block is described by what items have:

- ``title first``: the link's title opens the block (after a date at most);
- ``title stands out``: the link is a heading, bold, title-classed, or alone in its element;
- ``dated``: the block carries a date;
- ``date by the title``: the date sits where the other blocks put theirs, relative to the title;
- ``same kind of page``: the link goes where the others go (same site, same folder or URL shape);
- ``one story``: the block links no more stories than the others do.

A feature at least three blocks in five have is *shared*. A block that lacks two shared
features is prose, not an item; so is a block at either end of the run lacking one (the
introduction, the closing paragraph). The verdicts and their reasons are kept so that "Try a
URL" can show an officer why each block was kept or dropped.
"""

from __future__ import annotations

import statistics
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

from .dates import date_offset
from .headlines import HEADINGS

FEATURES = ("title first", "title stands out", "dated", "date by the title", "same kind of page", "one story")
SHARED_SHARE = 0.6
WINDOW = 240
_EMPHASIS = frozenset({"strong", "b", "em", *HEADINGS})


@dataclass
class Block:
    """One block of a group, its primary link, and the verdict on it."""

    record: object
    link: object
    date: object
    text: str
    story_count: int
    date_shown: str | None = None  # the visible text of the element holding the date, when one does
    features: dict = field(default_factory=dict)
    missing: list = field(default_factory=list)
    kept: bool = True
    gap: int | None = None  # signed distance from the title to the date (negative: the date comes first)

    def reasons(self) -> str:
        """Why the block was kept or dropped, in words for the "Try a URL" page."""
        has = [name for name in FEATURES if self.features.get(name)]
        if self.kept:
            lacks = f"; lacks {', '.join(self.missing)}, but the blocks around it are items" if self.missing else ""
            return f"has {', '.join(has) or 'the markup the others repeat'}{lacks}"
        where = "at an end of the run and " if self.features.get("_edge") else ""
        return f"{where}lacks {', '.join(self.missing)}, which the other blocks share"


def _stands_out(link) -> bool:
    if link.in_heading or link.titled or link.read_more:
        return True
    anchor = link.element
    if any(e.tag in _EMPHASIS for e in anchor.iterancestors() if e is not None) and \
            _tail_free(anchor):
        return True
    if next((e for e in anchor.iter("strong", "b")), None) is not None:
        return True
    parent = anchor.getparent()
    return parent is not None and " ".join(parent.text_content().split()) == link.title


def _tail_free(anchor) -> bool:
    # The link fills its emphasis element: <strong><a>Title</a></strong>, not <b>see the <a>archive</a></b>.
    parent = anchor.getparent()
    return parent is not None and parent.tag in _EMPHASIS and " ".join(parent.text_content().split()) == \
        " ".join(anchor.text_content().split())


@lru_cache(maxsize=4096)
def _url_shape(url: str) -> tuple[tuple, tuple]:
    parts = urlsplit(url)
    segments = [s for s in parts.path.split("/") if s]
    folder = tuple(segments[:-1]) if not parts.query else tuple(segments)
    return (parts.netloc.lower(), folder), (parts.netloc.lower(), len(segments), segments[0] if segments else "")


def _majority(values: list) -> tuple[object, float]:
    value, count = Counter(values).most_common(1)[0]
    return value, count / len(values)


def _gap(block: Block, text: str, title: str, at: int, language: str | None) -> int | None:
    """Signed characters from the title to the block's date (negative: the date comes first), or None."""
    if block.date is None:
        return None
    shown_at = text.find(block.date_shown) if block.date_shown and at >= 0 else -1
    if shown_at >= 0:
        return shown_at - (at + len(title)) if shown_at >= at else shown_at - at
    # A date farther than WINDOW characters from the title is far, wherever it is.
    before = text[max(0, at - WINDOW):at] if at >= 0 else ""
    offset = date_offset(before, language) if before else None
    if offset is not None:
        return -(len(before) - offset)
    offset = date_offset(text[at + len(title):at + len(title) + WINDOW] if at >= 0 else text[:WINDOW], language)
    return offset


def describe(blocks: list[Block], language: str | None) -> None:
    """Fill in every block's features (they depend on the other blocks of the group)."""
    folders, shapes = zip(*(_url_shape(b.link.url) for b in blocks))
    folder, folder_share = _majority(list(folders))
    shape, _ = _majority(list(shapes))
    usual_stories = statistics.median(b.story_count for b in blocks)
    starts = [b.text.find(b.link.title) for b in blocks]
    # A title comes first when little stands before it: a date, or what stands before the others' titles.
    usual_start = statistics.median(at for at in starts if at >= 0) if max(starts) >= 0 else 0
    for block, at in zip(blocks, starts):
        title, text = block.link.title, block.text
        block.gap = _gap(block, text, title, at, language)
        lead = at >= 0 and (at <= max(25, 1.5 * usual_start) or (block.gap is not None and block.gap < 0))
        mine = _url_shape(block.link.url)
        # Same folder, or a sibling folder of it (/news/2014/ beside /news/2015/).
        same_page = (mine[0] == folder or (mine[0][0] == folder[0] and len(mine[0][1]) == len(folder[1])
                                           and mine[0][1][:-1] == folder[1][:-1])) if folder_share >= 0.5 \
            else mine[1] == shape
        block.features.update({"title first": lead, "title stands out": _stands_out(block.link),
                               "dated": block.date is not None, "same kind of page": same_page,
                               "one story": block.story_count <= usual_stories})
    gaps = [b.gap for b in blocks if b.gap is not None]
    usual_gap = statistics.median(gaps) if gaps else None
    for block in blocks:
        placed = usual_gap is not None and block.gap is not None and (block.gap < 0) == (usual_gap < 0) and \
            abs(block.gap - usual_gap) <= 30 + abs(usual_gap) / 2
        block.features["date by the title"] = placed


def judge(blocks: list[Block], language: str | None) -> list[Block]:
    """Describe ``blocks`` (in page order), mark those that are prose rather than items; returns the kept."""
    if len(blocks) < 3:
        return blocks
    describe(blocks, language)
    shared = [name for name in FEATURES
              if sum(1 for b in blocks if b.features.get(name)) >= SHARED_SHARE * len(blocks)]
    for block in blocks:
        # An undated block lacks a date, not also its place.
        block.missing = [name for name in shared if not block.features.get(name)
                         and not (name == "date by the title" and block.date is None)]
        block.kept = len(block.missing) < 2
    # At either end of the run, a block lacking anything the others share is an introduction or a closing.
    for run in (blocks, blocks[::-1]):
        for block in run:
            if block.kept and block.missing:
                block.kept, block.features["_edge"] = False, True
                continue
            if block.kept:
                break
    return [b for b in blocks if b.kept]
