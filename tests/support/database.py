"""Database fixtures: a clean database per test (SQLite or PostgreSQL).

The backend comes from DATABASE_URL: unset means SQLite files in a temporary
folder; a PostgreSQL URL means this run creates its own database
(``pressroom_test_<random>``) beside the one named, and drops it at the end, so
runs never collide.
"""

from __future__ import annotations

import os
import shutil
import uuid
from dataclasses import dataclass

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from contacts.delegation_seed import seed_delegations
from storage import migrate
from storage.db import Database


def _outer_database_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "").strip()
    return url or None


def pytest_report_header(config):
    url = _outer_database_url()
    backend = make_url(url).get_backend_name() if url else "sqlite"
    return [f"pressroom database backend: {backend}", f"redis: {os.environ.get('REDIS_URL') or 'auto-detect'}"]


@pytest.fixture(scope="session")
def backend() -> str:
    """'sqlite' or 'postgresql', from DATABASE_URL."""
    url = _outer_database_url()
    return make_url(url).get_backend_name() if url else "sqlite"


@dataclass
class PostgresServer:
    """Creates and drops databases next to the one DATABASE_URL names."""

    admin_url: str

    def create(self, prefix: str = "pressroom_test") -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture(scope="session")
def postgres(backend) -> PostgresServer | None:
    """A handle to create throwaway PostgreSQL databases (None on SQLite)."""
    if backend != "postgresql":
        return None
    return PostgresServer(_outer_database_url())


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory, backend, postgres):
    """A migrated database made once per run: a SQLite file to copy, or a PG database."""
    if backend == "postgresql":
        url = postgres.create()
        db = Database(url)
        migrate.upgrade(db.engine)
        _drop_default_sources(db)
        db.dispose()
        yield url
        postgres.drop(url)
    else:
        path = tmp_path_factory.mktemp("template") / "template.db"
        db = Database(f"sqlite:///{path}")
        migrate.upgrade(db.engine)
        _drop_default_sources(db)
        db.dispose()
        yield path


def _drop_default_sources(db: Database) -> None:
    # Migration 0007 seeds the real related sites; tests must never poll the
    # real web, so every test starts (on SQLite and PostgreSQL) without them.
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM follow_sources"))


# Tables whose rows the migrations write (reference data): kept between tests.
MIGRATION_SEEDED = ("alembic_version", "topics", "boilerplates")


def _truncate_all(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        # A test that leaves a transaction open must fail loudly, not hang the run.
        conn.execute(text("SET LOCAL lock_timeout = '30s'"))
        tables = [row[0] for row in conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        )) if row[0] not in MIGRATION_SEEDED]
        if tables:
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        # Migration 0013 seeds the States and organisations; a test may have changed them, so
        # they are seeded afresh, as every SQLite test starts from the migrated copy.
        seed_delegations(conn)
    engine.dispose()


@pytest.fixture
def db_url(tmp_path, backend, migrated_template) -> str:
    """A migrated, empty database for one test."""
    if backend == "postgresql":
        yield migrated_template
        _truncate_all(migrated_template)
    else:
        path = tmp_path / "pressroom.db"
        shutil.copy(migrated_template, path)
        yield f"sqlite:///{path}"


@pytest.fixture
def database(db_url):
    """A Database on the clean test database, for package tests without Flask."""
    db = Database(db_url)
    yield db
    db.dispose()


@pytest.fixture
def empty_db_url(tmp_path, backend, postgres):
    """A database with nothing in it, of the backend under test."""
    if backend == "postgresql":
        url = postgres.create("pressroom_migrate")
        yield url
        postgres.drop(url)
    else:
        yield f"sqlite:///{tmp_path / 'empty.db'}"
