"""Migration 0013 on a database that is in use at revision 0009: contacts and
everything hanging off them survive, the seed is loaded, and it goes back down."""

import pytest
from sqlalchemy import inspect, text

from storage import migrate
from storage.db import Database


@pytest.fixture
def db_at_0009(tmp_path, backend, postgres):
    """A database migrated to 0009 holding a contact with history, a phone and a list."""
    if backend == "postgresql":
        url = postgres.create("pressroom_migrate")
    else:
        url = f"sqlite:///{tmp_path / 'at0009.db'}"
    db = Database(url)
    migrate.upgrade(db.engine, "0009")
    with db.engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO contacts (id, name, name_key, email, role, notes, status, status_reason, token, "
            "search_text, created_at, updated_at) VALUES (1, 'Ana', 'ana', 'ana@paper.example', '', '', 'active', "
            "'', 'tok', 'ana', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
        conn.execute(text("INSERT INTO contact_events (contact_id, at, kind, actor_label, details) "
                          "VALUES (1, CURRENT_TIMESTAMP, 'created', 'system', '{}')"))
        conn.execute(text("INSERT INTO contact_phones (contact_id, number, label, public) "
                          "VALUES (1, '+41 22 000 00 00', 'work', false)"))
        conn.execute(text("INSERT INTO contact_lists (id, name, description, embargo_trusted, created_at) "
                          "VALUES (1, 'Geneva', '', false, CURRENT_TIMESTAMP)"))
        conn.execute(text("INSERT INTO list_memberships (list_id, contact_id, added_at) "
                          "VALUES (1, 1, CURRENT_TIMESTAMP)"))
    yield db
    db.dispose()
    if backend == "postgresql":
        postgres.drop(url)


def counts(db) -> tuple:
    with db.engine.connect() as conn:
        return tuple(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar()
                     for table in ("contacts", "contact_events", "contact_phones", "list_memberships"))


def test_0013_on_a_database_at_0009(db_at_0009):
    db = db_at_0009
    assert counts(db) == (1, 1, 1, 1)
    migrate.upgrade(db.engine, "0013")
    assert migrate.current_revision(db.engine) == "0013"
    assert counts(db) == (1, 1, 1, 1)  # nothing cascaded away
    columns = {c["name"] for c in inspect(db.engine).get_columns("contacts")}
    assert "delegation_id" in columns
    assert [fk["referred_table"] for fk in inspect(db.engine).get_foreign_keys("contacts")
            if fk["constrained_columns"] == ["delegation_id"]] == ["delegations"]
    assert "ix_contacts_delegation_id" in {i["name"] for i in inspect(db.engine).get_indexes("contacts")}
    with db.engine.begin() as conn:
        assert conn.execute(text("SELECT delegation_id FROM contacts")).scalar() is None
        assert conn.execute(text("SELECT count(*) FROM delegations WHERE seed_key LIKE 'state:%'")).scalar() == 197
        france = conn.execute(text("SELECT id FROM delegations WHERE seed_key = 'state:FR'")).scalar()
        conn.execute(text("UPDATE contacts SET delegation_id = :d"), {"d": france})
    with pytest.raises(Exception):  # the foreign key holds
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE contacts SET delegation_id = 999999"))
    migrate.downgrade(db.engine, "0009")
    assert "delegation_id" not in {c["name"] for c in inspect(db.engine).get_columns("contacts")}
    assert "delegations" not in inspect(db.engine).get_table_names()
    assert counts(db) == (1, 1, 1, 1)
    migrate.upgrade(db.engine, "0013")
    assert counts(db) == (1, 1, 1, 1)
