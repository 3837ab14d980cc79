"""Users, roles, passwords and API tokens (no Flask).

Passwords are hashed with argon2id. API tokens are random strings shown once;
only their SHA-256 is stored, so a leaked database does not leak usable tokens.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Boolean, ForeignKey, Integer, String, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from comms.platform.errors import DomainError
from contacts.text import single_line_problem, strip_invisible
from storage import audit
from storage.db import Base, UTCDateTime, utcnow

ROLES = ("admin", "officer", "approver", "viewer")
ROLE_LABELS = {
    "admin": "Administrator",
    "officer": "Media officer",
    "approver": "Office holder (approver)",
    "viewer": "Viewer",
}
TOKEN_PREFIX = "prt_"
MIN_PASSWORD_LENGTH = 10
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_hasher = PasswordHasher()
# Verifying against a real hash when the account does not exist keeps the
# response time the same, so timing does not reveal which emails have accounts.
_DUMMY_HASH = _hasher.hash(secrets.token_hex(16))


class AuthError(DomainError):
    """A user or token operation was refused; the message is safe to show."""


class User(Base):
    """A staff account: media officer, office holder, admin or viewer."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)
    title: Mapped[str] = mapped_column(String(200), default="")
    organisation: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(50), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Part of every session cookie's user id: raising it ends all of the user's sessions at once
    # (sign-out, a new password, deactivation; docs/design/security.md item 34).
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    tokens: Mapped[list["ApiToken"]] = relationship(back_populates="user", cascade="all, delete-orphan")

    def has_role(self, *roles: str) -> bool:
        """True if the user is active and holds one of ``roles`` (admins hold all)."""
        return self.active and (self.role == "admin" or self.role in roles)

    @property
    def display_name(self) -> str:
        """The name, or the email when no name was given."""
        return self.name or self.email

    def to_dict(self) -> dict:
        """The public fields of docs/design/contract.md's user object."""
        return {"id": self.id, "email": self.email, "name": self.name, "role": self.role}


class ApiToken(Base):
    """A revocable Bearer token for the JSON API."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hint: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    user: Mapped[User] = relationship(back_populates="tokens")

    @property
    def active(self) -> bool:
        """True until the token is revoked."""
        return self.revoked_at is None


def normalise_email(email: str) -> str:
    """Lower-case and trim an address; reject what is plainly not an address."""
    email = (email or "").strip()
    if not _EMAIL_RE.match(email) or len(email) > 320:
        raise AuthError(f"not a valid email address: {email!r}")
    local, _, domain = email.rpartition("@")
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise AuthError(f"not a valid email domain: {domain!r}") from exc
    return f"{local}@{domain}".lower()


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return _hasher.hash(password)


def check_password_strength(password: str) -> None:
    """Refuse passwords too short to be safe."""
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AuthError(f"passwords need at least {MIN_PASSWORD_LENGTH} characters")


def clean_name(name: str) -> str:
    """A person's name as stored: invisible formatting removed (contacts.text), one line, no controls."""
    name = strip_invisible(name or "").strip()
    if single_line_problem(name):
        raise AuthError(f"the name {single_line_problem(name)}")
    if len(name) > 200:
        raise AuthError("names have at most 200 characters")
    return name


def _check_one_line(**values) -> None:
    """A name goes into email headers (an approver's To:): refuse line breaks and control characters."""
    for key in ("name", "title", "organisation", "phone"):
        problem = single_line_problem(str(values.get(key) or ""))
        if problem:
            raise AuthError(f"the {key} {problem}")


def create_user(
    session: Session,
    email: str,
    role: str,
    *,
    name: str = "",
    password: str | None = None,
    actor: User | None = None,
    ip: str | None = None,
    **profile: str,
) -> User:
    """Create a user; refuses unknown roles, weak passwords, taken emails and multi-line names."""
    _check_one_line(name=name, **profile)
    if role not in ROLES:
        raise AuthError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    email = normalise_email(email)
    if session.scalar(select(User.id).where(User.email == email)) is not None:
        raise AuthError(f"a user with email {email} already exists")
    if password is not None:
        check_password_strength(password)
    user = User(
        email=email,
        name=clean_name(name),
        role=role,
        password_hash=hash_password(password) if password else None,
        **{k: v for k, v in profile.items() if k in ("title", "organisation", "phone")},
    )
    session.add(user)
    session.flush()
    audit.record(
        session, "user.create", actor_id=actor.id if actor else None,
        actor_label=actor.email if actor else "system", object_type="user",
        object_id=user.id, ip=ip, details={"role": role},
    )
    return user


