"""The list of participants: a register document (``{prefix}/INF.n``) naming the approved, listed participants.

:func:`issue_list` typesets the list as a PDF (comms.rendering.pdf, whose text the register
extracts and indexes) and as HTML (kept beside the document in ``participant_lists``, as the
register holds one file per language), then issues it. Called again for the same meeting,
it issues a Rev of the latest list through the register's workflow (Rev.1, Rev.2...).

The list is grouped by the delegations' kind on the meeting's first day (States Parties
first), then by delegation name; inside a delegation the head comes first, then
alternates, advisers, experts and observers, each by name.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import ForeignKey, Integer, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from comms.documents import service, workflow
from comms.documents.models import RegisterDocument
from comms.meetings.participants import ROLE_LABELS, ROLES, Participant, listable
from comms.meetings.service import Meeting
from comms.rendering import labels
from comms.rendering.pdf import PrintDocument, TableColumn
from contacts.models import DELEGATION_KINDS
from contacts.treaty_status import status_on
from storage.audit import Actor
from storage.db import Base, UTCDateTime, utcnow

KIND_HEADINGS = {"state_party": "States Parties", "signatory": "Signatory States",
                 "state_not_party": "States not parties", "international_organisation": "International organisations",
                 "ngo": "Non-governmental organisations", "other": "Other participants"}
COLUMNS = (TableColumn("Delegation", 1.2), TableColumn("Name", 1.3), TableColumn("Title", 1.5),
           TableColumn("Function", 0.9))


class ParticipantList(Base):
    """One issued list of participants: its register document and the HTML version of it."""

    __tablename__ = "participant_lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("register_documents.id", ondelete="RESTRICT"), unique=True)
    participant_count: Mapped[int] = mapped_column(Integer, default=0)
    html: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    document: Mapped[RegisterDocument] = relationship()


@dataclass(frozen=True)
class Group:
    """One delegation kind's part of the list: (delegation name, its participants in order) pairs."""

    kind: str
    heading: str
    delegations: tuple[tuple[str, tuple[Participant, ...]], ...]


def grouped(meeting: Meeting, participants: list[Participant]) -> list[Group]:
    """Participants grouped by delegation kind (as of the meeting's first day), then delegation, heads first."""
    by_kind: dict[str, dict[int, list[Participant]]] = {}
    for participant in participants:
        kind = status_on(participant.delegation, meeting.starts_on)
        by_kind.setdefault(kind, {}).setdefault(participant.delegation_id, []).append(participant)
    groups = []
    for kind in DELEGATION_KINDS:
        delegations = by_kind.get(kind, {})
        ordered = sorted(delegations.values(), key=lambda people: (people[0].delegation.name_key, people[0].delegation_id))
        groups.append(Group(kind, KIND_HEADINGS[kind], tuple(
            (people[0].delegation.name, tuple(sorted(people, key=lambda p: (ROLES.index(p.role), p.name_key, p.id))))
            for people in ordered)))
    return [group for group in groups if group.delegations]


def _dates(meeting: Meeting) -> str:
    return labels.date_span(meeting.starts_on, meeting.ends_on, "en")  # the printed list is in English


def render_pdf(meeting: Meeting, symbol: str, groups: list[Group], issued_on: dt.date) -> bytes:
    """The typeset list, with extractable text."""
    document = PrintDocument(title=f"List of participants: {meeting.title}", symbol=symbol,
                             header=f"{meeting.title}: list of participants", footer=f"Issued {issued_on:%-d %B %Y}")
    document.paragraph(symbol)
    document.heading(meeting.title)
    document.paragraph(", ".join(part for part in (meeting.venue, _dates(meeting)) if part))
    document.heading("List of participants", 2)
    if not groups:
        document.paragraph("No participant is listed yet.")
    for group in groups:
        document.heading(group.heading, 2)
        rows = []
        for delegation, people in group.delegations:
            for index, person in enumerate(people):
                rows.append([delegation if index == 0 else "", person.name, person.title, ROLE_LABELS[person.role]])
        document.table(COLUMNS, rows)
    return document.render(created=dt.datetime.combine(issued_on, dt.time(), tzinfo=dt.timezone.utc))


def render_html(meeting: Meeting, symbol: str, groups: list[Group], issued_on: dt.date) -> str:
    """The same list as an HTML fragment (every value escaped)."""
    e = html.escape
    parts = [f'<article class="participant-list" lang="en"><p class="symbol">{e(symbol)}</p>',
             f"<h1>{e(meeting.title)}</h1>",
             f"<p>{e(', '.join(part for part in (meeting.venue, _dates(meeting)) if part))}</p>",
             f"<h2>List of participants</h2><p class=\"muted\">Issued {issued_on:%-d %B %Y}</p>"]
    if not groups:
        parts.append("<p>No participant is listed yet.</p>")
    for group in groups:
        parts.append(f'<section><h2>{e(group.heading)}</h2>')
        for delegation, people in group.delegations:
            parts.append(f"<h3>{e(delegation)}</h3><ul>")
            for person in people:
                title = f", {e(person.title)}" if person.title else ""
                parts.append(f"<li><strong>{e(person.name)}</strong>{title} "
                             f"<span class=\"muted\">({e(ROLE_LABELS[person.role])})</span></li>")
            parts.append("</ul>")
        parts.append("</section>")
    parts.append("</article>")
    return "\n".join(parts)


def latest_list(session: Session, meeting: Meeting) -> ParticipantList | None:
    """The most recently issued list of participants of the meeting."""
    return session.scalar(select(ParticipantList).where(ParticipantList.meeting_id == meeting.id)
                          .order_by(ParticipantList.id.desc()).limit(1))


def issue_list(session: Session, meeting: Meeting, storage_path: Path, actor: Actor,
               today: dt.date | None = None) -> ParticipantList:
    """Issue the list of participants (or a Rev of the latest one) as an issued register document."""
    if not meeting.symbol_prefix:
        raise service.RegisterError("the meeting needs a symbol prefix before its list of participants is issued",
                                    422, {"symbol_prefix": "required"})
    today = today or dt.date.today()
    previous = latest_list(session, meeting)
    titles = {"en": f"List of participants: {meeting.title}"[:service.MAX_TITLE]}
    if previous is None:
        document = service.create(session, meeting, {"kind": "list_of_participants", "titles": titles}, actor)
    else:
        document = workflow.derive(session, previous.document, "rev", actor, {"titles": titles})
    people = listable(session, meeting)
    groups = grouped(meeting, people)
    pdf = render_pdf(meeting, document.symbol, groups, today)
    service.add_file(session, document, storage_path, language="en", filename="list-of-participants.pdf", data=pdf,
                     max_bytes=len(pdf), actor=actor, trusted=True)
    workflow.issue(session, document, actor, today)
    issued = ParticipantList(meeting_id=meeting.id, document_id=document.id, document=document,
                             participant_count=len(people), html=render_html(meeting, document.symbol, groups, today))
    session.add(issued)
    for person in people:
        person.listed_in = document.symbol
    session.flush()
    return issued


def participant_list_to_dict(issued: ParticipantList, *, document: dict) -> dict:
    """The API's answer: the register document (as the register serialises it) with the list's figures."""
    return {**document, "participant_count": issued.participant_count, "participant_list_id": issued.id}
