"""/api/v1/delegations (docs/design/contract.md, "Delegations and participants"): the list "as of" a day
around a withdrawal's effective date, search in three languages, corrections kept in the audit log, admin-only
treaty fields, CSV import with a row report before anything is written, and exports that neutralise formulas."""

import pytest
from sqlalchemy import select

from storage.audit import AuditEvent

from support.web import bearer


@pytest.fixture
def officer(token_for):
    return bearer(token_for("officer"))


@pytest.fixture
def admin(token_for):
    return bearer(token_for("admin"))


def find(client, headers, **query):
    response = client.get("/api/v1/delegations", query_string={"per_page": 200, **query}, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def by_name(client, headers, name):
    return next(d for d in find(client, headers, q=name)["items"] if d["name"] == name)


def test_states_parties_as_of_a_day_count_withdrawals_from_their_effective_day(client, officer):
    assert find(client, officer, kind="state_party", on="2024-01-01")["total"] == 164
    before = {d["name"] for d in find(client, officer, kind="state_party", on="2025-12-26")["items"]}
    on_the_day = {d["name"] for d in find(client, officer, kind="state_party", on="2025-12-27")["items"]}
    assert {"Estonia", "Latvia", "Lithuania"} <= before
    assert not {"Estonia", "Latvia", "Lithuania"} & on_the_day
    estonia = by_name(client, officer, "Estonia")
    assert estonia["withdrawal_effective_on"] == "2025-12-27"
    not_party = {d["name"] for d in find(client, officer, kind="state_not_party", on="2025-12-27")["items"]}
    assert "Estonia" in not_party
    detail = client.get(f"/api/v1/delegations/{estonia['id']}", headers=officer).get_json()
    assert detail["names"]["fr"] == "Estonie" and detail["names"]["es"] == "Estonia"


def test_search_in_french_and_spanish_and_bad_queries(client, officer, token_for):
    assert [d["name"] for d in find(client, officer, q="Côte d'Ivoire")["items"]] == ["Côte d'Ivoire"]
    assert "Germany" in [d["name"] for d in find(client, officer, q="Allemagne")["items"]]
    assert "Germany" in [d["name"] for d in find(client, officer, q="Alemania")["items"]]
    viewer = bearer(token_for("viewer"))
    assert find(client, viewer, kind="ngo")["total"] >= 1
    for query in ({"kind": "empire"}, {"on": "yesterday"}, {"q": " ".join(["w"] * 40)}, {"page": 0}):
        assert client.get("/api/v1/delegations", query_string=query, headers=officer).status_code == 422, query
    assert client.get("/api/v1/delegations").status_code == 401
    assert client.get("/api/v1/delegations/999999", headers=officer).status_code == 404


def test_officers_correct_missions_and_the_audit_log_keeps_what_changed(client, runtime, officer):
    chile = by_name(client, officer, "Chile")
    response = client.patch(f"/api/v1/delegations/{chile['id']}", headers=officer, json={
        "mission": {"address": "Rue de Moillebeau 58\n1209 Genève", "email": "Mission@Chile.example",
                    "phone": "+41 22 918 00 70"}})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["mission"] == {"address": "Rue de Moillebeau 58\n1209 Genève",
                                              "email": "mission@chile.example", "phone": "+41 22 918 00 70"}
    with runtime.db.transaction() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "delegation.update"))
        assert event.details["changes"]["mission_email"] == ["", "mission@chile.example"]
    refused = client.patch(f"/api/v1/delegations/{chile['id']}", headers=officer, json={"joined_on": "2002-02-01"})
    assert refused.status_code == 403 and "joined_on" in refused.get_json()["error"]["fields"]


def test_admins_correct_treaty_dates_and_the_kind_follows(client, admin):
    finland = by_name(client, admin, "Finland")
    assert finland["kind"] in ("state_party", "state_not_party")
    corrected = client.patch(f"/api/v1/delegations/{finland['id']}", headers=admin,
                             json={"withdrawal_notified_on": None, "withdrawal_effective_on": None})
    assert corrected.status_code == 200 and corrected.get_json()["kind"] == "state_party"
    too_early = client.patch(f"/api/v1/delegations/{finland['id']}", headers=admin,
                             json={"withdrawal_notified_on": "2026-01-01", "withdrawal_effective_on": "2026-02-01"})
    assert too_early.status_code == 422 and "withdrawal_effective_on" in too_early.get_json()["error"]["fields"]


