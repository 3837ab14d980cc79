"""Meetings, their office holders and side events (no Flask).

Times are stored in UTC; a meeting's own time zone turns them into local times
at the edges (forms, pages, the calendar). ``sequence`` counts changes, so
calendar clients (ICS SEQUENCE) replace what they showed before.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from comms.platform.errors import DomainError
from comms.accounts.users import User
from comms.meetings.languages import unknown_languages
from contacts.text import single_line_problem
from storage import audit
from storage.db import Base, UTCDateTime, utcnow

# Days a side event may lie before a meeting's first day or after its last (receptions the evening
# before, a briefing the day after); the web and API pass the configured margin.
SIDE_EVENT_MARGIN_DAYS = 2
MEETING_KINDS = ("msp", "review_conference", "intersessional", "side_event", "other")
OFFICE_ROLES = ("president", "co_chair")


class MeetingError(DomainError):
    """A meeting could not be created or changed; the message says why."""


class Meeting(Base):
    """A Meeting of the States Parties, Review Conference or intersessional meeting."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(30))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    venue: Mapped[str] = mapped_column(String(300), default="")
    languages: Mapped[list] = mapped_column(JSON, default=lambda: ["en", "fr", "es"])
    description: Mapped[str] = mapped_column(Text, default="")
    # Official documents' symbols start with it (APLC/MSP.22/2026); '' for meetings without symbols.
    symbol_prefix: Mapped[str] = mapped_column(String(100), default="", server_default="")
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    office_holders: Mapped[list["OfficeHolder"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="OfficeHolder.id"
    )
    side_events: Mapped[list["SideEvent"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="SideEvent.starts_at"
    )

    @property
    def zone(self) -> ZoneInfo:
        """The meeting's time zone."""
        return ZoneInfo(self.timezone)

    def president(self) -> User | None:
        """The meeting's President, if one is named."""
        return next((h.user for h in self.office_holders if h.role == "president"), None)

    def approvers(self) -> list[User]:
        """Office holders who can approve: the President first, then Co-Chairs."""
        ordered = sorted(self.office_holders, key=lambda h: (h.role != "president", h.id))
        return [h.user for h in ordered if h.user.active]

    def local(self, moment: dt.datetime) -> dt.datetime:
        """A stored UTC time in the meeting's zone."""
        return moment.astimezone(self.zone)


class SideEvent(Base):
    """An event beside a meeting, run by a delegation, organisation or the ISU."""

    __tablename__ = "side_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    organiser: Mapped[str] = mapped_column(String(300), default="")
    room: Mapped[str] = mapped_column(String(120), default="")
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    description: Mapped[str] = mapped_column(Text, default="")
    public: Mapped[bool] = mapped_column(Boolean, default=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship(back_populates="side_events")


class OfficeHolder(Base):
    """A user holding an office (President, Co-Chair) for one meeting."""

    __tablename__ = "office_holders"
    __table_args__ = (UniqueConstraint("meeting_id", "user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))

    meeting: Mapped[Meeting] = relationship(back_populates="office_holders")
    user: Mapped[User] = relationship()


def validate_timezone(name: str) -> str:
    """Return ``name`` if it is an IANA time zone, else raise MeetingError."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise MeetingError(f"unknown time zone {name!r}") from exc
    return name


def check_languages(languages: list[str] | None) -> None:
    """Refuse language codes that are not ISO 639-1 (the translations and document files follow them)."""
    unknown = unknown_languages(list(languages or []))
    if unknown:
        raise MeetingError(f"{unknown[0][:20]} is not an ISO 639-1 language code (such as en, fr, es)",
                           fields={"languages": f"{unknown[0][:20]} is not an ISO 639-1 language code"})


def _check_one_line(values: dict) -> None:
    """The title goes into email subjects (a sign-off request): no line breaks or control characters."""
    for key in ("title", "venue"):
        problem = single_line_problem(str(values.get(key) or ""))
        if problem:
            raise MeetingError(f"the {key} {problem}")


def create_meeting(
    session: Session,
    *,
    title: str,
    kind: str,
    starts_on: dt.date,
    ends_on: dt.date,
    timezone: str = "UTC",
    venue: str = "",
    languages: list[str] | None = None,
    description: str = "",
    symbol_prefix: str = "",
    actor: User | None = None,
) -> Meeting:
    """Create a meeting after checking its kind, dates and zone."""
    if kind not in MEETING_KINDS:
        raise MeetingError(f"unknown meeting kind {kind!r}")
    if not title.strip():
        raise MeetingError("a meeting needs a title")
    _check_one_line({"title": title, "venue": venue})
    check_languages(languages)
    if ends_on < starts_on:
        raise MeetingError("a meeting cannot end before it starts")
    meeting = Meeting(
        title=title.strip(), kind=kind, starts_on=starts_on, ends_on=ends_on,
        timezone=validate_timezone(timezone), venue=venue, languages=languages or ["en", "fr", "es"],
        description=description, symbol_prefix=symbol_prefix.strip(),
    )
    session.add(meeting)
    session.flush()
    audit.record(session, "meeting.create", actor_id=actor.id if actor else None,
                 actor_label=actor.email if actor else "system", object_type="meeting", object_id=meeting.id)
    return meeting


def add_office_holder(session: Session, meeting: Meeting, user: User, role: str) -> OfficeHolder:
    """Name ``user`` to an office of ``meeting``; idempotent."""
    if role not in OFFICE_ROLES:
        raise MeetingError(f"unknown office {role!r}")
    for holder in meeting.office_holders:
        if holder.user_id == user.id and holder.role == role:
            return holder
    holder = OfficeHolder(meeting=meeting, user=user, role=role)
    session.add(holder)
    session.flush()
    return holder


def upcoming_meetings(session: Session, today: dt.date, limit: int = 5) -> list[Meeting]:
    """Meetings that have not ended yet, soonest first."""
    query = select(Meeting).where(Meeting.ends_on >= today).order_by(Meeting.starts_on).limit(limit)
    return list(session.scalars(query))


def find_meeting_by_title(session: Session, title: str) -> Meeting | None:
    """The meeting with exactly this title, or None."""
    return session.scalar(select(Meeting).where(Meeting.title == title))


MEETING_FIELDS = ("title", "kind", "starts_on", "ends_on", "timezone", "venue", "languages", "description", "symbol_prefix")


def update_meeting(session: Session, meeting: Meeting, changes: dict, actor: User | None = None) -> list[str]:
    """Change a meeting's fields; bumps its calendar sequence when anything changed."""
    values = {k: v for k, v in changes.items() if k in MEETING_FIELDS and v is not None}
    if "kind" in values and values["kind"] not in MEETING_KINDS:
        raise MeetingError(f"unknown meeting kind {values['kind']!r}")
    if "timezone" in values:
        validate_timezone(values["timezone"])
    if "title" in values and not str(values["title"]).strip():
        raise MeetingError("a meeting needs a title")
    _check_one_line(values)
    if "languages" in values:
        check_languages(values["languages"])
    starts, ends = values.get("starts_on", meeting.starts_on), values.get("ends_on", meeting.ends_on)
    if ends < starts:
        raise MeetingError("a meeting cannot end before it starts")
    changed = [k for k, v in values.items() if getattr(meeting, k) != v]
    for key in changed:
        setattr(meeting, key, values[key])
    if changed:
        meeting.sequence += 1
        meeting.updated_at = utcnow()
        audit.record(session, "meeting.update", actor_id=actor.id if actor else None,
                     actor_label=actor.email if actor else "system", object_type="meeting", object_id=meeting.id,
                     details={"fields": changed})
    return changed


def set_office_holders(session: Session, meeting: Meeting, holders: list[tuple[User, str]]) -> None:
    """Replace the meeting's office holders with ``(user, role)`` pairs."""
    for user, role in holders:
        if role not in OFFICE_ROLES:
            raise MeetingError(f"unknown office {role!r}")
    # Keep the rows of people who stay in office: a new row for the same (user, role) would be
    # inserted before the old one is deleted and break the unique constraint.
    kept = {(h.user_id, h.role): h for h in meeting.office_holders}
    meeting.office_holders = [kept.pop((user.id, role), None) or OfficeHolder(user=user, user_id=user.id, role=role)
                              for user, role in holders]
    session.flush()


def meeting_to_dict(meeting: Meeting) -> dict:
    """docs/design/contract.md's meeting object (dates as date objects; the API schema writes them)."""
    return {
        "id": meeting.id, "title": meeting.title, "kind": meeting.kind,
        "starts_on": meeting.starts_on, "ends_on": meeting.ends_on,
        "timezone": meeting.timezone, "venue": meeting.venue, "languages": meeting.languages,
        "description": meeting.description, "symbol_prefix": meeting.symbol_prefix or "",
        "office_holders": [{"user_id": h.user_id, "role": h.role, "name": h.user.display_name}
                           for h in meeting.office_holders],
    }


def all_meetings(session: Session) -> list[Meeting]:
    """Every meeting, newest first."""
    return list(session.scalars(select(Meeting).order_by(Meeting.starts_on.desc())))


def _check_side_event(meeting: Meeting, starts_at: dt.datetime, ends_at: dt.datetime, title: str,
                      margin_days: int) -> None:
    if not title.strip():
        raise MeetingError("a side event needs a title")
    if starts_at.tzinfo is None or ends_at.tzinfo is None:
        raise MeetingError("side event times need a zone")
    if ends_at <= starts_at:
        raise MeetingError("a side event must end after it starts")
    # The meeting's dates are its own days: compare in its zone, not in UTC.
    margin = dt.timedelta(days=margin_days)
    first, last = meeting.starts_on - margin, meeting.ends_on + margin
    if starts_at.astimezone(meeting.zone).date() < first or ends_at.astimezone(meeting.zone).date() > last:
        around = f" (or up to {margin_days} day{'s' if margin_days != 1 else ''} around them)" if margin_days else ""
        raise MeetingError(f"a side event must fall within the meeting's dates, {meeting.starts_on.isoformat()} "
                           f"to {meeting.ends_on.isoformat()}{around}",
                           fields={"starts_at": f"between {first.isoformat()} and {last.isoformat()}"})


def add_side_event(session: Session, meeting: Meeting, *, title: str, starts_at: dt.datetime, ends_at: dt.datetime,
                   organiser: str = "", room: str = "", description: str = "", public: bool = True,
                   margin_days: int = SIDE_EVENT_MARGIN_DAYS) -> SideEvent:
    """Add a side event within ``margin_days`` of the meeting's dates; times are aware datetimes."""
    _check_side_event(meeting, starts_at, ends_at, title, margin_days)
    event = SideEvent(meeting=meeting, title=title.strip(), starts_at=starts_at, ends_at=ends_at,
                      organiser=organiser.strip(), room=room.strip(), description=description, public=public)
    session.add(event)
    session.flush()
    return event


def update_side_event(session: Session, event: SideEvent, changes: dict,
                      margin_days: int = SIDE_EVENT_MARGIN_DAYS) -> list[str]:
    """Change a side event (kept within ``margin_days`` of the meeting's dates); bumps its calendar sequence."""
    allowed = ("title", "organiser", "room", "starts_at", "ends_at", "description", "public")
    values = {k: v for k, v in changes.items() if k in allowed and v is not None}
    _check_side_event(event.meeting, values.get("starts_at", event.starts_at), values.get("ends_at", event.ends_at),
                      values.get("title", event.title), margin_days)
    changed = [k for k, v in values.items() if getattr(event, k) != v]
    for key in changed:
        setattr(event, key, values[key])
    if changed:
        event.sequence += 1
        event.updated_at = utcnow()
    return changed


def local_datetime(meeting: Meeting, value: str) -> dt.datetime:
    """Parse a form's local "YYYY-MM-DDTHH:MM" in the meeting's zone (aware)."""
    try:
        naive = dt.datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise MeetingError(f"not a date and time: {value!r}") from None
    if naive.tzinfo is not None:
        return naive
    return naive.replace(tzinfo=meeting.zone)
