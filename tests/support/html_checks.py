"""``assert_inert``: no executable construct (script, handler, javascript: URL) in a page or email."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser


SAFE_SCHEMES = {"http", "https", "mailto", ""}


_STRIP = re.compile(r"[\x00-\x20\x7f-\x9f]")


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.script_text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.script_text.append(data)


def url_scheme(value: str) -> str:
    """The scheme a browser would see: entities decoded, whitespace and controls removed."""
    cleaned = _STRIP.sub("", unescape(value or ""))
    match = re.match(r"([a-zA-Z][a-zA-Z0-9+.-]*):", cleaned)
    return match.group(1).lower() if match else ""


def assert_inert(html: str, *, tags: set[str] | None = None, allow_scripts_from_self: bool = False) -> None:
    """No executable construct in ``html``: no on* attribute, no unsafe URL scheme, no inline or
    foreign script, and (when ``tags`` is given) no element outside that allowlist."""
    parser = _Elements()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.found:
        if tags is not None:
            assert tag in tags, f"<{tag}> is outside the allowlist"
        if tag in ("script", "iframe", "object", "embed", "svg", "math", "base"):
            src = dict(attrs).get("src") or ""
            assert tag == "script" and allow_scripts_from_self and src.startswith("/static/"), f"<{tag} {attrs}>"
        for name, value in attrs:
            assert not name.startswith("on"), f"<{tag} {name}=...>"
            if name in ("href", "src", "action", "formaction", "xlink:href", "srcset", "data", "poster"):
                assert url_scheme(value) in SAFE_SCHEMES, f"<{tag} {name}={value!r}>"
            assert name != "style" or tags is None, f"<{tag} style=...>"
    assert not parser.script_text, "inline script"
