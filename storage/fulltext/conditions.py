"""The full-text match as a SQL condition, written for the backend at compile time.

:func:`matches` is ``key IN (keys matching the query)``, so callers combine
full-text search with their own filters and ordering without knowing the
backend; :func:`count` counts the matches in the index alone.
"""

from __future__ import annotations

from sqlalchemy import String, bindparam, false, func, select, table, text
from sqlalchemy.exc import CompileError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal
from sqlalchemy.types import Boolean, Integer

from storage.fulltext.index import FullTextIndex
from storage.fulltext.query import Query, parse


class MatchCondition(ColumnElement):
    """``key IN (SELECT the keys of the index that match the query)``."""

    inherit_cache = True
    type = Boolean()
    # A condition in itself: SQLite must not get "(... IN ...) = 1", which hides the rowid lookup.
    _is_implicitly_boolean = True
    _traverse_internals = [
        ("key", InternalTraversal.dp_clauseelement),
        ("table", InternalTraversal.dp_string),
        ("stemmed", InternalTraversal.dp_string_list),
        ("per_row", InternalTraversal.dp_boolean),
        ("fts5", InternalTraversal.dp_clauseelement),
        ("simple", InternalTraversal.dp_clauseelement),
        ("terms", InternalTraversal.dp_clauseelement_list),
        ("wholes", InternalTraversal.dp_clauseelement_list),
        ("bare", InternalTraversal.dp_boolean),
        ("lookup", InternalTraversal.dp_boolean),
    ]

    def __init__(self, key: ColumnElement | None, index: FullTextIndex, query: Query, *, bare: bool = False,
                 lookup: bool = True):
        # bare: the condition on the index table itself (no "key IN"), for counting there.
        self.key, self.bare, self.lookup = key, bare, lookup
        self.table = index.table
        self.stemmed = [f"{language}:{config}" for language, config in index.stemmed()]
        self.per_row = index.language is None
        self.fts5 = bindparam(None, query.fts5(), type_=String())
        self.simple = bindparam(None, query.tsquery(), type_=String())
        self.terms, self.wholes = [], []
        if self.stemmed:
            self.terms = [bindparam(None, term.tsquery(), type_=String()) for term in query.terms]
            self.wholes = [bindparam(None, term.tsquery(whole=True), type_=String()) for term in query.terms]

    @property
    def _from_objects(self):
        return [] if self.bare else self.key._from_objects


@compiles(MatchCondition)
def _compile_other(element, compiler, **kw):
    raise CompileError(f"full-text search needs SQLite or PostgreSQL, not {compiler.dialect.name}")


@compiles(MatchCondition, "sqlite")
def _compile_sqlite(element, compiler, **kw):
    condition = f"{element.table} MATCH {compiler.process(element.fts5, **kw)}"
    if element.bare:
        return condition
    # "+key" keeps SQLite from looking rows up by key, so that it may walk an index in order instead.
    key = compiler.process(element.key, **kw)
    return f"{'' if element.lookup else '+'}{key} IN (SELECT rowid FROM {element.table} WHERE {condition})"


@compiles(MatchCondition, "postgresql")
def _compile_postgresql(element, compiler, **kw):
    simple = compiler.process(element.simple, **kw)
    terms = [(compiler.process(t, **kw), compiler.process(w, **kw)) for t, w in zip(element.terms, element.wholes)]
    conditions = []
    for pair in element.stemmed:
        language, config = pair.split(":")
        condition = f"document @@ {_stemmed_sql(config, terms)}"
        conditions.append(f"(language = '{language}' AND {condition})" if element.per_row else condition)
    if element.per_row or not conditions:
        conditions.insert(0, f"document @@ to_tsquery('simple', {simple})")
    condition = " OR ".join(conditions)
    if element.bare:
        return f"({condition})"
    return f"{compiler.process(element.key, **kw)} IN (SELECT key FROM {element.table} WHERE {condition})"


def _stemmed_sql(config: str, terms: list[tuple[str, str]]) -> str:
    """A tsquery for rows stemmed with ``config``: each term as written (its
    last word a prefix if it is one) or, as a whole word, by its stem.

    A half-typed word is never stemmed: a stemmer would cut it further
    ('ministe' is 'min' in Spanish). Configuration names come from a fixed list.
    """
    return "(" + " && ".join(f"(to_tsquery('simple', {term}) || to_tsquery('{config}', {whole}))"
                             for term, whole in terms) + ")"


def postgresql_queries(session: Session, index: FullTextIndex, query: Query) -> dict[str, str]:
    """The query as a tsquery per language that stems ('' for all the others)."""
    params = {"simple": query.tsquery()}
    terms = []
    for i, term in enumerate(query.terms):
        params[f"t{i}"], params[f"w{i}"] = term.tsquery(), term.tsquery(whole=True)
        terms.append((f":t{i}", f":w{i}"))
    columns = ["CAST(to_tsquery('simple', :simple) AS text)"]
    columns += [f"CAST({_stemmed_sql(config, terms)} AS text)" for _, config in index.stemmed()]
    values = session.execute(text(f"SELECT {', '.join(columns)}"), params).one()
    return dict(zip(["", *(language for language, _ in index.stemmed())], values))


def matches(index: FullTextIndex, key: ColumnElement, query: Query | str, *, lookup: bool = True) -> ColumnElement:
    """A condition: ``key`` (the source's key column) is a row matching ``query``.

    An empty query (no word in it) matches nothing. Raises QueryError for a
    query past the limits. ``lookup=False`` tells SQLite to test rows one by
    one rather than fetch the matches by key: faster when many rows match and
    the query walks an index in the order it wants (PostgreSQL's planner
    chooses by itself).
    """
    query = parse(query, prefix=index.prefix) if isinstance(query, str) else query
    return MatchCondition(key, index, query, lookup=lookup) if query else false()


def matching_keys(index: FullTextIndex, query: Query | str):
    """A subquery of the keys (column ``key``) of the rows matching ``query``, to JOIN on.

    Joining drives the query from the index's matches, so a LIMIT stops it early; SQLite
    runs ``key IN (matches)`` as a test on every source row instead, which no LIMIT shortens.
    An empty query gives no rows.
    """
    query = parse(query, prefix=index.prefix) if isinstance(query, str) else query
    condition = MatchCondition(None, index, query, bare=True) if query else false()
    return select(_IndexKey().label("key")).select_from(table(index.table)).where(condition).subquery()


class _IndexKey(ColumnElement):
    """The index table's key column: SQLite's FTS5 rowid, PostgreSQL's key."""

    inherit_cache = True
    type = Integer()


@compiles(_IndexKey)
def _compile_key(element, compiler, **kw):
    return "key"


@compiles(_IndexKey, "sqlite")
def _compile_key_sqlite(element, compiler, **kw):
    return "rowid"


def count(session: Session, index: FullTextIndex, query: Query | str) -> int:
    """How many rows of the index match ``query`` (counted in the index alone)."""
    query = parse(query, prefix=index.prefix) if isinstance(query, str) else query
    if not query:
        return 0
    return session.scalar(select(func.count()).select_from(table(index.table)).where(
        MatchCondition(None, index, query, bare=True)))
