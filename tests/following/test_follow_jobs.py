"""Scheduling polls: the periodic finder on the in-process pool and on RQ, one poll per host at a
time across workers, the `pressroom follow poll` command, the seeded sources and /about/follower."""

from __future__ import annotations

import threading

import pytest
from rq import Queue, SimpleWorker

from comms.following import jobs as follow_jobs
from comms.platform import jobs
from comms.app import create_app
from comms.runtime import Runtime
from feeds.follow import hosts
from feeds.follow.poll import poll_source
from feeds.follow.sources import DEFAULT_SOURCES
from storage import migrate
from storage.db import Database

from support.follow_server import SiteServers
from support.follow_support import LOOPBACK, add_source, items, listing_html, settings, source, write_site

ENTRIES = [(f"Follow-up story number {n} on mine clearance", f"/news/{n}/", f"2024-06-{n:02d}") for n in range(1, 5)]


@pytest.fixture
def sites(tmp_path):
    """Two sites (two hosts); site "a" has two listings, "slow" answers after a second."""
    root = tmp_path / "root"
    write_site(root, "a", {"news/index.html": listing_html(ENTRIES), "more/index.html": listing_html(ENTRIES[:3])})
    write_site(root, "b", {"news/index.html": listing_html(ENTRIES[1:])})
    write_site(root, "slow", {"news/index.html": listing_html(ENTRIES)}, slow={"/news/": 1})
    with SiteServers(root, tmp_path / "log.jsonl") as servers:
        yield servers


@pytest.fixture
def follow_config(config):
    return config.with_overrides(follow_allowed_networks=LOOPBACK)


def _sources(db, servers):
    return [add_source(db, servers.urls["a"] + "/news/", kind="html"),
            add_source(db, servers.urls["a"] + "/more/", kind="html"),
            add_source(db, servers.urls["b"] + "/news/", kind="html")]


def test_the_periodic_finder_polls_due_sources_on_the_in_process_pool(follow_config, sites):
    runtime = Runtime(follow_config)
    try:
        ids = _sources(runtime.db, sites)
        report = jobs.run_due(runtime)
        assert report.periodic["follow.poll_due"] == 3
        assert follow_jobs.wait_for_polls(runtime, timeout=60)
        assert [len(items(runtime.db, i)) for i in ids] == [4, 3, 3]
        assert all(source(runtime.db, i).status == "ok" for i in ids)
        # Claimed and polled: nothing is due any more.
        assert jobs.run_due(runtime).periodic["follow.poll_due"] == 0
    finally:
        runtime.close()


def test_the_periodic_finder_enqueues_one_job_per_host_on_rq(follow_config, sites, redis_url, queue_name):
    runtime = Runtime(follow_config.with_overrides(redis_url=redis_url, queue_name=queue_name))
    connection = runtime.redis()
    try:
        ids = _sources(runtime.db, sites)
        assert jobs.run_due(runtime).periodic["follow.poll_due"] == 3
        rq_queue = Queue(queue_name, connection=connection)
        assert sorted(len(job.args[1][0]) for job in rq_queue.jobs) == [1, 2]  # host a: two sources; host b: one
        from comms.runtime import set_process_runtime

        set_process_runtime(runtime)
        try:
            SimpleWorker([rq_queue], connection=connection).work(burst=True)
        finally:
            set_process_runtime(None)
        assert [len(items(runtime.db, i)) for i in ids] == [4, 3, 3]
    finally:
        Queue(queue_name, connection=connection).empty()
        connection.close()
        runtime.close()


def test_one_host_is_never_polled_twice_at_once_even_by_another_worker(database, sites):
    slow = add_source(database, sites.urls["slow"] + "/news/", kind="html")
    other = add_source(database, sites.urls["slow"] + "/news/?copy=1", kind="html")
    # Another process holds the host's lease (a row in follow_hosts, not a lock in memory).
    host = source(database, slow).host
    assert hosts.try_claim(database, host, "other-machine:1234")
    busy = poll_source(database, slow, settings=settings(), wait_for_host=0.2)
    assert busy.busy and "another worker" in busy.error and items(database, slow) == []
    hosts.release(database, host, "other-machine:1234")

    results, spans = {}, {}

    def run(source_id):
        results[source_id] = poll_source(database, source_id, settings=settings(), wait_for_host=30)

    threads = [threading.Thread(target=run, args=(sid,)) for sid in (slow, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(r.status == "ok" for r in results.values())
    log = [r for r in sites.requests() if r["path"] == "/news/"]
    # Each request waits one second in the server; serialised, the second starts after the first ended.
    starts = sorted(r["time"] for r in log)
    assert len(starts) == 2 and starts[1] - starts[0] >= 0.95


def test_follow_poll_command_prints_a_summary_and_refuses_a_bad_id(follow_config, sites):
    app = create_app(follow_config)
    runtime = app.extensions["pressroom"]
    try:
        ids = _sources(runtime.db, sites)
        runner = app.test_cli_runner()
        result = runner.invoke(args=["follow", "poll"])
        assert result.exit_code == 0, result.output
        lines = result.output.splitlines()
        assert lines[0].split() == ["id", "source", "status", "new", "updated", "note"]
        assert [line.split()[0] for line in lines[1:4]] == [str(i) for i in ids]
        assert lines[-1] == "3 sources polled, 10 new items"
        again = runner.invoke(args=["follow", "poll", "--source", str(ids[0])])
        assert again.exit_code == 0 and "not modified" in again.output and again.output.endswith("0 new items\n")
        bad = runner.invoke(args=["follow", "poll", "--source", "9999"])
        assert bad.exit_code != 0 and bad.output.strip() == "Error: no followed source with id 9999"
    finally:
        runtime.close()


def test_a_fresh_database_follows_the_related_sites_once(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'fresh.db'}")
    try:
        migrate.upgrade(db.engine)
        migrate.downgrade(db.engine, "0006")
        migrate.upgrade(db.engine)
        from sqlalchemy import text

        with db.engine.connect() as connection:
            rows = connection.execute(text("SELECT default_key, url, kind, interval_minutes, paused, host "
                                           "FROM follow_sources ORDER BY id")).all()
        assert [row[0] for row in rows] == [s.key for s in DEFAULT_SOURCES]
        assert all(row[1].startswith("https://") and row[2] == "auto" and row[3] == 60 and not row[4] for row in rows)
        assert {"apmbc", "icblcmc", "unoda", "ccm", "ccw", "gichd", "icrc", "landmine-monitor", "imas",
                "mineaction"} <= {row[0] for row in rows}
    finally:
        db.dispose()


def test_the_user_agent_points_at_the_about_page(client, config):
    from comms import __version__

    assert follow_jobs.follower_user_agent(config.with_overrides(base_url="https://press.example")) == \
        f"Pressroom/{__version__} (+https://press.example/about/follower)"
    custom = config.with_overrides(follow_user_agent="Custom/1.0")
    assert follow_jobs.follow_settings(custom).user_agent == "Custom/1.0"
    page = client.get("/about/follower")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "robots.txt" in text and "Crawl-delay" in text and f"Pressroom/{__version__}" in text
