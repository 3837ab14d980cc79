"""Rate limits for sign-in and for public forms (no Flask).

Built on the ``limits`` library: in memory for one process, on Redis when
REDIS_URL is set so every web process shares the counts.
"""

from __future__ import annotations

import hashlib
import time

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter


class RateLimit:
    """One limit (e.g. "10 per hour") counted per key within a namespace."""

    def __init__(self, storage_uri: str, limit: str, namespace: str):
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage_uri))
        self.limit = parse(limit)
        self.namespace = namespace

    def retry_after(self, key: str) -> int | None:
        """Seconds until ``key`` may act again, or None if it may act now."""
        if self._limiter.test(self.limit, self.namespace, key):
            return None
        reset_at, _remaining = self._limiter.get_window_stats(self.limit, self.namespace, key)
        return max(1, int(reset_at - time.time()))

    def hit(self, key: str) -> None:
        """Count one action by ``key``."""
        self._limiter.hit(self.limit, self.namespace, key)

    def clear(self, key: str) -> None:
        """Forget ``key``'s count."""
        self._limiter.clear(self.limit, self.namespace, key)


def _account_key(email: str) -> str:
    # Hash so that addresses never sit in Redis keys.
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]


class LoginThrottle:
    """Sign-in limits: every attempt counts per address; failures count per account,
    so a good password clears the account's count."""

    def __init__(self, storage_uri: str, ip_limit: str, account_limit: str):
        self.per_ip = RateLimit(storage_uri, ip_limit, "login-ip")
        self.per_account = RateLimit(storage_uri, account_limit, "login-account")

    def retry_after(self, ip: str, email: str) -> int | None:
        """Seconds to wait when either limit is exhausted, else None."""
        return self.per_ip.retry_after(ip) or self.per_account.retry_after(_account_key(email))

    def attempt(self, ip: str) -> None:
        """Count an attempt from ``ip``."""
        self.per_ip.hit(ip)

    def failure(self, email: str) -> None:
        """Count a failed attempt on the account ``email``."""
        self.per_account.hit(_account_key(email))

    def success(self, email: str) -> None:
        """Forget the account's failures after a good login."""
        self.per_account.clear(_account_key(email))
