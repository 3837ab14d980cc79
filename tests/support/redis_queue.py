"""Redis for the queue tests: the server's URL and a queue name per test."""

from __future__ import annotations

import os
import uuid

import pytest


def _redis_answers(url: str) -> bool:
    from redis import Redis

    try:
        client = Redis.from_url(url, socket_connect_timeout=1)
        client.ping()
        client.close()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def redis_url() -> str:
    """REDIS_URL, or the local Redis when it answers; otherwise the test skips."""
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    if not _redis_answers(url):
        if os.environ.get("CI"):
            pytest.fail(f"Redis at {url} does not answer, and CI must exercise the queue on Redis")
        pytest.skip(f"Redis at {url} does not answer; start redis-server or set REDIS_URL")
    return url


@pytest.fixture
def queue_name() -> str:
    """A queue name of this test's own, so runs sharing a Redis never collide."""
    return f"pressroom-test-{uuid.uuid4().hex[:10]}"


