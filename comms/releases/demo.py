"""Demo press releases around the demo meeting, at every stage of their life."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session

from comms.meetings import service as meetings
from comms.releases import workflow
from comms.meetings.demo import MEETING_TITLE
from comms.releases.service import Release
from comms.platform.seeding import DemoWorld
from storage.db import utcnow

CONTACTS = "ISU press office · press@apminebanconvention.example · +41 22 000 00 00"
RELEASES = [
    # (stage, language, slug, headline, body, translations)
    ("published", "en", "states-parties-to-meet-in-geneva",
     "States Parties to the Mine Ban Convention meet in Geneva",
     "The Twenty-Second Meeting of the States Parties will bring together delegations to review progress in "
     "**mine clearance**, **victim assistance** and stockpile destruction.",
     {"fr": ("Les États parties à la Convention sur l'interdiction des mines se réunissent à Genève",
             "La vingt-deuxième Assemblée des États parties fera le point sur le **déminage** et "
             "**l'assistance aux victimes**."),
      "es": ("Los Estados Partes de la Convención sobre la prohibición de minas se reúnen en Ginebra",
             "La Vigésima Segunda Reunión de los Estados Partes examinará los avances en **desminado** y "
             "**asistencia a las víctimas**.")}),
    ("corrected", "en", "accreditation-open-for-media",
     "Media accreditation open for the Twenty-Second Meeting",
     "Journalists can apply for accreditation until one week before the meeting.", {}),
    ("embargoed", "en", "president-opens-the-meeting",
     "President opens the Twenty-Second Meeting with a call to finish the job",
     "In her opening address the President called on all States to complete clearance by their deadlines.", {}),
    ("in_review", "en", "survivors-take-centre-stage",
     "Survivors take centre stage at side event on victim assistance",
     "A side event organised by the Implementation Support Unit gives the floor to survivors.", {}),
    ("draft", "en", "closing-press-conference",
     "Closing press conference: outcomes of the Twenty-Second Meeting",
     "The President will present the outcomes of the meeting to the press.", {}),
]


def _approve(session: Session, release: Release, president, officer) -> None:
    requests = workflow.submit(session, secrets.token_hex(16), release, [president], officer)
    for request, _token in requests:
        workflow.decide(session, release, request, "approved", via="staff", actor=president)


def seed_releases(session: Session, world: DemoWorld) -> None:
    """Five releases (one with French and Spanish versions) at different stages; idempotent."""
    meeting = meetings.find_meeting_by_title(session, MEETING_TITLE)
    users = world.refs["users"]
    officer, president = users["officer1"], users["president"]
    opening = dt.datetime.combine(meeting.starts_on, dt.time(10, 0), tzinfo=meeting.zone)
    for stage, language, slug, headline, body, translations in RELEASES:
        if session.scalar(select(Release.id).where(Release.slug == slug, Release.language == language)):
            continue
        fields = {"headline": headline, "body_markdown": body, "slug": slug, "language": language,
                  "meeting_id": meeting.id, "media_contacts": CONTACTS, "topics": ["meetings"],
                  "dateline": "GENEVA",
                  "notes_to_editors": "The Convention's Implementation Support Unit is based in Geneva.",
                  # The published ones are history: only the embargoed one alerts subscribers, at its lift.
                  "notify_subscribers": stage == "embargoed"}
        if stage == "embargoed" and opening > utcnow():
            fields["embargo_until"] = opening
        release = workflow.create_release(session, fields, officer)
        if stage == "draft":
            continue
        if stage == "in_review":
            workflow.submit(session, secrets.token_hex(16), release, [president], officer)
            continue
        _approve(session, release, president, officer)
        workflow.publish(session, release, officer)
        if stage == "corrected":
            workflow.update_release(session, release, {"body_markdown": body + " The deadline is now two weeks "
                                                       "before the meeting."}, officer)
            _approve(session, release, president, officer)
            workflow.publish(session, release, officer, correction_note="Accreditation deadline corrected.")
        for code, (title, text) in translations.items():
            translated = workflow.create_release(session, {**fields, "language": code, "headline": title,
                                                           "body_markdown": text, "translation_of": release.id},
                                                 officer)
            _approve(session, translated, president, officer)
            workflow.publish(session, translated, officer)
    world.notes.append("5 demo releases: draft, in review, embargoed, published (EN/FR/ES), corrected")
