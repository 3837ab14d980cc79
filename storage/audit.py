"""The audit log: who did what to which object, when, and from where.

Every package writes here through :func:`record`, inside the same transaction as
the change it describes, so a change and its audit line land or fail together.
Details must never carry personal data such as contacts' email addresses
(docs/design/security.md item 29): callers pass identifiers, not addresses.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import JSON, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.db import Base, UTCDateTime, utcnow


@dataclass(frozen=True)
class Actor:
    """Who is acting, as the packages below comms see it (they know no User model)."""

    id: int | None = None
    label: str = "system"
    ip: str | None = None
    is_admin: bool = False

    def record(self, session: Session, action: str, *, object_type: str = "", object_id: object = "",
               details: dict | None = None) -> "AuditEvent":
        """Write an audit event with this actor as its author."""
        return record(session, action, actor_id=self.id, actor_label=self.label, object_type=object_type,
                      object_id=object_id, ip=self.ip, details=details)


SYSTEM = Actor()


class AuditEvent(Base):
    """One audited action."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # No foreign key: the log is a record of the past, which a deleted account
    # must not rewrite, and storage knows nothing of the users table above it.
    actor_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    actor_label: Mapped[str] = mapped_column(String(200), default="system")
    action: Mapped[str] = mapped_column(String(80), index=True)
    object_type: Mapped[str] = mapped_column(String(60), default="")
    object_id: Mapped[str] = mapped_column(String(80), default="")
    ip: Mapped[str | None] = mapped_column(String(64), nullable=True)
    details: Mapped[dict] = mapped_column(JSON, default=dict)


def record(
    session: Session,
    action: str,
    *,
    actor_id: int | None = None,
    actor_label: str = "system",
    object_type: str = "",
    object_id: object = "",
    ip: str | None = None,
    details: dict | None = None,
) -> AuditEvent:
    """Add an audit event to the session's current transaction and return it."""
    event = AuditEvent(
        action=action,
        actor_id=actor_id,
        actor_label=actor_label,
        object_type=object_type,
        object_id=str(object_id) if object_id not in (None, "") else "",
        ip=ip,
        details=details or {},
        at=utcnow(),
    )
    session.add(event)
    return event


def recent(
    session: Session,
    *,
    limit: int = 50,
    offset: int = 0,
    object_type: str | None = None,
    object_id: object | None = None,
    action: str | None = None,
    actions: tuple[str, ...] | None = None,
    actor: str | None = None,
    since: dt.datetime | None = None,
    before: dt.datetime | None = None,
) -> list[AuditEvent]:
    """The newest audit events first, filtered by object, action (or any of ``actions``), actor and time.

    ``actor`` is an actor's label as recorded (an email, or "system"); ``since`` is inclusive and
    ``before`` exclusive, so a day's range is [that midnight, the next midnight)."""
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if actions is not None:
        query = query.where(AuditEvent.action.in_(actions))
    if actor:
        query = query.where(AuditEvent.actor_label == actor)
    if since is not None:
        query = query.where(AuditEvent.at >= since)
    if before is not None:
        query = query.where(AuditEvent.at < before)
    if object_type:
        query = query.where(AuditEvent.object_type == object_type)
    if object_id not in (None, ""):
        query = query.where(AuditEvent.object_id == str(object_id))
    if action:
        query = query.where(AuditEvent.action == action)
    return list(session.scalars(query.limit(limit).offset(offset)))


def known_actions(session: Session) -> list[str]:
    """Every action the log holds, sorted: the choices of the audit log's action filter."""
    return list(session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


def known_actors(session: Session) -> list[str]:
    """Every actor label the log holds, sorted: the choices of the audit log's actor filter."""
    return list(session.scalars(select(AuditEvent.actor_label).distinct().order_by(AuditEvent.actor_label)))
