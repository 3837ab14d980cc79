"""Reach without tracking: subscriber counts that feed readers report in their User-Agent (no Flask).

Hosted readers fetch a feed once for all their users and say how many they
are, e.g. ``Feedly/1.0 (+http://www.feedly.com/fetcher.html; 123 subscribers)``.
We keep only that: one row per feed, reader and day with the latest count.
No address, no cookie, no identifier of a person; a request from a reader we
do not know, or without a count, records nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import Date, Integer, String, UniqueConstraint, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.db import Base, UTCDateTime, utcnow

# (pattern in the User-Agent, the reader's name). Only known readers count, so
# made-up User-Agents cannot fill the table with invented names.
READERS = (
    (re.compile(r"feedly", re.I), "Feedly"),
    (re.compile(r"inoreader", re.I), "Inoreader"),
    (re.compile(r"newsblur", re.I), "NewsBlur"),
    (re.compile(r"feedbin", re.I), "Feedbin"),
    (re.compile(r"old\s*reader", re.I), "The Old Reader"),
    (re.compile(r"bazqux", re.I), "BazQux"),
    (re.compile(r"feedfetcher-google", re.I), "Google Feedfetcher"),
    (re.compile(r"netvibes", re.I), "Netvibes"),
    (re.compile(r"bloglovin", re.I), "Bloglovin"),
    (re.compile(r"feedspot", re.I), "Feedspot"),
    (re.compile(r"feedhq", re.I), "FeedHQ"),
    (re.compile(r"feedwrangler", re.I), "Feed Wrangler"),
    (re.compile(r"feeder\.co", re.I), "Feeder"),
    (re.compile(r"commafeed", re.I), "CommaFeed"),
    (re.compile(r"superfeedr", re.I), "Superfeedr"),
)
_COUNT = re.compile(r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d{1,9})\s+(?:subscribers?|readers?)\b", re.I)
MAX_SUBSCRIBERS = 10_000_000  # no single reader plausibly reports more


@dataclass(frozen=True)
class ReaderCount:
    """A reader's name and the subscriber count it reported."""

    reader: str
    subscribers: int


def parse_user_agent(user_agent: str | None) -> ReaderCount | None:
    """The reader and its subscriber count, or None (not a known reader, or no count)."""
    text = (user_agent or "")[:512]
    match = _COUNT.search(text)
    if match is None:
        return None
    reader = next((name for pattern, name in READERS if pattern.search(text)), None)
    if reader is None:
        return None
    count = int(match.group(1).replace(",", ""))
    return ReaderCount(reader, count) if 0 < count <= MAX_SUBSCRIBERS else None


class FeedReach(Base):
    """The latest subscriber count one reader reported for one feed on one day."""

    __tablename__ = "feed_reach"
    __table_args__ = (UniqueConstraint("feed", "reader", "day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    feed: Mapped[str] = mapped_column(String(300))
    reader: Mapped[str] = mapped_column(String(60))
    day: Mapped[dt.date] = mapped_column(Date, index=True)
    subscribers: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


def record(session: Session, feed: str, seen: ReaderCount, *, now: dt.datetime | None = None) -> None:
    """Keep ``seen`` as the day's latest count for (feed, reader); the caller commits."""
    now = now or utcnow()
    day = now.astimezone(dt.timezone.utc).date()
    changed = session.execute(update(FeedReach).where(
        FeedReach.feed == feed[:300], FeedReach.reader == seen.reader, FeedReach.day == day)
        .values(subscribers=seen.subscribers, updated_at=now)).rowcount
    if changed:
        return
    try:
        with session.begin_nested():
            session.add(FeedReach(feed=feed[:300], reader=seen.reader, day=day, subscribers=seen.subscribers,
                                  updated_at=now))
    except IntegrityError:
        # Another process inserted the same row a moment ago: update it instead.
        session.execute(update(FeedReach).where(FeedReach.feed == feed[:300], FeedReach.reader == seen.reader,
                                                FeedReach.day == day).values(subscribers=seen.subscribers,
                                                                             updated_at=now))


def daily_totals(session: Session, *, days: int = 30, today: dt.date | None = None) -> list[tuple[dt.date, int]]:
    """Total reach per day (summed over feeds and readers) for the last ``days`` days, oldest first."""
    today = today or utcnow().date()
    first = today - dt.timedelta(days=days - 1)
    totals = {day: total for day, total in session.execute(
        select(FeedReach.day, func.sum(FeedReach.subscribers)).where(FeedReach.day >= first, FeedReach.day <= today)
        .group_by(FeedReach.day))}
    return [(first + dt.timedelta(days=n), int(totals.get(first + dt.timedelta(days=n)) or 0)) for n in range(days)]


def by_reader(session: Session, day: dt.date) -> list[tuple[str, int]]:
    """Subscribers per reader on ``day``, largest first."""
    rows = session.execute(select(FeedReach.reader, func.sum(FeedReach.subscribers)).where(FeedReach.day == day)
                           .group_by(FeedReach.reader).order_by(func.sum(FeedReach.subscribers).desc()))
    return [(reader, int(total)) for reader, total in rows]


def summary(session: Session, *, days: int = 30, today: dt.date | None = None) -> dict:
    """What the dashboard's chart shows: totals per day, the peak, and today's readers."""
    totals = daily_totals(session, days=days, today=today)
    return {"days": totals, "peak": max((total for _day, total in totals), default=0),
            "readers": by_reader(session, totals[-1][0]) if totals else []}
