"""Exactly once from the caller's side: a request key claimed inside the transaction of the work it guards.

A client that retries (an API call with an ``Idempotency-Key`` header) or a person who clicks twice
(a staff form's one-time nonce) sends the same key again. The first request claims the key by
inserting a row under a unique (scope, key) constraint, does its work and stores its answer in that
row, all in one transaction. A second request with the key finds the row and gets the first answer
back instead of doing the work again. Two requests at once are decided by the constraint: on
PostgreSQL the second insert waits for the first transaction and then fails, on SQLite writers take
the database one at a time (BEGIN IMMEDIATE); either way the loser reads the winner's answer. A
request that fails rolls its claim back with its work, so a retry runs again.

No Flask here: the web layer (comms/web/idempotency.py) turns headers and form fields into keys.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import JSON, Integer, String, UniqueConstraint, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.db import Base, UTCDateTime, utcnow

__all__ = ["KEEP_FOR", "MAX_KEY", "Claimed", "KeyReused", "Replay", "RequestKey", "claim", "complete",
           "fingerprint", "prune"]

MAX_KEY = 200
# Retries come within minutes and a second click within seconds: a week covers any client's retry
# policy, and then the row has done its job.
KEEP_FOR = dt.timedelta(days=7)


class RequestKey(Base):
    """One key used by one caller (``scope``), with the request it named and the answer it got."""

    __tablename__ = "request_keys"
    __table_args__ = (UniqueConstraint("scope", "key", name="uq_request_keys_scope_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(200))
    key: Mapped[str] = mapped_column(String(MAX_KEY))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status_code: Mapped[int | None] = mapped_column(Integer, nullable=True)
    body: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    location: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class KeyReused(ValueError):
    """The key was used before for a different request (the API answers 422)."""


@dataclass(frozen=True)
class Replay:
    """The key was used before for this request: its first answer."""

    status_code: int
    body: dict | None
    location: str


@dataclass(frozen=True)
class Claimed:
    """The key is new and now held by this transaction: do the work, then :func:`complete`."""

    row: RequestKey


def fingerprint(*parts) -> str:
    """A digest of what a request asked for (method, path, body...), to tell a retry from a new request."""
    text = json.dumps(parts, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _replay(row: RequestKey, digest: str | None) -> Replay:
    if digest is not None and row.fingerprint != digest:
        raise KeyReused("this key was already used for a different request")
    return Replay(row.status_code or 200, row.body, row.location)


def claim(session: Session, scope: str, key: str, digest: str | None) -> Claimed | Replay:
    """Hold ``key`` for this transaction, or the first answer given for it.

    ``digest`` (from :func:`fingerprint`) must match the first request's; None accepts any request
    (a form nonce: a second post goes where the first one went). KeyReused on a mismatch.
    """
    found = session.scalar(select(RequestKey).where(RequestKey.scope == scope, RequestKey.key == key))
    if found is not None:
        return _replay(found, digest)
    row = RequestKey(scope=scope, key=key, fingerprint=digest or "", created_at=utcnow())
    try:
        # A savepoint: losing the race must not undo what the caller's transaction did before.
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        # Another request claimed it first and has committed (the insert waited for it): read its answer.
        winner = session.scalar(select(RequestKey).where(RequestKey.scope == scope, RequestKey.key == key)
                                .execution_options(populate_existing=True))
        if winner is None:  # pragma: no cover - the winner rolled back between our insert and this read
            raise
        return _replay(winner, digest)
    return Claimed(row)


def complete(session: Session, claimed: Claimed, *, status_code: int, body: dict | None = None,
             location: str = "") -> None:
    """Store the answer the claimed key gets from now on; it commits with the work."""
    claimed.row.status_code, claimed.row.body, claimed.row.location = status_code, body, location[:500]
    session.flush()


def prune(session: Session, now: dt.datetime) -> int:
    """Forget keys older than KEEP_FOR (their requests are long settled); returns how many went."""
    return session.execute(delete(RequestKey).where(RequestKey.created_at < now - KEEP_FOR)).rowcount or 0
