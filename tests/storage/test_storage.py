"""storage: migrations from empty on SQLite and PostgreSQL, UTC times, SQLite settings."""

import datetime as dt

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text

from comms.features import load_all_models
from storage import audit, migrate
from storage.db import Base, Database, UTCDateTime


@pytest.fixture
def empty_db_url(tmp_path, backend, postgres):
    """A database with nothing in it, of the backend under test."""
    if backend == "postgresql":
        url = postgres.create("pressroom_migrate")
        yield url
        postgres.drop(url)
    else:
        yield f"sqlite:///{tmp_path / 'empty.db'}"


def test_migrations_from_empty_to_head_and_back(empty_db_url):
    load_all_models()
    db = Database(empty_db_url)
    assert migrate.current_revision(db.engine) is None
    migrate.upgrade(db.engine)
    assert migrate.current_revision(db.engine) == migrate.head_revision()
    assert migrate.is_up_to_date(db.engine)
    tables = set(inspect(db.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    migrate.downgrade(db.engine)
    assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
    migrate.upgrade(db.engine)  # and up again: downgrades leave nothing behind
    assert migrate.is_up_to_date(db.engine)
    db.dispose()


def test_migrations_match_the_models(db_url):
    """Every model change has a migration: autogenerate finds nothing to do."""
    load_all_models()
    db = Database(db_url)
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                              "include_name": migrate.include_name})
        differences = compare_metadata(context, Base.metadata)
    db.dispose()
    assert differences == []


def test_upgrade_twice_is_harmless(db_url):
    db = Database(db_url)
    migrate.upgrade(db.engine)
    assert migrate.is_up_to_date(db.engine)
    db.dispose()


def test_times_come_back_in_utc(db_url):
    db = Database(db_url)
    geneva = dt.timezone(dt.timedelta(hours=1))
    with db.transaction() as session:
        event = audit.record(session, "test.event")
        event.at = dt.datetime(2026, 12, 1, 10, 0, tzinfo=geneva)
    with db.transaction() as session:
        stored = session.scalar(select(audit.AuditEvent))
        assert stored.at == dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)
        assert stored.at.utcoffset() == dt.timedelta(0)
    db.dispose()


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="naive"):
        UTCDateTime().process_bind_param(dt.datetime(2026, 1, 1), None)


def test_failed_transaction_writes_nothing(db_url):
    db = Database(db_url)
    with pytest.raises(RuntimeError):
        with db.transaction() as session:
            audit.record(session, "half.written")
            session.flush()
            raise RuntimeError("stop")
    with db.transaction() as session:
        assert session.scalar(select(audit.AuditEvent).where(audit.AuditEvent.action == "half.written")) is None
    db.dispose()


def test_sqlite_runs_with_wal_foreign_keys_and_busy_timeout(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    with db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000
    db.dispose()
