"""The demo meeting's programme: a strategy with six milestones, four side events, three documents."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from comms.meetings import documents
from comms.meetings import service as meetings
from comms.meetings import strategy
from comms.meetings.demo import MEETING_TITLE
from comms.platform.seeding import DemoWorld
from contacts import lists
from storage.audit import Actor

SEEDER = Actor(label="demo")

SIDE_EVENTS = [
    ("Survivors' voices: victim assistance in practice", "Implementation Support Unit", "Room 3", 1, "13:15", 75),
    ("Clearing the last mile: completing Article 5", "Geneva International Centre for Humanitarian Demining",
     "Room 2", 1, "18:00", 60),
    ("Stockpile destruction: lessons learned", "Permanent Mission of the Presidency", "Room 4", 2, "13:15", 75),
    ("Press briefing by the President", "ISU press office", "Press room", 3, "12:30", 30),
]
DOCUMENTS = [
    ("Provisional programme", "programme"),
    ("Background: the Convention at a glance", "background"),
    ("Opening statement by the President", "statement"),
]


def minimal_pdf(title: str) -> bytes:
    """A small, valid one-page PDF showing ``title`` (demo documents need real files)."""
    text = title.encode("latin-1", "replace").replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 18 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def seed_programme(session: Session, world: DemoWorld) -> None:
    """Strategy, milestones, side events and documents for the demo meeting (idempotent)."""
    meeting = meetings.find_meeting_by_title(session, MEETING_TITLE)
    users = world.refs["users"]
    officer, officer2 = users["officer1"], users["officer2"]
    found = strategy.get_strategy(session, meeting)
    if found.version == 0:
        start = meeting.starts_on
        trusted = next((item for item in lists.all_lists(session) if item.embargo_trusted), None)
        audiences = [{"type": "list", "id": trusted.id, "name": trusted.name}] if trusted else []
        strategy.save_strategy(session, meeting, {
            "objectives": ["Show the progress of mine clearance and the needs of survivors",
                           "Win two more States to the Convention before the meeting closes"],
            "key_messages": [
                {"language": "en", "text": "Every mine cleared gives land back to a community."},
                {"language": "en", "text": "Survivors need lifelong support, not one-off projects."},
                {"language": "fr", "text": "Chaque mine retirée rend une terre à sa communauté."},
                {"language": "es", "text": "Cada mina retirada devuelve la tierra a una comunidad."},
            ],
            "audiences": audiences + ["International and Geneva-based media", "Delegations and observers"],
            "channels": ["press_release", "media_advisory", "press_conference", "interviews", "web", "social",
                         "side_event_programme"],
            "spokespersons": ["The President of the Meeting", "The Director of the ISU"],
            "risks": ["Competing news on the opening day", "Late confirmation of the President's press conference"],
            "milestones": [
                {"title": "Strategy agreed with the President", "due_on": start - dt.timedelta(days=28),
                 "owner_id": officer.id, "status": "done"},
                {"title": "Media advisory and accreditation notice", "due_on": start - dt.timedelta(days=14),
                 "owner_id": officer.id, "status": "in_progress"},
                {"title": "Side-event programme published", "due_on": start - dt.timedelta(days=10),
                 "owner_id": officer2.id},
                {"title": "Embargoed opening release to trusted media", "due_on": start - dt.timedelta(days=1),
                 "owner_id": officer.id},
                {"title": "President's press conference", "due_on": start + dt.timedelta(days=2),
                 "owner_id": officer2.id},
                {"title": "Closing release and outcome summary", "due_on": meeting.ends_on, "owner_id": officer.id},
            ],
        }, officer)
    if not meeting.side_events:
        for title, organiser, room, day, at, minutes in SIDE_EVENTS:
            starts = meetings.local_datetime(meeting, f"{meeting.starts_on + dt.timedelta(days=day)}T{at}")
            meetings.add_side_event(session, meeting, title=title, organiser=organiser, room=room,
                                    starts_at=starts, ends_at=starts + dt.timedelta(minutes=minutes))
    existing = set(session.scalars(select(documents.Document.title).where(documents.Document.meeting_id == meeting.id)))
    storage_path = world.refs.get("documents_path")
    for title, kind in DOCUMENTS:
        if title in existing or storage_path is None:
            continue
        document = documents.create_document(session, meeting, title=title, kind=kind, public=True, actor=SEEDER)
        for language in ("en", "fr", "es"):
            documents.add_file(session, document, storage_path, language=language,
                               filename=f"{title} ({language.upper()}).pdf",
                               data=minimal_pdf(f"{title} [{language.upper()}]"), actor=SEEDER)
    world.notes.append(f"{MEETING_TITLE}: strategy with {len(found.milestones)} milestones, "
                       f"{len(meeting.side_events)} side events, {len(DOCUMENTS)} documents")
