"""docs/design/security.md "The follower (outbound HTTP)", items 1-7: one regression test per item,
through the public entry points (the sources API, a whole poll, the staff pages) against
real local HTTP servers, plus a hypothesis property on URL strings for the address guard.

The guard's address-level property lives in test_follow_guard.py; the one here works on
the URL text a source or a redirect carries (userinfo, ports, encodings, zone ids)."""

from __future__ import annotations

import dataclasses
import importlib.metadata
import ipaddress
import re
import tomllib

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from feeds.follow.fetch import Fetcher
from feeds.follow.guard import Refused, parse_target, resolve_checked
from feeds.follow.poll import poll_source

from support.follow_server import SiteServers
from support.follow_support import (LOOPBACK, USER_AGENT, add_source, gzip_bomb, items, listing_html, settings,
                                    write_site)
from support.paths import ROOT
from support.web import bearer

NEWS = listing_html([("Mine clearance completed in Chile", "/news/1", "2025-03-01"),
                     ("Intersessional meetings open in Geneva", "/news/2", "2025-02-20")])


@pytest.fixture
def served(tmp_path):
    """Start SiteServers on sites written by the test: ``served({name: (files, meta)})``."""
    opened = []

    def start(sites: dict) -> SiteServers:
        root = tmp_path / f"root{len(opened)}"
        for name, (files, meta) in sites.items():
            write_site(root, name, files, **meta)
        servers = SiteServers(root, tmp_path / f"log{len(opened)}.jsonl").__enter__()
        opened.append(servers)
        return servers

    yield start
    for servers in opened:
        servers.__exit__(None, None, None)


def test_item_01_the_api_poll_of_a_loopback_source_is_refused_before_connecting(client, token_for, served):
    """Item 1: "URL or any redirect hop pointing at ... 127.0.0.1 ...: refused before connecting,
    nothing stored." Through the API of an app with no allowed networks."""
    servers = served({"site": ({"news/index.html": NEWS}, {})})
    headers = bearer(token_for("officer"))
    created = client.post("/api/v1/sources", json={"name": "Loopback", "url": servers.urls["site"] + "/news/",
                                                   "kind": "html"}, headers=headers)
    assert created.status_code == 201, created.get_json()
    source_id = created.get_json()["id"]
    polled = client.post(f"/api/v1/sources/{source_id}/poll", headers=headers).get_json()
    assert polled["status"] == "blocked" and polled["new_items"] == 0
    assert servers.requests() == []  # not even robots.txt was asked for
    assert client.get(f"/api/v1/items?source={source_id}", headers=headers).get_json()["total"] == 0


def test_item_02_a_name_that_rebinds_mid_poll_is_refused_and_each_request_resolves_once(database, served):
    """Item 2: "DNS rebinding: connect to the address that was checked (pin it), not a second lookup."
    A whole poll: every request asks our resolver exactly once (never the system's, which knows no
    *.test name), and a name that turns private between requests stores nothing."""
    servers = served({"site": ({"news/index.html": NEWS}, {})})
    port = int(servers.urls["site"].rsplit(":", 1)[1])
    url = f"http://news.rebind.test:{port}/news/"
    asked = []

    def steady(host, _port):
        asked.append(host)
        return ["127.0.0.1"]

    good = poll_source(database, add_source(database, url), settings=dataclasses.replace(settings(), resolver=steady))
    assert good.status == "ok" and good.new_items == 2
    assert len(asked) == good.requests and set(asked) == {"news.rebind.test"}

    answers = iter(["127.0.0.1"])

    def rebinding(_host, _port):
        return [next(answers, "10.0.0.1")]

    source_id = add_source(database, url.replace("news.rebind", "other.rebind"), name="Rebinding")
    before = len(servers.requests())
    result = poll_source(database, source_id, settings=dataclasses.replace(settings(), resolver=rebinding))
    assert result.status in ("blocked", "failing") and items(database, source_id) == []
    assert [r["path"] for r in servers.requests()[before:] if r["path"] != "/robots.txt"] == []


