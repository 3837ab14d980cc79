"""The 22MSP's agenda, a published four-day programme with a victim-assistance track beside the
plenary (the side events join on their own track), the President's availability and two
bilaterals, one confirmed and one proposed."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from comms.documents.models import RegisterDocument
from comms.meetings.demo import MEETING_TITLE
from comms.meetings.programme import agenda, bilaterals, signoff
from comms.meetings.programme.sessions import local_moment_text
from comms.meetings.service import find_meeting_by_title
from comms.platform.seeding import DemoWorld
from contacts.models import Delegation
from storage.audit import Actor

SEEDER = Actor(label="demo")
# number, English, French, Spanish
AGENDA = [
    ("1", "Opening of the Meeting", "Ouverture de l'Assemblée", "Apertura de la Reunión"),
    ("2", "Election of the President", "Élection du Président", "Elección del Presidente"),
    ("3", "Adoption of the agenda", "Adoption de l'ordre du jour", "Aprobación del programa"),
    ("4", "Adoption of the programme of work", "Adoption du programme de travail", "Aprobación del programa de trabajo"),
    ("5", "General exchange of views", "Échange de vues général", "Intercambio general de opiniones"),
    ("6", "Universalization", "Universalisation", "Universalización"),
    ("7", "Stockpile destruction", "Destruction des stocks", "Destrucción de existencias"),
    ("8", "Mine clearance", "Déminage", "Remoción de minas"),
    ("9", "Cooperation and assistance", "Coopération et assistance", "Cooperación y asistencia"),
    ("10", "Victim assistance", "Assistance aux victimes", "Asistencia a las víctimas"),
    ("11", "Requests under Article 5", "Demandes au titre de l'article 5", "Solicitudes en virtud del artículo 5"),
    ("11(a)", "Presentation of the requests", "Présentation des demandes", "Presentación de las solicitudes"),
    ("11(b)", "Decisions on the requests", "Décisions sur les demandes", "Decisiones sobre las solicitudes"),
    ("12", "Consideration of the final report", "Examen du rapport final", "Examen del informe final"),
    ("13", "Closing of the Meeting", "Clôture de l'Assemblée", "Clausura de la Reunión"),
]
# day, start, end, track, room, agenda item, (en, fr, es)
SESSIONS = [
    (0, "10:00", "13:00", "plenary", "Room XIX", "1", ("Opening and election of the President", "Ouverture et élection du Président", "Apertura y elección del Presidente")),
    (0, "15:00", "18:00", "plenary", "Room XIX", "5", ("General exchange of views", "Échange de vues général", "Intercambio general de opiniones")),
    (1, "10:00", "13:00", "plenary", "Room XIX", "8", ("Mine clearance", "Déminage", "Remoción de minas")),
    (1, "15:00", "17:30", "victim_assistance", "Room VII", "10", ("Victim assistance experts: rehabilitation", "Experts en assistance aux victimes : réadaptation", "Expertos en asistencia a las víctimas: rehabilitación")),
    (1, "15:00", "18:00", "plenary", "Room XIX", "11(a)", ("Article 5 requests: presentations", "Demandes au titre de l'article 5 : présentations", "Solicitudes del artículo 5: presentaciones")),
    (2, "10:00", "13:00", "plenary", "Room XIX", "7", ("Stockpile destruction and cooperation", "Destruction des stocks et coopération", "Destrucción de existencias y cooperación")),
    (2, "15:00", "17:30", "victim_assistance", "Room VII", "10", ("Victim assistance experts: inclusion", "Experts en assistance aux victimes : inclusion", "Expertos en asistencia a las víctimas: inclusión")),
    (3, "10:00", "13:00", "plenary", "Room XIX", "11(b)", ("Decisions on Article 5 requests", "Décisions sur les demandes de l'article 5", "Decisiones sobre las solicitudes del artículo 5")),
    (3, "15:00", "18:00", "plenary", "Room XIX", "12", ("Final report and closing", "Rapport final et clôture", "Informe final y clausura")),
]
SPEAKERS = ("state:PE", "state:FR", "state:CO", "state:KH")


def _local(meeting, day: int, at: str) -> str:
    return local_moment_text(meeting, (meeting.starts_on + dt.timedelta(days=day)).isoformat(), at)


def seed(session: Session, world: DemoWorld) -> None:
    """Agenda, programme (approved and published), availability and bilaterals (idempotent)."""
    meeting = find_meeting_by_title(session, MEETING_TITLE)
    users = world.refs["users"]
    if agenda.items_of(session, meeting):
        return
    register = list(session.scalars(select(RegisterDocument).where(RegisterDocument.meeting_id == meeting.id,
                                                                   RegisterDocument.symbol.is_not(None))))
    agenda.save_agenda(session, meeting, [
        {"number": number, "title": {"en": en, "fr": fr, "es": es},
         "documents": [d.symbol for d in register if number in (d.agenda_items or [])]}
        for number, en, fr, es in AGENDA], SEEDER)
    delegations = [d for d in (session.scalar(select(Delegation).where(Delegation.seed_key == key)) for key in SPEAKERS)
                   if d is not None]
    sessions = []
    for index, (day, start, end, track, room, item, titles) in enumerate(SESSIONS):
        sessions.append({"track": track, "title": dict(zip(("en", "fr", "es"), titles)),
                         "starts_at": _local(meeting, day, start), "ends_at": _local(meeting, day, end), "room": room,
                         "chair": "Co-Chairs, Committee on Victim Assistance" if track == "victim_assistance"
                         else "The President", "agenda_item": item,
                         "speakers": [d.id for d in delegations[index % 2::2]] if item in ("5", "8", "10") else [],
                         "documents": [d.symbol for d in register if item in (d.agenda_items or [])][:3]})
    programme, _new = signoff.save_programme(session, meeting, sessions, users["officer1"])
    (request, _token), = signoff.submit(session, secrets.token_hex(16), programme, None, users["officer1"])
    signoff.record_decision(session, programme, request, "approved", via="staff", actor=users["president"])
    signoff.publish(session, programme, users["officer1"])
    president = users["president"]
    bilaterals.set_availability(session, meeting, president.id, [
        {"starts_at": _local(meeting, day, "13:00"), "ends_at": _local(meeting, day, "15:00")} for day in (1, 2, 3)],
        SEEDER)
    if len(delegations) >= 2:
        first = bilaterals.request_bilateral(session, meeting, {
            "delegation_id": delegations[0].id, "office_holder_id": president.id,
            "topic": "Completing mine clearance on the northern border", "attendees": ["Ambassador", "Deputy head"],
            "starts_at": _local(meeting, 1, "13:15"), "ends_at": _local(meeting, 1, "13:45"),
            "room": "President's office"}, SEEDER)
        bilaterals.confirm(session, first, SEEDER)
        bilaterals.request_bilateral(session, meeting, {
            "delegation_id": delegations[1].id, "office_holder_id": president.id,
            "topic": "Victim assistance funding", "attendees": ["Head of delegation"],
            "starts_at": _local(meeting, 2, "14:00"), "ends_at": _local(meeting, 2, "14:30"),
            "room": "President's office"}, SEEDER)
    world.notes.append(f"{MEETING_TITLE}: agenda of {len(AGENDA)} items, programme version {programme.version} "
                       f"published ({len(sessions)} sessions), President's availability and two bilaterals")
