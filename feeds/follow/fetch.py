"""The guarded, polite HTTP client of the follower (docs/design/security.md items 1-7).

- Every hop (the URL and each redirect, followed by hand) is parsed and
  checked by :mod:`feeds.follow.guard`, and the connection goes to the
  address that was checked: the pool is opened on that IP with the real
  name as Host header and TLS server name (no second DNS lookup to rebind).
- ``requests.Session(trust_env=False)``: no proxy or netrc from the environment.
- Bodies are streamed and counted: a byte cap on the wire, a cap on the
  decompressed size (gzip bombs are inflated a bounded piece at a time), and
  a total deadline across connect, headers and every read (slow drips).
- One connection per host: each pool holds a single connection.
"""

from __future__ import annotations

import ipaddress
import time
import zlib
from dataclasses import dataclass, field
from typing import Callable, Iterable, Mapping
from urllib.parse import urljoin

import certifi
import requests
import urllib3
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict

from feeds.follow.guard import Network, Refused, Resolver, Target, parse_target, resolve_checked, system_resolver

REDIRECTS = (301, 302, 303, 307, 308)
PERMANENT = (301, 308)
ACCEPT = ("application/rss+xml, application/atom+xml, application/feed+json;q=0.9, "
          "application/xml;q=0.9, text/html;q=0.8, */*;q=0.5")


class FetchError(Exception):
    """The fetch failed (network, timeout, size); the source is ``failing``."""


class TooLarge(FetchError):
    """The body was over the byte cap, on the wire or once decompressed."""


class DeadlineExceeded(FetchError):
    """The whole fetch took longer than its deadline."""


@dataclass(frozen=True)
class Limits:
    """How much one fetch may cost."""

    max_bytes: int = 5 * 1024 * 1024
    deadline_seconds: float = 30.0
    connect_timeout: float = 10.0
    read_timeout: float = 10.0
    max_redirects: int = 5


@dataclass
class Fetched:
    """A response: its final URL, status, headers and (decoded) body."""

    url: str
    status: int
    headers: Mapping[str, str]
    body: bytes = b""
    # (status, location) of each redirect followed, in order.
    redirects: list[tuple[int, str]] = field(default_factory=list)

    @property
    def content_type(self) -> str | None:
        """The Content-Type header, if any."""
        return self.headers.get("Content-Type")

    @property
    def permanent_url(self) -> str | None:
        """Where the URL now lives, when every redirect from it was permanent (301/308)."""
        if not self.redirects or any(status not in PERMANENT for status, _ in self.redirects):
            return None
        return self.redirects[-1][1]


class _PinnedAdapter(HTTPAdapter):
    """Opens each connection on the address the guard checked, not on a new lookup."""

    def __init__(self):
        self.pin: tuple[Target, str] | None = None
        super().__init__(pool_connections=16, pool_maxsize=1, pool_block=True, max_retries=0)

    def get_connection_with_tls_context(self, request, verify, proxies=None, cert=None):
        target, address = self.pin
        pool_kwargs = {}
        if target.scheme == "https":
            pool_kwargs = {"server_hostname": target.host, "assert_hostname": target.host,
                           "cert_reqs": "CERT_REQUIRED", "ca_certs": certifi.where()}
        return self.poolmanager.connection_from_host(address, target.port, target.scheme, pool_kwargs=pool_kwargs)

    def request_url(self, request, proxies):
        return self.pin[0].path