@pytest.mark.parametrize("location", ["http://127.0.0.1:{port}\\@example.org/news/",
                                      "http://a@b@127.0.0.1:{port}/news/",
                                      "http://127.0.0.1\t:{port}/news/"])
def test_item_03_parser_tricks_in_a_redirect_hop_are_rejected(database, served, location):
    """Item 3: "Parser tricks (`http://10.0.0.1\\@example.com`, double `@`, tab inside the host):
    rejected; validate the same parsed URL that is fetched." Here the trick arrives as a redirect."""
    servers = served({"site": ({"news/index.html": NEWS}, {})})
    port = servers.urls["site"].rsplit(":", 1)[1]
    servers = served({"jump": ({"robots.txt": "User-agent: *\nAllow: /\n"},
                               {"external_redirects": {"/go/": location.format(port=port)}})})
    source_id = add_source(database, servers.urls["jump"] + "/go/")
    result = poll_source(database, source_id, settings=settings())
    assert result.status == "blocked" and items(database, source_id) == []
    assert [r["path"] for r in servers.requests() if r["path"] != "/robots.txt"] == ["/go/"]


def test_item_04_a_stored_javascript_link_never_renders_as_a_link(client, runtime, auth_actions):
    """Item 4: "Schemes other than http/https ... rejected; a stored `javascript:` link never
    renders as a link." A row written straight to the database, then the staff items page."""
    from support.follow_samples import add_item, add_source as add_row

    source_id = add_row(runtime)
    add_item(runtime, source_id, "Item with a hostile link", url="javascript:alert(document.cookie)")
    add_item(runtime, source_id, "Item with a data link", url="data:text/html,<script>alert(1)</script>")
    auth_actions.as_viewer()
    page = client.get("/staff/items").get_data(as_text=True)
    assert "Item with a hostile link" in page and "Item with a data link" in page
    hrefs = re.findall(r'href\s*=\s*["\']?\s*([^"\' >]+)', page)
    assert not [h for h in hrefs if h.lower().startswith(("javascript:", "data:"))]


def test_item_05_a_gzip_bomb_through_the_api_poll_fails_cleanly(local_app, served):  # noqa: F811
    """Item 5: "Slow-drip bodies, huge bodies, gzip bombs: a total deadline and a byte cap."
    The API's poll-now answers with an error status (not a 500) and stores nothing."""
    from comms.accounts import users as auth

    servers = served({"bomb": ({"news/index.html": gzip_bomb(64)}, {"content_encoding": {"/news/": "gzip"}})})
    runtime = local_app.extensions["pressroom"]
    with runtime.db.transaction() as session:
        _token, secret = auth.create_token(session, auth.create_user(session, "o@example.org", "officer"))
    client = local_app.test_client()
    source_id = client.post("/api/v1/sources", json={"name": "Bomb", "url": servers.urls["bomb"] + "/news/",
                                                     "kind": "html"}, headers=bearer(secret)).get_json()["id"]
    polled = client.post(f"/api/v1/sources/{source_id}/poll", headers=bearer(secret))
    assert polled.status_code == 200
    body = polled.get_json()
    assert body["status"] != "ok" and body["new_items"] == 0 and "limit" in (body["error"] or "").lower()


def test_item_06_requests_is_recent_and_the_poller_ignores_proxy_settings(database, served, monkeypatch):
    """Item 6: "`requests.Session(trust_env=False)`; requests >= 2.32.4." The declared lower bound,
    the installed version, and a whole poll with a dead proxy in the environment."""
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["dependencies"]
    [requirement] = [d for d in declared if re.match(r"requests\b", d)]
    bound = tuple(int(p) for p in re.search(r">=\s*([\d.]+)", requirement).group(1).split("."))
    installed = tuple(int(p) for p in importlib.metadata.version("requests").split(".")[:3])
    assert bound >= (2, 32, 4) and installed >= (2, 32, 4)
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    servers = served({"site": ({"news/index.html": NEWS}, {})})
    result = poll_source(database, add_source(database, servers.urls["site"] + "/news/"), settings=settings())
    assert result.status == "ok" and result.new_items == 2


