"""Polling whole fixture sites end to end: every listing gives its expected items.

Runs on ../shared/fixtures/sites with its own serve_sites.py (skipped when absent)
and on the project's own sites in tests/follow_sites with tests/support/follow_server.py.
"""

from __future__ import annotations

import json

import pytest

from feeds.follow.poll import poll_source

from support.follow_server import SiteServers
from support.follow_support import (NO_SHARED, OWN_SITES, SHARED_SITES, add_source, expectations, expected_url, items,
                                    read_log, run_shared_server, settings, source)

SHARED_CASES = expectations(SHARED_SITES) if SHARED_SITES.exists() else [
    pytest.param("shared-absent", "", "", [], marks=pytest.mark.skip(reason=NO_SHARED))]
OWN_CASES = expectations(OWN_SITES) if OWN_SITES.exists() else []


@pytest.fixture(scope="module")
def shared_server(tmp_path_factory):
    if not SHARED_SITES.exists():
        pytest.skip(NO_SHARED)
    process, urls, log = run_shared_server(SHARED_SITES, tmp_path_factory.mktemp("shared"))
    yield urls, log
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def own_server(tmp_path_factory):
    log = tmp_path_factory.mktemp("own") / "requests.jsonl"
    with SiteServers(OWN_SITES, log) as servers:
        yield servers.urls, log


def _found(database, source_id):
    return [(i.title, i.url, i.published_at.date().isoformat() if i.published_at else None)
            for i in items(database, source_id)]


def _check_site(database, urls, log, site, listing, language, expected):
    base = urls[site]
    source_id = add_source(database, base + listing, name=site, language=language)
    first = poll_source(database, source_id, settings=settings())
    want = [(e["title"], expected_url(base, e["url"]), e["published"]) for e in expected]
    assert first.status == "ok", first.error
    assert sorted(_found(database, source_id)) == sorted(want)
    assert first.new_items == len(want)

    polled = source(database, source_id)
    document = polled.feed_url or polled.url
    before = len(read_log(log))
    second = poll_source(database, source_id, settings=settings())
    assert (second.new_items, second.updated_items, second.unchanged, second.parsed) == (0, 0, True, 0)
    assert len(items(database, source_id)) == len(want)
    requests = [r for r in read_log(log)[before:] if r["site"] == site]
    # One conditional request for the polled document and nothing else (robots.txt is cached).
    assert [(r["path"], r["if_none_match"], r["status"]) for r in requests] == [
        (document.removeprefix(base).split("?")[0], True, 304)]
    return polled


@pytest.mark.parametrize("site,listing,language,expected", SHARED_CASES,
                         ids=[f"{c[0]}:{c[1][:40]}" if isinstance(c, tuple) else "shared-absent"
                              for c in SHARED_CASES])
def test_shared_sites_give_their_expected_items_and_a_second_poll_is_a_304(database, shared_server, site, listing,
                                                                          language, expected):
    urls, log = shared_server
    _check_site(database, urls, log, site, listing, language, expected)


@pytest.mark.skipif(not OWN_CASES, reason="tests/follow_sites has no sites yet")
@pytest.mark.parametrize("site,listing,language,expected", OWN_CASES,
                         ids=[f"{c[0]}:{c[1][:40]}" for c in OWN_CASES] or None)
def test_own_sites_give_their_expected_items_and_a_second_poll_is_a_304(database, own_server, site, listing,
                                                                       language, expected):
    urls, log = own_server
    polled = _check_site(database, urls, log, site, listing, language, expected)
    meta = json.loads((OWN_SITES / site / "_site.json").read_text("utf-8"))
    if listing == meta["listing"]:
        # The site's feed is found, linked or not (under the listing, its language prefix, ?format=feed),
        # and a site without one is read as a listing.
        assert polled.feed_url == (urls[site] + meta["feed"] if meta.get("feed") else None)


def test_every_request_carries_our_user_agent_and_reads_robots_first(database, own_server):
    urls, log = own_server
    site = sorted(urls)[0]
    meta = json.loads((OWN_SITES / site / "_site.json").read_text("utf-8"))
    before = len(read_log(log))
    poll_source(database, add_source(database, urls[site] + meta["listing"]), settings=settings())
    requests = [r for r in read_log(log)[before:] if r["site"] == site]
    assert requests[0]["path"] == "/robots.txt"
    assert {r["user_agent"] for r in requests} == {settings().user_agent}
