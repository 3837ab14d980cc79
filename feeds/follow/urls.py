"""Links found in other sites' pages: resolved as a browser does, checked, cleaned and keyed.

``resolve`` keeps what the page wrote (query, trailing slash, ``!``, lower-case
escapes, a doubled slash after the host) and only does what a browser does:
join against ``<base href>`` and the page's final URL. ``clean_url`` strips
tracking parameters and nothing else; ``url_key`` is the normalised form used to
recognise the same item twice.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import parse_qsl, quote, unquote, urlsplit, urlunsplit

SAFE_SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}
# Tracking parameters added by mailers, ad networks and social sites: never part of an item's identity.
TRACKING_PARAMETERS = frozenset({
    "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "igshid", "mc_cid",
    "mc_eid", "_hsenc", "_hsmi", "hsctatracking", "mkt_tok", "_ga", "_gl", "oly_anon_id", "oly_enc_id", "vero_id",
    "vero_conv", "wickedid", "s_cid", "ncid", "sr_share", "ref_src", "ref_url", "spm", "trk", "trkcampaign",
})
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "matomo_", "piwik_", "hmb_")
# Browsers drop leading/trailing C0 controls and spaces, and remove tabs and line breaks anywhere.
_STRIP = "".join(chr(c) for c in range(0x21))
_TAB_NEWLINE = re.compile(r"[\t\n\r]")
_CONTROL = re.compile(r"[\x00-\x20\x7f]")
# Printable ASCII stays as written (existing %xx escapes included); anything else is UTF-8 percent-encoded.
_KEEP = "".join(chr(c) for c in range(0x21, 0x7f))
# The common case, checked without urlsplit: scheme, a plain host name or IPv4 address, an optional port.
_SIMPLE_LINK = re.compile(r"https?://[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?(?::(\d{1,5}))?"
                          r"(?:[/?#][\x21-\x7e]*)?\Z", re.I)
_UNUSUAL = re.compile(r"[^\x21-\x5b\x5d-\x7e]")


def _browser_clean(href: str) -> str:
    href = (href or "").strip(_STRIP)
    if not _UNUSUAL.search(href):
        return href
    href = _TAB_NEWLINE.sub("", href)
    cut = min((i for i in (href.find("?"), href.find("#")) if i >= 0), default=len(href))
    # In http(s) URLs a backslash before the query counts as a slash.
    href = href[:cut].replace("\\", "/") + href[cut:]
    return quote(href, safe=_KEEP)


_URI = re.compile(r"^(?:([A-Za-z][A-Za-z0-9+.-]*):)?(?://([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$", re.S)


def _remove_dot_segments(path: str) -> str:
    # RFC 3986 5.2.4; unlike urllib's urljoin it keeps empty segments ("a//b"), as browsers do.
    output: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if len(output) > 1 or (output and output[0]):
                output.pop()
        elif segment != ".":
            output.append(segment)
    result = "/".join(output)
    if path.endswith(("/.", "/..")):
        result += "/"
    if path.startswith("/") and not result.startswith("/"):
        result = "/" + result
    return result


def _join(base: str, ref: str) -> str:
    """RFC 3986 section 5.2 reference resolution (with the WHATWG rule for "http:path" references)."""
    b_scheme, b_auth, b_path, b_query, _ = _URI.match(base).groups()
    scheme, auth, path, query, fragment = _URI.match(ref).groups()
    if scheme and b_scheme and scheme.lower() == b_scheme.lower() and auth is None \
            and scheme.lower() in SAFE_SCHEMES:
        scheme = None  # "http:page.html" is relative in a browser
    if scheme:
        t_scheme, t_auth, t_path, t_query = scheme, auth, _remove_dot_segments(path), query
    else:
        t_scheme = b_scheme
        if auth is not None:
            t_auth, t_path, t_query = auth, _remove_dot_segments(path), query
        else:
            t_auth = b_auth
            if not path:
                t_path, t_query = b_path, query if query is not None else b_query
            else:
                if path.startswith("/"):
                    merged = path
                elif b_auth is not None and not b_path:
                    merged = "/" + path
                else:
                    merged = b_path[: b_path.rfind("/") + 1] + path
                t_path, t_query = _remove_dot_segments(merged), query
    if t_auth is not None and "@" not in t_auth:
        t_auth = t_auth.lower()  # host names are case-insensitive; browsers show them in lower case
    if t_auth is not None and not t_path:
        t_path = "/"
    out = (t_scheme.lower() + ":") if t_scheme else ""
    if t_auth is not None:
        out += "//" + t_auth
    out += t_path
    if t_query is not None:
        out += "?" + t_query
    if fragment is not None:
        out += "#" + fragment
    return out


@lru_cache(maxsize=256)
def _base(page_url: str, base_href: str | None) -> str:
    base = _browser_clean(page_url)
    if base_href and base_href.strip():
        candidate = _join(base, _browser_clean(base_href))
        if is_safe_link(candidate):
            base = candidate
    return base


def resolve(href: str, page_url: str, base_href: str | None = None) -> str:
    """``href`` made absolute against ``base_href`` (itself resolved against ``page_url``) or ``page_url``."""
    return _join(_base(page_url, base_href), _browser_clean(href))


def is_safe_link(url: str | None) -> bool:
    """True only for absolute http(s) URLs with a host and no credentials, controls or backslashes."""
    if not url or not isinstance(url, str) or len(url) > 8192:
        return False
    simple = _SIMPLE_LINK.match(url)
    if simple and "\\" not in url:
        return simple.group(1) is None or 0 < int(simple.group(1)) < 65536
    if _CONTROL.search(url) or "\\" in url:
        return False
    try:
        parts = urlsplit(url)
        port = parts.port  # raises on a malformed port
    except ValueError:
        return False
    if parts.scheme.lower() not in SAFE_SCHEMES or not parts.hostname:
        return False
    if "@" in parts.netloc or (port is not None and not 0 < port < 65536):
        return False
    return True


def _is_tracking(name: str) -> bool:
    name = unquote(name).strip().lower()
    return name in TRACKING_PARAMETERS or name.startswith(TRACKING_PREFIXES)


def clean_url(url: str) -> str:
    """``url`` without tracking parameters; everything else exactly as it was."""
    head, hash_sign, fragment = url.partition("#")
    path, question, query = head.partition("?")
    if not question:
        return url
    kept = [pair for pair in query.split("&") if pair and not _is_tracking(pair.split("=", 1)[0])]
    cleaned = path + ("?" + "&".join(kept) if kept else "")
    return cleaned + hash_sign + fragment


def url_key(url: str) -> str:
    """A normalised key for "the same item": case-folded scheme and host, no default port, no fragment,
    no tracking parameters, query sorted."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower().rstrip(".")
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port in (None, DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    if ":" in host:
        netloc = f"[{host}]" + (f":{port}" if port not in (None, DEFAULT_PORTS.get(scheme)) else "")
    pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _is_tracking(k)]
    query = "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in sorted(pairs))
    path = re.sub(r"%[0-9a-fA-F]{2}", lambda m: m.group(0).upper(), parts.path) or "/"
    return urlunsplit((scheme, netloc, path, query, ""))
