"""`pressroom backup` / `pressroom restore` on SQLite and PostgreSQL (DATABASE_URL decides)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, select, text

from comms.ops import backup
from comms.ops import backup_postgres
from comms.config import read_or_create_secret_key
from comms.platform.seeding import seed_demo
from contacts.models import Contact
from contacts.service import create_contact, delete_contact
from storage.audit import SYSTEM
from storage.db import Database

from support.app import base_environ
from support.paths import ROOT


def snapshot(url: str) -> dict[str, list[str]]:
    """Every row of every table, in a comparable form."""
    engine = create_engine(url)
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as conn:
        rows = {name: sorted(repr(tuple(row)) for row in conn.execute(table.select()))
                for name, table in metadata.tables.items()}
    engine.dispose()
    return rows


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())} if folder.is_dir() else {}


def site_state(config) -> tuple:
    secret = config.instance_path / "secret_key"
    return snapshot(config.database_url), files_of(config.documents_path), secret.read_bytes() if secret.exists() else None


@pytest.fixture
def site(config):
    """A site with the demo world (contacts, releases, meeting documents) and a generated secret key."""
    db = Database(config.database_url)
    seed_demo(db, documents_path=config.documents_path)
    db.dispose()
    read_or_create_secret_key(config.instance_path)
    assert files_of(config.documents_path), "the demo should store documents"
    return config


def change_everything(config) -> None:
    """Edit, delete and add data, documents and the secret key after a backup."""
    db = Database(config.database_url)
    with db.transaction() as session:
        contacts = session.scalars(select(Contact).order_by(Contact.id)).all()
        contacts[0].name = "Changed After Backup"
        delete_contact(session, contacts[1], SYSTEM)
        create_contact(session, {"name": "New Person", "email": "new.person@example.net"}, SYSTEM)
        session.execute(text("DELETE FROM releases WHERE id = (SELECT MAX(id) FROM releases)"))
    db.dispose()
    documents = sorted(config.documents_path.iterdir())
    documents[0].unlink()
    documents[1].write_bytes(b"%PDF-1.4 overwritten")
    (config.documents_path / ("f" * 32 + ".pdf")).write_bytes(b"%PDF-1.4 added later")
    (config.instance_path / "secret_key").write_text("another-key")


def test_restore_brings_back_exactly_what_was_backed_up(site, tmp_path):
    before = site_state(site)
    summary = backup.create_backup(site, tmp_path / "site.tar")
    assert summary.schema_revision == backup.known_revisions()[-1]
    assert summary.documents == len(before[1])
    change_everything(site)
    assert site_state(site) != before
    backup.restore_backup(site, tmp_path / "site.tar")
    assert site_state(site) == before


def test_archive_format_and_manifest(site, tmp_path, backend):
    backup.create_backup(site, tmp_path / "site.tar")
    with tarfile.open(tmp_path / "site.tar") as tar:
        names = tar.getnames()
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert names[0] == "manifest.json"
    assert manifest["format"] == "pressroom-backup" and manifest["format_version"] == 1
    assert manifest["database"] == backend
    assert manifest["schema_revision"] == backup.known_revisions()[-1]
    assert manifest["created_at"].endswith("+00:00")
    listed = [m["name"] for m in manifest["members"]]
    assert listed == names[1:]
    assert {"secret_key", backup.DATABASE_MEMBERS[backend]} <= set(listed)
    assert {n.removeprefix("documents/") for n in listed if n.startswith("documents/")} == set(
        files_of(site.documents_path))
    assert oct((tmp_path / "site.tar").stat().st_mode & 0o777) == "0o600"


def test_sqlite_backup_is_consistent_while_a_writer_keeps_inserting(site, tmp_path, backend, instance_path):
    if backend != "sqlite":
        pytest.skip("the online backup API is SQLite's; pg_dump's snapshot is PostgreSQL's own guarantee")
    db = Database(site.database_url)
    stop, written, failures = threading.Event(), [], []

    def writer():
        # Each transaction adds a pair: a consistent copy holds whole pairs, a prefix of them.
        try:
            i = 0
            while not stop.is_set() or len(written) < after_backup[0] + 5:
                with db.transaction() as session:
                    for half in "ab":
                        create_contact(session, {"name": f"Writer {i}{half}", "email": f"w{i}{half}@example.net"},
                                       SYSTEM)
                written.append(i)
                i += 1
        except Exception as exc:  # surfaced by the assertion below
            failures.append(exc)

    after_backup = [10 ** 9]
    thread = threading.Thread(target=writer)
    thread.start()
    while len(written) < 5 and thread.is_alive():
        time.sleep(0.01)
    started_with = len(written)
    backup.create_backup(site, tmp_path / "live.tar")
    after_backup[0] = len(written)
    stop.set()
    thread.join()
    db.dispose()
    assert not failures
    assert len(written) > after_backup[0], "the writer kept writing after the backup"

    restored = base_environ(f"sqlite:///{tmp_path / 'restored.db'}", tmp_path / "restored-instance")
    from comms.config import load_config
    target = load_config(restored, testing=True)
    backup.restore_backup(target, tmp_path / "live.tar")
    engine = create_engine(target.database_url)
    with engine.connect() as conn:
        emails = conn.execute(text("SELECT email FROM contacts WHERE email LIKE 'w%@example.net'")).scalars().all()
        check = conn.execute(text("PRAGMA integrity_check")).scalar()
    engine.dispose()
    pairs = {}
    for email in emails:
        pairs.setdefault(int(email[1:].split("@")[0][:-1]), set()).add(email.split("@")[0][-1])
    assert check == "ok"
    assert all(halves == {"a", "b"} for halves in pairs.values()), "a transaction was copied in half"
    assert sorted(pairs) == list(range(len(pairs))), "the copy is not a prefix of the writes"
    assert started_with <= len(pairs) <= after_backup[0]


def test_cli_backup_and_restore_in_a_real_process(site, tmp_path):
    env = {**os.environ, **base_environ(site.database_url, site.instance_path)}
    env.pop("SECRET_KEY")  # this site keeps its generated key in instance/secret_key
    target = tmp_path / "cli.tar"
    before = site_state(site)
    made = subprocess.run([sys.executable, "-m", "comms", "backup", str(target)], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    assert made.stdout.startswith(f"backed up to {target}:")
    again = subprocess.run([sys.executable, "-m", "comms", "backup", str(target)], env=env, cwd=ROOT,
                           capture_output=True, text=True, timeout=120)
    assert again.returncode != 0
    assert again.stderr.strip() == f"Error: {target} already exists (use --force to replace it)"
    change_everything(site)
    restored = subprocess.run([sys.executable, "-m", "comms", "restore", "--yes", str(target)], env=env,
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert restored.returncode == 0, restored.stderr
    assert site_state(site) == before


def test_backup_refuses_existing_missing_folder_and_folder_paths(site, runner, tmp_path):
    existing = tmp_path / "existing.tar"
    existing.write_bytes(b"keep me")
    result = runner.invoke(args=["backup", str(existing)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [f"Error: {existing} already exists (use --force to replace it)"]
    assert existing.read_bytes() == b"keep me"
    assert runner.invoke(args=["backup", "--force", str(existing)]).exit_code == 0
    assert tarfile.is_tarfile(existing)
    missing = runner.invoke(args=["backup", str(tmp_path / "nowhere" / "b.tar")])
    assert missing.exit_code == 1 and len(missing.output.strip().splitlines()) == 1
    assert "does not exist" in missing.output
    assert runner.invoke(args=["backup", str(tmp_path)]).exit_code != 0
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == [], "no partial file left"


def rewrite_archive(source: Path, target: Path, *, manifest_edit=None, member_edit=None, extra=None,
                    rename=None) -> None:
    """Copy a backup, changing its manifest or members (checksums are not recomputed)."""
    with tarfile.open(source) as old, tarfile.open(target, "w") as new:
        for member in old.getmembers():
            data = old.extractfile(member).read()
            if member.name == "manifest.json" and manifest_edit:
                manifest = json.loads(data)
                manifest_edit(manifest)
                data = json.dumps(manifest).encode()
            elif member_edit:
                data = member_edit(member.name, data)
            info = tarfile.TarInfo((rename or {}).get(member.name, member.name))
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))
        for name, data in (extra or {}).items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))


def _flip_document(name: str, data: bytes) -> bytes:
    return data[:-1] + bytes([data[-1] ^ 1]) if name.startswith("documents/") else data


def _newer_schema(manifest: dict) -> None:
    manifest["schema_revision"] = "9999"


def _path_escape(manifest: dict) -> None:
    manifest["members"].append({"name": "../escaped", "size": 1, "sha256": "0" * 64})


BAD_ARCHIVES = {
    "garbage": (lambda good, bad: bad.write_bytes(b"this is not a tar file at all" * 100), "not a readable backup"),
    "truncated": (lambda good, bad: bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2]), None),
    "tampered document": (lambda good, bad: rewrite_archive(good, bad, member_edit=_flip_document),
                          "does not match its checksum"),
    "newer schema": (lambda good, bad: rewrite_archive(good, bad, manifest_edit=_newer_schema),
                     "schema revision 9999 is newer than this Pressroom knows"),
    "path escape": (lambda good, bad: rewrite_archive(good, bad, manifest_edit=_path_escape),
                    "unexpected entry '../escaped'"),
    "unlisted member": (lambda good, bad: rewrite_archive(good, bad, extra={"documents/evil.pdf": b"x"}),
                        "unexpected entry 'documents/evil.pdf'"),
    "missing file": (lambda good, bad: None, "does not exist"),
}


@pytest.mark.parametrize("kind", list(BAD_ARCHIVES))
def test_restore_refuses_bad_archives_and_changes_nothing(site, runner, tmp_path, kind):
    good = tmp_path / "good.tar"
    backup.create_backup(site, good)
    change_everything(site)
    before = site_state(site)
    bad = tmp_path / "bad.tar"
    make, expected = BAD_ARCHIVES[kind]
    make(good, bad)
    result = runner.invoke(args=["restore", "--yes", str(bad)])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    if expected:
        assert expected in lines[0]
    assert site_state(site) == before
    leftovers = [p.name for p in site.instance_path.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_sqlite_restore_refuses_while_the_database_is_in_use(site, tmp_path, backend):
    if backend != "sqlite":
        pytest.skip("PostgreSQL restores in one transaction that waits for other sessions' locks")
    backup.create_backup(site, tmp_path / "site.tar")
    change_everything(site)
    before = site_state(site)
    engine = create_engine(site.database_url)
    with engine.connect() as conn:
        conn.execute(text("SELECT count(*) FROM contacts")).scalar()
        with pytest.raises(backup.BackupError, match="in use"):
            backup.restore_backup(site, tmp_path / "site.tar")
    engine.dispose()
    assert site_state(site) == before


def test_libpq_environment_keeps_the_password_out_of_arguments_and_environment(tmp_path):
    url = "postgresql+psycopg://press:s3cr:et\\pw@db.example.org:5433/pressroom?sslmode=require"
    env = backup_postgres.libpq_environment(url.replace("s3cr:et\\pw", "s3cr%3Aet%5Cpw"), tmp_path)
    assert (env["PGHOST"], env["PGPORT"], env["PGUSER"], env["PGDATABASE"], env["PGSSLMODE"]) == (
        "db.example.org", "5433", "press", "pressroom", "require")
    assert not any("s3cr" in value for value in env.values())
    passfile = Path(env["PGPASSFILE"])
    assert passfile.read_text() == "*:*:*:*:s3cr\\:et\\\\pw\n"
    assert passfile.stat().st_mode & 0o777 == 0o600


def test_postgres_without_client_tools_is_one_clear_line(site, tmp_path, backend, monkeypatch):
    if backend != "postgresql":
        pytest.skip("pg_dump is only used on PostgreSQL")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(backup.BackupError, match="pg_dump is not installed"):
        backup.create_backup(site, tmp_path / "b.tar")
    old = tmp_path / "pg_dump"
    old.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n")
    old.chmod(0o755)
    with pytest.raises(backup.BackupError, match=r"pg_dump is version 9 but the server runs PostgreSQL \d+"):
        backup.create_backup(site, tmp_path / "b.tar")
    assert not (tmp_path / "b.tar").exists()


def test_restore_refuses_a_backup_of_the_other_database_kind(site, tmp_path, backend):
    backup.create_backup(site, tmp_path / "site.tar")
    other = "postgresql" if backend == "sqlite" else "sqlite"
    rewrite_archive(tmp_path / "site.tar", tmp_path / "other.tar",
                    manifest_edit=lambda m: m.update(database=other,
                                                     members=[dict(e, name=backup.DATABASE_MEMBERS[other])
                                                              if e["name"] == backup.DATABASE_MEMBERS[backend]
                                                              else e for e in m["members"]]),
                    rename={backup.DATABASE_MEMBERS[backend]: backup.DATABASE_MEMBERS[other]})
    before = site_state(site)
    with pytest.raises(backup.BackupError, match=f"holds a {other} database but DATABASE_URL names {backend}"):
        backup.restore_backup(site, tmp_path / "other.tar")
    assert site_state(site) == before
