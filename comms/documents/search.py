"""Finding documents: filters, and full-text search over titles, symbols and file text.

Full text goes through storage.fulltext (FTS5 on SQLite, tsvector on
PostgreSQL, EN/FR/ES stemmed, accents folded); a document matching in several
languages is listed once, with its best snippet.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from comms.documents.models import INDEX, RegisterDocument, RegisterText
from storage import fulltext

MAX_PAGE = 50
# Counting stops here: past it a page says "more than 1,000". An exact count of a common word's
# matches cost more than the rest of the search (150 ms of 280 at 20,000 documents).
COUNT_CAP = 1000


@dataclass(frozen=True)
class Filters:
    """What a list of documents is narrowed to (None: no filter)."""

    meeting_id: int | None = None
    kind: str | None = None
    language: str | None = None
    agenda_item: str | None = None
    delegation_id: int | None = None
    public_only: bool = False


@dataclass(frozen=True)
class Found:
    """One document found, with the snippet that matched (None without a text query)."""

    document: RegisterDocument
    snippet: fulltext.Snippet | None
    language: str


def public_conditions() -> list:
    """The SQL of RegisterDocument.public: general distribution and issued."""
    return [RegisterDocument.status == "issued", RegisterDocument.distribution == "general"]


def _conditions(filters: Filters) -> list:
    conditions = []
    if filters.public_only:
        conditions += public_conditions()
    if filters.meeting_id is not None:
        conditions.append(RegisterDocument.meeting_id == filters.meeting_id)
    if filters.kind:
        conditions.append(RegisterDocument.kind == filters.kind)
    if filters.delegation_id is not None:
        conditions.append(RegisterDocument.delegation_id == filters.delegation_id)
    return conditions


def _filtered(filters: Filters) -> Select:
    return select(RegisterDocument.id).where(*_conditions(filters))


def _keep(document: RegisterDocument, filters: Filters) -> bool:
    # Filters on JSON lists and on files are applied in Python, on the page only.
    if filters.agenda_item and filters.agenda_item not in (document.agenda_items or []):
        return False
    return not filters.language or document.file(filters.language) is not None


def _allowed(document: RegisterDocument, filters: Filters) -> bool:
    if filters.public_only and not document.public:
        return False
    if filters.meeting_id is not None and document.meeting_id != filters.meeting_id:
        return False
    if filters.kind and document.kind != filters.kind:
        return False
    if filters.delegation_id is not None and document.delegation_id != filters.delegation_id:
        return False
    return _keep(document, filters)


def _count(session: Session, filters: Filters, query: fulltext.Query) -> int:
    """How many documents match, up to COUNT_CAP + 1: texts matching the query, of documents passing the filters."""
    keys = fulltext.matching_keys(INDEX, query)
    # From the matches to their texts: SQLite keeps the FROM order here, and the other way round it
    # would test every text against the matches.
    # The filters are joined, not "IN (filtered documents)": that list would be built from every
    # public document on each search.
    documents = (select(RegisterText.document_id).select_from(keys).join(RegisterText, RegisterText.id == keys.c.key)
                 .join(RegisterDocument, RegisterDocument.id == RegisterText.document_id)
                 .where(*_conditions(filters)).distinct().limit(COUNT_CAP + 1))
    return session.scalar(select(func.count()).select_from(documents.subquery())) or 0


def _ranked(session: Session, filters: Filters, query: fulltext.Query, wanted: int) -> tuple[list[Found], bool]:
    """Documents in rank order, each once with its best snippet; True when every match was seen.

    The index is asked for the best texts first and the filters are applied to
    their documents here: SQLite answers "MATCH and key IN (allowed keys)"
    by testing the allowed keys one by one, hundreds of times slower. Only when
    the filters leave too few does it ask again with the allowed keys.
    """
    size = min(fulltext.MAX_LIMIT, wanted + max(10, wanted // 2))
    for within in (None, select(RegisterText.id).where(RegisterText.document_id.in_(_filtered(filters)))):
        page = fulltext.search(session, INDEX, query, within=within, limit=size, counted=False)
        owners = dict(session.execute(select(RegisterText.id, RegisterText.document_id)
                                      .where(RegisterText.id.in_([h.key for h in page.hits]))).all())
        ids = set(owners.values())
        loaded = {d.id: d for d in session.scalars(select(RegisterDocument).where(RegisterDocument.id.in_(ids)))}
        results: dict[int, Found] = {}
        for hit in page.hits:  # best first: each document's first hit is its best
            document = loaded.get(owners.get(hit.key))
            if document is not None and document.id not in results and _allowed(document, filters):
                results[document.id] = Found(document, hit.snippet, hit.language)
        exhausted = len(page.hits) < size
        if len(results) >= wanted or exhausted:
            return list(results.values()), exhausted
    return list(results.values()), exhausted


def find(session: Session, filters: Filters, q: str = "", *, limit: int = 20, offset: int = 0) -> tuple[list[Found], int]:
    """A page of documents (best match first with ``q``, newest first without) and how many match.

    With ``q`` the count stops past COUNT_CAP (:func:`more_than_counted` tells). Raises
    fulltext.QueryError for a query past the limits.
    """
    limit = max(1, min(int(limit), MAX_PAGE))
    if not q.strip():
        return _newest(session, filters, limit, offset)
    parsed = fulltext.parse(q, prefix=INDEX.prefix)
    if offset + limit > fulltext.MAX_LIMIT:
        raise fulltext.QueryError(f"search results go no further than {fulltext.MAX_LIMIT}")
    results, exhausted = _ranked(session, filters, parsed, offset + limit)
    if exhausted or filters.agenda_item or filters.language:
        total = len(results)
    else:
        total = _count(session, filters, parsed)
    return results[offset:offset + limit], total


def more_than_counted(total: int) -> bool:
    """True when ``total`` from :func:`find` is where counting stopped, not the exact number."""
    return total > COUNT_CAP


def _newest(session: Session, filters: Filters, limit: int, offset: int) -> tuple[list[Found], int]:
    query = select(RegisterDocument).where(RegisterDocument.id.in_(_filtered(filters)))
    query = query.order_by(RegisterDocument.issued_at.desc().nulls_last(), RegisterDocument.id.desc())
    if not (filters.agenda_item or filters.language):
        # Filters the database can apply: count there and load one page, not every document.
        total = session.scalar(select(func.count()).select_from(_filtered(filters).subquery())) or 0
        return [Found(d, None, "") for d in session.scalars(query.limit(limit).offset(offset))], total
    every = [d for d in session.scalars(query.limit(2000)) if _keep(d, filters)]
    return [Found(d, None, "") for d in every[offset:offset + limit]], len(every)
