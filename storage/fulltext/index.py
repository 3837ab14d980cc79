"""Declaring a full-text index and creating its table.

An index is a table of its own, ``fts_<name>``, holding for each row of a
source table (by its integer key) the folded words of each field, the row's
language and, if the index asks for them, the original text of each field
(for snippets) and a sort key (for pages in a fixed order):

- SQLite: an FTS5 table (``unicode61 remove_diacritics 2``, no stemmer: the
  words arrive folded, and Porter would be wrong for French and Spanish).
- PostgreSQL: a table with a ``tsvector`` column and a GIN index. Each field
  is weighted (A-D); rows in English, French or Spanish get that language's
  stemmed words plus the plain words (so a half-typed word still matches),
  other rows the plain words (the ``simple`` configuration).

Rows are written by the service layer (storage.fulltext.writing), because
the words are made in Python (folding, the outlet's name, extracted text),
which a trigger cannot do. Deleting a source row deletes its entry inside
the database (a trigger on SQLite, ON DELETE CASCADE on PostgreSQL), so no
code path, GDPR erasure included, can leave a deleted row's text behind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Mapping

from sqlalchemy import text
from sqlalchemy.engine import Connection

TABLE_PREFIX = "fts_"
WEIGHTS = ("A", "B", "C", "D")
# PostgreSQL's ts_rank weighs A, B, C, D as 1.0, 0.4, 0.2, 0.1; bm25 gets the same ratios.
BM25_WEIGHTS = {"A": 10.0, "B": 4.0, "C": 2.0, "D": 1.0}
# ISO 639-1 codes with a stemming configuration; every other language is 'simple'.
LANGUAGE_CONFIGS = {"en": "english", "fr": "french", "es": "spanish"}
_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
_RESERVED = {"rowid", "rank", "key", "language", "document", "sort", "oid"}


def config_for(language: str | None) -> str:
    """The PostgreSQL text search configuration for an ISO 639-1 code."""
    return LANGUAGE_CONFIGS.get((language or "").lower(), "simple")


@dataclass(frozen=True)
class Field:
    """A searchable field; its weight (A highest, D lowest) ranks matches in it."""

    name: str
    weight: str = "A"


@dataclass(frozen=True)
class Entry:
    """One source row as the index receives it: key, field texts, language, sort key."""

    key: int
    fields: Mapping[str, str]
    language: str = ""
    sort: str = ""


@dataclass(frozen=True)
class FullTextIndex:
    """What to index: a source table's rows, by integer key, with these fields.

    ``language`` fixes every row's language (an ISO 639-1 code, or '' for
    none); None means each :class:`Entry` gives its own. ``prefix`` is the
    query parser's prefix mode. ``snippet_fields`` are the fields snippets
    come from (all by default); with ``snippets`` False the index keeps no
    copy of the original text, only the words, and hits come without
    snippets. ``ordered`` keeps each entry's sort key, for pages in that order.
    """

    name: str
    source: str
    fields: tuple[Field, ...]
    key: str = "id"
    language: str | None = ""
    prefix: str = "last"
    snippet_fields: tuple[str, ...] = ()
    snippets: bool = True
    ordered: bool = False
    prefix_lengths: tuple[int, ...] = (2, 3)
    field_names: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        names = tuple(f.name for f in self.fields)
        object.__setattr__(self, "field_names", names)
        for name in (self.name, self.source, self.key, *names):
            if not _NAME.fullmatch(name):
                raise ValueError(f"not a usable name for a full-text index: {name!r}")
        if not names or len(set(names)) != len(names) or _RESERVED & set(names) or self.table in names:
            raise ValueError(f"fields of a full-text index must be distinct and not reserved: {names}")
        if any(f.weight not in WEIGHTS for f in self.fields):
            raise ValueError(f"field weights are one of {', '.join(WEIGHTS)}")
        if not set(self.snippet_fields) <= set(names):
            raise ValueError("snippet fields must be fields of the index")
        if self.language is not None and not re.fullmatch(r"[a-z]{0,8}", self.language):
            raise ValueError("an index's language is an ISO 639-1 code in lower case, '' or None")
        if not all(1 <= n <= 20 for n in self.prefix_lengths):
            raise ValueError("prefix lengths go from 1 to 20")

    @property
    def table(self) -> str:
        """The index's table name."""
        return f"{TABLE_PREFIX}{self.name}"

    @property
    def text_columns(self) -> tuple[str, ...]:
        """The columns holding each field's original text (none without snippets)."""
        return tuple(f"{name}_text" for name in self.field_names) if self.snippets else ()

    @property
    def stored_columns(self) -> tuple[str, ...]:
        """Columns kept beside the words: the texts, then the sort key if ordered."""
        return self.text_columns + (("sort",) if self.ordered else ())

    def stemmed(self) -> tuple[tuple[str, str], ...]:
        """(language, configuration) pairs whose rows also match by stems (PostgreSQL)."""
        if self.language is None:
            return tuple(LANGUAGE_CONFIGS.items())
        config = config_for(self.language)
        return () if config == "simple" else ((self.language, config),)


def is_index_table(name: str | None) -> bool:
    """True for tables that full-text indexes own (FTS5 keeps several per index)."""
    return bool(name) and name.startswith(TABLE_PREFIX)


def create_index(connection: Connection, index: FullTextIndex) -> None:
    """Create the index's table, and what deletes an entry with its source row."""
    if connection.dialect.name == "postgresql":
        stored = "".join(f", {name} text NOT NULL DEFAULT ''" for name in index.stored_columns)
        connection.execute(text(
            f"CREATE TABLE {index.table} (key integer PRIMARY KEY "
            f"REFERENCES {index.source} ({index.key}) ON DELETE CASCADE, "
            f"language varchar(8) NOT NULL DEFAULT '', document tsvector NOT NULL{stored})"))
        connection.execute(text(f"CREATE INDEX ix_{index.table}_document ON {index.table} USING gin (document)"))
        return
    columns = ", ".join([*index.field_names, *(f"{name} UNINDEXED" for name in index.stored_columns)])
    prefixes = " ".join(str(n) for n in index.prefix_lengths)
    connection.execute(text(
        f"CREATE VIRTUAL TABLE {index.table} USING fts5(language UNINDEXED, {columns}, "
        f"tokenize = 'unicode61 remove_diacritics 2', prefix = '{prefixes}')"))
    connection.execute(text(
        f"CREATE TRIGGER {index.table}_forget AFTER DELETE ON {index.source} "
        f"BEGIN DELETE FROM {index.table} WHERE rowid = old.{index.key}; END"))


def drop_index(connection: Connection, index: FullTextIndex) -> None:
    """Drop the index's table (and its trigger on SQLite)."""
    if connection.dialect.name != "postgresql":
        connection.execute(text(f"DROP TRIGGER IF EXISTS {index.table}_forget"))
    connection.execute(text(f"DROP TABLE IF EXISTS {index.table}"))
