"""Snippets: a short passage of a hit's own text with the matched words marked.

Made in Python from the stored original text, the same way on both backends,
so accents and capitals show as written while matching stays folded. A
snippet is a tuple of (text, marked) pieces; :meth:`Snippet.html` escapes
every piece before wrapping the marked ones in ``<mark>``, so indexed text can
never inject markup. The work is bounded: only the first SCAN_CHARS of a field
are looked at, and a snippet is at most MAX_SNIPPET_CHARS long.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

from storage.fulltext.query import Query, Term
from storage.fulltext.text import CJK_CHAR, WORD, fold_unstripped

SCAN_CHARS = 50_000
SNIPPET_CHARS = 160
MAX_SNIPPET_CHARS = 500
MAX_MATCHES = 64
STEMMERS = {"en": "english", "fr": "french", "es": "spanish"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Snippet:
    """Pieces of text in order; ``True`` marks a matched word."""

    pieces: tuple[tuple[str, bool], ...]

    @property
    def text(self) -> str:
        """The snippet as plain text."""
        return "".join(piece for piece, _ in self.pieces)

    @property
    def marked(self) -> list[str]:
        """The matched words, as written in the text."""
        return [piece for piece, is_match in self.pieces if is_match]

    def html(self) -> str:
        """Escaped HTML with the matched words in ``<mark>``."""
        return "".join(f"<mark>{html.escape(piece)}</mark>" if is_match else html.escape(piece)
                       for piece, is_match in self.pieces)

    __html__ = html  # templates take it as markup that is already safe

    def __str__(self) -> str:
        return self.text


@lru_cache(maxsize=8)
def _stemmer(language: str):
    return snowballstemmer.stemmer(STEMMERS[language])


@lru_cache(maxsize=20_000)
def _stem(language: str, word: str) -> str:
    return _stemmer(language).stemWord(word)


@dataclass(frozen=True)
class _Matcher:
    """Decides whether a folded word of the text matches a term of the query."""

    terms: tuple[Term, ...]
    language: str

    def matches(self, word: str) -> bool:
        plain = word.lstrip("0") or word if word.isdigit() else word
        for term in self.terms:
            for position, wanted in enumerate(term.words):
                prefix = term.prefix and position == len(term.words) - 1
                if word == wanted or plain == wanted or (prefix and (word.startswith(wanted)
                                                                     or plain.startswith(wanted))):
                    return True
                if self.language and len(word) > 2 and word[:2] == wanted[:2] \
                        and _stem(self.language, word) == _stem(self.language, wanted):
                    return True
        return False

    def pattern(self) -> re.Pattern:
        """Where a match may start in folded text (each candidate is then checked)."""
        starts = set()
        for term in self.terms:
            for wanted in term.words:
                starts.add(wanted)
                if self.language:
                    # A word sharing the stem starts with the stem, but for its last
                    # letter at times (english 'happy' -> 'happi').
                    stem = _stem(self.language, wanted)
                    starts.add(stem[:-1] if len(stem) > 3 else stem)
        alternatives = sorted(starts, key=len, reverse=True)
        words = [re.escape(w) for w in alternatives if not CJK_CHAR.fullmatch(w)]
        cjk = [re.escape(w) for w in alternatives if CJK_CHAR.fullmatch(w)]
        parts = ([rf"\b0*(?:{'|'.join(words)})"] if words else []) + cjk
        return re.compile("|".join(parts))


def _folded_with_offsets(text: str) -> tuple[str, list[int] | None]:
    """The folded text, and where each of its characters came from when folding
    changed the length (ß, ligatures, decomposed accents); None when it did not."""
    folded = fold_unstripped(text)
    if len(folded) == len(text):
        return folded, None
    pieces, offsets = [], []
    for position, char in enumerate(text):
        for out in fold_unstripped(char):
            pieces.append(out)
            offsets.append(position)
    offsets.append(len(text))
    return "".join(pieces), offsets


def find_matches(text: str, query: Query, language: str = "") -> list[tuple[int, int]]:
    """(start, end) spans of the words of ``text`` that match ``query``, in order."""
    if not query.terms or not text:
        return []
    language = language if language in STEMMERS else ""
    matcher = _Matcher(query.terms, language)
    scan = text[:SCAN_CHARS]
    folded, offsets = _folded_with_offsets(scan)
    spans: list[tuple[int, int]] = []
    for candidate in matcher.pattern().finditer(folded):
        word = WORD.match(folded, candidate.start())
        if word is None or not matcher.matches(word.group()):
            continue
        start, end = word.span()
        if offsets is not None:
            start, end = offsets[start], offsets[end]
        if spans and spans[-1][1] > start:
            continue
        spans.append((start, end))
        if len(spans) >= MAX_MATCHES:
            break
    return spans


def _window(text: str, spans: list[tuple[int, int]], chars: int) -> tuple[int, int]:
    if not spans:
        start = 0
    else:
        # The window holding the most matched words, the earliest on ties.
        best, start = -1, spans[0][0]
        for i, (anchor, _) in enumerate(spans):
            count = sum(1 for s, _ in spans[i:] if s < anchor + chars)
            if count > best:
                best, start = count, anchor
        # Some words of context before the first match; a full window near the end.
        start = max(0, min(start - chars // 4, len(text) - chars))
    end = min(len(text), start + chars)
    if start > 0:
        gap = text.find(" ", start, min(end, start + 20))
        start = gap + 1 if gap >= 0 else start
    if end < len(text):
        gap = text.rfind(" ", max(start, end - 20), end)
        end = gap if gap > start else end
    return start, end


def make_snippet(text: str, query: Query, *, language: str = "", chars: int = SNIPPET_CHARS,
                 spans: list[tuple[int, int]] | None = None) -> Snippet:
    """A snippet of ``text`` around the best cluster of matches (or its start)."""
    chars = max(20, min(int(chars), MAX_SNIPPET_CHARS))
    text = text or ""
    if spans is None:
        spans = find_matches(text, query, language)
    start, end = _window(text, spans, chars)
    pieces: list[tuple[str, bool]] = []
    if start > 0:
        pieces.append(("…", False))
    position = start
    for span_start, span_end in spans:
        if span_start < start or span_end > end:
            continue
        pieces.append((text[position:span_start], False))
        pieces.append((text[span_start:span_end], True))
        position = span_end
    pieces.append((text[position:end], False))
    if end < len(text):
        pieces.append(("…", False))
    merged: list[tuple[str, bool]] = []
    for piece, marked in pieces:
        piece = _SPACES.sub(" ", _CONTROL.sub(" ", piece))
        if not piece:
            continue
        if merged and merged[-1][1] == marked:
            merged[-1] = (merged[-1][0] + piece, marked)  # 地 then 雷: one mark
        else:
            merged.append((piece, marked))
    return Snippet(tuple(merged))
