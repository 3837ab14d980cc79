"""Emailing a meeting document to a list (delegations are a list like any other)."""

from __future__ import annotations

from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from comms.rendering import emails
from comms.platform import jobs
from comms.meetings.documents import Document
from contacts.history import log_event
from contacts.models import Contact, ContactList, ListMembership
from storage.audit import Actor
from storage.db import utcnow

SUBJECTS_BY_KIND = {"programme": "Programme", "background": "Background document", "statement": "Statement",
                    "report": "Report", "other": "Document"}


def recipients(session: Session, contact_list: ContactList) -> list[Contact]:
    """Active, unpaused members of a list (suppressed, unsubscribed, bounced and unconfirmed excluded)."""
    now = utcnow()
    query = (select(Contact).join(ListMembership, ListMembership.contact_id == Contact.id)
             .where(ListMembership.list_id == contact_list.id, Contact.status == "active")
             .order_by(Contact.id))
    return [c for c in session.scalars(query) if c.paused_until is None or c.paused_until <= now]


def prepare_document_mailing(runtime, session: Session, document: Document, contact_list: ContactList,
                             file_url: Callable, actor: Actor) -> list[tuple]:
    """Render one email per eligible list member (links to every language) and record
    it in their history; returns the messages for :func:`queue_messages`.

    Nothing is queued here: the caller commits first, so a failed commit sends nothing.
    """
    if not document.public:
        raise ValueError("only public documents can be emailed: publish it first")
    if not document.files:
        raise ValueError("this document has no files yet")
    meeting = document.meeting
    subject = f"{SUBJECTS_BY_KIND.get(document.kind, 'Document')}: {document.title} ({meeting.title})"[:200]
    links = [(f.language.upper(), file_url(document, f)) for f in document.files]
    people = recipients(session, contact_list)
    messages = []
    for contact in people:
        text, html = emails.render("document", to_name=contact.name, office=runtime.config.office_name,
                                   document=document, meeting=meeting, links=links)
        messages.append((contact.email, subject, text, html, contact.name))
        log_event(session, contact.id, "document.sent", actor, document_id=document.id, title=document.title)
    actor.record(session, "document.email", object_type="document", object_id=document.id,
                 details={"list_id": contact_list.id, "recipients": len(people)})
    return messages


def queue_messages(runtime, messages: list[tuple]) -> int:
    """Queue prepared messages (after the caller's commit); returns how many."""
    for message in messages:
        jobs.enqueue(runtime, "mail.send", *message)
    return len(messages)
