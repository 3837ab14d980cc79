"""Delegations and their focal points by CSV, by the contacts' rules: every row is
checked and reported before anything is written (the plan is the dry run), the
caller writes the plan in one transaction, formula cells are neutralised on
export, and an export imported back changes nothing.

A delegation row is matched to a stored delegation by ``id``, else a State by
its ``country``, else by name; a row matching none creates one. Focal points
are contacts with a ``delegation`` column and go through the contacts importer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from contacts import csv_io, importing, lists, vocab
from contacts.delegation_input import FIELDS, delegation_name_key
from contacts.delegations import list_delegations, prepare_change, save_change
from contacts.errors import ContactError, NotAllowed
from contacts.import_plan import ImportPlan, RowOutcome
from contacts.models import STATE_KINDS, Contact, Delegation
from storage.audit import Actor

COLUMNS = ["id", *FIELDS]
HEADER_ALIASES = {
    "iso": "country", "iso2": "country", "iso_code": "country", "type": "kind", "status": "kind",
    "name_en": "name", "delegation": "name", "address": "mission_address", "email": "mission_email",
    "phone": "mission_phone", "note": "notes", "comment": "notes",
}


# There are fewer than 200 States and a few hundred organisations: a file of more is a mistake.
MAX_ROWS = 5_000

def read_delegations_csv(data: bytes | str) -> list[dict]:
    """Parse a delegations CSV into records with a ``_row`` number (header = row 1)."""
    return csv_io.read_table(data, columns=COLUMNS, required="name", aliases=HEADER_ALIASES, max_rows=MAX_ROWS)


def _cell(value) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, dt.date) else str(value)


def delegation_row(delegation: Delegation) -> list[str]:
    """One delegation as CSV cells, in COLUMNS order, neutralised."""
    return [csv_io.neutralise(_cell(getattr(delegation, name))) for name in COLUMNS]


def write_delegations_csv(delegations: Sequence[Delegation]) -> str:
    """Delegations as CSV text with the import's column names."""
    return csv_io.csv_lines([COLUMNS, *(delegation_row(d) for d in delegations)])


def export_delegations(session: Session, **filters) -> str:
    """The delegations :func:`contacts.delegations.list_delegations` finds, as CSV."""
    return write_delegations_csv(list_delegations(session, **filters))


def _target(session: Session, raw: dict, errors: dict) -> Delegation | None:
    """The stored delegation a row speaks of, or None for a new one."""
    if raw.get("id"):
        if not str(raw["id"]).isdigit() or int(raw["id"]) >= 2**31:
            errors["id"] = f"not a delegation id: {str(raw['id'])[:40]!r}"
            return None
        found = session.get(Delegation, int(raw["id"]))
        if found is None:
            errors["id"] = f"no delegation {raw['id']}"
        return found
    if raw.get("country") and raw.get("kind", "state_party") in STATE_KINDS:
        try:
            code = vocab.country_code(str(raw["country"]))
        except ValueError:
            code = None  # reported by the field checks
        found = session.scalar(select(Delegation).where(Delegation.country == code, Delegation.kind.in_(STATE_KINDS)))
        if found is not None:
            return found
    return session.scalar(select(Delegation).where(Delegation.name_key == delegation_name_key(raw.get("name", ""))))


def plan_delegation_import(session: Session, records: list[dict], actor: Actor, *,
                           today: dt.date | None = None) -> ImportPlan:
    """Check every record and decide its fate (create, update, unchanged, error); writes nothing."""
    outcomes: list[RowOutcome] = []
    claimed: dict[str, int] = {}  # what a row has taken (a delegation, a name): by row number
    for record in records:
        row = int(record.pop("_row", len(outcomes) + 2))
        raw = {k: v for k, v in record.items() if v not in (None, "")}
        outcome = RowOutcome(row=row, action="error", name=str(raw.get("name", ""))[:200])
        outcomes.append(outcome)
        errors: dict[str, str] = {}
        target = _target(session, raw, errors)
        raw.pop("id", None)
        if not errors:
            try:
                change = prepare_change(session, target, raw, actor, today=today)
            except (ContactError, NotAllowed) as exc:
                errors = exc.fields or {"name": exc.message}
        if not errors:
            keys = [f"id:{target.id}"] if target is not None else []
            keys.append(f"name:{delegation_name_key(change.values['name'])}")
            if change.values["kind"] in STATE_KINDS:
                keys.append(f"state:{change.values['country']}")
            first = next((claimed[k] for k in keys if k in claimed), None)
            if first is not None:
                errors = {"name": f"the same delegation as row {first} in this file"}
            else:
                claimed.update(dict.fromkeys(keys, row))
        if errors:
            outcome.errors = errors
            continue
        outcome.data = change
        outcome.changes = sorted(change.diff)
        outcome.action = "create" if target is None else ("update" if change.diff else "unchanged")
    return ImportPlan(rows=outcomes, source="delegations import")


def apply_delegation_import(session: Session, plan: ImportPlan, actor: Actor) -> dict:
    """Write a plan in the caller's transaction (each change audited); returns the report."""
    for outcome in plan.rows:
        if outcome.action in ("create", "update"):
            save_change(session, outcome.data, actor)
    report = plan.report()
    actor.record(session, "delegations.import", object_type="import",
                 details={k: report[k] for k in ("created", "updated", "unchanged", "rejected")})
    return report


def export_focal_points(session: Session, delegation_id: int | None = None) -> str:
    """Focal points (contacts with a delegation; of one delegation if given) as a contacts CSV."""
    query = select(Contact).where(Contact.delegation_id.is_not(None)).order_by(Contact.id)
    if delegation_id is not None:
        query = query.where(Contact.delegation_id == delegation_id)
    names = dict(session.execute(select(Delegation.id, Delegation.name)).all())
    return csv_io.write_csv(session.scalars(query), lists.all_lists(session), names)


def plan_focal_point_import(session: Session, records: list[dict], *, source: str = "focal points import") -> ImportPlan:
    """The contacts import, where every row must name its delegation."""
    missing = {record.get("_row") for record in records if not str(record.get("delegation") or "").strip()}
    plan = importing.plan_import(session, records, source=source)
    for outcome in plan.rows:
        if outcome.row in missing:
            outcome.action, outcome.data = "error", None
            outcome.errors = {**outcome.errors, "delegation": "a focal point needs a delegation (id, name or ISO code)"}
    return plan
