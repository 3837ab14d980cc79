"""Tables of the agenda, the programme's versions and the bilateral meetings."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from comms.accounts.users import User
from comms.meetings.service import Meeting
from contacts.models import Delegation
from storage.db import Base, UTCDateTime, utcnow

TRACKS = ("plenary", "victim_assistance", "side_event", "other")
STATUSES = ("draft", "in_review", "approved", "published")
BILATERAL_STATUSES = ("requested", "proposed", "confirmed", "cancelled")
# A bilateral holds its office holder and its room once a slot is proposed.
BUSY = ("proposed", "confirmed")


class AgendaItem(Base):
    """One numbered item of a meeting's agenda (``11(a)`` is a sub-item of ``11``)."""

    __tablename__ = "agenda_items"
    __table_args__ = (UniqueConstraint("meeting_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    number: Mapped[str] = mapped_column(String(20))
    titles: Mapped[dict] = mapped_column(JSON, default=dict)
    documents: Mapped[list] = mapped_column(JSON, default=list)

    def title(self, language: str) -> str:
        """The title in ``language``, else English, else any."""
        return self.titles.get(language) or self.titles.get("en") or next(iter(self.titles.values()), "")


class Programme(Base):
    """A meeting's programme: its version counter, sign-off and what was last published."""

    __tablename__ = "programmes"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    next_session_id: Mapped[int] = mapped_column(Integer, default=1)
    approved_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    approved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    published_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Session id (as text) -> ICS SEQUENCE; raised on each publication that changed the session.
    sequences: Mapped[dict] = mapped_column(JSON, default=dict)
    # Sessions dropped by a publication, kept so calendars receive STATUS:CANCELLED for them.
    cancelled: Mapped[list] = mapped_column(JSON, default=list)
    # The changes the last publication made (for the dispatch to delegations).
    last_changes: Mapped[list] = mapped_column(JSON, default=list)

    meeting: Mapped[Meeting] = relationship()
    approved_by: Mapped[User | None] = relationship()
    versions: Mapped[list["ProgrammeVersion"]] = relationship(cascade="all, delete-orphan",
                                                              order_by="ProgrammeVersion.version")

    @property
    def current(self) -> "ProgrammeVersion | None":
        """The newest version."""
        return self.versions[-1] if self.versions else None

    def content_of(self, version: int | None) -> dict | None:
        """The content of one version, or None."""
        return next((v.content for v in self.versions if v.version == version), None)


class ProgrammeVersion(Base):
    """The sessions of a programme at one version."""

    __tablename__ = "programme_versions"
    __table_args__ = (UniqueConstraint("programme_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(200), default="system")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Availability(Base):
    """A window in which an office holder can meet delegations."""

    __tablename__ = "office_holder_availability"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    office_holder_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)

    office_holder: Mapped[User] = relationship()


class Bilateral(Base):
    """A bilateral meeting between an office holder and a delegation."""

    __tablename__ = "bilaterals"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    delegation_id: Mapped[int] = mapped_column(ForeignKey("delegations.id", ondelete="CASCADE"), index=True)
    office_holder_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    topic: Mapped[str] = mapped_column(String(300))
    attendees: Mapped[list] = mapped_column(JSON, default=list)
    starts_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ends_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    room: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[str] = mapped_column(String(20), default="requested")
    # The invitation's UID never changes: updates and the cancellation reuse it.
    uid: Mapped[str] = mapped_column(String(120), unique=True)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(200), default="system")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    meeting: Mapped[Meeting] = relationship()
    office_holder: Mapped[User] = relationship()
    delegation: Mapped[Delegation] = relationship()
