"""The databases a benchmark runs on: a SQLite file in a temporary folder, and a throwaway
database on the PostgreSQL server of DATABASE_URL (or the local one) when it answers.

Imported by the benches beside it (``python bench/NAME.py`` puts bench/ on sys.path).
"""

from __future__ import annotations

import os
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

LOCAL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def postgres_url() -> str | None:
    """DATABASE_URL (or the local server) when it is PostgreSQL and answers, else None."""
    url = os.environ.get("DATABASE_URL") or LOCAL_POSTGRES
    if not url.startswith("postgresql"):
        return None
    try:
        engine = create_engine(url)
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
        return url
    except Exception:  # any failure to connect means: no PostgreSQL for this run
        return None


@contextmanager
def throwaway_postgres(admin_url: str) -> Iterator[str]:
    """A new database beside ``admin_url``'s, dropped afterwards; yields its URL."""
    name = f"pressroom_bench_{uuid.uuid4().hex[:8]}"
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


def run_on_each(wanted: list[str], run: Callable[[str], dict]) -> dict[str, dict]:
    """``run(url)`` on each wanted backend ("sqlite", "postgresql"); results by backend."""
    results: dict[str, dict] = {}
    if "sqlite" in wanted:
        with tempfile.TemporaryDirectory() as folder:
            results["sqlite"] = run(f"sqlite:///{folder}/bench.db")
    if "postgresql" in wanted:
        admin = postgres_url()
        if admin is None:
            print("PostgreSQL does not answer: skipped", file=sys.stderr)
        else:
            with throwaway_postgres(admin) as url:
                results["postgresql"] = run(url)
    return results