def test_create_organisations_but_states_only_as_admin(client, officer, admin, token_for):
    created = client.post("/api/v1/delegations", headers=officer, json={
        "name": "Mine Action Survivors Network", "kind": "ngo", "name_fr": "Réseau des survivants"})
    assert created.status_code == 201 and created.get_json()["kind"] == "ngo"
    again = client.post("/api/v1/delegations", headers=officer, json={"name": "mine action survivors network",
                                                                      "kind": "ngo"})
    assert again.status_code == 422 and "name" in again.get_json()["error"]["fields"]
    state = {"name": "Atlantis", "kind": "state_not_party", "country": "AQ"}
    assert client.post("/api/v1/delegations", headers=officer, json=state).status_code == 403
    assert client.post("/api/v1/delegations", headers=bearer(token_for("viewer")),
                       json={"name": "X", "kind": "ngo"}).status_code == 403
    bad = client.post("/api/v1/delegations", headers=officer, json={"name": "=cmd|' /C calc'!A0", "kind": "ngo"})
    assert bad.status_code == 422
    unknown = client.post("/api/v1/delegations", headers=officer, json={"name": "X", "kind": "ngo", "flag": "red"})
    assert unknown.status_code == 422


def test_non_latin_delegation_names(client, officer):
    created = client.post("/api/v1/delegations", headers=officer, json={
        "name": "Ассоциация саперов", "kind": "ngo", "name_es": "Asociación de zapadores"})
    assert created.status_code == 201
    assert [d["name"] for d in find(client, officer, q="саперов")["items"]] == ["Ассоциация саперов"]


CSV_ROWS = (
    "name,kind,country,mission_email,notes\r\n"
    "Chile,state_party,CL,geneva@chile.example,\r\n"
    "Survivor Voices,ngo,,,New partner\r\n"
    "Bad Kind,empire,,,\r\n"
    "Broken Mail,ngo,,not-an-address,\r\n"
    "=HYPERLINK(\"http://evil.example\"),ngo,,,\r\n"
)


def test_csv_import_reports_every_row_before_writing_and_writes_the_good_ones(client, officer):
    before = find(client, officer)["total"]
    dry = client.post("/api/v1/delegations/import?dry_run=true", data=CSV_ROWS.encode(), headers=officer,
                      content_type="text/csv")
    report = dry.get_json()
    assert dry.status_code == 200 and report["dry_run"] is True
    assert (report["created"], report["updated"], report["rejected"]) == (1, 1, 3)
    assert {e["row"] for e in report["errors"]} == {4, 5, 6}
    assert find(client, officer)["total"] == before
    done = client.post("/api/v1/delegations/import", data=CSV_ROWS.encode(), headers=officer,
                       content_type="text/csv").get_json()
    assert (done["created"], done["updated"], done["dry_run"]) == (1, 1, False)
    assert find(client, officer)["total"] == before + 1
    assert by_name(client, officer, "Chile")["mission"]["email"] == "geneva@chile.example"
    assert client.post("/api/v1/delegations/import", data=b"name\n", headers=officer,
                       content_type="application/json").status_code in (415, 422)
    assert client.post("/api/v1/delegations/import", data=b"\xff\xfe\x00garbage", headers=officer,
                       content_type="text/csv").status_code in (200, 400)


def test_export_neutralises_formulas_and_imports_back_unchanged(client, officer):
    client.post("/api/v1/delegations", headers=officer, json={"name": "Plus Partners", "kind": "ngo",
                                                             "notes": "+41 is the code; -1 means none"})
    exported = client.get("/api/v1/delegations/export?kind=ngo", headers=officer)
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    text = exported.get_data(as_text=True)
    assert "'+41 is the code" in text
    back = client.post("/api/v1/delegations/import?dry_run=true", data=text.encode(), headers=officer,
                       content_type="text/csv").get_json()
    assert back["rejected"] == 0 and back["created"] == 0 and back["updated"] == 0


def test_focal_points_import_with_bad_rows_and_export(client, officer, token_for):
    data = ("name,email,delegation\r\n"
            "Ana Morales,ana.morales@minrel.example,CL\r\n"
            "No Delegation,nobody@example.org,\r\n"
            "Unknown Delegation,unknown@example.org,Atlantis\r\n").encode()
    dry = client.post("/api/v1/delegations/focal-points/import?dry_run=true", data=data, headers=officer,
                      content_type="text/csv").get_json()
    assert (dry["created"], dry["rejected"]) == (1, 2)
    done = client.post("/api/v1/delegations/focal-points/import", data=data, headers=officer,
                       content_type="text/csv").get_json()
    assert done["created"] == 1
    chile = by_name(client, officer, "Chile")
    assert len(chile["focal_points"]) == 1
    exported = client.get(f"/api/v1/delegations/focal-points/export?delegation={chile['id']}", headers=officer)
    assert "ana.morales@minrel.example" in exported.get_data(as_text=True)
    assert "Chile" in exported.get_data(as_text=True)
    viewer = bearer(token_for("viewer"))
    assert client.get("/api/v1/delegations/focal-points/export", headers=viewer).status_code == 403
    assert client.post("/api/v1/delegations/focal-points/import", data=data, headers=viewer,
                       content_type="text/csv").status_code == 403
