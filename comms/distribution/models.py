"""The distribution ledger's tables, no Flask.

One ledger for everything Pressroom mails to many people: a ``Send`` is one run of it
and its ``Delivery`` rows say, per contact, whether the message went. A send is either
a release's (``release_id``: one row per release and contact, whatever the send) or a
dispatch's to delegations (``dispatch_id``: a ``Dispatch`` has exactly one send, so one
row per dispatch and contact). The claiming, sending, recovery and reporting code never
asks which (comms.distribution.service, recovery); only composing the message does.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from comms.platform.errors import DomainError
from storage.db import Base, UTCDateTime, utcnow

MAX_ATTEMPTS = 5
# A live worker renews its claims every few seconds (comms/distribution/recovery.py), so the
# lease only needs to outlast a missed beat or two; a killed worker's rows come back
# this long after its last beat.
CLAIM_LEASE = dt.timedelta(seconds=60)


class SendError(DomainError):
    """A send was refused; ``status`` maps it to HTTP."""


class Dispatch(Base):
    """A message to delegations about a meeting: subject, Markdown body, register documents
    (linked when public, else attached), and the audience it was planned for."""

    __tablename__ = "dispatches"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(250))
    body_markdown: Mapped[str] = mapped_column(Text, default="")
    document_ids: Mapped[list] = mapped_column(JSON, default=list)
    # "all", "states_parties", "observers" or a list of delegation ids.
    delegations: Mapped[list | str | None] = mapped_column(JSON, nullable=True)
    list_ids: Mapped[list] = mapped_column(JSON, default=list)
    # The day whose treaty status chose the States Parties (comms.distribution.dispatches).
    as_of: Mapped[dt.date] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(200), default="system")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Send(Base):
    """One run of the ledger: a release to some lists and segments, or a dispatch to its recipients."""

    __tablename__ = "sends"

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int | None] = mapped_column(ForeignKey("releases.id", ondelete="CASCADE"), index=True,
                                                   nullable=True)
    dispatch_id: Mapped[int | None] = mapped_column(ForeignKey("dispatches.id", ondelete="CASCADE"), index=True,
                                                    nullable=True)
    list_ids: Mapped[list] = mapped_column(JSON, default=list)
    segment_ids: Mapped[list] = mapped_column(JSON, default=list)
    # The matching self-subscribers were added (comms.distribution.subscribers).
    subscribers: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    status: Mapped[str] = mapped_column(String(20), default="queued")  # queued|running|done|failed
    embargoed: Mapped[bool] = mapped_column(Boolean, default=False)
    total: Mapped[int] = mapped_column(Integer, default=0)
    skipped_suppressed: Mapped[int] = mapped_column(Integer, default=0)
    skipped_already: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(200), default="system")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Delivery(Base):
    """The ledger: a release (or a send) to a contact, at most once."""

    __tablename__ = "deliveries"
    # A release reaches a contact once over all its sends; any send (a dispatch's one) once per contact.
    __table_args__ = (UniqueConstraint("release_id", "contact_id"), UniqueConstraint("send_id", "contact_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int | None] = mapped_column(ForeignKey("releases.id", ondelete="CASCADE"), index=True,
                                                   nullable=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    send_id: Mapped[int] = mapped_column(ForeignKey("sends.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)  # pending|sending|sent|failed
    message_id: Mapped[str] = mapped_column(String(250))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    claimed_by: Mapped[str | None] = mapped_column(String(120), nullable=True)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
