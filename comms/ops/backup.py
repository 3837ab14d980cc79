"""Backups of a Pressroom site: the database plus the instance files that matter.

A backup is one uncompressed tar file (the stored documents are PDFs and
office files, already compressed) holding:

- ``manifest.json`` first: format, app version, schema revision, creation
  time, database kind, and the size and SHA-256 of every other member;
- ``database.sqlite3`` (SQLite, made with the online backup API, so a running
  site gives a consistent copy) or ``database.pgdump`` (``pg_dump -Fc``);
- ``secret_key`` when the instance keeps a generated one;
- ``documents/NAME`` for every stored upload (meeting documents, release files).

Restoring checks everything before touching anything: the manifest, every
checksum, the schema revision (a backup from a newer schema than this code
knows is refused), and for SQLite the copy's ``integrity_check``. Only then is
the database replaced (atomic rename for SQLite, one transaction for
PostgreSQL), followed by the documents folder and the secret key.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import sqlite3
import tarfile
import tempfile
from pathlib import Path

from sqlalchemy.engine import make_url

from comms import __version__
from comms.config import Config
from comms.ops import backup_postgres, restore
from comms.ops.archive import (
    BackupError, BackupSummary, CHUNK, DATABASE_MEMBERS, DOCUMENTS_PREFIX, DOCUMENT_NAME, FORMAT,
    FORMAT_VERSION, MANIFEST, SECRET_KEY_MEMBER, check_revision, database_kind, expected_members,
    known_revisions, read_manifest, sha256_of, sqlite_revision, unpack,
)


def _sqlite_snapshot(url: str, target: Path) -> None:
    source_path = make_url(url).database
    if not source_path or source_path == ":memory:" or not Path(source_path).exists():
        raise BackupError(f"the SQLite database {source_path} does not exist")
    source = sqlite3.connect(source_path, timeout=30)
    copy = sqlite3.connect(target)
    try:
        # One step (pages=-1) copies under a single read transaction: a consistent
        # snapshot even while the web and worker processes keep writing (WAL).
        source.backup(copy, pages=-1)
        copy.execute("PRAGMA journal_mode=DELETE")
        verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        copy.close()
        source.close()
    if verdict != "ok":
        raise BackupError(f"the copy of the SQLite database failed its integrity check: {verdict}")


def _document_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    # Dot-files are uploads still being written (store_bytes' ".NAME.part").
    return sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")
                  and DOCUMENT_NAME.fullmatch(DOCUMENTS_PREFIX + p.name))


def _check_target(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise BackupError(f"{path} already exists (use --force to replace it)")
    if path.is_dir():
        raise BackupError(f"{path} is a folder; give the backup a file name such as pressroom.tar")
    if not path.parent.is_dir():
        raise BackupError(f"folder {path.parent} does not exist")


def create_backup(config: Config, path: Path, *, force: bool = False) -> BackupSummary:
    """Write a backup of the site described by ``config`` to the tar file ``path``."""
    path = Path(path).absolute()
    _check_target(path, force)
    kind = database_kind(config.database_url)
    with tempfile.TemporaryDirectory(prefix="pressroom-backup-") as scratch:
        db_file = Path(scratch) / DATABASE_MEMBERS[kind]
        if kind == "sqlite":
            _sqlite_snapshot(config.database_url, db_file)
            revision = sqlite_revision(db_file)
        else:
            try:
                revision = backup_postgres.dump(config.database_url, db_file)
            except backup_postgres.PostgresToolError as exc:
                raise BackupError(str(exc)) from exc
        if revision is None:
            raise BackupError("the database has no schema yet; run `pressroom db upgrade` first")
        members: list[tuple[str, Path]] = [(DATABASE_MEMBERS[kind], db_file)]
        secret = config.instance_path / "secret_key"
        if secret.is_file():
            members.append((SECRET_KEY_MEMBER, secret))
        members += [(DOCUMENTS_PREFIX + p.name, p) for p in _document_files(config.documents_path)]
        manifest = {
            "format": FORMAT, "format_version": FORMAT_VERSION, "app_version": __version__,
            "schema_revision": revision, "created_at": dt.datetime.now(dt.timezone.utc).isoformat(),
            "database": kind,
            "members": [{"name": name, "size": source.stat().st_size, "sha256": sha256_of(source)}
                        for name, source in members],
        }
        _write_tar(path, manifest, members)
    documents = sum(1 for name, _ in members if name.startswith(DOCUMENTS_PREFIX))
    return BackupSummary(path, kind, revision, documents, path.stat().st_size)


def _write_tar(path: Path, manifest: dict, members: list[tuple[str, Path]]) -> None:
    # Written beside the target and renamed at the end: a failed or interrupted
    # backup never leaves a half-written file under the name asked for.
    fd, partial = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mode, info.mtime = len(data), 0o600, int(dt.datetime.now().timestamp())
            tar.addfile(info, io.BytesIO(data))
            for name, source in members:
                info = tar.gettarinfo(str(source), arcname=name)
                info.mode, info.uid, info.gid, info.uname, info.gname = 0o600, 0, 0, "", ""
                with open(source, "rb") as handle:
                    tar.addfile(info, handle)
            raw.flush()
            os.fsync(raw.fileno())
        os.chmod(partial, 0o600)
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


def restore_backup(config: Config, path: Path) -> BackupSummary:
    """Replace the site's database, documents and secret key with the backup at ``path``.

    Stop the web and worker processes first. Nothing is changed unless the
    whole archive checks out; an older schema is upgraded to this code's.
    """
    return restore.restore(config, Path(path).absolute())
