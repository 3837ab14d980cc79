"""One poll's polite browsing: robots.txt before anything else, Crawl-delay
between requests, and the per-host state saved for the next poll (no Flask)."""

from __future__ import annotations

import datetime as dt
import time
from typing import Mapping

from feeds.follow import hosts
from feeds.follow.fetch import FetchError, Fetched, Fetcher, Limits
from feeds.follow.guard import Network, Refused, Resolver, Target, parse_target, system_resolver
from feeds.follow.robots import Robots, read_robots
from storage.db import Database, utcnow

# A host that asked us (Retry-After) to wait longer than this is not waited
# for inside a poll: the poll ends and the source is rescheduled.
MAX_INLINE_WAIT = 60.0


class RetryLater(Exception):
    """The host asked for a pause longer than a poll should sleep."""

    def __init__(self, seconds: float):
        super().__init__(f"the site asked us to wait {seconds:.0f}s")
        self.seconds = seconds


class Visit:
    """Fetches for one poll; robots.txt and pacing are applied on every hop."""

    def __init__(self, db: Database, *, user_agent: str, allowed_networks: tuple[Network, ...] = (),
                 limits: Limits = Limits(), resolver: Resolver = system_resolver):
        self.db = db
        self.user_agent = user_agent
        self.fetcher = Fetcher(user_agent=user_agent, allowed_networks=allowed_networks, limits=limits,
                               resolver=resolver)
        self._robots: dict[str, Robots] = {}
        self._fresh_robots: set[str] = set()
        self._delay: dict[str, float] = {}
        self._next: dict[str, float] = {}  # monotonic time of the next allowed request
        self._loaded_next: dict[str, bool] = {}  # a stored next_request_at to clear or move

    @property
    def requests_made(self) -> int:
        """How many HTTP requests this visit sent (robots.txt included)."""
        return self.fetcher.requests_made

    def get(self, url: str, headers: Mapping[str, str] | None = None) -> Fetched:
        """Fetch ``url`` through the guard, robots.txt and pacing."""
        return self.fetcher.fetch(url, headers=headers, gate=self._gate)

    def allowed(self, url: str) -> bool:
        """True when robots.txt lets us fetch ``url`` (reads robots.txt if needed)."""
        target = parse_target(url)
        return self._robots_for(target).allows(url, self.user_agent)

    def pause_host(self, url: str, seconds: float) -> None:
        """Remember that ``url``'s host asked for a pause (Retry-After)."""
        key = _key(parse_target(url))
        self._next[key] = max(self._next.get(key, 0.0), time.monotonic() + seconds)

    def close(self) -> None:
        """Close connections and save robots.txt verdicts and pacing per host."""
        self.fetcher.close()
        now_mono, now = time.monotonic(), utcnow()
        for key in set(self._robots) | set(self._next):
            next_at = self._next.get(key)
            next_request_at = now + dt.timedelta(seconds=next_at - now_mono) if next_at and next_at > now_mono else None
            robots = self._robots.get(key) if key in self._fresh_robots else None
            if robots is not None or next_request_at is not None or self._loaded_next.get(key):
                hosts.save_state(self.db, key, robots, self._delay.get(key), next_request_at)

    def _gate(self, target: Target) -> None:
        robots = self._robots_for(target)
        if robots.unavailable:
            raise FetchError(robots.reason())
        if not robots.allows(target.url, self.user_agent):
            raise Refused(robots.reason())
        self._pace(_key(target))

    def _robots_for(self, target: Target) -> Robots:
        key = _key(target)
        robots = self._robots.get(key)
        if robots is not None:
            return robots
        cached, next_request_at = hosts.load_state(self.db, key)
        self._loaded_next[key] = next_request_at is not None
        if next_request_at is not None:
            wait = (next_request_at - utcnow()).total_seconds()
            if wait > 0:
                self._next[key] = time.monotonic() + wait
        now = utcnow()
        if cached is not None and cached.is_fresh(now):
            robots = cached
        else:
            self._pace(key)
            robots = read_robots(self.fetcher, target.origin, now)
            self._fresh_robots.add(key)
        self._robots[key] = robots
        self._delay[key] = robots.crawl_delay(self.user_agent) or 0.0
        if key in self._fresh_robots:
            # The robots.txt request itself counts: the next one waits Crawl-delay.
            self._next[key] = max(self._next.get(key, 0.0), time.monotonic() + self._delay[key])
        return robots

    def _pace(self, key: str) -> None:
        wait = self._next.get(key, 0.0) - time.monotonic()
        if wait > MAX_INLINE_WAIT:
            raise RetryLater(wait)
        if wait > 0:
            time.sleep(wait)
        self._next[key] = time.monotonic() + self._delay.get(key, 0.0)


def _key(target: Target) -> str:
    return f"{target.host}:{target.port}"
