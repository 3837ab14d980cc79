"""The demo's delegations side: a few delegations' focal points and mission details, and participants
of the 22MSP in each state of their registration (invented people, real delegations from the seed).

Idempotent: focal points are found by email, and nothing is added once the meeting has participants.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from comms.meetings.participants import Participant, add_participant
from comms.platform.seeding import DemoWorld
from contacts import service
from contacts.models import STATE_KINDS, Delegation
from storage.audit import Actor

SEEDER = Actor(label="demo", is_admin=True)

# (ISO code or organisation name, mission address, mission email, focal point name, focal point email)
FOCAL_POINTS = [
    ("CL", "Rue de Moillebeau 58, 1209 Geneva", "mission.geneva@chile.example", "Ana Morales",
     "ana.morales@minrel-cl.example"),
    ("SN", "Chemin du Petit-Saconnex 28A, 1209 Geneva", "mission.geneve@senegal.example", "Moussa Ndiaye",
     "moussa.ndiaye@diplomatie-sn.example"),
    ("KH", "Chemin Taverney 3, 1218 Grand-Saconnex", "camemb.geneva@cambodia.example", "Sokha Chan",
     "sokha.chan@mfaic-kh.example"),
    ("International Committee of the Red Cross", "19 avenue de la Paix, 1202 Geneva", "", "Lena Keller",
     "lena.keller@icrc-demo.example"),
]

# (delegation, name, title, email, role, status, credentials, listed)
PARTICIPANTS = [
    ("CL", "Ambassador Ana Morales", "Permanent Representative", "ana.morales@minrel-cl.example", "head",
     "approved", "credentials", True),
    ("CL", "Diego Fuentes", "First Secretary", "diego.fuentes@minrel-cl.example", "adviser", "approved",
     "credentials", True),
    ("SN", "Moussa Ndiaye", "Counsellor", "moussa.ndiaye@diplomatie-sn.example", "head", "approved", "note_verbale",
     True),
    ("KH", "Sokha Chan", "Director, Cambodian Mine Action Centre", "sokha.chan@mfaic-kh.example", "head",
     "requested", "none", True),
    ("KZ", "Нурлан Абдрахманов", "Second Secretary", "nurlan@mfa-kz.example", "expert", "requested", "none", True),
    ("International Committee of the Red Cross", "Lena Keller", "Legal adviser", "lena.keller@icrc-demo.example",
     "observer", "approved", "none", False),
]


def _delegation(session: Session, key: str) -> Delegation | None:
    if len(key) == 2:
        return session.scalar(select(Delegation).where(Delegation.country == key, Delegation.kind.in_(STATE_KINDS)))
    return session.scalar(select(Delegation).where(Delegation.name == key))


def seed_delegates(session: Session, world: DemoWorld) -> None:
    """Focal points and missions of four delegations, and six participants of the 22MSP."""
    meeting = world.refs["meeting"]
    for key, address, mission_email, name, email in FOCAL_POINTS:
        delegation = _delegation(session, key)
        if delegation is None:
            continue
        if not delegation.mission_address:
            delegation.mission_address, delegation.mission_email = address, mission_email
        if service.find_by_email(session, email) is None:
            service.create_contact(session, {"name": name, "email": email, "role": "Focal point",
                                             "delegation_id": delegation.id}, SEEDER)
    if session.scalar(select(Participant.id).where(Participant.meeting_id == meeting.id)) is not None:
        return
    for key, name, title, email, role, status, credentials, listed in PARTICIPANTS:
        delegation = _delegation(session, key)
        if delegation is not None:
            add_participant(session, meeting, {"delegation_id": delegation.id, "name": name, "title": title,
                                               "email": email, "role": role, "status": status,
                                               "credentials": credentials, "listed": listed}, SEEDER)
    world.notes.append(f"Participants of the 22MSP: /staff/meetings/{meeting.id}/participants")
