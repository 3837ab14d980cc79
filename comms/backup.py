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
import hashlib
import io
import json
import os
import re
import sqlite3
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from comms import __version__, backup_postgres
from comms.config import Config
from storage import migrate

FORMAT = "pressroom-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
SECRET_KEY_MEMBER = "secret_key"
DOCUMENTS_PREFIX = "documents/"
# Stored uploads have generated flat names; anything else in an archive is refused.
DOCUMENT_NAME = re.compile(r"documents/[A-Za-z0-9][A-Za-z0-9._-]{0,200}")
CHUNK = 1024 * 1024


class BackupError(RuntimeError):
    """A backup or restore cannot go ahead; the message is one line for people."""


@dataclass(frozen=True)
class BackupSummary:
    """What a backup holds (or what a restore brought back)."""

    path: Path
    database: str
    schema_revision: str
    documents: int
    size_bytes: int

    def line(self, verb: str) -> str:
        """One line for the command line."""
        return (f"{verb} {self.path}: {self.database} database at revision {self.schema_revision}, "
                f"{self.documents} documents, {self.size_bytes} bytes")


def database_kind(url: str) -> str:
    """'sqlite' or 'postgresql' for a database URL; BackupError for anything else."""
    backend = make_url(url).get_backend_name()
    if backend not in DATABASE_MEMBERS:
        raise BackupError(f"backups support SQLite and PostgreSQL databases, not {backend}")
    return backend


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()


def known_revisions() -> list[str]:
    """Every migration revision this code ships, oldest first."""
    script = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def sqlite_revision(path: Path) -> str | None:
    """The Alembic revision recorded in a SQLite file (None if it has none)."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        try:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        except sqlite3.DatabaseError:
            return None
    return row[0] if row else None


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
            "members": [{"name": name, "size": source.stat().st_size, "sha256": _sha256(source)}
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


def read_manifest(tar: tarfile.TarFile, path: Path) -> dict:
    """The archive's manifest, checked for shape; BackupError when it is not ours."""
    first = tar.next()
    if first is None or first.name != MANIFEST or not first.isfile() or first.size > CHUNK:
        raise BackupError(f"{path} is not a Pressroom backup (no manifest.json at its start)")
    try:
        manifest = json.loads(tar.extractfile(first).read())
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(f"{path} has an unreadable manifest ({exc})") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{path} is not a Pressroom backup")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"{path} is backup format {manifest.get('format_version')!r}; "
                          f"this Pressroom reads format {FORMAT_VERSION}")
    if manifest.get("database") not in DATABASE_MEMBERS or not isinstance(manifest.get("members"), list):
        raise BackupError(f"{path} has an incomplete manifest")
    return manifest


def check_revision(manifest: dict) -> str:
    """The backup's schema revision, if this code knows it; BackupError otherwise."""
    revision = manifest.get("schema_revision")
    known = known_revisions()
    if revision not in known:
        raise BackupError(f"the backup's schema revision {revision} is newer than this Pressroom knows "
                          f"(newest {known[-1]}); upgrade Pressroom (app version {manifest.get('app_version')}) first")
    return revision


def unpack(path: Path, into: Path) -> dict:
    """Check the archive at ``path`` and write its members under ``into``; returns the manifest.

    Every member must be listed in the manifest with its size and checksum,
    names must be ours (no paths outside ``into``, no links), and the database
    member must be there: a corrupt or doctored archive raises BackupError.
    """
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} does not exist or is not a file")
    try:
        with tarfile.open(path, mode="r:") as tar:
            manifest = read_manifest(tar, path)
            expected = _expected_members(manifest, path)
            seen: set[str] = set()
            for member in tar:
                if member.offset == 0 and member.name == MANIFEST:
                    continue  # read above; iterating a TarFile starts again from its first member
                want = expected.get(member.name)
                if want is None or member.name in seen or not member.isfile():
                    raise BackupError(f"{path} holds an unexpected entry {member.name!r}")
                seen.add(member.name)
                target = into / member.name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with tar.extractfile(member) as source, open(target, "wb") as out:
                    for block in iter(lambda: source.read(CHUNK), b""):
                        digest.update(block)
                        out.write(block)
                if member.size != want["size"] or digest.hexdigest() != want["sha256"]:
                    raise BackupError(f"{path} is corrupt: {member.name} does not match its checksum")
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise BackupError(f"{path} is not a readable backup ({exc.__class__.__name__}: {exc})") from exc
    missing = set(expected) - seen
    if missing:
        raise BackupError(f"{path} is incomplete: {', '.join(sorted(missing))} missing")
    return manifest


def _expected_members(manifest: dict, path: Path) -> dict[str, dict]:
    expected: dict[str, dict] = {}
    allowed = {DATABASE_MEMBERS[manifest["database"]], SECRET_KEY_MEMBER}
    for entry in manifest["members"]:
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not (name in allowed or DOCUMENT_NAME.fullmatch(name)):
            raise BackupError(f"{path} lists an unexpected entry {name!r}")
        if not isinstance(entry.get("size"), int) or not isinstance(entry.get("sha256"), str):
            raise BackupError(f"{path} has an incomplete manifest entry for {name}")
        expected[name] = entry
    if DATABASE_MEMBERS[manifest["database"]] not in expected:
        raise BackupError(f"{path} holds no database")
    return expected


def restore_backup(config: Config, path: Path) -> BackupSummary:
    """Replace the site's database, documents and secret key with the backup at ``path``.

    Stop the web and worker processes first. Nothing is changed unless the
    whole archive checks out; an older schema is upgraded to this code's.
    """
    from comms import backup_restore

    return backup_restore.restore(config, Path(path).absolute())

