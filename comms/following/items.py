"""Items from followed sources as staff look for them: filters, search, weekly counts (no Flask).

An item's date for filtering and sorting is its published date, or when the
follower first saw it if the site gave no date we could trust.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from comms.following.watchlists import WatchMatch
from feeds.follow.models import Item
from storage.db import escape_like, utcnow

ITEM_DATE = func.coalesce(Item.published_at, Item.first_seen_at)
CHART_WEEKS = 12


@dataclass
class ItemFilter:
    """What the items list and GET /api/v1/items filter on."""

    source: int | None = None
    q: str = ""
    since: dt.datetime | None = None
    until: dt.datetime | None = None
    language: str = ""
    flagged: bool = False
    rule: int | None = None



def apply_filter(query, flt: ItemFilter):
    """``query`` narrowed to the items ``flt`` describes."""
    if flt.source:
        query = query.where(Item.source_id == flt.source)
    if flt.language:
        query = query.where(Item.language == flt.language)
    if flt.since:
        query = query.where(ITEM_DATE >= flt.since)
    if flt.until:
        query = query.where(ITEM_DATE < flt.until)
    for word in flt.q.split()[:8]:
        pattern = f"%{escape_like(word)}%"
        query = query.where(or_(Item.title.ilike(pattern, escape="\\"), Item.summary.ilike(pattern, escape="\\")))
    if flt.flagged or flt.rule:
        matched = select(WatchMatch.id).where(WatchMatch.item_id == Item.id)
        if flt.rule:
            matched = matched.where(WatchMatch.rule_id == flt.rule)
        query = query.where(exists(matched))
    return query


def search_items(session: Session, flt: ItemFilter, *, page: int = 1, per_page: int = 50) -> tuple[list[Item], int]:
    """One page of matching items, newest first, and how many match in all."""
    total = session.scalar(apply_filter(select(func.count(Item.id)), flt)) or 0
    query = (apply_filter(select(Item), flt).options(selectinload(Item.source))
             .order_by(ITEM_DATE.desc(), Item.id.desc()).limit(per_page).offset((page - 1) * per_page))
    return list(session.scalars(query)), total


def matches_for(session: Session, item_ids: list[int]) -> dict[int, list[WatchMatch]]:
    """Watchlist matches of these items, by item id."""
    found: dict[int, list[WatchMatch]] = {}
    if item_ids:
        query = (select(WatchMatch).options(selectinload(WatchMatch.rule))
                 .where(WatchMatch.item_id.in_(item_ids)).order_by(WatchMatch.id))
        for match in session.scalars(query):
            found.setdefault(match.item_id, []).append(match)
    return found


def _time(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def item_to_dict(item: Item) -> dict:
    """docs/design/contract.md's item object (the summary is sanitised HTML)."""
    return {"id": item.id, "source_id": item.source_id, "title": item.title, "url": item.url,
            "published_at": _time(item.published_at), "summary": item.summary, "language": item.language,
            "first_seen_at": _time(item.first_seen_at)}


def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week."""
    return day - dt.timedelta(days=day.weekday())


def weekly_counts(session: Session, *, weeks: int = CHART_WEEKS, now: dt.datetime | None = None
                  ) -> tuple[list[dt.date], dict[int, list[int]]]:
    """The last ``weeks`` Mondays and, per source, how many items fall in each of those weeks."""
    now = now or utcnow()
    first = week_start(now.date()) - dt.timedelta(weeks=weeks - 1)
    mondays = [first + dt.timedelta(weeks=n) for n in range(weeks)]
    start = dt.datetime.combine(first, dt.time(), tzinfo=dt.timezone.utc)
    counts: dict[int, list[int]] = {}
    rows = session.execute(select(Item.source_id, Item.published_at, Item.first_seen_at)
                           .where(ITEM_DATE >= start, ITEM_DATE <= now))
    for source_id, published, seen in rows:
        when = (published or seen).astimezone(dt.timezone.utc).date()
        index = (week_start(when) - first).days // 7
        if 0 <= index < weeks:
            counts.setdefault(source_id, [0] * weeks)[index] += 1
    return mondays, counts


def bars(counts: list[int], *, width: int = 96, height: int = 24) -> list[dict]:
    """Bar geometry for a small inline SVG chart (attributes only: the CSP forbids inline styles)."""
    if not counts:
        return []
    top = max(counts) or 1
    step = width / len(counts)
    out = []
    for index, count in enumerate(counts):
        bar = round(height * count / top, 1) if count else 0
        out.append({"x": round(index * step + 1, 1), "y": round(height - bar, 1), "width": round(step - 2, 1),
                    "height": bar, "count": count})
    return out
