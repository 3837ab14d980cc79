"""Writing rows into a full-text index and taking them out.

Rows arrive as :class:`Entry` objects (key, field texts, language, sort key)
and are written in chunks: executemany into FTS5 on SQLite, one
``INSERT ... SELECT FROM unnest(...)`` per chunk on PostgreSQL, where the
tsvectors are made by the server from the words folded here.
"""

from __future__ import annotations

from typing import Iterable

from sqlalchemy import text
from sqlalchemy.engine import Connection

from storage.fulltext.index import Entry, FullTextIndex, config_for
from storage.fulltext.text import MAX_FIELD_CHARS, index_text

CHUNK = 2000
MAX_SORT_CHARS = 800


def index_rows(connection: Connection, index: FullTextIndex, entries: Iterable[Entry], *,
               new: bool = False) -> int:
    """Add or replace these rows in the index; returns how many were written.

    ``new`` says the keys are not in the index yet (rows just inserted), which
    spares looking for entries to replace.
    """
    written = 0
    batch: list[Entry] = []
    for entry in entries:
        batch.append(entry)
        if len(batch) >= CHUNK:
            written += _write(connection, index, batch, new)
            batch = []
    if batch:
        written += _write(connection, index, batch, new)
    return written


def remove_rows(connection: Connection, index: FullTextIndex, keys: Iterable[int]) -> None:
    """Take these keys out of the index (deleted source rows leave it by themselves)."""
    keys = [int(key) for key in keys]
    column = "key" if connection.dialect.name == "postgresql" else "rowid"
    for start in range(0, len(keys), CHUNK):
        chunk = ", ".join(map(str, keys[start:start + CHUNK]))
        connection.execute(text(f"DELETE FROM {index.table} WHERE {column} IN ({chunk})"))


def _language(index: FullTextIndex, entry: Entry) -> str:
    return (entry.language if index.language is None else index.language or "").lower()[:8]


def _columns(index: FullTextIndex, batch: list[Entry]) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """The words of each field, and the stored columns' values, for a batch."""
    originals = {name: [str(e.fields.get(name) or "")[:MAX_FIELD_CHARS] for e in batch] for name in index.field_names}
    words = {name: [index_text(value) for value in values] for name, values in originals.items()}
    stored = {f"{name}_text": values for name, values in originals.items()} if index.snippets else {}
    if index.ordered:
        stored["sort"] = [str(e.sort or "")[:MAX_SORT_CHARS] for e in batch]
    return words, stored


def _vector_sql(index: FullTextIndex) -> str:
    """SQL making a row's tsvector from the unnest() columns w_<field> and cfg."""
    parts = []
    for f in index.fields:
        words = f"w_{f.name}"
        parts.append(f"setweight(to_tsvector(CAST(cfg AS regconfig), {words}), '{f.weight}')")
        parts.append(f"CASE WHEN cfg <> 'simple' THEN setweight(to_tsvector('simple', {words}), '{f.weight}') "
                     f"ELSE ''::tsvector END")
    return " || ".join(parts)


def _array_type(name: str) -> str:
    return "integer[]" if name == "keys" else "text[]"


def _write(connection: Connection, index: FullTextIndex, batch: list[Entry], new: bool) -> int:
    # The last entry for a key wins, as if they had been written one by one.
    batch = list({entry.key: entry for entry in batch}.values())
    keys = [int(e.key) for e in batch]
    languages = [_language(index, e) for e in batch]
    words, stored = _columns(index, batch)
    if connection.dialect.name == "postgresql":
        params = {"keys": keys, "languages": languages, "configs": [config_for(code) for code in languages],
                  **{f"w_{name}": values for name, values in words.items()},
                  **{f"s_{name}": values for name, values in stored.items()}}
        arrays = ["keys", "languages", "configs", *(f"w_{n}" for n in words), *(f"s_{n}" for n in stored)]
        aliases = ["key", "language", "cfg", *(f"w_{n}" for n in words), *(f"s_{n}" for n in stored)]
        connection.execute(text(
            f"INSERT INTO {index.table} (key, language, document{''.join(f', {n}' for n in stored)}) "
            f"SELECT key, language, {_vector_sql(index)}{''.join(f', s_{n}' for n in stored)} "
            f"FROM unnest({', '.join(f'CAST(:{a} AS {_array_type(a)})' for a in arrays)}) AS row ({', '.join(aliases)})"
            + ("" if new else " ON CONFLICT (key) DO UPDATE SET language = excluded.language, "
               "document = excluded.document" + "".join(f", {n} = excluded.{n}" for n in stored))), params)
        return len(batch)
    if not new:
        connection.execute(text(f"DELETE FROM {index.table} WHERE rowid IN ({', '.join(map(str, keys))})"))
    names = [*words, *stored]
    rows = [{"key": key, "language": language, **{n: values[i] for n, values in {**words, **stored}.items()}}
            for i, (key, language) in enumerate(zip(keys, languages))]
    connection.execute(text(
        f"INSERT INTO {index.table} (rowid, language, {', '.join(names)}) "
        f"VALUES (:key, :language, {', '.join(':' + n for n in names)})"), rows)
    return len(batch)
