"""Invitation and password-reset links (no Flask).

An admin never types someone's password: they send an invitation (a new
account sets its first password) or a reset link. A link is a random secret
that is emailed once; only its SHA-256 is stored, so a copy of the database
opens no account. A link expires, works once, and issuing a new one for the
same person revokes the older ones, so only the latest email works.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from comms.accounts.users import AuthError, User, set_password
from storage import audit
from storage.db import Base, UTCDateTime, utcnow

PURPOSES = ("invite", "reset")
# An invitation may sit in an inbox over a weekend; a reset is asked for by someone waiting for it.
LIFETIMES = {"invite": dt.timedelta(days=3), "reset": dt.timedelta(hours=2)}
PURPOSE_LABELS = {"invite": "Invitation", "reset": "Password reset"}


class LinkError(AuthError):
    """A set-your-password link cannot be used; ``reason`` is 'unknown', 'used', 'expired' or 'revoked'."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


class PasswordLink(Base):
    """One emailed set-your-password link: an invitation or a reset."""

    __tablename__ = "password_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(10))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Who asked: an admin's id, or None when the person asked for a reset themselves.
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    def outstanding(self, now: dt.datetime | None = None) -> bool:
        """True while the link could still be used."""
        return self.used_at is None and self.revoked_at is None and (now or utcnow()) < self.expires_at


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def issue_link(session: Session, user: User, purpose: str, *, actor: User | None = None,
               ip: str | None = None) -> tuple[PasswordLink, str]:
    """Make a new link for ``user``; returns the record and the secret (for the email only).

    Older outstanding links of the same person are revoked: the newest email is the one that works."""
    if purpose not in PURPOSES:
        raise AuthError(f"unknown link purpose {purpose!r}")
    if not user.active:
        raise AuthError(f"{user.display_name}'s account is switched off; switch it on before sending a link")
    now = utcnow()
    for older in session.scalars(select(PasswordLink).where(PasswordLink.user_id == user.id,
                                                            PasswordLink.used_at.is_(None),
                                                            PasswordLink.revoked_at.is_(None))):
        older.revoked_at = now
    secret = secrets.token_urlsafe(32)
    link = PasswordLink(user_id=user.id, purpose=purpose, token_hash=_digest(secret), created_at=now,
                        expires_at=now + LIFETIMES[purpose], created_by_id=actor.id if actor else None)
    session.add(link)
    session.flush()
    audit.record(session, f"link.{purpose}", actor_id=actor.id if actor else None,
                 actor_label=actor.email if actor else user.email, object_type="user", object_id=user.id, ip=ip)
    return link, secret


def find_link(session: Session, secret: str) -> PasswordLink:
    """The usable link for ``secret``; raises LinkError saying why it cannot be used."""
    link = session.scalar(select(PasswordLink).where(PasswordLink.token_hash == _digest(secret or "")))
    if link is None:
        raise LinkError("unknown", "This link is not valid. Ask the press office's administrator for a new one.")
    if link.used_at is not None:
        raise LinkError("used", "This link has already been used to set a password. Sign in with that password, "
                                "or ask for a new link if you have forgotten it.")
    if link.revoked_at is not None:
        raise LinkError("revoked", "This link was replaced by a newer one or withdrawn. Use the latest email, "
                                   "or ask for a new link.")
    if utcnow() >= link.expires_at or not link.user.active:
        raise LinkError("expired", "This link has expired. Ask for a new one.")
    return link


def use_link(session: Session, secret: str, password: str, *, ip: str | None = None) -> User:
    """Set the link's user's password and spend the link (once; every session of the user ends)."""
    link = find_link(session, secret)
    set_password(session, link.user, password)
    link.used_at = utcnow()
    audit.record(session, f"link.{link.purpose}.used", actor_id=link.user_id, actor_label=link.user.email,
                 object_type="user", object_id=link.user_id, ip=ip)
    return link.user


def outstanding_links(session: Session) -> list[PasswordLink]:
    """Every link that could still be used, newest first."""
    now = utcnow()
    rows = session.scalars(select(PasswordLink).where(PasswordLink.used_at.is_(None),
                                                      PasswordLink.revoked_at.is_(None),
                                                      PasswordLink.expires_at > now)
                           .order_by(PasswordLink.created_at.desc(), PasswordLink.id.desc()))
    return list(rows)


def revoke_link(session: Session, link: PasswordLink, *, actor: User, ip: str | None = None) -> None:
    """Withdraw a link (admins only); a revoked link opens nothing."""
    if actor.role != "admin":
        raise AuthError("only admins can revoke invitation and reset links")
    if link.revoked_at is None and link.used_at is None:
        link.revoked_at = utcnow()
        audit.record(session, "link.revoke", actor_id=actor.id, actor_label=actor.email,
                     object_type="user", object_id=link.user_id, ip=ip, details={"purpose": link.purpose})
