"""WebSub (W3C) publishing: tell a hub that feeds changed (no Flask).

The feeds advertise the hub (``rel="hub"``); when a feed's content changes, the
publisher POSTs ``hub.mode=publish`` and ``hub.url=<feed URL>`` to the hub,
which fetches the feed and pushes it to its subscribers. ``FeedState`` keeps
the last version each feed was announced with, shared by every worker: a
conditional update claims a change, so it is announced once however many
workers look.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import requests
from sqlalchemy import String, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.db import Base, UTCDateTime, utcnow

TIMEOUT = 10  # seconds per request to the hub


class WebSubError(RuntimeError):
    """The hub refused or did not answer."""


class FeedState(Base):
    """The version of a feed (or a group of feeds) last announced to the hub."""

    __tablename__ = "feed_states"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    version: Mapped[str] = mapped_column(String(64))
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


def usable_hub(url: str) -> str:
    """``url`` if it is an http(s) URL a hub can have, else ""."""
    parts = urlsplit((url or "").strip())
    return url.strip() if parts.scheme in ("http", "https") and parts.hostname else ""


def claim_change(session: Session, key: str, version: str, *, now: dt.datetime | None = None) -> bool:
    """True if ``version`` is new for ``key`` and this caller recorded it (so announces it)."""
    now = now or utcnow()
    changed = session.execute(update(FeedState).where(FeedState.key == key, FeedState.version != version)
                              .values(version=version, changed_at=now)).rowcount
    if changed:
        return True
    if session.get(FeedState, key) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(FeedState(key=key, version=version, changed_at=now))
        return True
    except IntegrityError:
        return False  # another worker recorded it first


def publish(hub_url: str, feed_urls: list[str], *, timeout: float = TIMEOUT, user_agent: str = "Pressroom") -> int:
    """POST hub.mode=publish for each feed URL; returns how many the hub accepted (WebSubError if any failed)."""
    hub = usable_hub(hub_url)
    if not hub:
        raise WebSubError("the WebSub hub must be an http(s) URL")
    failures = []
    with requests.Session() as http:
        http.trust_env = False  # no proxy or netrc from the environment
        for url in feed_urls:
            try:
                answer = http.post(hub, data={"hub.mode": "publish", "hub.url": url}, timeout=timeout,
                                   headers={"User-Agent": user_agent}, allow_redirects=False)
            except requests.RequestException as exc:
                failures.append(f"{url}: {type(exc).__name__}")
                continue
            if not 200 <= answer.status_code < 300:
                failures.append(f"{url}: HTTP {answer.status_code}")
    if failures:
        raise WebSubError("the hub did not accept: " + "; ".join(failures))
    return len(feed_urls)
