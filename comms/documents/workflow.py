"""The workflow: planned -> received -> issued, or withdrawn; Rev, Corr and Add; nothing issued is deleted.

A Rev supersedes the document it revises (the old one links forward to it);
a Corr corrects and an Add adds to a document, which stays in force.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from comms.documents import symbols
from comms.documents.models import RegisterDocument
from comms.documents.service import EDITABLE, RegisterError, save_new
from storage.audit import Actor
from storage.db import utcnow


def issue(session: Session, document: RegisterDocument, actor: Actor, today: dt.date | None = None) -> None:
    """Issue a document that has at least one language file; its files never change afterwards."""
    if document.status not in EDITABLE:
        raise RegisterError(f"this document is already {document.status}", 409)
    if not document.files:
        raise RegisterError("a document is issued with at least one language file", 422, {"files": "required"})
    document.status, document.issued_on, document.issued_at = "issued", today or dt.date.today(), utcnow()
    session.flush()
    actor.record(session, "register.issue", object_type="register_document", object_id=document.id,
                 details={"symbol": document.symbol})


def withdraw(session: Session, document: RegisterDocument, actor: Actor) -> None:
    """Withdraw a document; its record and files are kept."""
    if document.status == "withdrawn":
        raise RegisterError("this document is already withdrawn", 409)
    document.status = "withdrawn"
    session.flush()
    actor.record(session, "register.withdraw", object_type="register_document", object_id=document.id)


def delete(session: Session, document: RegisterDocument, storage_path: Path, actor: Actor) -> None:
    """Delete a document that was never issued and nothing derives from; issued ones answer 409."""
    if document.status not in EDITABLE or document.issued_at is not None:
        raise RegisterError("issued documents are never deleted; withdraw it instead", 409)
    if session.scalar(select(RegisterDocument.id).where(RegisterDocument.base_id == document.id)) is not None:
        raise RegisterError("other documents revise, correct or add to this one", 409)
    names = [f.stored_name for f in document.files]
    actor.record(session, "register.delete", object_type="register_document", object_id=document.id,
                 details={"symbol": document.symbol})
    session.delete(document)
    session.flush()
    for name in names:
        (Path(storage_path) / name).unlink(missing_ok=True)


def root_symbol(document: RegisterDocument) -> str:
    """The symbol a Rev numbers from: a Rev.2 is ``base/Rev.2``, not ``base/Rev.1/Rev.1``."""
    if document.relation == "rev" and document.base is not None and document.base.symbol:
        return root_symbol(document.base)
    return document.symbol or ""


def derive(session: Session, document: RegisterDocument, relation: str, actor: Actor,
           values: dict | None = None) -> RegisterDocument:
    """A new planned Rev, Corr or Add of an issued document, with the next free number."""
    if relation not in symbols.RELATION_WORDS:
        raise RegisterError("relation is rev, corr or add", 422)
    if document.status != "issued":
        raise RegisterError("only an issued document is revised, corrected or added to", 409)
    if not document.symbol:
        raise RegisterError("a document without a symbol has no Rev, Corr or Add", 422, {"symbol": "required"})
    base_symbol = root_symbol(document) if relation == "rev" else document.symbol
    symbol, number = symbols.related_symbol(session, base_symbol, relation)
    values = values or {}
    new = RegisterDocument(
        meeting=document.meeting, meeting_id=document.meeting_id, symbol=symbol, kind=document.kind,
        titles=dict(values.get("titles") or document.titles), distribution=document.distribution,
        original_language=document.original_language, agenda_items=list(document.agenda_items or []),
        status="planned", base=document, base_id=document.id, relation=relation, relation_number=number,
        delegation_id=document.delegation_id, author=document.author, due_on=values.get("due_on"))
    save_new(session, new)
    actor.record(session, f"register.{relation}", object_type="register_document", object_id=new.id,
                 details={"symbol": symbol, "of": document.symbol})
    return new


def derived(session: Session, document: RegisterDocument) -> list[RegisterDocument]:
    """Documents made from this one (its Rev, Corr and Add), oldest first."""
    return list(session.scalars(select(RegisterDocument).where(RegisterDocument.base_id == document.id)
                                .order_by(RegisterDocument.id)))


def superseded_by(session: Session, document: RegisterDocument, *, issued_only: bool = False) -> RegisterDocument | None:
    """The Rev that replaces this document (the latest one made from it)."""
    revs = [d for d in derived(session, document) if d.relation == "rev" and (d.status == "issued" or not issued_only)]
    return revs[-1] if revs else None


def supersedes(document: RegisterDocument) -> RegisterDocument | None:
    """The document this Rev replaces."""
    return document.base if document.relation == "rev" else None


def chain(session: Session, document: RegisterDocument) -> list[RegisterDocument]:
    """The whole family: the original, then every Rev, Corr and Add of it and of them, in order made."""
    root = document
    while root.base is not None:
        root = root.base
    family, queue = [], [root]
    while queue and len(family) < 200:
        current = queue.pop(0)
        family.append(current)
        queue.extend(derived(session, current))
    return sorted(family, key=lambda d: d.id)