def find_user(session: Session, email: str) -> User | None:
    """The user with this email (any case), or None."""
    try:
        email = normalise_email(email)
    except AuthError:
        return None
    return session.scalar(select(User).where(User.email == email))


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user whose password matches, else None (in constant-ish time)."""
    user = find_user(session, email)
    stored = user.password_hash if user and user.active and user.password_hash else _DUMMY_HASH
    try:
        _hasher.verify(stored, password or "")
    except (VerificationError, InvalidHashError):
        return None
    if stored is _DUMMY_HASH or user is None:
        return None
    if _hasher.check_needs_rehash(stored):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def end_sessions(user: User) -> None:
    """End every signed-in session of ``user`` (their cookies stop working on the next request)."""
    user.session_generation = (user.session_generation or 0) + 1


def set_password(session: Session, user: User, password: str, *, actor: User | None = None) -> None:
    """Replace a user's password after checking its strength; their sessions end."""
    check_password_strength(password)
    user.password_hash = hash_password(password)
    end_sessions(user)
    audit.record(session, "user.password", actor_id=actor.id if actor else user.id,
                 actor_label=(actor or user).email, object_type="user", object_id=user.id)


def update_user(session: Session, user: User, *, actor: User, ip: str | None = None, **changes) -> User:
    """Change a user's name, role, profile or active flag, with an audit line; deactivation ends their sessions."""
    _check_one_line(**changes)
    if "role" in changes and changes["role"] not in ROLES:
        raise AuthError(f"unknown role {changes['role']!r}")
    if actor.id == user.id and (changes.get("role", user.role) != "admin" or changes.get("active") is False):
        raise AuthError("you cannot remove your own admin rights or deactivate yourself")
    if "name" in changes:
        changes["name"] = clean_name(changes["name"])
    if "email" in changes:
        changes["email"] = normalise_email(changes["email"])
        taken = session.scalar(select(User.id).where(User.email == changes["email"], User.id != user.id))
        if taken is not None:
            raise AuthError(f"a user with email {changes['email']} already exists")
    allowed = ("name", "email", "role", "title", "organisation", "phone", "active")
    applied = {k: v for k, v in changes.items() if k in allowed and getattr(user, k) != v}
    for key, value in applied.items():
        setattr(user, key, value)
    if applied.get("active") is False:
        end_sessions(user)  # so switching the account back on does not revive old cookies
    if applied:
        audit.record(session, "user.update", actor_id=actor.id, actor_label=actor.email,
                     object_type="user", object_id=user.id, ip=ip,
                     details={k: (v if k in ("role", "active") else "changed") for k, v in applied.items()})
    return user


def list_users(session: Session, role: str | None = None) -> list[User]:
    """Users ordered by name, optionally only those with ``role``."""
    query = select(User).order_by(func.lower(User.name), User.email)
    if role:
        if role not in ROLES:
            raise AuthError(f"unknown role {role!r}")
        query = query.where(User.role == role)
    return list(session.scalars(query))


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(session: Session, user: User, name: str = "", *, ip: str | None = None) -> tuple[ApiToken, str]:
    """Create an API token; returns the record and the secret (shown only now)."""
    if not user.active:
        raise AuthError("inactive users cannot have API tokens")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user=user, name=name.strip()[:100], token_hash=_token_digest(secret),
                     hint=secret[: len(TOKEN_PREFIX) + 4])
    session.add(token)
    session.flush()
    audit.record(session, "token.create", actor_id=user.id, actor_label=user.email,
                 object_type="api_token", object_id=token.id, ip=ip)
    return token, secret


def user_for_token(session: Session, secret: str) -> User | None:
    """The active user owning this unrevoked token, or None."""
    if not secret or not secret.startswith(TOKEN_PREFIX):
        return None
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_digest(secret)))
    if token is None or not token.active or not token.user.active:
        return None
    now = utcnow()
    # Writing last_used_at on every call would make each API read a write;
    # once a minute is enough to show which tokens are in use.
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        token.last_used_at = now
    return token.user


def all_tokens(session: Session) -> list[ApiToken]:
    """Every API token of every user, unrevoked first, newest first (what an admin reviews)."""
    return list(session.scalars(select(ApiToken).order_by(ApiToken.revoked_at.is_not(None),
                                                          ApiToken.created_at.desc(), ApiToken.id.desc())))


def revoke_token(session: Session, token: ApiToken, *, actor: User, ip: str | None = None) -> None:
    """Revoke a token; its owner or an admin may do this."""
    if token.user_id != actor.id and actor.role != "admin":
        raise AuthError("only the token's owner or an admin can revoke it")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        audit.record(session, "token.revoke", actor_id=actor.id, actor_label=actor.email,
                     object_type="api_token", object_id=token.id, ip=ip)
