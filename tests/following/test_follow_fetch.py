"""The guarded fetcher against a real HTTP server: limits, deadlines, redirects (docs/design/security.md items 1, 5, 6)."""

from __future__ import annotations

import tracemalloc

import pytest

from feeds.follow.fetch import DeadlineExceeded, FetchError, Fetcher, Limits, TooLarge
from feeds.follow.guard import Refused

from support.follow_server import SiteServers
from support.follow_support import LOOPBACK, USER_AGENT, gzip_bomb, gzipped, huge_listing, listing_html, write_site

PAGE = listing_html([("First", "/news/1", "2024-05-01")])


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "root"
    write_site(root, "odd", {
        "news/index.html": PAGE,
        "huge/index.html": huge_listing(3),
        "bomb/index.html": gzip_bomb(64),
        "zipped/index.html": gzipped(PAGE),
        "drip/index.html": PAGE,
        "slow/index.html": PAGE,
    }, content_encoding={"/bomb/": "gzip", "/zipped/": "gzip"}, drip={"/drip/": 0.05}, slow={"/slow/": 4},
        redirects={"/old/": "/older/", "/older/": "/news/", "/loop/": "/loop2/", "/loop2/": "/loop/"},
        external_redirects={"/meta/": "http://169.254.169.254/latest/meta-data/", "/temp/": "/news/"})
    with SiteServers(root, tmp_path / "log.jsonl") as servers:
        yield servers, servers.urls["odd"]


def fetcher(**limits) -> Fetcher:
    base = dict(max_bytes=1024 * 1024, deadline_seconds=1.5, connect_timeout=1.0, read_timeout=1.0)
    base.update(limits)
    return Fetcher(user_agent=USER_AGENT, allowed_networks=LOOPBACK, limits=Limits(**base))


def test_a_page_is_fetched_with_our_user_agent_and_no_proxy_from_the_environment(site, monkeypatch):
    servers, base = site
    # trust_env=False: a proxy in the environment is never used (it would fail: nothing listens there).
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("http_proxy", "http://127.0.0.1:9")
    response = fetcher().fetch(base + "/news/")
    assert response.status == 200 and b"First" in response.body
    assert servers.requests()[-1]["user_agent"] == USER_AGENT


def test_a_gzipped_page_is_decoded(site):
    _servers, base = site
    assert fetcher().fetch(base + "/zipped/").body.decode() == PAGE


def test_a_huge_page_stops_at_the_byte_cap(site):
    _servers, base = site
    with pytest.raises(TooLarge):
        fetcher().fetch(base + "/huge/")


def test_a_gzip_bomb_is_stopped_by_the_decompressed_size_in_bounded_memory(site):
    _servers, base = site
    tracemalloc.start()
    try:
        with pytest.raises(TooLarge, match="decompressed"):
            fetcher().fetch(base + "/bomb/")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # 64 MB of zeros behind 64 KB of gzip: never inflated much past the 1 MB cap.
    assert peak < 8 * 1024 * 1024


def test_a_slow_drip_body_hits_the_total_deadline(site):
    _servers, base = site
    with pytest.raises(DeadlineExceeded):
        fetcher(deadline_seconds=1.0, read_timeout=0.5).fetch(base + "/drip/")


def test_a_server_that_waits_before_answering_hits_the_deadline(site):
    _servers, base = site
    with pytest.raises(DeadlineExceeded):
        fetcher(deadline_seconds=1.0).fetch(base + "/slow/")


def test_redirects_are_followed_by_hand_and_permanent_ones_reported(site):
    _servers, base = site
    response = fetcher().fetch(base + "/old/")
    assert response.status == 200 and response.url == base + "/news/"
    assert response.redirects == [(301, base + "/older/"), (301, base + "/news/")]
    assert response.permanent_url == base + "/news/"
    temporary = fetcher().fetch(base + "/temp/")
    assert temporary.url.endswith("/news/") and temporary.permanent_url is None
    with pytest.raises(FetchError, match="redirects"):
        fetcher().fetch(base + "/loop/")


def test_a_redirect_to_the_metadata_address_is_refused_before_connecting(site):
    servers, base = site
    client = fetcher()
    with pytest.raises(Refused, match="169.254.169.254"):
        client.fetch(base + "/meta/")
    assert client.requests_made == 1  # only the first hop; the metadata address was never contacted


def test_one_connection_per_host(site):
    servers, base = site
    client = fetcher()
    for path in ("/news/", "/zipped/", "/news/"):
        client.fetch(base + path)
    client.close()
    ports = {record["client_port"] for record in servers.requests()}
    assert len(servers.requests()) == 3 and len(ports) == 1
