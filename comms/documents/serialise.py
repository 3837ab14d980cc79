"""A register document as the API's JSON object (docs/design/contract.md, "Document register")."""

from __future__ import annotations

from typing import Callable

from sqlalchemy.orm import Session

from comms.documents import service
from comms.documents import workflow
from comms.documents.models import RegisterDocument, RegisterFile


def document_to_dict(session: Session, document: RegisterDocument,
                     file_url: Callable[[RegisterDocument, RegisterFile], str] | None = None) -> dict:
    """The document object: fields, chain links (symbols) and its files in UN language order."""
    replaced_by = workflow.superseded_by(session, document)
    replaces = workflow.supersedes(document)
    return {
        "id": document.id, "meeting_id": document.meeting_id, "symbol": document.symbol, "kind": document.kind,
        "title": dict(document.titles or {}), "distribution": document.distribution,
        "original_language": document.original_language, "agenda_items": list(document.agenda_items or []),
        "status": document.status, "due_on": service.effective_due(document),
        "due_days_before": document.due_days_before, "late": service.is_late(document),
        "issued_on": document.issued_on,
        "supersedes": replaces.symbol if replaces else None,
        "superseded_by": replaced_by.symbol if replaced_by else None,
        "relation": document.relation, "base": document.base.symbol if document.base else None,
        "delegation_id": document.delegation_id, "author": document.author,
        "delivered_at": document.delivered_at,
        "files": [{"language": f.language, "size": f.size, "sha256": f.sha256, "content_type": f.content_type,
                   "filename": f.filename, "text": f.text_status, "pages": f.pages,
                   **({"url": file_url(document, f)} if file_url else {})} for f in service.sorted_files(document)],
    }
