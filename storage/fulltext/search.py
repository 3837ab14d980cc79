"""Searching an index: ranked hits with snippets, and pages in a sort order.

:func:`search` returns the best-ranked hits of an index with a highlighted
snippet each; :func:`page` the keys of the matches in an ordered index's
sort order, with their number.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import String, and_, case, cast, column, func, literal, literal_column, or_, select, table
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.orm import Session

from storage.fulltext.conditions import MatchCondition, count, postgresql_queries
from storage.fulltext.index import BM25_WEIGHTS, FullTextIndex
from storage.fulltext.query import Query, QueryError, parse
from storage.fulltext.snippets import SCAN_CHARS, SNIPPET_CHARS, Snippet, find_matches, make_snippet

MAX_LIMIT = 100
MAX_OFFSET = 10_000


@dataclass(frozen=True)
class Hit:
    """One matching row: its key, how well it matched (higher is better), a snippet."""

    key: int
    score: float
    language: str
    snippet: Snippet
    field: str


@dataclass(frozen=True)
class SearchPage:
    """A page of hits, best first, and how many rows match in all (if counted)."""

    hits: list[Hit]
    total: int | None
    query: Query


def page(session: Session, index: FullTextIndex, query: Query | str, *, limit: int = 50, offset: int = 0,
         walk=None) -> tuple[list[int], int]:
    """The keys of the rows matching ``query`` in the index's sort order (ties by
    key), ``limit`` of them from ``offset``, and how many rows match in all.

    Needs an ``ordered`` index. On PostgreSQL one pass over the matches gives
    both. SQLite reads each match's sort key slowly, so ``walk``, a SELECT of
    the source's key then its sort columns in that order, lets it walk the
    source's own index instead when many rows match (a bounded walk: if the
    matches cluster further on, it falls back to the sort keys).
    """
    if not index.ordered:
        raise ValueError(f"the full-text index {index.name} keeps no sort key")
    query = parse(query, prefix=index.prefix) if isinstance(query, str) else query
    if not 0 <= offset <= MAX_OFFSET:
        raise QueryError(f"results go no further than {MAX_OFFSET}")
    limit = max(1, min(int(limit), MAX_LIMIT * 5))
    if not query:
        return [], 0
    condition = MatchCondition(None, index, query, bare=True)
    if session.get_bind().dialect.name == "postgresql":
        fts = table(index.table, column("key"), column("sort"))
        rows = session.execute(select(fts.c.key, func.count().over()).where(condition)
                               .order_by(fts.c.sort, fts.c.key).limit(limit).offset(offset)).all()
        return ([row[0] for row in rows], rows[0][1]) if rows else ([], count(session, index, query))
    total = count(session, index, query)
    if not total:
        return [], 0
    fts = table(index.table, column("rowid"), column("sort"))
    if walk is not None:
        size = session.scalar(select(fts.c.rowid).order_by(fts.c.rowid.desc()).limit(1)) or 0
        # Rows to walk before the page is full, if the matches are spread evenly;
        # a walked row costs a few times less than a sort key read from FTS5.
        expected = (offset + limit) * size // total
        if expected <= 8 * total:
            head = walk.limit(4 * expected + 100).subquery()
            key, *order = head.c
            keys = list(session.scalars(select(key).where(MatchCondition(key, index, query, lookup=False))
                                        .order_by(*order, key).limit(limit).offset(offset)))
            if len(keys) == limit or offset + len(keys) == total:
                return keys, total
    keys = session.scalars(select(fts.c.rowid).where(condition).order_by(fts.c.sort, fts.c.rowid)
                           .limit(limit).offset(offset))
    return list(keys), total


def search(session: Session, index: FullTextIndex, query: Query | str, *, within=None, limit: int = 20,
           offset: int = 0, counted: bool = True, snippet_chars: int = SNIPPET_CHARS) -> SearchPage:
    """The best-ranked rows of ``index`` matching ``query``, with a snippet each.

    ``within`` is an optional SELECT of the source keys allowed (e.g. only
    public documents). ``limit`` is capped at MAX_LIMIT; ``offset`` past
    MAX_OFFSET raises QueryError. ``counted`` also counts every match.
    """
    query = parse(query, prefix=index.prefix) if isinstance(query, str) else query
    if not 0 <= offset <= MAX_OFFSET:
        raise QueryError(f"results go no further than {MAX_OFFSET}")
    limit = max(1, min(int(limit), MAX_LIMIT))
    if not query:
        return SearchPage([], 0 if counted else None, query)
    postgres = session.get_bind().dialect.name == "postgresql"
    key_name = "key" if postgres else "rowid"
    texts = list(index.text_columns)
    fts = table(index.table, column(key_name), column("language"), column("document"), *map(column, texts))
    key = fts.c[key_name]
    if postgres:
        # Made once, then sent as constants: ts_rank would otherwise parse them for every row.
        tsqueries = {language: cast(literal(value, String), TSQUERY)
                     for language, value in postgresql_queries(session, index, query).items()}
        if index.language is None:
            condition = or_(fts.c.document.op("@@")(tsqueries[""]),
                            *(and_(fts.c.language == language, fts.c.document.op("@@")(tsquery))
                              for language, tsquery in tsqueries.items() if language))
            rank_query = case(*((fts.c.language == language, tsquery) for language, tsquery in tsqueries.items()
                                if language), else_=tsqueries[""])
        else:
            rank_query = tsqueries[index.language] if index.stemmed() else tsqueries[""]
            condition = fts.c.document.op("@@")(rank_query)
        score = func.ts_rank(fts.c.document, rank_query)
        order = [score.desc(), key]
    else:
        condition = literal_column(index.table).op("MATCH")(literal(query.fts5(), String))
        weights = [literal(0.0)] + [literal(BM25_WEIGHTS[f.weight]) for f in index.fields]
        score = -func.bm25(literal_column(index.table), *weights)
        order = [score.desc(), key]
    page = select(key, score.label("score"), fts.c.language).where(condition)
    if within is not None:
        page = page.where(key.in_(within))
    rows = session.execute(page.order_by(*order).limit(limit).offset(offset)).all()
    total = None
    if counted:
        statement = select(func.count()).select_from(fts).where(condition)
        total = session.scalar(statement.where(key.in_(within)) if within is not None else statement)
    originals = {}
    if rows and texts:
        cut = [func.substr(fts.c[name], 1, SCAN_CHARS + 1) for name in texts]
        found = session.execute(select(key, *cut).where(key.in_([row[0] for row in rows])))
        originals = {row[0]: row[1:] for row in found}
    hits = [_hit(index, query, row, originals.get(row[0], ()), postgres, snippet_chars) for row in rows]
    return SearchPage(hits, total, query)


def _hit(index: FullTextIndex, query: Query, row, values, stem: bool, chars: int) -> Hit:
    key, score, language = row
    by_field = dict(zip(index.field_names, values))
    language = language or ""
    best = None
    for name in index.snippet_fields or index.field_names:
        text = by_field.get(name) or ""
        spans = find_matches(text, query, language if stem else "")
        if best is None or len(spans) > len(best[2]):
            best = (name, text, spans)
    name, text, spans = best
    snippet = make_snippet(text, query, language=language if stem else "", chars=chars, spans=spans)
    return Hit(int(key), float(score or 0.0), language, snippet, name)
