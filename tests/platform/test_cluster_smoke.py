"""bench/cluster.py at a CI size: two gunicorn web processes and two RQ workers on
PostgreSQL and Redis run a small day (40 contacts, 4 releases, 3 sources), one
worker is SIGKILLed once a third of the messages have arrived and restarted, and
the bench's own verdict holds: the dead worker's send is finished by the others,
no email lost or duplicated, each embargo lifted exactly once, no duplicate
followed items. (Sending is throttled to 10 messages/s per send so the kill
lands mid-send; the takeover waits for the claim lease, about a minute.)

The bench makes its own scratch database on 127.0.0.1:5432 and its own queue
on Redis 127.0.0.1:6379; without them the test skips (on CI it fails).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys

import pytest

from support.paths import ROOT


def _load_cluster_procs():
    # Loaded by path: bench/ must never go on sys.path, where its contacts.py would shadow
    # the contacts package for every later test (and for the processes they spawn).
    spec = importlib.util.spec_from_file_location("bench_cluster_procs", ROOT / "bench" / "cluster_procs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_procs = _load_cluster_procs()
postgres_problem, redis_problem = _procs.postgres_problem, _procs.redis_problem


def _servers_or_skip() -> None:
    for problem in (postgres_problem(), redis_problem()):
        if problem is None:
            continue
        if os.environ.get("CI"):
            pytest.fail(f"{problem}, and CI must run the cluster smoke test")
        pytest.skip(f"{problem}; the cluster bench needs PostgreSQL and Redis on 127.0.0.1")


def test_small_cluster_day_with_a_killed_worker_loses_and_duplicates_nothing():
    _servers_or_skip()
    run = subprocess.run([sys.executable, str(ROOT / "bench" / "cluster.py"), "--contacts", "40", "--releases", "4",
                          "--sources", "3", "--phases", "killed", "--send-rate", "10", "--embargo-seconds", "5",
                          "--timeout", "240"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    lines = run.stdout.strip().splitlines()
    assert lines, run.stderr[-3000:]
    result = json.loads(lines[-1])
    [day] = result["phases"]
    # The worker died mid-send; the rows it had claimed were taken over, not left behind.
    assert day["killed_at_received"] is not None and day["rows_claimed_again"] > 0, day
    assert day["stalled"] is False and day["stalled_sends"] == [], day
    # Every ledger row was sent and received, under its own Message-ID, once.
    assert day["ledger_rows"] == day["ledger_sent"] == day["expected_messages"] == 160, day
    assert day["received_distinct"] == 160 and day["lost"] == 0, day
    assert day["duplicates"] == 0 and day["unknown_message_ids"] == 0 and day["wrong_release_subject"] == 0, day
    # Half the releases were embargoed; the workers' scheduler lifted each exactly once, never early.
    assert day["embargoed"] == 2 and day["embargo_lifts_once"] == 2, day
    assert day["publish_events_not_one"] == 0 and day["published_early"] == 0, day
    # Every source was polled twice by the workers; the second polls stored nothing new.
    assert day["sources_polled_twice"] == day["sources"] == 3, day
    assert day["items"] > 0 and day["duplicate_items"] == 0 and day["items_created_by_second_poll"] == 0, day
    # Both web processes served the day's API calls.
    assert all(calls > 0 for calls in day["api_calls_per_web"]), day
    assert result["ok"] is True and run.returncode == 0, run.stderr[-3000:]
