"""Followed sources as staff manage them: checked input, create, change, pause, delete (no Flask).

The API (comms.web.following.api) and the staff pages (comms.web.following.sources) both
come through here, so a URL, selector, language or interval is judged the same
way everywhere. Only http(s) URLs with a host and no credentials are accepted
(docs/design/security.md items 3-4); the guarded fetcher checks the address again on every poll.
"""

from __future__ import annotations

import datetime as dt

import soupsieve
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from comms.platform.errors import DomainError
from contacts.vocab import language_code
from feeds.follow.models import DEFAULT_INTERVAL_MINUTES, KINDS, Item, Source, host_key
from feeds.follow.urls import is_safe_link
from storage.audit import Actor
from storage.db import utcnow

SELECTOR_KEYS = ("item", "title", "link", "date", "summary")
MIN_INTERVAL, MAX_INTERVAL = 5, 7 * 24 * 60
FIELDS = ("name", "url", "kind", "selectors", "language", "interval_minutes", "paused")


class SourceError(DomainError):
    """Input for a source was refused; ``fields`` says what is wrong with each field."""

    def __init__(self, message: str, fields: dict[str, str] | None = None, status: int = 422):
        super().__init__(message, status, fields)


def check_url(url: str) -> str:
    """A trimmed http(s) URL, or ValueError saying why not."""
    url = (url or "").strip()
    if not url:
        raise ValueError("give the address of the site's news page or feed")
    if len(url) > 2000:
        raise ValueError("at most 2000 characters")
    if not is_safe_link(url):
        raise ValueError("only http:// and https:// addresses with a host name (and no user name) can be followed")
    return url


def check_selectors(raw) -> dict[str, str] | None:
    """Selectors for item, title, link, date and summary; blank ones dropped, each a valid CSS selector."""
    if raw in (None, "", {}):
        return None
    if not isinstance(raw, dict):
        raise ValueError("selectors are an object with item, title, link, date and summary")
    unknown = set(raw) - set(SELECTOR_KEYS)
    if unknown:
        raise ValueError(f"unknown selector {sorted(unknown)[0]!r}; use {', '.join(SELECTOR_KEYS)}")
    cleaned = {}
    for key in SELECTOR_KEYS:
        value = " ".join(str(raw.get(key) or "").split())
        if not value:
            continue
        if len(value) > 300:
            raise ValueError(f"the {key} selector is longer than 300 characters")
        try:
            soupsieve.compile(value)
        except Exception as exc:  # soupsieve raises SelectorSyntaxError and, for odd input, others
            raise ValueError(f"the {key} selector {value!r} is not valid CSS: {str(exc).splitlines()[0]}") from None
        cleaned[key] = value
    if cleaned and "item" not in cleaned:
        raise ValueError("give an item selector (the element that holds one news item) with the others")
    return cleaned or None


def check_language(value: str) -> str:
    """An ISO 639-1 code from a code or an English name."""
    return language_code((value or "").strip())


def check_interval(value) -> int:
    """Minutes between polls, within MIN_INTERVAL..MAX_INTERVAL."""
    try:
        minutes = int(value)
    except (TypeError, ValueError):
        raise ValueError("a whole number of minutes") from None
    if not MIN_INTERVAL <= minutes <= MAX_INTERVAL:
        raise ValueError(f"between {MIN_INTERVAL} minutes and {MAX_INTERVAL // 1440} days ({MAX_INTERVAL} minutes)")
    return minutes


_CHECKS = {"url": check_url, "selectors": check_selectors, "language": check_language,
           "interval_minutes": check_interval}


def clean(data: dict, *, partial: bool = False) -> dict:
    """Checked values for the fields present in ``data``; SourceError listing every problem."""
    values, fields = {}, {}
    for key in FIELDS:
        if key not in data:
            continue
        value = data[key]
        try:
            if key == "name":
                value = " ".join(str(value or "").split())
                if not value or len(value) > 200:
                    raise ValueError("a name of 1 to 200 characters")
            elif key == "kind":
                if value not in KINDS:
                    raise ValueError(f"one of {', '.join(KINDS)}")
            elif key == "paused":
                value = bool(value)
            else:
                value = _CHECKS[key](value)
        except ValueError as exc:
            fields[key] = str(exc)
            continue
        values[key] = value
    if not partial:
        for key in ("name", "url"):
            if key not in data and key not in fields:
                fields[key] = "required"
    if fields:
        raise SourceError("the source was not saved: " + "; ".join(f"{k}: {v}" for k, v in fields.items()), fields)
    return values


def create_source(session: Session, data: dict, actor: Actor) -> Source:
    """Add a source; it is polled at the scheduler's next tick."""
    values = clean(data)
    now = utcnow()
    source = Source(name=values["name"], url=values["url"], kind=values.get("kind", "auto"),
                    selectors=values.get("selectors"), language=values.get("language", "en"),
                    interval_minutes=values.get("interval_minutes", DEFAULT_INTERVAL_MINUTES),
                    paused=values.get("paused", False), status="ok", host=host_key(values["url"]),
                    consecutive_failures=0, next_poll_at=now, created_at=now, updated_at=now)
    session.add(source)
    session.flush()
    actor.record(session, "source.create", object_type="follow_source", object_id=source.id,
                 details={"name": source.name, "url": source.url})
    return source


def update_source(session: Session, source: Source, data: dict, actor: Actor) -> Source:
    """Change a source; a new URL, kind or selectors forget what was learnt about the old page."""
    values = clean(data, partial=True)
    changed = {k: v for k, v in values.items() if getattr(source, k) != v}
    if not changed:
        return source
    for key, value in changed.items():
        setattr(source, key, value)
    if {"url", "kind", "selectors"} & set(changed):
        source.feed_url = None
        source.etag = source.last_modified = None
        source.usual_item_count = None
        source.host = host_key(source.url)
        source.next_poll_at = utcnow()
    if changed.get("paused") is False:
        source.next_poll_at = utcnow()
    source.updated_at = utcnow()
    actor.record(session, "source.update", object_type="follow_source", object_id=source.id,
                 details={k: (v if k != "selectors" else bool(v)) for k, v in changed.items()})
    session.flush()
    return source


def delete_source(session: Session, source: Source, actor: Actor) -> None:
    """Delete a source and every item found on it."""
    actor.record(session, "source.delete", object_type="follow_source", object_id=source.id,
                 details={"name": source.name})
    session.delete(source)
    session.flush()


def get_source(session: Session, source_id: int) -> Source:
    """The source, or SourceError with status 404."""
    source = session.get(Source, source_id)
    if source is None:
        raise SourceError(f"no source {source_id}", status=404)
    return source


def _time(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def item_counts(session: Session) -> dict[int, int]:
    """How many items each source has."""
    return dict(session.execute(select(Item.source_id, func.count(Item.id)).group_by(Item.source_id)).all())


def source_to_dict(source: Source, item_count: int | None = None) -> dict:
    """docs/design/contract.md's source object, with the scheduling fields staff also need."""
    selectors = source.selectors or {}
    return {
        "id": source.id, "name": source.name, "url": source.url, "kind": source.kind,
        "selectors": {key: selectors.get(key) for key in SELECTOR_KEYS} if selectors else None,
        "language": source.language, "status": source.status, "last_polled_at": _time(source.last_polled_at),
        "last_error": source.last_error, "interval_minutes": source.interval_minutes, "paused": source.paused,
        "feed_url": source.feed_url, "next_poll_at": _time(source.next_poll_at), "item_count": item_count,
        "created_at": _time(source.created_at),
    }
