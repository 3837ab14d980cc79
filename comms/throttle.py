"""Login throttling per client address and per account (no Flask).

Built on the ``limits`` library: in memory for one process, on Redis when
REDIS_URL is set so every web process shares the counts. Per-address limits
count every attempt; per-account limits count only failures, so a user who
types the right password is not locked out by someone else's guesses beyond
the account limit.
"""

from __future__ import annotations

import hashlib
import time

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter


class LoginThrottle:
    """Decides whether another login attempt may be made now."""

    def __init__(self, storage_uri: str, ip_limit: str, account_limit: str):
        self._limiter = MovingWindowRateLimiter(storage_from_string(storage_uri))
        self.ip_limit = parse(ip_limit)
        self.account_limit = parse(account_limit)

    @staticmethod
    def _account_key(email: str) -> str:
        # Hash so that addresses never sit in Redis keys.
        return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]

    def retry_after(self, ip: str, email: str) -> int | None:
        """Seconds to wait when either limit is exhausted, else None."""
        for limit, key in ((self.ip_limit, f"ip:{ip}"), (self.account_limit, f"acct:{self._account_key(email)}")):
            if not self._limiter.test(limit, "login", key):
                reset_at, _remaining = self._limiter.get_window_stats(limit, "login", key)
                return max(1, int(reset_at - time.time()))
        return None

    def attempt(self, ip: str) -> None:
        """Count an attempt from ``ip``."""
        self._limiter.hit(self.ip_limit, "login", f"ip:{ip}")

    def failure(self, email: str) -> None:
        """Count a failed attempt on the account ``email``."""
        self._limiter.hit(self.account_limit, "login", f"acct:{self._account_key(email)}")

    def success(self, email: str) -> None:
        """Forget the account's failures after a good login."""
        self._limiter.clear(self.account_limit, "login", f"acct:{self._account_key(email)}")
