"""Scoring extracted listings against the fixture sites' _expected.json: precision, recall, dates right.

Shared by bench/extract.py and the fixture-site tests so that the figures the bench
prints and the bar the tests hold are computed the same way.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass
class Score:
    """How one listing's extraction compares with what a reader sees on it."""

    expected: int
    found: int
    matched: int
    dates_right: int
    titles_right: int

    @property
    def precision(self) -> float:
        """Share of the items found that are expected items (1.0 when nothing was found and nothing expected)."""
        return self.matched / self.found if self.found else (1.0 if not self.expected else 0.0)

    @property
    def recall(self) -> float:
        """Share of the expected items that were found."""
        return self.matched / self.expected if self.expected else 1.0

    @property
    def date_accuracy(self) -> float:
        """Share of the matched items whose date is the expected one (None where the page gives none)."""
        return self.dates_right / self.matched if self.matched else (1.0 if not self.expected else 0.0)

    def __add__(self, other: "Score") -> "Score":
        return Score(self.expected + other.expected, self.found + other.found, self.matched + other.matched,
                     self.dates_right + other.dates_right, self.titles_right + other.titles_right)


def day(value) -> str | None:
    """An extracted date as YYYY-MM-DD (UTC day for an aware datetime), or None."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        value = value.astimezone(dt.timezone.utc).date() if value.tzinfo else value.date()
    return value.isoformat()


def score(found_rows: list[tuple], expected_rows: list[tuple]) -> Score:
    """Compare (title, url, YYYY-MM-DD or None) rows, matching items by URL."""
    wanted = {url: (title, published) for title, url, published in expected_rows}
    matched = dates = titles = 0
    seen = set()
    for title, url, published in found_rows:
        if url in wanted and url not in seen:
            seen.add(url)
            matched += 1
            dates += wanted[url][1] == published
            titles += wanted[url][0] == title
    return Score(len(expected_rows), len(found_rows), matched, dates, titles)
