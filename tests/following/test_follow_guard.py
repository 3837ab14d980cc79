"""The follower's URL and address guard (docs/design/security.md items 1-4), and address pinning (2)."""

from __future__ import annotations

import ipaddress
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from feeds.follow.fetch import Fetcher
from feeds.follow.guard import Refused, is_admissible, parse_target, resolve_checked

from support.follow_support import LOOPBACK, USER_AGENT

REFUSED_URLS = [
    "http://169.254.169.254/latest/meta-data/",
    "http://127.0.0.1/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:169.254.169.254]/",
    "http://2130706433/",
    "http://0x7f000001/",
    "http://0177.0.0.1/",
    "http://127.1/",
    "http://0.0.0.0/",
    "http://10.1.2.3/",
    "http://100.64.0.1/",
    "http://192.168.1.1/",
    "http://172.16.0.1/",
    "http://224.0.0.1/",
    "http://[fe80::1]/",
    "http://[fc00::1]/",
    "http://[2002:7f00:1::]/",  # 6to4 wrapping 127.0.0.1
    "http://[64:ff9b::a00:1]/",  # NAT64 wrapping 10.0.0.1
]

MALFORMED_URLS = [
    "http://10.0.0.1\\@example.com/",
    "http://user@example.com/",
    "http://a@b@example.com/",
    "http://exam\tple.com/",
    "http://example.com\n.evil/",
    "http://exa mple.com/",
    "file:///etc/passwd",
    "ftp://example.com/x",
    "data:text/html,<b>x</b>",
    "gopher://example.com/",
    "javascript:alert(1)",
    "//example.com/relative",
    "http:///nohost",
    "http://example.com:99999/",
    "http://ex%61mple.com/",
]


@pytest.mark.parametrize("url", REFUSED_URLS)
def test_non_public_addresses_are_refused_before_connecting(url):
    fetcher = Fetcher(user_agent=USER_AGENT)
    with pytest.raises(Refused):
        fetcher.fetch(url)
    assert fetcher.requests_made == 0


@pytest.mark.parametrize("url", ["http://[::1]/", "http://[::ffff:127.0.0.1]/", "http://2130706433/",
                                 "http://0x7f000001/", "http://169.254.169.254/", "http://0.0.0.0/"])
def test_allowing_127_8_does_not_open_its_disguises_or_neighbours(url):
    fetcher = Fetcher(user_agent=USER_AGENT, allowed_networks=LOOPBACK)
    with pytest.raises(Refused):
        fetcher.fetch(url)
    assert fetcher.requests_made == 0


@pytest.mark.parametrize("url", MALFORMED_URLS)
def test_parser_tricks_and_other_schemes_are_rejected(url):
    with pytest.raises(Refused):
        parse_target(url)


def test_a_public_name_resolving_to_a_private_address_is_refused():
    target = parse_target("http://metadata.example.org/")
    with pytest.raises(Refused, match="not a public address"):
        resolve_checked(target, (), resolver=lambda host, port: ["93.184.216.34", "169.254.169.254"])
    assert resolve_checked(target, (), resolver=lambda host, port: ["93.184.216.34"]) == "93.184.216.34"


def test_the_parsed_target_is_what_is_fetched():
    target = parse_target("HTTPS://Example.ORG:443/a b/?q=1&x=é")
    assert (target.scheme, target.host, target.port, target.host_header) == ("https", "example.org", 443, "example.org")
    assert target.path == "/a%20b/?q=1&x=%C3%A9"
    assert parse_target("http://bücher.example/").host == "xn--bcher-kva.example"


@st.composite
def addresses(draw):
    if draw(st.booleans()):
        return ipaddress.IPv4Address(draw(st.integers(0, 2**32 - 1)))
    special = draw(st.sampled_from(["random", "mapped", "6to4", "nat64", "teredo"]))
    v4 = draw(st.integers(0, 2**32 - 1))
    if special == "mapped":
        return ipaddress.IPv6Address((0xFFFF << 32) | v4)
    if special == "6to4":
        return ipaddress.IPv6Address((0x2002 << 112) | (v4 << 80) | draw(st.integers(0, 2**80 - 1)))
    if special == "nat64":
        return ipaddress.IPv6Address((0x64FF9B << 96) | v4)
    if special == "teredo":
        return ipaddress.IPv6Address((0x20010000 << 96) | (v4 << 64) | draw(st.integers(0, 2**64 - 1)))
    return ipaddress.IPv6Address(draw(st.integers(0, 2**128 - 1)))


NETWORK_CHOICES = [(), LOOPBACK, (ipaddress.ip_network("10.0.0.0/8"), ipaddress.ip_network("fd00::/8"))]


def _embedded(address):
    if address.version == 4:
        return []
    inner = [address.ipv4_mapped, address.sixtofour, *(address.teredo or ())]
    if address in ipaddress.ip_network("64:ff9b::/96"):
        inner.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return [a for a in inner if a is not None]


@hsettings(max_examples=3000, deadline=None)
@given(address=addresses(), choice=st.sampled_from(range(len(NETWORK_CHOICES))))
def test_the_guard_never_admits_a_non_global_address_outside_the_allowed_networks(address, choice):
    allowed = NETWORK_CHOICES[choice]
    if is_admissible(address, allowed):
        inside = any(address.version == net.version and address in net for net in allowed)
        assert inside or (address.is_global and not address.is_multicast
                          and all(inner.is_global for inner in _embedded(address)))


class _EchoHost(BaseHTTPRequestHandler):
    def do_GET(self):
        body = self.headers.get("Host", "").encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_the_checked_address_is_pinned_for_the_connection():
    """DNS rebinding: the name resolves once; a second answer (10.0.0.1) is never used."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EchoHost)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    answers = []

    def rebinding_resolver(host, port):
        answers.append(host)
        return ["127.0.0.1"] if len(answers) == 1 else ["10.0.0.1"]

    try:
        fetcher = Fetcher(user_agent=USER_AGENT, allowed_networks=LOOPBACK, resolver=rebinding_resolver)
        response = fetcher.fetch(f"http://news.rebind.test:{server.server_address[1]}/")
        # The server saw the real name in Host, and the system resolver (which
        # knows no *.test names) was never asked: the connection used the pin.
        assert response.status == 200 and response.body == f"news.rebind.test:{server.server_address[1]}".encode()
        assert answers == ["news.rebind.test"]
        with pytest.raises(Refused):
            fetcher.fetch(f"http://news.rebind.test:{server.server_address[1]}/again")
    finally:
        server.shutdown()
        server.server_close()
