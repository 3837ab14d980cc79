"""Which URLs and addresses the follower may reach (docs/design/security.md items 1-4).

Every URL is parsed once into a :class:`Target`; the fetcher connects to the
address checked here and sends exactly this target's host and path, so what
is validated is what is fetched. An address is admitted when it is public
(``is_global``, and not multicast, reserved or hiding a private IPv4 address
inside an IPv6 one) or inside one of the operator's allowed networks.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass
from typing import Callable, Iterable
from urllib.parse import urlsplit

from requests.utils import requote_uri

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# inet_aton accepts "2130706433", "0x7f000001", "0177.1" and friends as IPv4
# addresses; a site never needs them and they hide what a URL points at.
_NUMERIC_HOST = re.compile(r"(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+)){0,3}\.?")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class Refused(Exception):
    """The follower will not fetch this URL; the message says why (status ``blocked``)."""


@dataclass(frozen=True)
class Target:
    """A validated http(s) URL, split the way the fetcher uses it."""

    url: str
    scheme: str
    host: str  # lower-case, IDNA-encoded, no brackets
    port: int
    path: str  # path and query, percent-encoded, never empty

    @property
    def host_header(self) -> str:
        """The Host header value: the name, with the port when it is not the default."""
        name = f"[{self.host}]" if ":" in self.host else self.host
        default = 443 if self.scheme == "https" else 80
        return name if self.port == default else f"{name}:{self.port}"

    @property
    def origin(self) -> str:
        """scheme://host[:port], where robots.txt lives."""
        return f"{self.scheme}://{self.host_header}"


def parse_target(url: str) -> Target:
    """Validate ``url`` and split it; raises :class:`Refused` on anything doubtful."""
    if not isinstance(url, str) or not url:
        raise Refused("empty URL")
    if _CONTROL.search(url):
        raise Refused("URL contains control characters (tabs, newlines)")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise Refused(f"only http and https URLs are followed, not {scheme or 'a relative URL'}")
    netloc = parts.netloc
    # Credentials are never needed to read news, and "user@host" is how
    # parser-confusion tricks (http://10.0.0.1\@example.com) hide a host.
    if " " in netloc:
        raise Refused("URL has a space in its host")
    if "@" in netloc or "\\" in netloc or "%" in netloc:
        raise Refused("URL has user information or escapes in its host")
    try:
        port = parts.port
    except ValueError:
        raise Refused("URL has an invalid port") from None
    host = (parts.hostname or "").rstrip(".")
    if not host:
        raise Refused("URL has no host")
    host = _ascii_host(host)
    port = port or (443 if scheme == "https" else 80)
    path = requote_uri(parts.path or "/") + (f"?{requote_uri(parts.query)}" if parts.query else "")
    return Target(url=url, scheme=scheme, host=host, port=port, path=path)


def _ascii_host(host: str) -> str:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None:
        return address.compressed
    if _NUMERIC_HOST.fullmatch(host):
        raise Refused(f"numeric host {host!r} is not a plain IP address")
    try:
        encoded = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise Refused(f"host {host!r} is not a valid name") from None
    if not re.fullmatch(r"[a-z0-9_.-]+", encoded):
        raise Refused(f"host {host!r} is not a valid name")
    return encoded


def _is_public(address: IPAddress) -> bool:
    if not address.is_global or address.is_multicast or address.is_reserved or address.is_unspecified:
        return False
    if address.is_loopback or address.is_link_local or address.is_private:
        return False
    if address.version == 6:
        if address.is_site_local:
            return False
        embedded = [address.ipv4_mapped, address.sixtofour]
        if address.teredo:
            embedded.extend(address.teredo)
        if address in _NAT64:
            embedded.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        return all(_is_public(inner) for inner in embedded if inner is not None)
    return True


def is_admissible(address: IPAddress, allowed: Iterable[Network] = ()) -> bool:
    """True when the follower may connect to ``address``."""
    if any(address.version == net.version and address in net for net in allowed):
        return True
    return _is_public(address)


Resolver = Callable[[str, int], list[str]]


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for ``host`` (TCP)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise OSError(f"cannot resolve {host}: {exc}") from None
    return [info[4][0] for info in infos]


def resolve_checked(target: Target, allowed: Iterable[Network] = (), resolver: Resolver = system_resolver) -> str:
    """The address to connect to for ``target``, after checking every answer.

    A name that resolves to any refused address is refused as a whole: a
    mixed answer is how DNS tricks look. Raises OSError when it does not resolve.
    """
    allowed = tuple(allowed)
    addresses = resolver(target.host, target.port)
    if not addresses:
        raise OSError(f"cannot resolve {target.host}")
    for text in addresses:
        address = ipaddress.ip_address(text.split("%", 1)[0])
        if not is_admissible(address, allowed):
            raise Refused(f"{target.host} is at {address}, which is not a public address")
    return addresses[0]
