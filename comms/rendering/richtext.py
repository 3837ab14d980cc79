"""Rich text for releases: Markdown to HTML, then an nh3 allowlist (docs/design/security.md item 11).

Sanitising happens on save and again before every output, so a body that
reached the database some other way still cannot carry script. Size and
nesting are bounded before the parser and again before the sanitiser
(comms.rendering.limits, docs/design/security.md item 31): text over a limit raises
RichTextError at input and at every render, and never reaches native code.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import unescape

import nh3
from markdown_it import MarkdownIt as PythonMarkdownIt
from markdown_it_pyrs import MarkdownIt

from comms.rendering.limits import MAX_INLINE_MARKS, MAX_MARKDOWN_CHARS, MAX_NESTING, RichTextError, check_html_nesting, check_markdown_source

ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "u", "a", "ul", "ol", "li", "blockquote", "h2", "h3", "h4",
                "hr", "table", "thead", "tbody", "tr", "th", "td", "code", "pre", "sup", "sub", "img", "figure",
                "figcaption"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title", "width", "height"},
                      "th": {"colspan", "rowspan"}, "td": {"colspan", "rowspan"}}
URL_SCHEMES = {"http", "https", "mailto"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# CommonMark's rules plus tables, without html_block and html_inline: any HTML in
# a body is shown as text, never parsed (nh3 still runs after, docs/design/security.md item 11).
MARKDOWN_RULES = ("blockquote", "code", "fence", "heading", "hr", "lheading", "list", "paragraph", "reference",
                  "autolink", "backticks", "emphasis", "entity", "escape", "image", "link", "newline", "table")


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    # markdown-it.rs (Rust): the same parser as markdown-it-py, about 20 times faster.
    return MarkdownIt("zero").enable_many(list(MARKDOWN_RULES))


@lru_cache(maxsize=1)
def _python_markdown() -> PythonMarkdownIt:
    # markdown-it-py, the same rules: for the few texts on which markdown-it.rs panics (e.g. "[`").
    return PythonMarkdownIt("zero").enable(list(MARKDOWN_RULES))


def render_markdown(text: str) -> str:
    """Markdown (control characters removed) to HTML, NOT sanitised yet; RichTextError when the text
    is over the size or nesting limits, checked before the parser and again on its output."""
    text = strip_control_characters(text)
    check_markdown_source(text)
    try:
        html = _markdown().render(text)
    except BaseException as exc:  # a Rust panic is a BaseException (pyo3's PanicException)
        if type(exc).__name__ != "PanicException":
            raise
        try:
            html = _python_markdown().render(text)
        except RecursionError as deep:
            raise RichTextError(f"nested more than {MAX_NESTING} levels deep") from deep
    check_html_nesting(html)
    return html


def check_rich_text(text: str) -> None:
    """RichTextError unless ``text`` renders within the limits (what input validation calls)."""
    render_markdown(text)


def strip_control_characters(text: str) -> str:
    """Remove control characters that break feeds and XML (keeps tabs and line breaks)."""
    return _CONTROL.sub("", text or "")


def sanitize_html(html: str) -> str:
    """Keep only allowed tags, attributes and URL schemes."""
    return nh3.clean(html or "", tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
                     link_rel="noopener noreferrer")


def markdown_to_html(text: str) -> str:
    """Safe HTML from Markdown; RichTextError when the text is over the limits."""
    return sanitize_html(render_markdown(text))


def clean_markdown(text: str) -> str:
    """The Markdown to store: control characters removed, line ends normalised."""
    return strip_control_characters((text or "").replace("\r\n", "\n").replace("\r", "\n")).strip()


def plain_text(text: str) -> str:
    """Markdown reduced to plain text (for summaries and text emails).

    Never raises: text over the rich-text limits (stored before they existed) gives its
    first characters as typed, so one bad release cannot break a feed or a listing.
    """
    try:
        html = markdown_to_html(text)
    except RichTextError:
        return " ".join(strip_control_characters((text or "")[:2000]).split())
    return re.sub(r"\s+", " ", unescape(nh3.clean(html, tags=set()))).strip()