def _decompressor(encoding: str | None):
    encoding = (encoding or "identity").strip().lower()
    if encoding in ("", "identity"):
        return None
    if encoding in ("gzip", "x-gzip"):
        return zlib.decompressobj(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return zlib.decompressobj()
    raise FetchError(f"unsupported Content-Encoding {encoding!r}")


class Fetcher:
    """Fetches URLs for one poll; not shared between threads. Close it when done."""

    def __init__(self, *, user_agent: str, allowed_networks: Iterable[Network] = (), limits: Limits = Limits(),
                 resolver: Resolver = system_resolver):
        self.user_agent = user_agent
        self.allowed = tuple(ipaddress.ip_network(n) if isinstance(n, str) else n for n in allowed_networks)
        self.limits = limits
        self.resolver = resolver
        self.session = requests.Session()
        self.session.trust_env = False
        self.adapter = _PinnedAdapter()
        self.session.mount("http://", self.adapter)
        self.session.mount("https://", self.adapter)
        self.requests_made = 0

    def close(self) -> None:
        """Close every pooled connection."""
        self.session.close()

    def fetch(self, url: str, *, headers: Mapping[str, str] | None = None,
              gate: Callable[[Target], None] | None = None, limits: Limits | None = None) -> Fetched:
        """GET ``url``, following redirects by hand; any status is returned.

        ``gate(target)`` runs before every request (robots.txt, Crawl-delay)
        and may raise :class:`Refused`. Raises Refused for a URL or address
        the guard refuses, FetchError for network failures and ``limits``
        (default: the fetcher's).
        """
        limits = limits or self.limits
        deadline = time.monotonic() + limits.deadline_seconds
        redirects: list[tuple[int, str]] = []
        current = url
        for _hop in range(limits.max_redirects + 1):
            target = parse_target(current)
            address = self._resolve(target)  # refused addresses never even get a robots.txt request
            if gate is not None:
                gate(target)
            status, response_headers, body = self._request(target, address, headers or {}, deadline, limits)
            location = response_headers.get("Location")
            if status in REDIRECTS and location:
                # urljoin silently drops tabs and newlines; the guard must see them (item 3).
                if any(ord(c) < 32 or c == "\x7f" for c in location.strip()):
                    raise Refused("redirect Location contains control characters (tabs, newlines)")
                current = urljoin(current, location.strip())
                redirects.append((status, current))
                continue
            return Fetched(url=current, status=status, headers=response_headers, body=body, redirects=redirects)
        raise FetchError(f"more than {limits.max_redirects} redirects")

    def _resolve(self, target: Target) -> str:
        try:
            return resolve_checked(target, self.allowed, self.resolver)
        except Refused:
            raise
        except OSError as exc:
            raise FetchError(str(exc)) from None

    def _request(self, target: Target, address: str, extra: Mapping[str, str], deadline: float, limits: Limits):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise DeadlineExceeded(f"no answer from {target.host} within {limits.deadline_seconds:g}s")
        headers = CaseInsensitiveDict({"Host": target.host_header, "User-Agent": self.user_agent,
                                       "Accept": ACCEPT, "Accept-Encoding": "gzip, deflate"})
        headers.update(extra)
        prepared = requests.Request("GET", target.url, headers=headers).prepare()
        self.adapter.pin = (target, address)
        timeout = (min(limits.connect_timeout, remaining), min(limits.read_timeout, remaining))
        self.requests_made += 1
        try:
            response = self.session.send(prepared, stream=True, timeout=timeout, allow_redirects=False)
        except requests.exceptions.SSLError as exc:
            raise FetchError(f"TLS error with {target.host}: {exc.__class__.__name__}") from None
        except requests.exceptions.Timeout:
            raise DeadlineExceeded(f"{target.host} did not answer in time") from None
        except requests.exceptions.RequestException as exc:
            raise FetchError(f"cannot fetch from {target.host}: {exc.__class__.__name__}") from None
        try:
            body = b"" if response.status_code in (204, 304) else self._read(response, deadline, limits)
        finally:
            response.close()
        return response.status_code, response.headers, body

    def _read(self, response, deadline: float, limits: Limits) -> bytes:
        cap = limits.max_bytes
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > cap:
            raise TooLarge(f"the page is {int(declared):,} bytes, over the {cap:,}-byte limit")
        decoder = _decompressor(response.headers.get("Content-Encoding"))
        chunks: list[bytes] = []
        wire = size = 0
        try:
            # read1 returns whatever has arrived, so the deadline is checked
            # between the drops of a slow drip, not only after 16 KB.
            while chunk := response.raw.read1(16384, decode_content=False):
                wire += len(chunk)
                if wire > cap:
                    raise TooLarge(f"the page is over the {cap:,}-byte limit")
                piece = chunk if decoder is None else self._inflate(decoder, chunk, cap - size)
                size += len(piece)
                if size > cap:
                    raise TooLarge(f"the page is over the {cap:,}-byte limit")
                chunks.append(piece)
                if time.monotonic() > deadline:
                    raise DeadlineExceeded(f"the page took over {limits.deadline_seconds:g}s to arrive")
        except (requests.exceptions.RequestException, OSError) as exc:
            raise FetchError(f"the connection failed while reading: {exc.__class__.__name__}") from None
        except zlib.error:
            raise FetchError("the compressed body is corrupt") from None
        except urllib3.exceptions.ReadTimeoutError:
            raise DeadlineExceeded("the page stopped arriving") from None
        except urllib3.exceptions.HTTPError as exc:
            raise FetchError(f"the connection failed while reading: {exc.__class__.__name__}") from None
        return b"".join(chunks)

    @staticmethod
    def _inflate(decoder, chunk: bytes, room: int) -> bytes:
        # max_length bounds each inflation step, so a bomb never expands in memory.
        data = decoder.decompress(chunk, room + 1)
        if len(data) > room or decoder.unconsumed_tail:
            raise TooLarge("the page is over the size limit once decompressed")
        return data
