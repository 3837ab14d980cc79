"""The seed of the delegations table: every State with its treaty dates
(contacts/data/states.csv, from the UN Treaty Collection) and the organisations
and NGOs that attend the meetings (contacts/data/organisations.csv).

Migration 0013 calls :func:`seed_delegations`; it works on a bare Connection
with Core statements (no ORM session exists during a migration) and adds only
the rows that are missing, recognised by ``seed_key``, so it is safe to run
again and never overwrites a correction staff made.
"""

from __future__ import annotations

import csv
import datetime as dt
from functools import lru_cache
from importlib import resources

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from contacts.delegation_input import delegation_name_key, delegation_search_text
from contacts.models import Delegation
from contacts.state_names import state_name
from contacts.treaty_status import status_on
from storage.db import UTCDateTime, utcnow

# The columns the seed writes, frozen here so the seed does not depend on columns
# later migrations may add.
_delegations = sa.table(
    "delegations",
    *(sa.column(name) for name in ("seed_key", "name", "name_key", "name_fr", "name_es", "kind", "country",
                                   "joined_by", "mission_address", "mission_email", "mission_phone", "notes",
                                   "search_text")),
    *(sa.column(name, sa.Date) for name in ("signed_on", "joined_on", "in_force_on", "withdrawal_notified_on",
                                            "withdrawal_effective_on")),
    sa.column("created_at", UTCDateTime), sa.column("updated_at", UTCDateTime),
)
DATE_FIELDS = ("signed_on", "joined_on", "in_force_on", "withdrawal_notified_on", "withdrawal_effective_on")


def _data_lines(filename: str) -> list[str]:
    return resources.files("contacts").joinpath("data", filename).read_text(encoding="utf-8").splitlines()


def source_notes() -> list[str]:
    """The header comment of states.csv: its source, the date it is current to, the caveat."""
    return [line.lstrip("# ").rstrip() for line in _data_lines("states.csv") if line.startswith("#")]


def _records(filename: str) -> list[dict]:
    return list(csv.DictReader(line for line in _data_lines(filename) if not line.startswith("#")))


@lru_cache(maxsize=1)
def read_states() -> tuple[dict, ...]:
    """Every State in states.csv: code, names in en/fr/es, the treaty dates (as dates) and a note."""
    states = []
    for record in _records("states.csv"):
        state = {"country": record["iso2"], "name": record["name"], "joined_by": record["joined_by"] or None,
                 "notes": record["note"], "name_fr": state_name(record["iso2"], "fr"),
                 "name_es": state_name(record["iso2"], "es")}
        for field in DATE_FIELDS:
            state[field] = dt.date.fromisoformat(record[field]) if record[field] else None
        states.append(state)
    return tuple(states)


@lru_cache(maxsize=1)
def read_organisations() -> tuple[dict, ...]:
    """The seeded international organisations and NGOs."""
    return tuple(_records("organisations.csv"))


def seed_rows(today: dt.date) -> list[dict]:
    """Rows for every seeded delegation; a State's kind is its status on ``today``."""
    now = utcnow()
    rows = []
    for state in read_states():
        kind = status_on(Delegation(kind="state_not_party", **{f: state[f] for f in DATE_FIELDS}), today)
        rows.append({**state, "seed_key": f"state:{state['country']}", "kind": kind})
    for org in read_organisations():
        rows.append({"seed_key": f"org:{org['key']}", "kind": org["kind"], "name": org["name"],
                     "name_fr": org["name_fr"], "name_es": org["name_es"], "country": None, "joined_by": None,
                     "notes": "", **dict.fromkeys(DATE_FIELDS)})
    for row in rows:
        row.update(name_key=delegation_name_key(row["name"]), mission_address="", mission_email="",
                   mission_phone="", created_at=now, updated_at=now,
                   search_text=delegation_search_text(row["name"], row["name_fr"], row["name_es"], row["country"]))
    return rows


def seed_delegations(connection: Connection, today: dt.date | None = None) -> int:
    """Insert the seeded delegations that are missing; returns how many were added.

    A row is missing when neither its seed key nor its name is in the table (so a
    delegation staff created by hand under the same name is not duplicated).
    """
    today = today or utcnow().date()
    present = connection.execute(sa.text("SELECT seed_key, name_key FROM delegations")).all()
    keys = {key for key, _ in present if key} | {name for _, name in present}
    rows = [row for row in seed_rows(today) if row["seed_key"] not in keys and row["name_key"] not in keys]
    if rows:
        connection.execute(sa.insert(_delegations), rows)
    return len(rows)
