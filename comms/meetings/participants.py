"""Participants of a meeting: who each delegation sends, their credentials, approval and listing (no Flask).

A participant belongs to one meeting and one delegation. Staff add people directly;
the public registration form (comms.meetings.registration) adds them too, after the
person confirms their address. Either way a participant stays ``requested`` until an
officer approves (or declines) them; only approved people who agreed to be ``listed``
appear in the list of participants (comms.documents.participant_list).

Every function works in the caller's transaction and raises ParticipantError
(a DomainError: message, fields, HTTP status) before writing anything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import Boolean, ForeignKey, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from comms.meetings.service import Meeting
from comms.platform.errors import DomainError
from comms.rendering.emails import EMAIL_LANGUAGES
from contacts import vocab
from contacts.identity import normalise_email
from contacts.models import Delegation
from contacts.text import check_text
from storage.audit import Actor
from storage.db import Base, UTCDateTime, utcnow

ROLES = ("head", "alternate", "adviser", "expert", "observer")
STATUSES = ("requested", "approved", "declined")
CREDENTIALS = ("none", "note_verbale", "credentials")
ROLE_LABELS = {"head": "Head of delegation", "alternate": "Alternate", "adviser": "Adviser", "expert": "Expert",
               "observer": "Observer"}
CREDENTIAL_LABELS = {"none": "None", "note_verbale": "Note verbale", "credentials": "Credentials"}
# What stands in for the name of a person whose data the retention job removed.
ANONYMISED_NAME = "Anonymised participant"
MAX_PER_MEETING = 5000


class ParticipantError(DomainError):
    """A participant could not be added or changed; the message says why."""


class Participant(Base):
    """One person at one meeting, in one delegation."""

    __tablename__ = "participants"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    delegation_id: Mapped[int] = mapped_column(ForeignKey("delegations.id", ondelete="RESTRICT"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(320), default="", index=True)
    role: Mapped[str] = mapped_column(String(20), default="adviser")
    status: Mapped[str] = mapped_column(String(12), default="requested", index=True)
    credentials: Mapped[str] = mapped_column(String(20), default="none")
    listed: Mapped[bool] = mapped_column(Boolean, default=True)
    # "staff" or "public" (the registration form); public ones confirm their address first.
    source: Mapped[str] = mapped_column(String(10), default="staff")
    confirm_token_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, unique=True)
    requested_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    requested_ip: Mapped[str] = mapped_column(String(64), default="")
    email_confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    confirmed_ip: Mapped[str] = mapped_column(String(64), default="")
    consent_wording: Mapped[str] = mapped_column(String(20), default="")
    # The language the person's emails are written in: the page they registered on (or staff's choice).
    language: Mapped[str] = mapped_column(String(8), default="en", server_default="en")
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The symbol of the latest issued list of participants that names this person: the
    # retention job keeps what that public document holds (name, title, delegation).
    listed_in: Mapped[str] = mapped_column(String(120), default="")
    anonymised_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    meeting: Mapped[Meeting] = relationship()
    delegation: Mapped[Delegation] = relationship()

    @property
    def confirmed(self) -> bool:
        """True when staff added the person or the person confirmed their address."""
        return self.source == "staff" or self.email_confirmed_at is not None


def _check_choice(values: dict, name: str, choices: Sequence[str], errors: dict) -> None:
    if name in values and values[name] not in choices:
        errors[name] = f"must be one of {', '.join(choices)}"


def clean(session: Session, raw: dict, *, new: bool) -> dict:
    """The stored form of the fields in ``raw``; ParticipantError (422) naming every bad field."""
    errors: dict[str, str] = {}
    values: dict = {}
    unknown = sorted(set(raw) - {"delegation_id", "name", "title", "email", "role", "status", "credentials",
                                 "listed", "language"})
    for name in unknown:
        errors[str(name)[:60]] = "not a participant field"
    for name, limit in (("name", 200), ("title", 200)):
        if name in raw:
            values[name] = check_text(name, raw[name] if raw[name] is not None else "", errors, limit=limit) or ""
    if new and not values.get("name"):
        errors.setdefault("name", "required")
    elif "name" in values and not values["name"]:
        errors.setdefault("name", "required")
    if "email" in raw:
        values["email"] = ""
        if raw["email"] not in (None, ""):
            try:
                values["email"] = normalise_email(str(raw["email"]))
            except ValueError as exc:
                errors["email"] = str(exc)
    for name in ("role", "status", "credentials", "language"):
        if name in raw:
            values[name] = raw[name]
    _check_choice(values, "role", ROLES, errors)
    _check_choice(values, "language", EMAIL_LANGUAGES, errors)
    _check_choice(values, "status", STATUSES, errors)
    _check_choice(values, "credentials", CREDENTIALS, errors)
    if "listed" in raw:
        if not isinstance(raw["listed"], bool):
            errors["listed"] = "must be true or false"
        values["listed"] = raw["listed"]
    if "delegation_id" in raw or new:
        delegation_id = raw.get("delegation_id")
        if not isinstance(delegation_id, int) or isinstance(delegation_id, bool) or not 0 < delegation_id < 2**31 \
                or session.get(Delegation, delegation_id) is None:
            errors["delegation_id"] = "choose a delegation" if delegation_id in (None, "") else "no such delegation"
        else:
            values["delegation_id"] = delegation_id
    if errors:
        raise ParticipantError("some fields are not valid", 422, errors)
    return values


def _store(participant: Participant, values: dict) -> None:
    for name, value in values.items():
        setattr(participant, name, value)
    participant.name_key = vocab.fold(participant.name)[:200]


def check_not_registered(session: Session, meeting: Meeting, email: str, own_id: int | None = None) -> None:
    """409 when someone with this address is already a participant of the meeting."""
    if not email:
        return
    query = select(Participant.id).where(Participant.meeting_id == meeting.id, Participant.email == email)
    if own_id is not None:
        query = query.where(Participant.id != own_id)
    if session.scalar(query) is not None:
        raise ParticipantError("this address is already registered for this meeting", 409,
                               {"email": "already registered"})


def _check_capacity(session: Session, meeting: Meeting) -> None:
    count = session.scalar(select(func.count(Participant.id)).where(Participant.meeting_id == meeting.id))
    if count >= MAX_PER_MEETING:
        raise ParticipantError(f"a meeting has at most {MAX_PER_MEETING} participants", 422)


def add_participant(session: Session, meeting: Meeting, raw: dict, actor: Actor) -> Participant:
    """Staff add a participant (``requested`` unless they say otherwise); audited."""
    values = clean(session, raw, new=True)
    check_not_registered(session, meeting, values.get("email", ""))
    _check_capacity(session, meeting)
    participant = Participant(meeting_id=meeting.id, meeting=meeting, source="staff", status="requested",
                              credentials="none", role="adviser", listed=True, title="", email="")
    _store(participant, values)
    if participant.status != "requested":
        participant.decided_at = utcnow()
    session.add(participant)
    session.flush()
    actor.record(session, "participant.create", object_type="participant", object_id=participant.id,
                 details={"meeting_id": meeting.id, "delegation_id": participant.delegation_id,
                          "status": participant.status})
    return participant


def update_participant(session: Session, participant: Participant, raw: dict, actor: Actor) -> list[str]:
    """Change a participant; returns the fields whose value changed (audited by name, not value).

    Approving someone who registered on the public form needs their confirmed address
    (409 otherwise); an anonymised participant no longer changes (409).
    """
    if participant.anonymised_at is not None:
        raise ParticipantError("this participant's data was anonymised after the meeting", 409)
    values = clean(session, raw, new=False)
    if values.get("status") == "approved" and participant.status != "approved" and not participant.confirmed:
        raise ParticipantError("the person has not confirmed their email address yet", 409,
                               {"status": "address not confirmed"})
    if "email" in values:
        check_not_registered(session, participant.meeting, values["email"], participant.id)
    changed = sorted(name for name, value in values.items() if getattr(participant, name) != value)
    if not changed:
        return []
    if "status" in changed:
        participant.decided_at = utcnow() if values["status"] != "requested" else None
    _store(participant, {name: values[name] for name in changed})
    session.flush()
    # Field names only: the audit log is no copy of people's personal data.
    actor.record(session, "participant.update", object_type="participant", object_id=participant.id,
                 details={"fields": changed, **({"status": participant.status} if "status" in changed else {})})
    return changed


def bulk_set_status(session: Session, meeting: Meeting, ids: Sequence[int], status: str,
                    actor: Actor) -> list[Participant]:
    """Approve or decline several participants of one meeting; returns those whose status changed.

    All or nothing: an unknown id, or approving an unconfirmed registration, refuses the lot.
    """
    if status not in STATUSES:
        raise ParticipantError(f"status must be one of {', '.join(STATUSES)}", 422, {"status": "invalid"})
    found = {p.id: p for p in session.scalars(select(Participant).where(Participant.meeting_id == meeting.id,
                                                                       Participant.id.in_(list(ids))))}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ParticipantError(f"no participant {missing[0]} in this meeting", 404)
    changed = []
    for participant_id in dict.fromkeys(ids):
        participant = found[participant_id]
        if participant.status != status and update_participant(session, participant, {"status": status}, actor):
            changed.append(participant)
    return changed


def get_participant(session: Session, participant_id: int) -> Participant:
    """The participant with this id; ParticipantError (404) if there is none."""
    found = session.get(Participant, participant_id) if 0 < participant_id < 2**63 else None
    if found is None:
        raise ParticipantError(f"no participant {participant_id}", 404)
    return found


def list_participants(session: Session, meeting: Meeting, *, status: str | None = None,
                      delegation_id: int | None = None) -> list[Participant]:
    """A meeting's participants by delegation name, heads first, then by name."""
    query = (select(Participant).join(Delegation, Delegation.id == Participant.delegation_id)
             .where(Participant.meeting_id == meeting.id))
    if status:
        query = query.where(Participant.status == status)
    if delegation_id:
        query = query.where(Participant.delegation_id == delegation_id)
    found = list(session.scalars(query))
    return sorted(found, key=lambda p: (p.delegation.name_key, ROLES.index(p.role), p.name_key, p.id))