def test_item_07_a_source_whose_extraction_finds_nothing_is_visibly_broken(client, token_for, runtime,
                                                                            auth_actions, served):
    """Item 7: "... a source whose extraction finds nothing becomes `broken`, visibly." Seen
    through the sources API and the staff sources page, after a real poll of an empty page."""
    from comms.following.jobs import follow_settings

    servers = served({"empty": ({"news/index.html": "<html><body><p>Nothing here yet.</p></body></html>"}, {})})
    source_id = add_source(runtime.db, servers.urls["empty"] + "/news/", name="Quiet partner", kind="html")
    result = poll_source(runtime.db, source_id, settings=dataclasses.replace(
        follow_settings(runtime.config), allowed_networks=LOOPBACK))
    assert result.status == "broken"
    shown = client.get(f"/api/v1/sources/{source_id}", headers=bearer(token_for("viewer"))).get_json()
    assert shown["status"] == "broken" and shown["last_error"]
    auth_actions.as_viewer()
    page = client.get("/staff/sources").get_data(as_text=True)
    assert re.search(r"Quiet partner.*?broken", page, re.S | re.I)


NON_GLOBAL = ["127.0.0.1", "10.0.0.1", "169.254.169.254", "0.0.0.0", "100.64.0.1", "192.168.1.1", "172.16.0.1",
              "::1", "::ffff:127.0.0.1", "fe80::1", "fc00::1", "::", "64:ff9b::a00:1", "2002:7f00:1::"]


@st.composite
def disguised_urls(draw):
    """A URL text around a non-global address: userinfo, ports, case, encodings, zone ids, dots."""
    address = ipaddress.ip_address(draw(st.sampled_from(NON_GLOBAL)))
    if address.version == 4:
        form = draw(st.sampled_from(["dotted", "int", "hex", "octal", "short"]))
        value = int(address)
        host = {"dotted": str(address), "int": str(value), "hex": hex(value),
                "octal": ".".join(f"0{int(p):o}" for p in str(address).split(".")),
                "short": f"{value >> 24}.{value & 0xFFFFFF}"}[form]
    else:
        zone = draw(st.sampled_from(["", "%25eth0", "%eth0", "%251"]))
        text = draw(st.sampled_from([address.compressed, address.exploded]))
        host = f"[{text.upper() if draw(st.booleans()) else text}{zone}]"
    if draw(st.booleans()):
        host += "."
    userinfo = draw(st.sampled_from(["", "user@", "user:pw@", "example.org@", "a@b@", "%40@"]))
    port = draw(st.sampled_from(["", ":80", ":8080", ":0443", ":65535"]))
    scheme = draw(st.sampled_from(["http", "https", "HTTP", "hTtPs"]))
    path = draw(st.sampled_from(["/", "/latest/meta-data/", "/%2e%2e/", "?u=http://example.org/", "#x", ""]))
    return f"{scheme}://{userinfo}{host}{port}{path}"


@hsettings(max_examples=400, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(url=disguised_urls(), allowed=st.sampled_from([(), (ipaddress.ip_network("203.0.113.0/24"),)]))
def test_item_01_no_url_spelling_of_a_non_global_address_is_ever_admitted(url, allowed):
    """Item 1: "test the resolved address with `not ip.is_global` ... except networks listed in
    `PRESSROOM_FOLLOW_ALLOWED_NETWORKS`." Property: however the URL spells a non-global address,
    parse + check refuses it, and the fetcher never sends a request (no resolver is consulted)."""
    def no_dns(host, _port):
        raise AssertionError(f"a literal address must not need DNS ({host})")

    try:
        target = parse_target(url)
    except Refused:
        return
    resolver = (lambda host, _port: [host]) if re.fullmatch(r"[0-9a-f:.]+", target.host) else no_dns
    with pytest.raises(Refused):
        resolve_checked(target, allowed, resolver=resolver)
    fetcher = Fetcher(user_agent=USER_AGENT, allowed_networks=allowed, resolver=resolver)
    with pytest.raises(Refused):
        fetcher.fetch(url)
    assert fetcher.requests_made == 0
