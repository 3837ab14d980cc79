"""The information note for delegations (no Flask): a draft filled in from the meeting, which an
officer edits, issues as the meeting's next INF document in the register and dispatches.

The draft is Markdown: the meeting's dates and venue, the registration link
(/meetings/{id}/register) and deadline, the issued documents, the side-event rules
with the side events known so far, and whom to contact. Issuing it writes a Word
file (python-docx, so any script renders and the register can search its words),
issues it under ``{prefix}/INF.n`` (comms.documents) and plans its dispatch through
the shared ledger (comms.distribution.dispatches.service).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import docx
from sqlalchemy import select
from sqlalchemy.orm import Session

from comms.distribution.dispatches import audience
from comms.distribution.dispatches.service import create_dispatch
from comms.distribution.models import Dispatch, SendError
from comms.documents import service as register
from comms.documents import workflow
from comms.documents.models import RegisterDocument
from comms.meetings.service import Meeting
from comms.rendering.richtext import clean_markdown
from storage.audit import Actor

TITLE = "Information note for delegations"
# Registration closes this long before the opening unless the officer writes another date.
REGISTRATION_CLOSES = dt.timedelta(days=21)
SIDE_EVENT_RULES = (
    "Delegations and organisations wishing to hold a side event send the ISU a short proposal "
    "(title, organisers, speakers, preferred day) at least four weeks before the meeting opens. "
    "Side events take place during the lunch break in rooms assigned by the ISU, are open to all "
    "participants, and may not overlap with plenary sessions.")
_HEADING = re.compile(r"^(#{1,3})\s+(.*)$")
_LIST = re.compile(r"^\s*[-*]\s+(.*)$")


def _day(value: dt.date) -> str:
    return f"{value.day} {value.strftime('%B %Y')}"


def draft(session: Session, meeting: Meeting, *, base_url: str, office: str, contact_email: str) -> str:
    """The note's Markdown, filled in from the meeting; the officer edits it before issuing."""
    base = (base_url or "http://localhost").rstrip("/")
    closes = meeting.starts_on - REGISTRATION_CLOSES
    documents = session.scalars(select(RegisterDocument).where(RegisterDocument.meeting_id == meeting.id,
                                                              RegisterDocument.status == "issued",
                                                              RegisterDocument.distribution == "general")
                                .order_by(RegisterDocument.symbol, RegisterDocument.id))
    lines = [f"# {TITLE}", "", f"## {meeting.title}", "",
             f"**Dates:** {_day(meeting.starts_on)} to {_day(meeting.ends_on)}  ",
             f"**Venue:** {meeting.venue or 'to be announced'}", "",
             "## Registration", "",
             f"Delegations register their members online at {base}/meetings/{meeting.id}/register "
             f"by **{_day(closes)}**. Heads of delegation send credentials, or a note verbale naming "
             "the delegation's members, to the ISU before the meeting opens.", "",
             "## Documents", ""]
    listed = [f"- {d.symbol or d.title()}: {d.title()} ({base}/documents/{d.symbol or f'~{d.id}'})"
              for d in documents]
    lines += listed or ["The documents of the meeting are published in the register as they are issued: "
                        f"{base}/meetings/{meeting.id}/documents"]
    lines += ["", "## Side events", "", SIDE_EVENT_RULES]
    events = [event for event in meeting.side_events if event.public]
    if events:
        lines += ["", "Side events announced so far:", ""]
        lines += [f"- {event.title} ({event.organiser or 'organiser to be confirmed'}), "
                  f"{event.starts_at.astimezone(meeting.zone).strftime('%-d %B %H:%M')}"
                  f"{', ' + event.room if event.room else ''}" for event in events]
    holders = [f"{holder.user.display_name} ({holder.role.replace('_', '-').title()})"
               for holder in meeting.office_holders]
    lines += ["", "## Contacts", "",
              f"{office}: {contact_email}"]
    if holders:
        lines += ["", "Office holders: " + "; ".join(holders) + "."]
    return "\n".join(lines) + "\n"


def as_word(text: str, title: str) -> bytes:
    """The note as a .docx file: Markdown headings, list items and paragraphs, bold marks dropped."""
    document = docx.Document()
    document.core_properties.title = title
    for block in clean_markdown(text).split("\n\n"):
        for line in block.split("\n"):
            line = line.rstrip().replace("**", "")
            heading, item = _HEADING.match(line), _LIST.match(line)
            if heading:
                document.add_heading(heading.group(2), level=len(heading.group(1)))
            elif item:
                document.add_paragraph(item.group(1), style="List Bullet")
            elif line.strip():
                document.add_paragraph(line.strip())
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def issue_note(session: Session, meeting: Meeting, text: str, *, actor: Actor, storage_path: Path,
               max_bytes: int) -> RegisterDocument:
    """Register the note as the meeting's next INF document, store its Word file and issue it."""
    body = clean_markdown(text)
    if not body:
        raise SendError("the note is empty", 422, {"body_markdown": "empty"})
    try:
        document = register.create(session, meeting, {"kind": "information", "titles": {"en": TITLE}}, actor)
        register.add_file(session, document, storage_path, language="en",
                          filename=f"{(document.symbol or 'information-note').replace('/', '-')}.docx",
                          data=as_word(body, f"{TITLE}: {meeting.title}"), max_bytes=max_bytes, actor=actor,
                          trusted=True)
        workflow.issue(session, document, actor)
    except register.RegisterError as exc:
        raise SendError(exc.message, exc.status, exc.fields) from exc
    return document


def issue_and_dispatch(session: Session, meeting: Meeting, text: str, *, delegations, list_ids, actor: Actor,
                       storage_path: Path, max_bytes: int, mail_from: str) -> tuple[RegisterDocument, Dispatch]:
    """Issue the note and dispatch it (its text as the message, the INF document linked); one transaction."""
    # The audience is checked before anything is written, so a refused one leaves no file behind.
    if delegations in (None, "", []) and not audience.list_ids(session, list_ids):
        raise SendError("choose the delegations or at least one list", 422, {"delegations": "empty"})
    audience.delegation_ids(session, delegations, audience.today())
    audience.list_ids(session, list_ids)
    document = issue_note(session, meeting, text, actor=actor, storage_path=storage_path, max_bytes=max_bytes)
    subject = f"{document.symbol + ': ' if document.symbol else ''}{TITLE}, {meeting.title}"[:250]
    dispatch = create_dispatch(session, meeting, {"subject": subject, "body_markdown": text,
                                                  "document_ids": [document.id], "delegations": delegations,
                                                  "list_ids": list_ids}, actor=actor, mail_from=mail_from)
    return document, dispatch
