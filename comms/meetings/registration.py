"""Public registration for a meeting (double opt-in), outcome emails, and the retention of personal data.

A delegate fills in /meetings/{id}/register: :func:`request_registration` stores a
``requested`` participant with a one-time confirmation token (only its hash is kept)
and the web layer mails the link. GET on the link shows a button; the POST
(:func:`confirm_registration`) records when, from where and under which wording the
address was confirmed. Officers approve or decline afterwards; :func:`queue_outcome_email`
tells the person.

Every email to the person is in the language of the page they registered on: it is
stored on the participant (``language``), so the outcome an officer triggers days later
from an English staff page still reaches a French registrant in French.

Retention: :func:`anonymise_due` (a periodic finder) removes participants' personal
data a configurable number of days after their meeting ends. What an issued list of
participants already published (name, title, delegation) stays; the address and
the registration's traces go.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from comms.meetings.participants import (ANONYMISED_NAME, ROLE_LABELS, Participant, ParticipantError,
                                         check_not_registered, clean)
from comms.meetings.service import Meeting
from comms.platform.jobs import periodic
from comms.rendering import emails
from contacts import vocab
from storage.audit import SYSTEM, Actor
from storage.db import utcnow

CONFIRM_FOR = dt.timedelta(days=7)
CONSENT_WORDING = "2026-12"
emails.SUBJECTS.update({
    "participant_confirm": "Please confirm your registration",
    "participant_approved": "Your registration is approved",
    "participant_declined": "About your registration",
})
emails.SUBJECTS_IN["fr"].update({
    "participant_confirm": "Veuillez confirmer votre inscription",
    "participant_approved": "Votre inscription a été approuvée",
    "participant_declined": "Votre demande d’inscription",
})
emails.SUBJECTS_IN["es"].update({
    "participant_confirm": "Confirme su inscripción",
    "participant_approved": "Su inscripción ha sido aprobada",
    "participant_declined": "Su solicitud de inscripción",
})
# The functions as the public form names them in each language (comms/translations), so the email
# says what the person chose.
ROLE_WORDS = {
    "en": ROLE_LABELS,
    "fr": {"head": "Chef de délégation", "alternate": "Suppléant", "adviser": "Conseiller", "expert": "Expert",
           "observer": "Observateur"},
    "es": {"head": "Jefe de delegación", "alternate": "Suplente", "adviser": "Asesor", "expert": "Experto",
           "observer": "Observador"},
}


def token_hash(token: str) -> str:
    """What is stored of a confirmation token: its SHA-256."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def registration_open(meeting: Meeting, today: dt.date | None = None) -> bool:
    """People may register until the meeting's last day."""
    return (today or utcnow().date()) <= meeting.ends_on


def request_registration(session: Session, meeting: Meeting, raw: dict, ip: str) -> tuple[Participant, str]:
    """Store a public registration as a ``requested``, unconfirmed participant; returns it and its token.

    ``raw`` holds delegation_id, name, title, email, role, listed and language (the page's,
    for every email the person gets). The address is required (the confirmation goes to it);
    status and credentials are staff's to set.
    """
    if not registration_open(meeting):
        raise ParticipantError("registration for this meeting has closed", 409)
    raw = {k: v for k, v in raw.items()
           if k in ("delegation_id", "name", "title", "email", "role", "listed", "language")}
    values = clean(session, raw, new=True)
    if not values.get("email"):
        raise ParticipantError("some fields are not valid", 422, {"email": "required"})
    check_not_registered(session, meeting, values["email"])
    token = secrets.token_urlsafe(32)
    participant = Participant(meeting_id=meeting.id, meeting=meeting, source="public", status="requested",
                              credentials="none", role=values.get("role", "adviser"), title="",
                              listed=values.get("listed", False), confirm_token_hash=token_hash(token),
                              requested_ip=(ip or "")[:64], consent_wording=CONSENT_WORDING)
    for name, value in values.items():
        setattr(participant, name, value)
    participant.name_key = vocab.fold(participant.name)[:200]
    session.add(participant)
    session.flush()
    SYSTEM.record(session, "participant.register", object_type="participant", object_id=participant.id,
                  details={"meeting_id": meeting.id, "delegation_id": participant.delegation_id})
    return participant, token


