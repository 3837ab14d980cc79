"""Restoring a backup made by :mod:`comms.ops.backup`, checking everything first.

Order: unpack and verify the archive into a scratch folder, stage the database
(SQLite: a verified file beside the live one; PostgreSQL: a readable dump),
then replace the database, then swap in the documents folder and the secret
key. Any failure before the database is replaced leaves the site untouched.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from pathlib import Path

from sqlalchemy.engine import make_url

from comms.ops import backup_postgres
from comms.ops.archive import DATABASE_MEMBERS, SECRET_KEY_MEMBER, BackupError, BackupSummary, check_revision, database_kind, known_revisions, sqlite_revision, unpack
from comms.config import Config
from storage import migrate
from storage.db import Database

IN_USE = "the database is in use; stop Pressroom's web and worker processes, then restore"


def restore(config: Config, path: Path) -> BackupSummary:
    """Restore the backup at ``path`` over the site ``config`` describes."""
    kind = database_kind(config.database_url)
    documents = config.documents_path
    documents.parent.mkdir(parents=True, exist_ok=True)
    # The scratch folder sits beside the documents folder, so swapping it in is a rename.
    scratch = Path(tempfile.mkdtemp(prefix=".pressroom-restore-", dir=documents.parent))
    try:
        manifest = unpack(path, scratch)
        if manifest["database"] != kind:
            raise BackupError(f"this backup holds a {manifest['database']} database but DATABASE_URL "
                              f"names {kind}; restore it into a {manifest['database']} site")
        revision = check_revision(manifest)
        dumped = scratch / DATABASE_MEMBERS[kind]
        if kind == "sqlite":
            _restore_sqlite(config.database_url, dumped, revision)
        else:
            _restore_postgres(config.database_url, dumped, revision)
        restored_documents = _swap_documents(scratch / "documents", documents)
        if (scratch / SECRET_KEY_MEMBER).is_file():
            _move_into_place(scratch / SECRET_KEY_MEMBER, config.instance_path / "secret_key")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return BackupSummary(path, kind, revision, restored_documents, path.stat().st_size)


def _upgrade(url: str) -> None:
    db = Database(url)
    try:
        migrate.upgrade(db.engine)
    finally:
        db.dispose()


def _restore_sqlite(url: str, dumped: Path, revision: str) -> None:
    live = Path(make_url(url).database or "")
    if not live.name or str(live) == ":memory:":
        raise BackupError("DATABASE_URL names no SQLite file to restore into")
    if not live.parent.is_dir():
        raise BackupError(f"folder {live.parent} for the database does not exist")
    fd, staged_name = tempfile.mkstemp(prefix=f".{live.name}.restore-", dir=live.parent)
    os.close(fd)
    staged = Path(staged_name)
    try:
        shutil.copyfile(dumped, staged)
        _verify_sqlite(staged, revision)
        if revision != known_revisions()[-1]:
            _upgrade(f"sqlite:///{staged}")
            _verify_sqlite(staged, migrate.head_revision())
        _replace_sqlite(staged, live)
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{staged}{suffix}").unlink(missing_ok=True)


def _verify_sqlite(path: Path, revision: str) -> None:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            verdict = conn.execute("PRAGMA integrity_check").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"the backup's database is not a readable SQLite file ({exc})") from exc
    if verdict != "ok":
        raise BackupError(f"the backup's database failed its integrity check: {verdict}")
    found = sqlite_revision(path)
    if found != revision:
        raise BackupError(f"the backup's database is at revision {found}, not {revision} as its manifest says")


def _replace_sqlite(staged: Path, live: Path) -> None:
    wal, shm = Path(f"{live}-wal"), Path(f"{live}-shm")
    if live.exists():
        try:
            conn = sqlite3.connect(live, timeout=5)
            try:
                busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
            finally:
                conn.close()
        except sqlite3.OperationalError as exc:
            raise BackupError(f"{IN_USE} ({exc})") from exc
        # The last connection to close removes the -wal file; if it is still
        # there, another process has the database open and would keep writing
        # into a log that no longer belongs to the file it sees.
        if busy or wal.exists():
            raise BackupError(IN_USE)
    os.replace(staged, live)
    shm.unlink(missing_ok=True)


def _restore_postgres(url: str, dumped: Path, revision: str) -> None:
    try:
        backup_postgres.check_archive(dumped, url)
        backup_postgres.restore(dumped, url)
        found = backup_postgres.current_revision(url)
    except backup_postgres.PostgresToolError as exc:
        raise BackupError(str(exc)) from exc
    if found != revision:
        raise BackupError(f"after restoring, the database is at revision {found}, not {revision}")
    if revision != known_revisions()[-1]:
        _upgrade(url)


def _swap_documents(unpacked: Path, documents: Path) -> int:
    unpacked.mkdir(exist_ok=True)
    count = sum(1 for _ in unpacked.iterdir())
    if documents.exists():
        old = documents.with_name(f".{documents.name}.old-{os.getpid()}")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(documents, old)
        os.replace(unpacked, documents)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(unpacked, documents)
    return count


def _move_into_place(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(f".{target.name}.restore")
    shutil.copyfile(source, staged)
    os.chmod(staged, 0o600)
    os.replace(staged, target)
