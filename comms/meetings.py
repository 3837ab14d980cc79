"""Meetings and their office holders (no Flask).

The foundation keeps what the demo world and the approvals need: a meeting, its
dates in its own time zone, and the office holders who sign off on messaging.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import JSON, Date, ForeignKey, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from comms.auth import User
from storage import audit
from storage.db import Base, UTCDateTime, utcnow

MEETING_KINDS = ("msp", "review_conference", "intersessional", "side_event", "other")
OFFICE_ROLES = ("president", "co_chair")


class MeetingError(ValueError):
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
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    office_holders: Mapped[list["OfficeHolder"]] = relationship(
        back_populates="meeting", cascade="all, delete-orphan", order_by="OfficeHolder.id"
    )

    @property
    def zone(self) -> ZoneInfo:
        """The meeting's time zone."""
        return ZoneInfo(self.timezone)

    def president(self) -> User | None:
        """The meeting's President, if one is named."""
        return next((h.user for h in self.office_holders if h.role == "president"), None)


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
    actor: User | None = None,
) -> Meeting:
    """Create a meeting after checking its kind, dates and zone."""
    if kind not in MEETING_KINDS:
        raise MeetingError(f"unknown meeting kind {kind!r}")
    if not title.strip():
        raise MeetingError("a meeting needs a title")
    if ends_on < starts_on:
        raise MeetingError("a meeting cannot end before it starts")
    meeting = Meeting(
        title=title.strip(), kind=kind, starts_on=starts_on, ends_on=ends_on,
        timezone=validate_timezone(timezone), venue=venue, languages=languages or ["en", "fr", "es"],
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
