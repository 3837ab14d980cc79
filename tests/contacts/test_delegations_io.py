"""Delegations and focal points by CSV, by the contacts' rules: a row report before
anything is written, bad rows never written, formula cells neutralised on export,
and an export imported back changes nothing."""

import csv
import io

import pytest
from sqlalchemy import func, select

from contacts import csv_io, delegation_io, importing, service
from contacts import delegations as svc
from contacts.delegation_seed import seed_delegations
from contacts.errors import ContactError
from contacts.models import STATE_KINDS, Contact, Delegation
from storage.audit import AuditEvent

FORMULA = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def seeded(database):
    with database.engine.begin() as connection:
        seed_delegations(connection)
    return database


def by_code(session, code):
    return session.scalar(select(Delegation).where(Delegation.country == code, Delegation.kind.in_(STATE_KINDS)))


def snapshot(session) -> list[dict]:
    return [svc.delegation_to_dict(d) for d in session.scalars(select(Delegation).order_by(Delegation.id))]


def audit_count(session, action=None) -> int:
    query = select(func.count(AuditEvent.id))
    return session.scalar(query.where(AuditEvent.action == action) if action else query)


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_export_neutralises_formula_cells(seeded, admin_actor):
    with seeded.transaction() as session:
        chad = by_code(session, "TD")
        svc.update_delegation(session, chad.id, {"notes": "=HYPERLINK(\"http://evil.example\")",
                                                 "mission_address": "@Rue de Lausanne 1\n1202 Genève",
                                                 "mission_phone": "+41 22 000 00 00"}, admin_actor)
        exported = delegation_io.export_delegations(session)
    rows = rows_of(exported)
    assert rows[0] == delegation_io.COLUMNS and len(rows) == 1 + 197 + 13
    for row in rows:
        assert not [cell for cell in row if cell.startswith(FORMULA)], row
    chad_row = next(row for row in (dict(zip(rows[0], r)) for r in rows) if row["country"] == "TD")
    assert chad_row["notes"].startswith("'=") and chad_row["mission_phone"] == "'+41 22 000 00 00"


def test_an_export_imported_back_changes_nothing(seeded, admin_actor):
    with seeded.transaction() as session:
        svc.update_delegation(session, by_code(session, "CH").id, {
            "mission": {"address": "=Chemin de l'Impératrice\r\n1292 Chambésy", "email": "gen@eda.example",
                        "phone": "-22 000"}, "notes": "Host State, \"quoted\"; commas, too"}, admin_actor)
    with seeded.transaction() as session:
        before, exported = snapshot(session), delegation_io.export_delegations(session)
    for data in (exported, exported.encode("utf-8-sig")):
        with seeded.transaction() as session:
            audits = audit_count(session)
            plan = delegation_io.plan_delegation_import(session, delegation_io.read_delegations_csv(data), admin_actor)
            report = delegation_io.apply_delegation_import(session, plan, admin_actor)
            assert (report["created"], report["updated"], report["rejected"], report["errors"]) == (0, 0, 0, [])
            assert report["unchanged"] == report["rows"] == len(before)
            assert audit_count(session) == audits + 1  # the import's own line, nothing else
        with seeded.transaction() as session:
            assert snapshot(session) == before


BAD_FILE = (
    "id,name,kind,country,joined_on,withdrawal_effective_on,mission_phone,notes\r\n"
    ",France,state_party,FR,,,+33 1 00 00 00 00,\r\n"                       # row 2: good (matched by country)
    ",Chile,state_party,CL,31/12/2001,,,\r\n"                                  # row 3: bad date
    "999999,Nowhere,ngo,,,,,\r\n"                                              # row 4: unknown id
    ",Landmine Survivors,charity,,,,,\r\n"                                     # row 5: unknown kind
    ",France,state_party,FR,,,,second row for France\r\n"                     # row 6: France again
    ",Estonia,state_party,EE,,2025-07-01,,\r\n"                                # row 7: under six months
    ",Mine Free World,ngo,,,,call us,\r\n"                                     # row 8: bad phone
    ",Peace Landmines,ngo,,,,,\"=cmd|' /C calc'!A0\"\r\n"                     # row 9: good new NGO
)


def test_bad_rows_are_reported_and_a_dry_run_writes_nothing(seeded, admin_actor):
    with seeded.transaction() as session:
        before, audits = snapshot(session), audit_count(session)
        plan = delegation_io.plan_delegation_import(session, delegation_io.read_delegations_csv(BAD_FILE),
                                                    admin_actor)
        report = plan.report()
        assert (report["created"], report["updated"], report["rejected"], report["rows"]) == (1, 1, 6, 8)
        assert {(e["row"], e["field"]) for e in report["errors"]} == {
            (3, "joined_on"), (4, "id"), (5, "kind"), (6, "name"), (7, "withdrawal_effective_on"),
            (8, "mission_phone")}
        assert next(e for e in report["errors"] if e["row"] == 6)["message"] == "the same delegation as row 2 in this file"
        session.rollback()  # the dry run: the plan is the report
    with seeded.transaction() as session:
        assert snapshot(session) == before and audit_count(session) == audits


