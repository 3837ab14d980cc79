"""Migration 0014 on a database in use at 0013: first-wave documents move into the register,
nothing referencing meetings is lost, the register finds their titles, and it goes back down;
`pressroom documents verify` and `documents extract` on the result."""

import hashlib

import pytest
from sqlalchemy import text

from comms.app import create_app
from comms.config import load_config
from comms.documents import search
from comms.meetings import documents as first_wave
from support.app import base_environ
from support.register_samples import MEETING, make_pdf, new, upload
from support.web import bearer
from storage import migrate
from storage.audit import Actor
from storage.db import Database

PDF = make_pdf("Programme du déminage")


@pytest.fixture
def db_at_0013(tmp_path, backend, postgres):
    if backend == "postgresql":
        url = postgres.create("pressroom_migrate")
    else:
        url = f"sqlite:///{tmp_path / 'at0013.db'}"
    db = Database(url)
    migrate.upgrade(db.engine, "0013")
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM follow_sources"))
        conn.execute(text(
            "INSERT INTO meetings (id, title, kind, starts_on, ends_on, timezone, venue, languages, description, "
            "sequence, created_at, updated_at) VALUES (1, '22MSP', 'msp', '2026-12-14', '2026-12-18', 'UTC', '', "
            "'[\"fr\", \"en\"]', '', 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        conn.execute(text(
            "INSERT INTO side_events (meeting_id, title, organiser, starts_at, ends_at, room, description, public, "
            "sequence, updated_at) VALUES (1, 'Lunch', '', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, '', '', true, 0, "
            "CURRENT_TIMESTAMP)"))
        conn.execute(text("INSERT INTO documents (id, meeting_id, title, kind, public, created_at, published_at) "
                          "VALUES (5, 1, 'Programme provisoire', 'programme', true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        conn.execute(text("INSERT INTO documents (id, meeting_id, title, kind, public, created_at) "
                          "VALUES (6, 1, 'Internal note', 'other', false, CURRENT_TIMESTAMP)"))
        conn.execute(text(
            "INSERT INTO document_files (document_id, language, filename, stored_name, content_type, size, sha256, "
            "uploaded_at) VALUES (5, 'fr', 'programme.pdf', :name, 'application/pdf', :size, :sha, CURRENT_TIMESTAMP)"),
            {"name": "a" * 32 + ".pdf", "size": len(PDF), "sha": hashlib.sha256(PDF).hexdigest()})
    yield db, url
    db.dispose()
    if backend == "postgresql":
        postgres.drop(url)


def test_0014_moves_first_wave_documents_into_the_register(db_at_0013, tmp_path):
    db, url = db_at_0013
    migrate.upgrade(db.engine, "0014")
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM side_events")).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM documents")).scalar() == 2  # the first wave's rows stay
        assert conn.execute(text("SELECT symbol_prefix FROM meetings")).scalar() == ""
        rows = conn.execute(text("SELECT legacy_document_id, symbol, kind, status, distribution, original_language "
                                 "FROM register_documents ORDER BY legacy_document_id")).all()
        assert [tuple(r) for r in rows] == [(5, None, "programme", "issued", "general", "fr"),
                                            (6, None, "other", "planned", "general", "fr")]
        files = conn.execute(text("SELECT language, sha256, text_status FROM register_files")).all()
        assert [tuple(f) for f in files] == [("fr", hashlib.sha256(PDF).hexdigest(), "pending")]
    session = db.session()
    try:
        found, total = search.find(session, search.Filters(public_only=True), "programme provisoire")
        assert total == 1 and found[0].document.legacy_document_id == 5
    finally:
        session.close()

    # The file on disk: `documents extract` reads its text once, `documents verify` checks it.
    instance = tmp_path / "instance"
    instance.mkdir()
    config = load_config(base_environ(url, instance), testing=True)
    config.documents_path.mkdir(parents=True, exist_ok=True)
    (config.documents_path / ("a" * 32 + ".pdf")).write_bytes(PDF)
    app = create_app(config)
    try:
        runner = app.test_cli_runner()
        assert "1 files read" in runner.invoke(args=["documents", "extract"]).output
        with app.extensions["pressroom"].db.transaction() as session:
            found, _ = search.find(session, search.Filters(public_only=True), "deminage")
            assert [f.document.legacy_document_id for f in found] == [5]
        assert runner.invoke(args=["documents", "verify"]).exit_code == 0
        # Replacing the first wave's French file afterwards keeps the stored file the register names.
        with app.extensions["pressroom"].db.transaction() as session:
            document = session.get(first_wave.Document, 5)
            first_wave.add_file(session, document, config.documents_path, language="fr", filename="v2.pdf",
                                data=make_pdf("Programme révisé"), actor=Actor(label="officer@example.org"))
        assert runner.invoke(args=["documents", "verify"]).exit_code == 0
    finally:
        app.extensions["pressroom"].close()

    migrate.downgrade(db.engine, "0013")
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM side_events")).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM meetings")).scalar() == 1
    migrate.upgrade(db.engine, "0014")


def test_documents_verify_catches_missing_and_altered_files(client, token_for, runner, runtime):

    officer = bearer(token_for("officer"))
    meeting = client.post("/api/v1/meetings", json=MEETING, headers=officer).get_json()
    first = new(client, officer, meeting).get_json()
    upload(client, officer, first["id"], "en", make_pdf("one"))
    upload(client, officer, first["id"], "fr", make_pdf("deux"))
    result = runner.invoke(args=["documents", "verify"])
    assert result.exit_code == 0 and "2 files checked, 0 missing, 0 altered" in result.output
    folder = runtime.config.documents_path
    with runtime.db.transaction() as session:
        names = dict(session.execute(text("SELECT language, stored_name FROM register_files")).all())
    (folder / names["en"]).write_bytes(make_pdf("tampered"))
    result = runner.invoke(args=["documents", "verify"])
    assert result.exit_code == 1 and "altered: APLC/MSP.22/2026/1 [en]" in result.output
    (folder / names["fr"]).unlink()
    result = runner.invoke(args=["documents", "verify"])
    assert result.exit_code == 1 and "missing: APLC/MSP.22/2026/1 [fr]" in result.output
    assert "2 files checked, 1 missing, 1 altered" in result.output
