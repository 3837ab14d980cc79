"""Rich text for releases: Markdown to HTML, then an nh3 allowlist (SECURITY.md 11).

Sanitising happens on save and again before every output, so a body that
reached the database some other way still cannot carry script.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import unescape

import nh3
from markdown_it_pyrs import MarkdownIt

ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "u", "a", "ul", "ol", "li", "blockquote", "h2", "h3", "h4",
                "hr", "table", "thead", "tbody", "tr", "th", "td", "code", "pre", "sup", "sub", "img", "figure",
                "figcaption"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title", "width", "height"},
                      "th": {"colspan", "rowspan"}, "td": {"colspan", "rowspan"}}
URL_SCHEMES = {"http", "https", "mailto"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# CommonMark's rules plus tables, without html_block and html_inline: any HTML in
# a body is shown as text, never parsed (nh3 still runs after, SECURITY.md 11).
MARKDOWN_RULES = ("blockquote", "code", "fence", "heading", "hr", "lheading", "list", "paragraph", "reference",
                  "autolink", "backticks", "emphasis", "entity", "escape", "image", "link", "newline", "table")


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    # markdown-it.rs (Rust): the same parser as markdown-it-py, about 20 times faster.
    return MarkdownIt("zero").enable_many(list(MARKDOWN_RULES))


def strip_control_characters(text: str) -> str:
    """Remove control characters that break feeds and XML (keeps tabs and line breaks)."""
    return _CONTROL.sub("", text or "")


def sanitize_html(html: str) -> str:
    """Keep only allowed tags, attributes and URL schemes."""
    return nh3.clean(html or "", tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel="noopener noreferrer")


def markdown_to_html(text: str) -> str:
    """Safe HTML from Markdown."""
    return sanitize_html(_markdown().render(strip_control_characters(text)))


def clean_markdown(text: str) -> str:
    """The Markdown to store: control characters removed, line ends normalised."""
    return strip_control_characters((text or "").replace("\r\n", "\n").replace("\r", "\n")).strip()


def plain_text(text: str) -> str:
    """Markdown reduced to plain text (for summaries and text emails)."""
    html = markdown_to_html(text)
    return re.sub(r"\s+", " ", unescape(nh3.clean(html, tags=set()))).strip()