def find_by_token(session: Session, token: str) -> Participant | None:
    """The registration a confirmation token belongs to, if the token is known and not expired."""
    if not token or len(token) > 100:
        return None
    found = session.scalar(select(Participant).where(Participant.confirm_token_hash == token_hash(token)))
    if found is None or found.anonymised_at is not None:
        return None
    if found.email_confirmed_at is None and found.requested_at + CONFIRM_FOR < utcnow():
        return None
    return found


def confirm_registration(session: Session, participant: Participant, ip: str) -> bool:
    """Record the confirmation (once: a second POST changes nothing); True when it was new."""
    if participant.email_confirmed_at is not None:
        return False
    participant.email_confirmed_at = utcnow()
    participant.confirmed_ip = (ip or "")[:64]
    session.flush()
    SYSTEM.record(session, "participant.confirm", object_type="participant", object_id=participant.id)
    return True


def queue_outcome_email(runtime, participant: Participant) -> str | None:
    """Tell the person their registration was approved or declined; None when there is nobody to tell."""
    if participant.status not in ("approved", "declined") or not participant.email:
        return None
    meeting = participant.meeting
    language = emails.email_language(participant.language)
    return emails.queue_email(runtime, f"participant_{participant.status}", participant.email, participant.name,
                              language=language, meeting_title=meeting.title,
                              meeting_dates=emails.date_span(meeting.starts_on, meeting.ends_on, language),
                              venue=meeting.venue, delegation=participant.delegation.name,
                              role=ROLE_WORDS[language][participant.role])


def queue_confirm_email(runtime, participant: Participant, confirm_url: str) -> str:
    """The double opt-in email with the confirmation link, in the language the person registered in."""
    return emails.queue_email(runtime, "participant_confirm", participant.email, participant.name,
                              language=participant.language, confirm_url=confirm_url,
                              meeting_title=participant.meeting.title, delegation=participant.delegation.name)


def anonymise(session: Session, participant: Participant, actor: Actor = SYSTEM) -> None:
    """Remove a participant's personal data, keeping what an issued list of participants holds."""
    participant.email = ""
    participant.confirm_token_hash = None
    participant.requested_ip = participant.confirmed_ip = ""
    if not participant.listed_in:
        participant.name, participant.name_key, participant.title = ANONYMISED_NAME, "", ""
    participant.anonymised_at = utcnow()
    session.flush()
    actor.record(session, "participant.anonymise", object_type="participant", object_id=participant.id,
                 details={"kept_for": participant.listed_in or None})


def due_for_anonymising(session: Session, today: dt.date, retention_days: int) -> list[int]:
    """Ids of participants whose meeting ended more than ``retention_days`` days before ``today``."""
    cutoff = today - dt.timedelta(days=retention_days)
    return list(session.scalars(select(Participant.id).join(Meeting, Meeting.id == Participant.meeting_id)
                                .where(Participant.anonymised_at.is_(None), Meeting.ends_on < cutoff)
                                .order_by(Participant.id).limit(1000)))


@periodic("participants.anonymise_due")
def anonymise_due(runtime, now: dt.datetime | None = None) -> int:
    """Anonymise the participants past the retention period; returns how many."""
    now = now or utcnow()
    done = 0
    with runtime.db.transaction() as session:
        for participant_id in due_for_anonymising(session, now.date(), runtime.config.participant_retention_days):
            # Claimed by a conditional UPDATE, so two workers never both write the audit line.
            claimed = session.execute(update(Participant).where(Participant.id == participant_id,
                                                                Participant.anonymised_at.is_(None))
                                      .values(anonymised_at=now)).rowcount == 1
            if claimed:
                anonymise(session, session.get(Participant, participant_id))
                done += 1
    return done
