"""Random secrets that must outlive SECRET_KEY rotation, kept in the database.

The suppression list's salt is one: if it changed, hashed addresses would stop
matching and erased people could be re-imported. Each secret is created once,
on first use, by whichever process gets there first.
"""

from __future__ import annotations

import secrets as random_secrets

from sqlalchemy import String, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from storage.db import Base


class StoredSecret(Base):
    """A named random value."""

    __tablename__ = "stored_secrets"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))


def stored_secret(session: Session, name: str) -> str:
    """The secret called ``name``, created (race-safely) if it does not exist."""
    value = session.scalar(select(StoredSecret.value).where(StoredSecret.name == name))
    if value is not None:
        return value
    candidate = random_secrets.token_hex(32)
    try:
        with session.begin_nested():
            session.add(StoredSecret(name=name, value=candidate))
    except IntegrityError:
        # Another process created it between our read and our insert.
        return session.scalar(select(StoredSecret.value).where(StoredSecret.name == name))
    return candidate
