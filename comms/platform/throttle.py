"""Rate limits for sign-in and for public forms (no Flask).

Built on the ``limits`` library: in memory for one process, on Redis when
REDIS_URL is set so every web process shares the counts.
"""

from __future__ import annotations

import hashlib
import ipaddress
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


def address_key(ip: str) -> str:
    """The client as rate limits count it: an IPv4 address, or an IPv6 address's /64.

    One IPv6 customer usually holds a whole /64, so counting single IPv6
    addresses would give an attacker billions of fresh counters.
    """
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if address.version == 4:
        return str(address)
    if address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(ipaddress.ip_network(f"{address}/64", strict=False))


def _account_key(email: str, ip: str) -> str:
    # Hash so that addresses never sit in Redis keys.
    pair = f"{email.strip().lower()}|{address_key(ip)}"
    return hashlib.sha256(pair.encode()).hexdigest()[:32]


class LoginThrottle:
    """Sign-in limits: every attempt counts per client address; failures count per account
    *from that address*, and a good password clears that count.

    Failures are not counted per account alone: then anyone could lock any
    account out with a few wrong passwords. An attacker is still slowed down
    (per account and address, and per address over all accounts), while the
    owner, signing in from another address, is not (issue 13, finding 11).
    """

    def __init__(self, storage_uri: str, ip_limit: str, account_limit: str):
        self.per_ip = RateLimit(storage_uri, ip_limit, "login-ip")
        self.per_account = RateLimit(storage_uri, account_limit, "login-account-address")

    def retry_after(self, ip: str, email: str) -> int | None:
        """Seconds to wait when either limit is exhausted, else None."""
        return self.per_ip.retry_after(address_key(ip)) or self.per_account.retry_after(_account_key(email, ip))

    def attempt(self, ip: str) -> None:
        """Count an attempt from ``ip``."""
        self.per_ip.hit(address_key(ip))

    def failure(self, ip: str, email: str) -> None:
        """Count a failed attempt on the account ``email`` from ``ip``."""
        self.per_account.hit(_account_key(email, ip))

    def success(self, ip: str, email: str) -> None:
        """Forget the failures on the account from ``ip`` after a good login."""
        self.per_account.clear(_account_key(email, ip))
