"""Builders for dispatches to delegations: a meeting, delegations of each kind with focal points,
a list, issued register documents (public and limited), and planning a dispatch."""

from __future__ import annotations

import datetime as dt

from comms.distribution.dispatches import service as dispatches
from comms.documents import service as register
from comms.documents import workflow
from comms.meetings.service import Meeting, create_meeting
from contacts import delegations, lists, service
from contacts.suppression import suppress
from storage.audit import Actor

from support.register_samples import make_docx

ADMIN = Actor(label="admin@example.org", is_admin=True)
STAFF = Actor(label="officer@example.org")
PREFIX = "APLC/MSP.99/2026"


def make_meeting(rt) -> int:
    """A Meeting of the States Parties in Geneva with a symbol prefix."""
    with rt.db.transaction() as session:
        return create_meeting(session, title="Ninety-Ninth Meeting of the States Parties", kind="msp",
                              starts_on=dt.date(2026, 12, 14), ends_on=dt.date(2026, 12, 18),
                              timezone="Europe/Zurich", venue="Palais des Nations, Geneva",
                              symbol_prefix=PREFIX).id


def make_world(rt, *, per_party: int = 2) -> dict:
    """A State Party, a State whose withdrawal took effect in 2025, an organisation, their focal
    points, a list holding one party focal point and a journalist, and one suppressed focal point.

    Returns ids: ``party``, ``withdrawn``, ``organisation`` (delegations), ``list``, and contact
    ids ``party_people`` (the last one suppressed), ``withdrawn_people``, ``organisation_people``,
    ``journalist``."""
    with rt.db.transaction() as session:
        party = delegations.create_delegation(session, {"name": "Antarctica", "kind": "state_party", "country": "AQ",
                                                        "joined_on": "2001-03-01", "joined_by": "ratification"}, ADMIN)
        withdrawn = delegations.create_delegation(
            session, {"name": "Bouvet Island", "kind": "state_not_party", "country": "BV", "joined_on": "2000-01-04", "joined_by": "accession",
                      "withdrawal_notified_on": "2025-01-10", "withdrawal_effective_on": "2025-07-10"}, ADMIN)
        organisation = delegations.create_delegation(
            session, {"name": "Demining Test Centre", "kind": "international_organisation"}, STAFF)

        def person(name, email, delegation_id=None):
            return service.create_contact(session, {"name": name, "email": email, "delegation_id": delegation_id},
                                          STAFF)

        party_people = [person(f"Focal Point {n}", f"fp{n}@mission-aq.example", party.id) for n in range(per_party)]
        withdrawn_people = [person("Алексей Иванов", "alexei@mission-bv.example", withdrawn.id)]
        organisation_people = [person("عائشة المنصوري", "aisha@demining.example", organisation.id)]
        journalist = person("Jo Reporter", "jo@wire.example")
        missions = lists.create_list(session, "Geneva missions", STAFF)
        lists.add_to_list(session, missions, [party_people[0].id, journalist.id], STAFF)
        suppress(session, party_people[-1], STAFF, "asked not to be emailed")
        return {"party": party.id, "withdrawn": withdrawn.id, "organisation": organisation.id, "list": missions.id,
                "party_people": [c.id for c in party_people], "withdrawn_people": [c.id for c in withdrawn_people],
                "organisation_people": [c.id for c in organisation_people], "journalist": journalist.id}


def make_document(rt, meeting_id: int, *, title: str, distribution: str = "general", issue: bool = True,
                  kind: str = "report") -> int:
    """A register document of the meeting with an English Word file, issued unless told otherwise."""
    with rt.db.transaction() as session:
        meeting = session.get(Meeting, meeting_id)
        document = register.create(session, meeting, {"kind": kind, "titles": {"en": title},
                                                      "distribution": distribution}, STAFF)
        register.add_file(session, document, rt.config.documents_path, language="en", filename="report.docx",
                          data=make_docx(f"{title}: the text of the document."), max_bytes=10_000_000,
                          actor=STAFF, trusted=True)
        if issue:
            workflow.issue(session, document, STAFF)
        return document.id


def plan(rt, meeting_id: int, **data) -> tuple[int, int]:
    """Plan a dispatch as the API does; (dispatch id, send id)."""
    data.setdefault("subject", "Provisional agenda")
    data.setdefault("body_markdown", "Dear colleagues, please find the **documents** below.")
    with rt.db.transaction() as session:
        dispatch = dispatches.create_dispatch(session, session.get(Meeting, meeting_id), data, actor=STAFF,
                                              mail_from=rt.config.mail_from)
        return dispatch.id, dispatches.send_of(session, dispatch).id
