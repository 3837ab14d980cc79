"""How big and how deep one piece of rich text may be (docs/design/security.md item 31).

The Markdown parser (markdown-it.rs), the sanitiser (nh3) and the email
compiler (mjml-python) are native code that walks a document recursively.
Nested deeply enough (a body of ">" x 16,000) they take seconds (nh3 is
quadratic in depth) or overflow their stack and kill the whole process, which
no Python exception can stop. So every rich-text field is bounded before any
of them sees it, and again after parsing:

- MAX_MARKDOWN_CHARS: no field longer than the longest one input accepts
  (a release body, 50,000 characters) reaches the parser, whatever is stored;
- before parsing, a linear scan bounds the nesting the parser could build:
  each line's container prefix (block quotes ``>``, list markers ``-`` ``*``
  ``+`` ``1.`` ``1)`` and the indentation that keeps a line inside earlier
  list items) at most MAX_NESTING levels, and at most MAX_INLINE_MARKS
  emphasis or link marks (``*``, ``_``, ``[``) in one paragraph;
- after parsing, the HTML's element depth (lists, quotes, emphasis, links...)
  is measured without recursion: more than MAX_NESTING levels is refused.

Real releases nest four or five levels; 32 leaves room for any honest layout.
The checks are plain loops and regular expressions, linear in the text.
"""

from __future__ import annotations

import re

MAX_NESTING = 32
MAX_MARKDOWN_CHARS = 50_000
MAX_INLINE_MARKS = 2_000


class RichTextError(ValueError):
    """Rich text over a limit (too long, or nested too deeply): it is refused, never parsed further."""


# A line's run of block-container markers: ">" or a list marker followed by a space, a tab or the line's end,
# each after optional whitespace. Alternatives start with different characters, so this never backtracks.
_PREFIX = re.compile(r"(?:[ \t]*(?:>|(?:[-+*]|\d{1,9}[.)])(?=[ \t\n]|$)))+", re.MULTILINE)
_LINE_PREFIX = re.compile("^" + _PREFIX.pattern, re.MULTILINE)
_MARKER = re.compile(r">|[-+*]|\d{1,9}[.)]")
_QUOTE_SPACE = re.compile(r">[ \t]")
# Where a long prefix might start: a line opening with 11 or more prefix characters (3 x 11 > MAX_NESTING).
# The leading "\n" is a literal, which lets the search skip ahead quickly.
_LONG_START = re.compile(r"\n[ \t>*+\-0-9.)]{11}")
_PARAGRAPHS = re.compile(r"\n[ \t]*\n")


def _prefix_depth(prefix: str) -> int:
    """An upper bound of the containers a line's prefix can be in: one per marker, plus one per two
    columns of indentation (a list item's content starts at least two columns in); the one space after
    a ">" belongs to its marker."""
    columns = prefix.count(" ") + 4 * prefix.count("\t") - len(_QUOTE_SPACE.findall(prefix))
    return len(_MARKER.findall(prefix)) + columns // 2


def _lines(text: str) -> str:
    # CommonMark ends lines at \r too: scan the lines the parser will see, each after a "\n".
    return "\n" + (text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text)


def nesting_bound(text: str) -> int:
    """An upper bound of how deep Markdown ``text`` can nest block quotes and list items, from every
    line's container prefix (check_markdown_source looks only at the prefixes that could exceed the limit)."""
    return max((_prefix_depth(found.group(0)) for found in _LINE_PREFIX.finditer(_lines(text))), default=0)


def _inline_marks(text: str) -> int:
    """How many characters could open an emphasis, a link or an image."""
    return text.count("*") + text.count("_") + text.count("[")


def check_markdown_source(text: str) -> None:
    """RichTextError when Markdown ``text`` is too long, or could nest deeper than the limits, before parsing."""
    if len(text) > MAX_MARKDOWN_CHARS:
        raise RichTextError(f"longer than {MAX_MARKDOWN_CHARS:,} characters")
    text = _lines(text)
    for start in _LONG_START.finditer(text):
        # A shorter prefix cannot exceed the limit: n characters (a tab is four columns) bound at most 3n levels.
        prefix = _PREFIX.match(text, start.start() + 1)
        if prefix and _prefix_depth(prefix.group(0)) > MAX_NESTING:
            raise RichTextError(f"nested more than {MAX_NESTING} levels deep (block quotes or lists)")
    if _inline_marks(text) > MAX_INLINE_MARKS:
        for paragraph in _PARAGRAPHS.split(text):
            if _inline_marks(paragraph) > MAX_INLINE_MARKS:
                raise RichTextError(f"more than {MAX_INLINE_MARKS:,} emphasis or link marks (*, _, [) "
                                    "in one paragraph")


# Start and end tags of the Markdown parser's output, where "<" only ever opens a tag (text and attribute
# values carry &lt; and &gt;) and no comment is written: the name is all that is needed.
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)")
_VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                   "track", "wbr"})


def html_depth(html: str, stop: int | None = None) -> int:
    """The deepest element nesting of HTML as the Markdown parser writes it, counted in one pass without
    recursion (stops counting once past ``stop``)."""
    depth = deepest = 0
    for end, name in _TAG.findall(html):
        if name.lower() in _VOID:
            continue
        if end:
            depth = max(0, depth - 1)
        else:
            depth += 1
            if depth > deepest:
                deepest = depth
                if stop is not None and deepest > stop:
                    break
    return deepest


def check_html_nesting(html: str) -> None:
    """RichTextError when parsed rich text nests elements more than MAX_NESTING deep."""
    if html_depth(html, stop=MAX_NESTING) > MAX_NESTING:
        raise RichTextError(f"nested more than {MAX_NESTING} levels deep")
