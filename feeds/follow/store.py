"""Storing what a poll found: items upserted by normalised URL and GUID (no Flask).

Text from other sites is untrusted (docs/design/security.md items 9, 26): titles are stored as
plain text without control characters, summaries as HTML re-sanitised with
nh3; links other than http(s) are dropped (docs/design/security.md item 4); dates that are
implausible are stored as unknown, never as "now" (docs/design/security.md item 10).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field

import nh3
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from feeds.follow.models import Item
from feeds.follow.urls import is_safe_link, url_key

# C0/C1 controls (but tab and newlines, collapsed later) and invisible separators.
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\ufeff]")
SUMMARY_TAGS = {"p", "br", "a", "em", "strong", "b", "i", "ul", "ol", "li", "blockquote", "q", "cite", "abbr",
                "sub", "sup", "span"}
EARLIEST = dt.datetime(1990, 1, 1, tzinfo=dt.timezone.utc)
MAX_TITLE, MAX_SUMMARY, MAX_URL = 1000, 20000, 2000


def clean_title(text: str | None) -> str:
    """Plain text: control characters removed, whitespace collapsed, tags kept as text."""
    text = _CONTROLS.sub("", text or "")
    return " ".join(text.split())[:MAX_TITLE]


def clean_summary(markup: str | None) -> str:
    """Sanitised HTML (nh3 allowlist), control characters removed."""
    markup = _CONTROLS.sub("", markup or "").strip()
    if not markup:
        return ""
    cleaned = nh3.clean(markup, tags=SUMMARY_TAGS, attributes={"a": {"href", "title"}, "abbr": {"title"}},
                        url_schemes={"http", "https", "mailto"}, link_rel="nofollow noopener noreferrer")
    return cleaned.strip()[:MAX_SUMMARY]


def published_fields(value, now: dt.datetime) -> tuple[dt.datetime | None, bool]:
    """(UTC time or None, whether a time of day is known) for an extracted date."""
    if value is None:
        return None, False
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            return None, False  # a time without a zone is not trusted (docs/design/security.md item 28)
        moment, has_time = value.astimezone(dt.timezone.utc), True
    elif isinstance(value, dt.date):
        moment, has_time = dt.datetime(value.year, value.month, value.day, tzinfo=dt.timezone.utc), False
    else:
        return None, False
    if moment < EARLIEST or moment > now + dt.timedelta(days=2):
        return None, False
    return moment, has_time


def content_hash(title: str, summary: str, published: dt.datetime | None, url: str) -> str:
    """What makes an item "changed" when seen again."""
    text = "\x1f".join([title, summary, published.isoformat() if published else "", url])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass
class Upserted:
    """What :func:`upsert_items` did."""

    new: list[Item] = field(default_factory=list)
    updated: list[Item] = field(default_factory=list)
    seen: int = 0


def _existing(session: Session, source_id: int, keys: set[str], guids: set[str]) -> list[Item]:
    found: list[Item] = []
    keys_list, guids_list = sorted(keys), sorted(guids)
    for start in range(0, max(len(keys_list), len(guids_list)), 400):
        conditions = []
        if keys_list[start:start + 400]:
            conditions.append(Item.url_key.in_(keys_list[start:start + 400]))
        if guids_list[start:start + 400]:
            conditions.append(Item.guid.in_(guids_list[start:start + 400]))
        found += session.scalars(select(Item).where(Item.source_id == source_id, or_(*conditions)))
    return found


def upsert_items(session: Session, source_id: int, language: str, extracted: list, now: dt.datetime) -> Upserted:
    """Create new items and update changed ones in place; the same item twice is one."""
    rows = []
    for entry in extracted:
        url = (entry.url or "").strip()
        title = clean_title(entry.title)
        if not title or not is_safe_link(url) or len(url) > MAX_URL:
            continue
        guid = (_CONTROLS.sub("", entry.guid or "").strip()[:1000]) or None
        rows.append((entry, url, url_key(url)[:MAX_URL], guid, title))
    existing = _existing(session, source_id, {r[2] for r in rows}, {r[3] for r in rows if r[3]})
    by_key = {item.url_key: item for item in existing}
    by_guid = {item.guid: item for item in existing if item.guid}
    result, handled = Upserted(), set()
    for entry, url, key, guid, title in rows:
        if key in handled or (guid and guid in handled):
            continue
        handled.update({key, guid} - {None})
        result.seen += 1
        summary = clean_summary(entry.summary)
        published, has_time = published_fields(entry.published, now)
        item = (by_guid.get(guid) if guid else None) or by_key.get(key)
        if item is None:
            item = Item(source_id=source_id, guid=guid, url=url, url_key=key, title=title, summary=summary,
                        published_at=published, published_has_time=has_time, language=language,
                        content_hash=content_hash(title, summary, published, url), first_seen_at=now,
                        updated_at=now)
            session.add(item)
            by_key[key] = item
            result.new.append(item)
            continue
        if _update(item, title, summary, published, has_time, url, key, guid, by_key, now):
            result.updated.append(item)
    session.flush()
    return result


def _update(item: Item, title, summary, published, has_time, url, key, guid, by_key, now) -> bool:
    # A listing without summaries or dates must not wipe what a feed or the
    # item's own page gave earlier: only what is present replaces.
    summary = summary or item.summary
    if published is None:
        published, has_time = item.published_at, item.published_has_time
    if key != item.url_key and key in by_key:
        url, key = item.url, item.url_key  # the new URL belongs to another item already
    digest = content_hash(title, summary, published, url)
    if digest == item.content_hash:
        return False
    by_key.pop(item.url_key, None)
    item.title, item.summary, item.url, item.url_key = title, summary, url, key
    item.published_at, item.published_has_time = published, has_time
    item.guid = item.guid or guid
    item.content_hash, item.updated_at = digest, now
    by_key[key] = item
    return True


def apply_detail(item: Item, published_value, summary: str | None, now: dt.datetime) -> bool:
    """Fill an item's missing date or summary from its own page; True when it changed."""
    item.detail_checked_at = now
    changed = False
    if item.published_at is None:
        published, has_time = published_fields(published_value, now)
        if published is not None:
            item.published_at, item.published_has_time, changed = published, has_time, True
    if not item.summary and summary:
        item.summary = clean_summary(summary)
        changed = changed or bool(item.summary)
    if changed:
        item.content_hash = content_hash(item.title, item.summary, item.published_at, item.url)
        item.updated_at = now
    return changed
