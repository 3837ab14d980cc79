"""The backup archive format, shared by making (comms.ops.backup) and restoring
(comms.ops.restore) backups: members, manifest, checks and unpacking (no Flask).
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import tarfile
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

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


def sha256_of(path: Path) -> str:
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
            expected = expected_members(manifest, path)
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


def expected_members(manifest: dict, path: Path) -> dict[str, dict]:
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
