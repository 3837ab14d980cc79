"""Plain-text layout for the text part of emails: cleaning, wrapping at 72 columns,
and links turned into numbered footnotes ("see the report [1]").

A text part is not HTML (docs/design/security.md item 12): nothing is entity-escaped, so
"< 5 km²" and "<Ltd>" read as typed. What would matter in plain text is
cleaned instead: control characters are removed everywhere, and a
single-line value (a headline, a name) loses its line breaks, so it can
never fake a line, a signature or a footnote of its own.
"""

from __future__ import annotations

import re
from html import unescape

from markupsafe import Markup

TEXT_WIDTH = 72
_JOIN = "\u2060"  # a space that wrapping must not break: "obligations [1]" stays on one line


# C0 and C1 control characters (tab and line feed kept) and the Unicode line and paragraph separators.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
# Every line break a reader's software may honour, for single-line values.
_LINE_BREAK = re.compile(r"\r\n|[\n\r\x0b\x0c\x85\u2028\u2029]")


def text_escape(text: str) -> str:
    """Text for the text part, line breaks kept: control characters removed, nothing entity-escaped."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def single_line(text: str) -> str:
    """A single-line value for the text part: line breaks become spaces, control characters go."""
    return text_escape(_LINE_BREAK.sub(" ", text))


def _finalize_text(value):
    # What a .txt template prints as {{ value }}: a single line, unless a filter (wrap, a Footnotes
    # method) already laid it out as text and marked it so.
    if value is None:
        return ""
    if hasattr(value, "__html__"):
        return value
    return Markup(single_line(str(value)))


def _wrap_line(line: str, width: int) -> list[str]:
    """Greedy wrap of a line of single-spaced words (long words are never broken: URLs stay whole)."""
    lines = []
    while len(line) > width:
        # The longest run of whole words that fits, or one word longer than the width on its own line.
        cut = line.rfind(" ", 0, width + 1)
        if cut <= 0:
            cut = line.find(" ", width)
            if cut < 0:
                break
        lines.append(line[:cut])
        line = line[cut + 1:]
    lines.append(line)
    return lines


def wrap_text(value, indent: str = "", first: str | None = None, width: int = TEXT_WIDTH) -> Markup:
    """Clean (unless already laid out) and wrap each line of ``value`` at ``width`` columns."""
    # A value straight from the data is one line (as in the HTML, where its line breaks are spaces);
    # text already laid out (Markup: a body's paragraphs, a <br>) keeps its lines.
    text = str(value) if hasattr(value, "__html__") else single_line(str(value or ""))
    first = indent if first is None else first
    if "\n" not in text:  # most values: one line that fits (the loop below gives the same result)
        line = " ".join(text.split())
        if len(line) <= max(20, width - len(first)):
            return Markup((first + line).rstrip().replace(_JOIN, " "))
    lines: list[str] = []
    for raw in text.split("\n"):
        prefix = first if not lines else indent
        wrapped = _wrap_line(" ".join(raw.split()), max(20, width - len(prefix)))
        lines.append(prefix + wrapped[0])
        lines.extend(indent + line for line in wrapped[1:])
    return Markup("\n".join(line.rstrip() for line in lines).replace(_JOIN, " "))


class Footnotes:
    """Links of a text part, numbered in order of first appearance: "see the report [1]"."""

    def __init__(self):
        self._numbers: dict[str, int] = {}

    def ref(self, url: str) -> int:
        """The footnote number of ``url`` (the same URL keeps its number)."""
        return self._numbers.setdefault(url, len(self._numbers) + 1)

    def items(self) -> list[tuple[int, str]]:
        """(number, url) in order."""
        return [(number, url) for url, number in self._numbers.items()]

    def text(self, html: str, indent: str = "") -> Markup:
        """Sanitised HTML as wrapped text, its links replaced by footnote marks."""
        writer = _TextWriter(self)
        writer.feed(str(html))
        writer.close()
        return Markup(writer.result(indent))


# Tags, comments and text of sanitised HTML (nh3 writes well-formed, double-quoted markup);
# a regular expression walks it several times faster than html.parser.
# findall gives (text, "/" or "", tag name, attributes) without a match object per token.
_TOKEN = re.compile(r"""([^<]+|<!--.*?-->|<(?![/a-zA-Z]))|<(/?)([a-zA-Z][a-zA-Z0-9]*)"""
                    r"""((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)\s*/?>""", re.S)
_PLAIN = frozenset({"strong", "em", "b", "i", "u", "code", "sup", "sub", "span", "small"})
_ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")


class _TextWriter:
    """HTML (already sanitised) to text blocks: paragraphs, "- " and "1. " lists, "> " quotes."""

    BLOCKS = {"p", "div", "h2", "h3", "h4", "figure", "figcaption", "table", "thead", "tbody", "tr", "pre"}

    def __init__(self, footnotes: Footnotes):
        self.footnotes = footnotes
        self.blocks: list[tuple[str, str, str, str]] = []  # (kind, first prefix, prefix, escaped text)
        self.inline: list[str] = []
        self.lists: list[list] = []  # [ordered, counter]
        self.marker = ""
        self.quote = 0
        self.pre = False
        self.links: list[tuple[str, int]] = []
        self.cells = 0
        self.serial = 0

    def _flush(self) -> None:
        text = "".join(self.inline)
        self.inline = []
        if not self.pre:
            text = "\n".join(" ".join(line.split()) for line in text.split("\n")).strip("\n ")
        if text.strip():
            indent = "> " * self.quote + "   " * max(0, len(self.lists) - 1)
            kind = "pre" if self.pre else f"item{self.serial}" if self.marker else "row" if self.cells else "para"
            self.blocks.append((kind, indent + self.marker, indent + " " * len(self.marker), text_escape(text)))
        self.marker = ""

    def feed(self, html: str) -> None:
        """Walk ``html``: start and end tags, and text with its character references decoded."""
        data: list[str] = []
        for text, end, name, attributes in _TOKEN.findall(html):
            if not name:
                if not text.startswith("<!--"):
                    data.append(text)
                continue
            if data:
                joined = "".join(data)
                self.handle_data(unescape(joined) if "&" in joined else joined)
                data = []
            name = name.lower()
            if name in _PLAIN:  # emphasis and the like: nothing to do in text
                continue
            if end:
                self.handle_endtag(name)
            else:
                attrs = [(key.lower(), unescape(quoted or single or bare))
                         for key, quoted, single, bare in _ATTRIBUTE.findall(attributes)] if attributes else []
                self.handle_starttag(name, attrs)
        if data:
            joined = "".join(data)
            self.handle_data(unescape(joined) if "&" in joined else joined)

    def close(self) -> None:
        """Nothing is buffered between feeds."""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.BLOCKS:
            self._flush()
            self.pre = self.pre or tag == "pre"
            self.cells = 0
        elif tag == "blockquote":
            self._flush()
            self.quote += 1
        elif tag in ("ul", "ol"):
            self._flush()
            self.lists.append([tag == "ol", 0])
            self.serial += 1
        elif tag == "li":
            self._flush()
            if self.lists:
                self.lists[-1][1] += 1
                ordered, number = self.lists[-1]
                self.marker = f"{number}. " if ordered else "- "
        elif tag == "br":
            self.inline.append("\n")
        elif tag == "hr":
            self._flush()
            self.blocks.append(("rule", "", "", "* * *"))
        elif tag in ("td", "th"):
            if self.cells:
                self.inline.append(" | ")
            self.cells += 1
        elif tag == "a":
            self.links.append((attrs.get("href") or "", len(self.inline)))
        elif tag == "img":
            src = attrs.get("src") or ""
            mark = f"{_JOIN}[{self.footnotes.ref(src)}]" if src else ""
            self.inline.append(f"[{attrs.get('alt') or 'image'}]{mark}")

    def handle_endtag(self, tag):
        if tag in self.BLOCKS or tag == "li":
            self._flush()
            self.pre = self.pre and tag != "pre"
        elif tag == "blockquote":
            self._flush()
            self.quote = max(0, self.quote - 1)
        elif tag in ("ul", "ol"):
            self._flush()
            if self.lists:
                self.lists.pop()
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            label = "".join(self.inline[start:]).strip()
            if href and not (href.startswith("mailto:") and label == href[len("mailto:"):]):
                self.inline.append(f"{_JOIN}[{self.footnotes.ref(href)}]")

    def handle_data(self, data):
        # Only <br> breaks a line; newlines in the source are spaces (outside <pre>).
        self.inline.append(data if self.pre else data.replace("\n", " "))

    def result(self, indent: str = "") -> str:
        self._flush()
        out: list[str] = []
        previous = ""
        for kind, first, rest, text in self.blocks:
            if out:
                out.append("\n" if kind == previous and kind != "para" else "\n\n")
            if kind == "pre":  # preformatted: kept as typed
                out.append("\n".join(indent + first + line for line in text.split("\n")))
            else:
                out.append(str(wrap_text(Markup(text), indent=indent + rest, first=indent + first)))
            previous = kind
        return "".join(out)