def participation_history(session: Session, delegation_id: int) -> list[tuple[Meeting, int, int]]:
    """For a delegation: each meeting it registered people for, with (approved, all) counts, newest first."""
    rows = session.execute(select(Participant.meeting_id, Participant.status, func.count(Participant.id))
                           .where(Participant.delegation_id == delegation_id)
                           .group_by(Participant.meeting_id, Participant.status)).all()
    counts: dict[int, list[int]] = {}
    for meeting_id, status, count in rows:
        pair = counts.setdefault(meeting_id, [0, 0])
        pair[1] += count
        if status == "approved":
            pair[0] += count
    meetings = {m.id: m for m in session.scalars(select(Meeting).where(Meeting.id.in_(list(counts))))}
    return sorted(((meetings[i], a, n) for i, (a, n) in counts.items()), key=lambda t: t[0].starts_on, reverse=True)


def listable(session: Session, meeting: Meeting) -> list[Participant]:
    """Who the list of participants names: approved, agreed to be listed, not anonymised."""
    return [p for p in list_participants(session, meeting, status="approved") if p.listed and p.anonymised_at is None]


def participant_to_dict(participant: Participant) -> dict:
    """docs/design/contract.md's participant object."""
    return {
        "id": participant.id, "meeting_id": participant.meeting_id, "delegation_id": participant.delegation_id,
        "delegation": participant.delegation.name if participant.delegation else "",
        "name": participant.name, "title": participant.title, "email": participant.email,
        "role": participant.role, "status": participant.status, "credentials": participant.credentials,
        "listed": participant.listed, "language": participant.language or "en", "source": participant.source,
        "email_confirmed": participant.confirmed,
        "listed_in": participant.listed_in or None,
        "anonymised": participant.anonymised_at is not None,
        "requested_at": participant.requested_at.isoformat(),
    }
