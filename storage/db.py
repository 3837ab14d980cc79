"""Engine and session handling for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

# A naming convention gives every constraint a predictable name, so Alembic
# migrations can drop or alter them on both SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# Execution option marking sessions that mostly read (see Database.session).
READ_MOSTLY = "pressroom_read_mostly"


class Base(DeclarativeBase):
    """The one declarative base; each package defines its own models on it."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> dt.datetime:
    """Return the current time as an aware UTC datetime."""
    return dt.datetime.now(dt.timezone.utc)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC that always comes back timezone-aware.

    Naive datetimes are refused on the way in: a time without a zone is a bug
    waiting to happen (docs/design/security.md item 28), so it fails loudly instead.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime refused: {value!r}")
        value = value.astimezone(dt.timezone.utc)
        if dialect.name == "sqlite":
            # SQLite has no zone support; store naive UTC and re-attach on load.
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)


def escape_like(text: str) -> str:
    """``text`` with LIKE's wildcards escaped (use with ``escape="\\"``), so a user's ``%`` or ``_``
    matches itself rather than anything."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def default_sqlite_url(instance_path: str | Path) -> str:
    """The embedded default database: a file under the instance folder."""
    return f"sqlite:///{Path(instance_path).resolve() / 'pressroom.db'}"


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        # Let SQLAlchemy issue BEGIN itself so transactions behave as on PostgreSQL.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # IMMEDIATE takes the write lock up front: two writers then queue on
        # busy_timeout instead of failing with "database is locked" when a read
        # turns into a write. Readers (GET requests, exports) begin deferred so
        # a long read never holds the write lock (WAL lets them read meanwhile).
        if conn.get_execution_options().get(READ_MOSTLY):
            conn.exec_driver_sql("BEGIN")
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")


class Database:
    """An engine plus a session factory for one database URL."""

    def __init__(self, url: str, *, echo: bool = False):
        self.url = make_url(url)
        kwargs: dict = {"echo": echo, "future": True}
        if self.url.get_backend_name() == "sqlite":
            database = self.url.database
            if database and database != ":memory:":
                Path(database).parent.mkdir(parents=True, exist_ok=True)
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 15}
        else:
            kwargs["pool_pre_ping"] = True
        self.engine = create_engine(self.url, **kwargs)
        if self.is_sqlite:
            _configure_sqlite(self.engine)
        self.session_factory = sessionmaker(self.engine, expire_on_commit=False)
        self.read_session_factory = sessionmaker(self.engine.execution_options(**{READ_MOSTLY: True}),
                                                 expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        """True when this database is the embedded SQLite file."""
        return self.url.get_backend_name() == "sqlite"

    def session(self, *, read_mostly: bool = False) -> Session:
        """A new session; the caller closes it.

        ``read_mostly`` sessions do not take SQLite's write lock when they
        begin; use them for reads that may take a while (pages, exports).
        """
        return (self.read_session_factory if read_mostly else self.session_factory)()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session in one transaction: committed on success, rolled back on error."""
        session = self.session_factory()
        try:
            with session.begin():
                yield session
        finally:
            session.close()

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
