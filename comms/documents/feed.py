"""A meeting feed's entries for issued register documents (comms.syndication.items lists them).

Documents moved from the first wave (``legacy_document_id``) are left out: the
first wave's entry already announced them, under its own stable id.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from comms.documents import service
from comms.documents.models import RegisterDocument, RegisterFile
from feeds.build import Enclosure, FeedItem


def _public(query, meeting_id: int):
    d = RegisterDocument
    return query.where(d.meeting_id == meeting_id, d.status == "issued", d.distribution == "general",
                       d.legacy_document_id.is_(None))


def issued_times(session: Session, meeting_id: int) -> list[tuple[dt.datetime, int]]:
    """(issued at, id) of a meeting's public register documents, for the feed's history."""
    rows = session.execute(_public(select(RegisterDocument.issued_at, RegisterDocument.id), meeting_id)).all()
    return [(moment, key) for moment, key in rows if moment is not None]


def public_documents(session: Session, ids: list[int]) -> dict[int, RegisterDocument]:
    """The documents among ``ids`` that are still public."""
    found = session.scalars(select(RegisterDocument).where(RegisterDocument.id.in_(ids))) if ids else []
    return {d.id: d for d in found if d.public}


def feed_item(site, document: RegisterDocument) -> FeedItem:
    """An issued document: its symbol and title, one enclosure per language, linking to its page."""
    path = quote(document.symbol or f"~{document.id}", safe="/~")
    files = service.sorted_files(document)
    enclosures = tuple(Enclosure(url=site.url(f"/documents/{path}/{f.language}"), length=f.size,
                                 mime_type=f.content_type, title=f"{f.language.upper()} · {document.title(f.language)}")
                       for f in files)
    title = f"{document.symbol} · {document.title()}" if document.symbol else document.title()
    languages = ", ".join(f.language.upper() for f in files)
    return FeedItem(id=site.tag(f"register/{document.id}"), url=site.url(f"/documents/{path}"), title=title,
                    published=document.issued_at, updated=document.issued_at,
                    summary=f"{document.kind.replace('_', ' ').capitalize()} issued ({languages})",
                    author_name=site.office, author_url=site.url(f"/meetings/{document.meeting_id}/documents"),
                    categories=(document.kind,), enclosures=enclosures)


def version_row(connection, meeting_id: int) -> tuple:
    """What changes a meeting feed on the register's side: count, newest issue, files."""
    d = RegisterDocument
    return tuple(connection.execute(_public(select(func.count(d.id), func.max(d.id), func.max(d.issued_at),
                                                   func.count(RegisterFile.id))
                                            .select_from(d).outerjoin(RegisterFile, RegisterFile.document_id == d.id),
                                            meeting_id)).one())