def test_applying_writes_the_good_rows_only_each_audited(seeded, admin_actor):
    with seeded.transaction() as session:
        plan = delegation_io.plan_delegation_import(session, delegation_io.read_delegations_csv(BAD_FILE),
                                                    admin_actor)
        delegation_io.apply_delegation_import(session, plan, admin_actor)
    with seeded.transaction() as session:
        assert by_code(session, "FR").mission_phone == "+33 1 00 00 00 00"
        assert by_code(session, "CL").joined_on.isoformat() == "2001-09-10"
        assert by_code(session, "EE").withdrawal_effective_on.isoformat() == "2025-12-27"
        [ngo] = svc.list_delegations(session, q="peace landmines")
        assert ngo.kind == "ngo" and ngo.notes.startswith("=cmd")  # free text, neutralised when exported
        assert svc.list_delegations(session, q="mine free world") == []
        assert audit_count(session, "delegation.update") == audit_count(session, "delegation.create") == 1
        [summary] = session.scalars(select(AuditEvent).where(AuditEvent.action == "delegations.import"))
        assert summary.details == {"created": 1, "updated": 1, "unchanged": 0, "rejected": 6}


def test_an_officer_may_import_missions_but_not_treaty_dates(seeded, staff):
    data = ("name,country,kind,mission_email,withdrawal_notified_on\r\n"
            "Peru,PE,state_party,lima@rree.example,\r\n"
            "Spain,ES,state_party,,2026-01-05\r\n")
    with seeded.transaction() as session:
        report = delegation_io.plan_delegation_import(session, delegation_io.read_delegations_csv(data),
                                                      staff).report()
    assert report["updated"] == 1 and report["errors"] == [
        {"row": 3, "field": "withdrawal_notified_on", "message": "admins only"}]


def test_unreadable_files_are_refused_whole():
    for data, message in ((b"", "empty"), (b"country,kind\r\nFR,state_party\r\n", "'name' column"),
                          ("name,notes\r\nRen\xe9,x\r\n".encode("latin-1"), "UTF-8"),
                          (b"name,name\r\nx,y\r\n", "twice")):
        with pytest.raises(ContactError, match=message):
            delegation_io.read_delegations_csv(data)


def test_focal_points_export_and_import(seeded, staff):
    with seeded.transaction() as session:
        france = by_code(session, "FR")
        service.create_contact(session, {"name": "Léa Martin", "email": "lea@mission-france.example",
                                         "delegation_id": france.id, "role": "Counsellor"}, staff)
        service.create_contact(session, {"name": "Press Only", "email": "press@paper.example"}, staff)
        exported = delegation_io.export_focal_points(session)
        assert delegation_io.export_focal_points(session, by_code(session, "CL").id).count("\r\n") == 1
    rows = rows_of(exported)
    assert len(rows) == 2 and dict(zip(rows[0], rows[1]))["delegation"] == "France"
    data = exported + ("Juan Pérez,juan@minrel.example,,,,Chile,es,,,,,,,,\r\n"
                       "No Delegation,nobody@minrel.example,,,,,,,,,,,,,\r\n"
                       "Unknown,unknown@minrel.example,,,,Atlantis,,,,,,,,,\r\n")
    with seeded.transaction() as session:
        plan = delegation_io.plan_focal_point_import(session, csv_io.read_csv(data))
        report = importing.apply_import(session, plan, staff)
        assert (report["created"], report["unchanged"], report["rejected"]) == (1, 1, 2)
        assert {(e["row"], e["field"]) for e in report["errors"]} == {(4, "delegation"), (5, "delegation")}
        juan = service.find_by_email(session, "juan@minrel.example")
        assert juan.delegation_id == by_code(session, "CL").id
        assert service.find_by_email(session, "nobody@minrel.example") is None


def test_the_contacts_csv_carries_the_delegation_and_round_trips(seeded, staff):
    data = ("name,email,delegation\r\n"
            "Ana,ana@mission.example,ch\r\n"
            "Ben,ben@mission.example,Comité international de la Croix-Rouge\r\n"
            "Cy,cy@paper.example,\r\n")
    with seeded.transaction() as session:
        plan = importing.plan_import(session, csv_io.read_csv(data))
        assert importing.apply_import(session, plan, staff)["created"] == 3
    with seeded.transaction() as session:
        ana, ben = (service.find_by_email(session, e) for e in ("ana@mission.example", "ben@mission.example"))
        assert ana.delegation.country == "CH" and ben.delegation.seed_key == "org:icrc"
        exported = csv_io.write_csv(session.scalars(select(Contact).order_by(Contact.id)), [])
        assert "Switzerland" in exported and "International Committee of the Red Cross" in exported
        again = importing.plan_import(session, csv_io.read_csv(exported)).report()
        assert (again["unchanged"], again["updated"], again["created"]) == (3, 0, 0)
        moved = importing.plan_import(session, csv_io.read_csv(exported.replace("Switzerland", "Chile")))
        assert moved.report()["updated"] == 1 and moved.rows[0].changes == ["delegation"]
