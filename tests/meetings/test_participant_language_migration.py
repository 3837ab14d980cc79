"""Migration 0022 (participants.language) on a database in use, down to 0021 and up again, on SQLite
and PostgreSQL: participants and everything else stay, the column goes and comes back as 'en'
(what everyone registered before it was written to in)."""

import datetime as dt

import pytest
from sqlalchemy import inspect, select, text

from comms.meetings.participants import Participant
from comms.meetings.service import Meeting
from contacts.models import Delegation
from storage import migrate
from storage.db import Database


@pytest.fixture
def db(tmp_path, backend, postgres):
    """A database at the newest revision holding a meeting with a French and a Spanish registrant."""
    url = postgres.create("pressroom_migrate") if backend == "postgresql" else f"sqlite:///{tmp_path / 'lang.db'}"
    database = Database(url)
    migrate.upgrade(database.engine)
    with database.transaction() as session:
        senegal = session.scalar(select(Delegation.id).where(Delegation.seed_key == "state:SN"))
        meeting = Meeting(title="Twenty-Second Meeting of the States Parties", kind="msp",
                          starts_on=dt.date(2026, 12, 14), ends_on=dt.date(2026, 12, 18))
        session.add(meeting)
        for name, language in (("Fatou Sarr", "fr"), ("Ana Morales", "es")):
            session.add(Participant(meeting=meeting, delegation_id=senegal, name=name, name_key=name.lower(),
                                    email=f"{name.split()[0].lower()}@mission.example", language=language))
    yield database
    database.dispose()
    if backend == "postgresql":
        postgres.drop(url)


def rows(db) -> list[tuple]:
    with db.engine.connect() as connection:
        return connection.execute(text("SELECT id, meeting_id, delegation_id, name, email, status "
                                       "FROM participants ORDER BY id")).all()


def columns(db) -> set[str]:
    return {column["name"] for column in inspect(db.engine).get_columns("participants")}


def test_0022_down_and_up_keeps_the_participants(db):
    before = rows(db)
    assert len(before) == 2 and "language" in columns(db)
    db.engine.dispose()
    migrate.downgrade(db.engine, "0021")
    assert migrate.current_revision(db.engine) == "0021"
    assert "language" not in columns(db) and rows(db) == before
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM meetings")).scalar() == 1

    migrate.upgrade(db.engine, "0022")
    assert migrate.current_revision(db.engine) == "0022"
    assert rows(db) == before
    with db.transaction() as session:
        found = list(session.scalars(select(Participant).order_by(Participant.id)))
        assert [p.language for p in found] == ["en", "en"]
        found[0].language = "fr"
    with db.engine.connect() as connection:
        assert connection.execute(text("SELECT language FROM participants ORDER BY id")).scalars().all() == ["fr", "en"]
        # Rows written without the column (an older process during an upgrade) get 'en' from the database.
        connection.execute(text("INSERT INTO participants (meeting_id, delegation_id, name, name_key, title, email, "
                                "role, status, credentials, listed, source, requested_at, requested_ip, "
                                "confirmed_ip, consent_wording, listed_in, created_at, updated_at) "
                                "SELECT meeting_id, delegation_id, 'Late', 'late', '', '', 'adviser', 'requested', "
                                "'none', true, 'staff', requested_at, '', '', '', '', created_at, updated_at "
                                "FROM participants WHERE id = :id"), {"id": before[0][0]})
        connection.commit()
        assert connection.execute(text("SELECT language FROM participants WHERE name = 'Late'")).scalar() == "en"
