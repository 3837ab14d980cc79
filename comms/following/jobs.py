"""Polling followed sources in the background (no Flask).

The periodic finder ``follow.poll_due`` claims every due source (a
conditional UPDATE moves its ``next_poll_at`` forward, so two schedulers
never take the same source) and groups them by host. Each host's group is one
``follow.poll`` job: on RQ the groups run on as many workers as there are, on
the in-process worker they run on a small thread pool, so different hosts are
polled at once while one host's sources are polled one after another. Polls
of one host are also serialised across processes by the host lease in
feeds.follow.hosts, which the CLI and the API's "poll now" respect too.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import weakref
from concurrent.futures import Future, ThreadPoolExecutor, wait

from sqlalchemy import or_, select, update

from comms import __version__
from comms.following import alerts as follow_alerts
from comms.config import Config
from comms.platform.jobs import enqueue, job, periodic
from feeds.follow.models import Source
from feeds.follow.poll import FollowSettings, PollResult, SourceNotFound, poll_source
from storage.db import utcnow

log = logging.getLogger("pressroom.follow")

# A claimed source whose poll never finished (worker killed) is due again after this.
CLAIM = dt.timedelta(minutes=15)
# A host busy with another worker's poll: try this source again soon.
BUSY_RETRY = dt.timedelta(seconds=30)
IN_PROCESS_THREADS = 4
MAX_PER_PASS = 500


def follower_user_agent(config: Config) -> str:
    """The User-Agent the follower sends (PRESSROOM_FOLLOW_USER_AGENT)."""
    # load_config fills the default before `serve` learns its address; point the
    # "about" link at the real base URL once it is known.
    placeholder = f"Pressroom/{__version__} (+http://localhost/about/follower)"
    if config.follow_user_agent == placeholder and config.base_url:
        return f"Pressroom/{__version__} (+{config.base_url}/about/follower)"
    return config.follow_user_agent


def follow_settings(config: Config) -> FollowSettings:
    """The follower's settings for this configuration."""
    return FollowSettings(allowed_networks=tuple(config.follow_allowed_networks),
                          user_agent=follower_user_agent(config))


def claim_due(runtime, now: dt.datetime | None = None, *, limit: int = MAX_PER_PASS) -> dict[str, list[int]]:
    """Claim the sources due at ``now``; returns their ids grouped by host."""
    now = now or utcnow()
    due = or_(Source.next_poll_at.is_(None), Source.next_poll_at <= now)
    groups: dict[str, list[int]] = {}
    with runtime.db.transaction() as session:
        rows = session.execute(
            select(Source.id, Source.host).where(Source.paused.is_(False), due)
            .order_by(Source.next_poll_at.is_not(None), Source.next_poll_at, Source.id).limit(limit)
        ).all()
        for source_id, host in rows:
            claimed = session.execute(
                update(Source).where(Source.id == source_id, Source.paused.is_(False), due)
                .values(next_poll_at=now + CLAIM)
            ).rowcount == 1
            if claimed:
                groups.setdefault(host, []).append(source_id)
    return groups


def poll_and_alert(runtime, source_id: int, *, wait_for_host: float | None = None) -> PollResult:
    """Poll one source, then run the alerts (broken-source email, watchlists)."""
    result = poll_source(runtime.db, source_id, settings=follow_settings(runtime.config),
                         wait_for_host=wait_for_host)
    if result.busy:
        with runtime.db.transaction() as session:
            session.execute(update(Source).where(Source.id == source_id)
                            .values(next_poll_at=utcnow() + BUSY_RETRY))
        return result
    try:
        follow_alerts.after_poll(runtime, result)
    except Exception:  # alerts must never undo or stop a poll
        log.exception("alerts after polling source %s failed", source_id)
    return result


def poll_many(runtime, source_ids) -> list[PollResult]:
    """Poll sources of one host one after another; a failure never stops the rest."""
    results = []
    for source_id in [source_ids] if isinstance(source_ids, int) else source_ids:
        try:
            results.append(poll_and_alert(runtime, int(source_id)))
        except SourceNotFound:
            continue  # deleted since it was claimed
        except Exception:
            log.exception("polling source %s failed", source_id)
    return results


@job("follow.poll")
def poll_job(runtime, source_ids) -> int:
    """The queued job: poll one host's claimed sources (a list of ids, or one id)."""
    return len(poll_many(runtime, source_ids))


class _Background:
    """The in-process pool that polls different hosts at once."""

    def __init__(self):
        self.executor = ThreadPoolExecutor(max_workers=IN_PROCESS_THREADS, thread_name_prefix="pressroom-follow")
        self.futures: list[Future] = []
        self.lock = threading.Lock()

    def submit(self, fn, *args) -> None:
        with self.lock:
            self.futures = [f for f in self.futures if not f.done()]
            self.futures.append(self.executor.submit(fn, *args))

    def wait(self, timeout: float | None) -> bool:
        with self.lock:
            pending = list(self.futures)
        return not wait(pending, timeout=timeout).not_done


_pools: "weakref.WeakKeyDictionary[object, _Background]" = weakref.WeakKeyDictionary()
_pools_lock = threading.Lock()


def _background(runtime) -> _Background:
    with _pools_lock:
        if runtime not in _pools:
            _pools[runtime] = _Background()
        return _pools[runtime]


def wait_for_polls(runtime, timeout: float | None = None) -> bool:
    """Wait until the in-process pool has finished its polls (tests, shutdown)."""
    with _pools_lock:
        pool = _pools.get(runtime)
    return True if pool is None else pool.wait(timeout)


@periodic("follow.poll_due")
def poll_due(runtime, now: dt.datetime) -> int:
    """Claim due sources and start their polls: RQ jobs, or the in-process pool."""
    groups = claim_due(runtime, now)
    for _host, source_ids in sorted(groups.items()):
        if runtime.config.redis_url:
            enqueue(runtime, "follow.poll", source_ids)
        else:
            _background(runtime).submit(poll_many, runtime, source_ids)
    return sum(len(ids) for ids in groups.values())


def poll_due_now(runtime, now: dt.datetime | None = None) -> list[PollResult]:
    """Claim and poll every due source in this process, hosts in parallel; returns the results."""
    groups = claim_due(runtime, now)
    if not groups:
        return []
    with ThreadPoolExecutor(max_workers=IN_PROCESS_THREADS, thread_name_prefix="pressroom-follow") as executor:
        batches = executor.map(lambda ids: poll_many(runtime, ids), [groups[h] for h in sorted(groups)])
        return sorted((r for batch in batches for r in batch), key=lambda r: r.source_id)
