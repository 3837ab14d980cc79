"""Turning what people type into a safe query for FTS5 and for PostgreSQL.

People type words, "quoted phrases", addresses and symbols; nothing they type
is ever FTS syntax. Every word goes through the same folding as the indexed
text and reaches the database quoted, so ``NEAR``, ``OR``, ``-``, ``*``, ``:``,
``"`` or ``'`` in the input can neither fail a query nor change its meaning.
All the terms must match (AND). The work is bounded: at most MAX_QUERY_CHARS
characters and MAX_TERMS words, refused beyond with a :class:`QueryError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from storage.fulltext.text import CJK_CHAR, WORD, fold

MAX_QUERY_CHARS = 500
MAX_TERMS = 32
# A one-letter prefix matches most of any index: such a word is matched whole.
MIN_PREFIX = 2
PREFIX_MODES = ("last", "all", "none")

_QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"'})
_SEGMENT = re.compile(r'"([^"]*)"?|[^\s"]+')


class QueryError(ValueError):
    """The search text cannot be searched as it is (too long, too many words)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
        self.fields = {"q": message}


@dataclass(frozen=True)
class Term:
    """One word, or a phrase of words that must follow each other."""

    words: tuple[str, ...]
    prefix: bool = False

    def fts5(self) -> str:
        """The term in FTS5 syntax: a quoted phrase, with ``*`` for a prefix."""
        phrase = '"' + " ".join(w.replace('"', '""') for w in self.words) + '"'
        return phrase + " *" if self.prefix else phrase

    def tsquery(self, *, whole: bool = False) -> str:
        """The term in PostgreSQL's tsquery syntax: quoted lexemes joined by ``<->``,
        the last one with ``:*`` for a prefix unless ``whole``."""
        quoted = ["'" + w.replace("\\", "\\\\").replace("'", "''") + "'" for w in self.words]
        if self.prefix and not whole:
            quoted[-1] += ":*"
        return quoted[0] if len(quoted) == 1 else "(" + " <-> ".join(quoted) + ")"


@dataclass(frozen=True)
class Query:
    """A parsed search: the terms that must all match."""

    terms: tuple[Term, ...]

    def __bool__(self) -> bool:
        return bool(self.terms)

    def fts5(self) -> str:
        """The whole query for ``MATCH`` on an FTS5 table ('' when empty)."""
        return " AND ".join(term.fts5() for term in self.terms)

    def tsquery(self) -> str:
        """The whole query for ``to_tsquery`` ('' when empty)."""
        return " & ".join(term.tsquery() for term in self.terms)


def _prefixable(word: str) -> bool:
    return len(word) >= MIN_PREFIX and not CJK_CHAR.fullmatch(word)


def parse(text: str, *, prefix: str = "last", max_terms: int = MAX_TERMS) -> Query:
    """Parse search input into a :class:`Query`.

    ``prefix`` says which bare words also match longer words: the ``last`` one
    (the word being typed), ``all`` of them, or ``none``. Quoted phrases match
    exactly. Words with punctuation inside ('reuters.com', 'mine-clearance')
    are phrases of their parts. Raises QueryError beyond MAX_QUERY_CHARS
    characters or ``max_terms`` words; input with no word at all gives an
    empty query, which matches nothing.
    """
    if prefix not in PREFIX_MODES:
        raise ValueError(f"prefix must be one of {', '.join(PREFIX_MODES)}")
    text = text or ""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"the search text is longer than {MAX_QUERY_CHARS} characters")
    segments = []
    for match in _SEGMENT.finditer(text.translate(_QUOTES)):
        quoted = match.group(1) is not None
        found = tuple(WORD.findall(fold(match.group(1) if quoted else match.group(0))))
        if found:
            segments.append((found, quoted))
    count = sum(len(found) for found, _ in segments)
    if count > max_terms:
        raise QueryError(f"the search has {count} words; search for at most {max_terms} at once")
    terms: list[Term] = []
    for position, (found, quoted) in enumerate(segments):
        wanted = not quoted and (prefix == "all" or (prefix == "last" and position == len(segments) - 1))
        term = Term(found, prefix=wanted and _prefixable(found[-1]))
        if term not in terms:
            terms.append(term)
    return Query(tuple(terms))
