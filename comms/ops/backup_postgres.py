"""PostgreSQL backups with the server's own tools: pg_dump -Fc and pg_restore.

The connection comes from DATABASE_URL but never reaches a command line:
host, port, user and database go in libpq's environment variables and the
password in a temporary pgpass file (mode 0600), so ``ps`` shows nothing
secret. The client tools must be at least as new as the server.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

# libpq reads these query parameters from the environment under these names.
QUERY_ENV = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY",
             "connect_timeout": "PGCONNECT_TIMEOUT", "application_name": "PGAPPNAME", "host": "PGHOST",
             "port": "PGPORT", "options": "PGOPTIONS"}

# Dropped first, in the restore's own transaction: tables a later migration
# added since the backup must go too, or upgrading the restored schema fails.
DROP_EVERYTHING = """
DO $$
DECLARE item record;
BEGIN
  FOR item IN SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p', 'v', 'm', 'S') LOOP
    EXECUTE format(CASE item.relkind WHEN 'v' THEN 'DROP VIEW IF EXISTS %I CASCADE'
                                     WHEN 'm' THEN 'DROP MATERIALIZED VIEW IF EXISTS %I CASCADE'
                                     WHEN 'S' THEN 'DROP SEQUENCE IF EXISTS %I CASCADE'
                                     ELSE 'DROP TABLE IF EXISTS %I CASCADE' END, item.relname);
  END LOOP;
  FOR item IN SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
              WHERE n.nspname = current_schema() AND t.typtype IN ('e', 'd') LOOP
    EXECUTE format('DROP TYPE IF EXISTS %I CASCADE', item.typname);
  END LOOP;
END $$;
"""


class PostgresToolError(RuntimeError):
    """pg_dump/pg_restore/psql are missing, too old, or failed; one line for people."""


def _escape_pgpass(value: str) -> str:
    return value.replace("\\", "\\\\").replace(":", "\\:")


def libpq_environment(url: str | URL, scratch: Path) -> dict[str, str]:
    """Environment variables that make libpq tools connect to ``url``.

    The password, if any, is written to a pgpass file under ``scratch`` (which
    the caller deletes), never into the environment or the arguments.
    """
    url = make_url(url) if isinstance(url, str) else url
    # A clean environment: tools are run by absolute path, and libpq must not pick
    # up a PGPASSWORD or PGDATABASE meant for something else.
    env = {"PATH": os.defpath, "LC_ALL": "C.UTF-8"}
    if url.host:
        env["PGHOST"] = url.host
    if url.port:
        env["PGPORT"] = str(url.port)
    if url.username:
        env["PGUSER"] = url.username
    if url.database:
        env["PGDATABASE"] = url.database
    for key, value in url.query.items():
        if key in QUERY_ENV:
            env[QUERY_ENV[key]] = value if isinstance(value, str) else value[0]
    if url.password:
        passfile = scratch / "pgpass"
        fd = os.open(passfile, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write("*:*:*:*:" + _escape_pgpass(str(url.password)) + "\n")
        env["PGPASSFILE"] = str(passfile)
    return env


def _engine(url: str):
    # The app's URL may name a driver (postgresql+psycopg); SQLAlchemy handles it.
    return create_engine(url)


def server_major(url: str) -> int:
    """The PostgreSQL server's major version."""
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SHOW server_version_num")).scalar()) // 10000
    finally:
        engine.dispose()


def client_tool(name: str, server: int) -> str:
    """The path of ``name`` (pg_dump, pg_restore, psql) if it can talk to a ``server`` major version."""
    path = shutil.which(name)
    if path is None:
        raise PostgresToolError(f"{name} is not installed; install the PostgreSQL {server} client tools "
                                f"(e.g. apt-get install postgresql-client-{server})")
    output = subprocess.run([path, "--version"], capture_output=True, text=True, check=False).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    if match is None:
        raise PostgresToolError(f"cannot tell the version of {path} ({output.strip()!r})")
    if int(match.group(1)) < server:
        raise PostgresToolError(f"{name} is version {match.group(1)} but the server runs PostgreSQL {server}; "
                                f"install postgresql-client-{server}")
    return path


@contextmanager
def _environment(url: str) -> Iterator[dict[str, str]]:
    with tempfile.TemporaryDirectory(prefix="pressroom-pg-") as scratch:
        yield libpq_environment(url, Path(scratch))


def _run(args: list[str], env: dict, what: str) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = (result.stderr.strip().splitlines() or ["no message"])[-1]
        raise PostgresToolError(f"{what} failed: {detail}")


def current_revision(url: str) -> str | None:
    """The Alembic revision of the PostgreSQL database (None without one)."""
    engine = _engine(url)
    try:
        with engine.connect() as conn:
            exists = conn.execute(text("SELECT to_regclass('alembic_version')")).scalar()
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar() if exists else None
    finally:
        engine.dispose()


def dump(url: str, target: Path) -> str | None:
    """``pg_dump -Fc`` the database into ``target``; returns the dumped schema revision.

    pg_dump reads from one snapshot, so the dump is consistent while the site runs.
    """
    tool = client_tool("pg_dump", server_major(url))
    with _environment(url) as env:
        _run([tool, "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"], env, "pg_dump")
        listing = subprocess.run([client_tool("pg_restore", server_major(url)), "--data-only",
                                  "--table=alembic_version", "--file=-", str(target)],
                                 env=env, capture_output=True, text=True, check=False)
    match = re.search(r"^COPY [^\n]*alembic_version[^\n]*\n([^\n\\]+)\n", listing.stdout, re.MULTILINE)
    return match.group(1).strip() if match else None


def check_archive(archive: Path, url: str) -> None:
    """Refuse a dump pg_restore cannot read (corrupt, or from a newer pg_dump)."""
    tool = client_tool("pg_restore", server_major(url))
    with _environment(url) as env:
        _run([tool, "--list", str(archive)], env, "reading the database dump")


def restore(archive: Path, url: str) -> None:
    """Replace everything in the database's schema with the dump, in one transaction.

    pg_restore --clean --if-exists turns the dump into SQL, which psql runs with
    ON_ERROR_STOP inside a single transaction after dropping what is there:
    either the whole backup is in place afterwards, or nothing changed.
    """
    server = server_major(url)
    pg_restore, psql = client_tool("pg_restore", server), client_tool("psql", server)
    with _environment(url) as env, tempfile.TemporaryDirectory(prefix="pressroom-pg-sql-") as scratch:
        script, prelude = Path(scratch) / "restore.sql", Path(scratch) / "prelude.sql"
        prelude.write_text(DROP_EVERYTHING)
        _run([pg_restore, "--clean", "--if-exists", "--no-owner", "--no-privileges", f"--file={script}",
              str(archive)], env, "pg_restore")
        _run([psql, "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", "--single-transaction",
              f"--file={prelude}", f"--file={script}"], env, "restoring into PostgreSQL")
