"""RFC 5005 paged archives: which entries each archive page holds (no Flask, no comms).

The current feed shows the newest ``PAGE_SIZE`` entries. Older entries live in
numbered archive pages counted from the oldest: page 1 holds entries 1-50 in
order of first publication, page 2 entries 51-100, and so on. Only full pages
are published, so a page never changes once it exists (a retracted entry leaves
a gap rather than moving the boundaries: callers count positions over every
entry that was ever published, and then leave out the ones that are no longer
public). The current feed links the newest full page as ``prev-archive``; each
page links the one before (``prev-archive``), the one after (``next-archive``)
and the current feed (``current``), so a reader can walk the whole history.

Every entry missing from the current feed is on some page: with ``total``
entries ever published, the current feed lacks at most the oldest
``total - PAGE_SIZE``, and the full pages cover the oldest
``PAGE_SIZE * (total // PAGE_SIZE)`` >= ``total - PAGE_SIZE + 1`` of them.
"""

from __future__ import annotations

from dataclasses import dataclass

PAGE_SIZE = 50


@dataclass(frozen=True)
class ArchivePage:
    """One archive page: its number, the positions it holds and its neighbours."""

    number: int
    offset: int  # positions offset+1 .. offset+size, oldest first
    size: int
    prev: int | None  # older page
    next: int | None  # newer page (None: the newest page, whose next is the current feed)


def full_pages(total: int, size: int = PAGE_SIZE) -> int:
    """How many archive pages exist for ``total`` entries ever published."""
    return max(total, 0) // size


def newest_page(total: int, size: int = PAGE_SIZE) -> int | None:
    """The page the current feed links as prev-archive (None while there is none)."""
    return full_pages(total, size) or None


def archive_page(number: int, total: int, size: int = PAGE_SIZE) -> ArchivePage | None:
    """Page ``number``, or None when it does not exist (yet)."""
    count = full_pages(total, size)
    if not 1 <= number <= count:
        return None
    return ArchivePage(number=number, offset=(number - 1) * size, size=size,
                       prev=number - 1 if number > 1 else None, next=number + 1 if number < count else None)
