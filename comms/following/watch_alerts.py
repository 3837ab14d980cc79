"""Watchlist emails: at once after a poll, or one digest per person per day (no Flask).

Immediate alerts go out for matches that a poll has just created; a match row
is unique per (item, rule), so only the poll that created it alerts. The daily
digest is a periodic finder: each subscription is claimed for the day with a
conditional UPDATE before its email is sent, so two workers never both send,
and a failed send releases the claim for the next tick.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, selectinload

from comms.rendering import emails
from comms.platform import jobs
from comms.accounts.users import User
from comms.platform.jobs import periodic, run_job
from comms.following.watchlists import WatchMatch, WatchSubscription
from feeds.follow.models import Item
from storage.db import utcnow

# Digests go out at the first scheduler tick after this hour (UTC).
DIGEST_HOUR_UTC = 6
# A digest lists at most this many items; the link shows the rest.
DIGEST_LIMIT = 100


def _entries(session: Session, match_ids: list[int] | None = None, *, since=None, until=None) -> list[dict]:
    query = (select(WatchMatch).options(selectinload(WatchMatch.item).selectinload(Item.source),
                                        selectinload(WatchMatch.rule))
             .order_by(WatchMatch.created_at, WatchMatch.id))
    if match_ids is not None:
        query = query.where(WatchMatch.id.in_(match_ids))
    if since is not None:
        query = query.where(WatchMatch.created_at > since)
    if until is not None:
        query = query.where(WatchMatch.created_at <= until)
    grouped: OrderedDict[int, dict] = OrderedDict()
    for match in session.scalars(query):
        item = match.item
        entry = grouped.setdefault(item.id, {
            "title": item.title, "url": item.url, "source": item.source.name,
            "published": item.published_at.strftime("%-d %B %Y") if item.published_at else "", "rules": [],
        })
        if match.rule.name not in entry["rules"]:
            entry["rules"].append(match.rule.name)
    return list(grouped.values())[:DIGEST_LIMIT]


def _links(runtime) -> tuple[str, str]:
    base = runtime.config.base_url
    return f"{base}/staff/items?flagged=1", f"{base}/staff/watchlists"


def _subject(entries: list[dict], digest: bool, day: str = "") -> str:
    if digest:
        return f"Watchlist digest for {day}: {len(entries)} item{'s' if len(entries) != 1 else ''}"
    first = " ".join(entries[0]["title"].split())
    more = f" (and {len(entries) - 1} more)" if len(entries) > 1 else ""
    return f"Watchlist: {first}"[:160] + more


def _subscribers(session: Session, frequency: str) -> list[User]:
    return list(session.scalars(
        select(User).join(WatchSubscription, WatchSubscription.user_id == User.id)
        .where(WatchSubscription.frequency == frequency, User.active.is_(True)).order_by(User.id)))


def notify_immediately(runtime, match_ids: list[int]) -> int:
    """Queue one email per "immediately" subscriber about these new matches; returns how many."""
    if not match_ids:
        return 0
    with runtime.db.transaction() as session:
        entries = _entries(session, match_ids)
        people = [(u.email, u.display_name) for u in _subscribers(session, "immediately")]
    if not entries:
        return 0
    link, settings_link = _links(runtime)
    subject = _subject(entries, digest=False)
    for email, name in people:
        text, html = emails.render("watchlist_alert", to_name=name, office=runtime.config.office_name, digest=False,
                                   day="", entries=entries, link=link, settings_link=settings_link)
        jobs.enqueue(runtime, "mail.send", email, subject, text, html, name)
    return len(people)


def _claim(runtime, user_id: int, today: dt.date, now: dt.datetime):
    """Take today's digest for ``user_id``; the previous (day, through) on success, else None."""
    with runtime.db.transaction() as session:
        row = session.get(WatchSubscription, user_id)
        if row is None or row.frequency != "daily":
            return None
        previous = (row.digest_day, row.digest_through)
        claimed = session.execute(
            update(WatchSubscription)
            .where(WatchSubscription.user_id == user_id, WatchSubscription.frequency == "daily",
                   or_(WatchSubscription.digest_day.is_(None), WatchSubscription.digest_day < today))
            .values(digest_day=today, digest_through=now)
            .execution_options(synchronize_session=False)
        ).rowcount == 1
    return previous if claimed else None


def _release(runtime, user_id: int, previous) -> None:
    with runtime.db.transaction() as session:
        session.execute(update(WatchSubscription).where(WatchSubscription.user_id == user_id)
                        .values(digest_day=previous[0], digest_through=previous[1])
                        .execution_options(synchronize_session=False))


def send_digest(runtime, user_id: int, now: dt.datetime) -> bool:
    """Send ``user_id`` today's digest unless someone already did; True if an email went out."""
    today = now.astimezone(dt.timezone.utc).date()
    previous = _claim(runtime, user_id, today, now)
    if previous is None:
        return False
    try:
        since = previous[1] or now - dt.timedelta(days=1)
        with runtime.db.transaction() as session:
            entries = _entries(session, since=since, until=now)
            user = session.get(User, user_id)
            email, name = user.email, user.display_name
        if not entries:
            return False
        link, settings_link = _links(runtime)
        day = f"{today:%-d %B %Y}"
        text, html = emails.render("watchlist_alert", to_name=name, office=runtime.config.office_name, digest=True,
                                   day=day, entries=entries, link=link, settings_link=settings_link)
        run_job(runtime, "mail.send", [email, _subject(entries, digest=True, day=day), text, html, name])
        return True
    except Exception:
        _release(runtime, user_id, previous)
        raise


@periodic("watchlists.daily_digest")
def daily_digest(runtime, now: dt.datetime | None = None) -> int:
    """Send each "daily" subscriber one digest per UTC day; returns how many went out."""
    now = now or utcnow()
    if now.astimezone(dt.timezone.utc).hour < DIGEST_HOUR_UTC:
        return 0
    today = now.astimezone(dt.timezone.utc).date()
    with runtime.db.transaction() as session:
        due = list(session.scalars(
            select(WatchSubscription.user_id).join(User, User.id == WatchSubscription.user_id)
            .where(WatchSubscription.frequency == "daily", User.active.is_(True),
                   or_(WatchSubscription.digest_day.is_(None), WatchSubscription.digest_day < today))))
    return sum(1 for user_id in due if send_digest(runtime, user_id, now))
