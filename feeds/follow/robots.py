"""robots.txt for the follower, read with protego (RFC 9309; docs/design/security.md item 7).

- 2xx: the rules apply (and their Crawl-delay).
- 4xx: there are no rules: everything is allowed.
- 5xx, or the file cannot be reached at all: everything is disallowed until
  the next check, as RFC 9309 asks ("complete disallow"); the source shows
  as ``failing`` (the site is in trouble) rather than ``blocked``.
A verdict is kept at most :data:`MAX_AGE` (24 h) before the file is read again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from protego import Protego

from feeds.follow.fetch import FetchError, Fetcher, Limits
from feeds.follow.guard import Refused

MAX_AGE = dt.timedelta(hours=24)
# A site asking for more than this between requests is still read, this slowly.
MAX_CRAWL_DELAY = 30.0
ROBOTS_LIMITS = Limits(max_bytes=512 * 1024, deadline_seconds=20.0)
UNREACHABLE = 0


@dataclass(frozen=True)
class Robots:
    """What one host's robots.txt says, and when it was read."""

    status: int  # HTTP status of the robots.txt answer; 0 when unreachable
    body: str | None
    fetched_at: dt.datetime

    def is_fresh(self, now: dt.datetime) -> bool:
        """True while the verdict may still be used (at most 24 h)."""
        return now - self.fetched_at < MAX_AGE

    def _parser(self) -> Protego | None:
        if 200 <= self.status < 300 and self.body:
            return Protego.parse(self.body)
        return None

    def allows(self, url: str, user_agent: str) -> bool:
        """True when our user agent may fetch ``url``."""
        if 400 <= self.status < 500:
            return True
        if not 200 <= self.status < 300:
            return False
        parser = self._parser()
        return parser is None or parser.can_fetch(url, user_agent)

    def crawl_delay(self, user_agent: str) -> float | None:
        """Seconds to wait between requests, when the site asks for it (capped)."""
        parser = self._parser()
        if parser is None:
            return None
        delay = parser.crawl_delay(user_agent)
        if delay is None:
            rate = parser.request_rate(user_agent)
            delay = rate.seconds / rate.requests if rate and rate.requests else None
        return None if delay is None else max(0.0, min(float(delay), MAX_CRAWL_DELAY))

    @property
    def unavailable(self) -> bool:
        """True when the file could not be read (5xx or unreachable): a fault, not a refusal."""
        return self.status == UNREACHABLE or self.status >= 500

    def reason(self) -> str:
        """Why a URL is refused, for the source's last_error."""
        if self.status == UNREACHABLE:
            return "robots.txt could not be read, so the site is not fetched (RFC 9309)"
        if self.status >= 500:
            return f"robots.txt answered {self.status}, so the site is not fetched (RFC 9309)"
        return "robots.txt disallows this URL for our user agent"


def read_robots(fetcher: Fetcher, origin: str, now: dt.datetime) -> Robots:
    """Fetch ``origin``/robots.txt (small limits) and judge the answer."""
    own = fetcher.limits
    limits = replace(ROBOTS_LIMITS, deadline_seconds=min(ROBOTS_LIMITS.deadline_seconds, own.deadline_seconds),
                     connect_timeout=min(ROBOTS_LIMITS.connect_timeout, own.connect_timeout),
                     read_timeout=min(ROBOTS_LIMITS.read_timeout, own.read_timeout))
    try:
        response = fetcher.fetch(origin + "/robots.txt", limits=limits)
    except (FetchError, Refused):
        return Robots(UNREACHABLE, None, now)
    body = response.body.decode("utf-8", "replace") if 200 <= response.status < 300 else None
    return Robots(response.status, body, now)
