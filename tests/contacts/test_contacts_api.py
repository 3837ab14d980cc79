"""The contacts, lists and segments API (docs/design/contract.md), with real tokens and roles."""

import csv
import io

import pytest


from support.web import bearer

EMILIE = {"name": "Émilie Durand", "email": "emilie@lemonde.example", "outlet": "Le Monde", "country": "FR",
          "languages": ["fr", "en"], "topics": ["victim-assistance"],
          "phones": [{"number": "+33 1 55 55 55 55", "public": True}]}


@pytest.fixture
def officer(client, token_for):
    return bearer(token_for("officer"))


def test_create_get_patch_and_search(client, officer, token_for):
    created = client.post("/api/v1/contacts", json=EMILIE, headers=officer)
    assert created.status_code == 201
    body = created.get_json()
    assert {k: body[k] for k in ("email", "outlet", "country", "languages", "topics", "status")} == {
        "email": "emilie@lemonde.example", "outlet": "Le Monde", "country": "FR", "languages": ["fr", "en"],
        "topics": ["victim-assistance"], "status": "active"}
    assert body["consent"]["basis"] == "legitimate_interest" and body["consent"]["at"].endswith("+00:00")
    contact_id = body["id"]
    patched = client.patch(f"/api/v1/contacts/{contact_id}", json={"role": "Geneva correspondent"}, headers=officer)
    assert patched.get_json()["role"] == "Geneva correspondent"
    viewer = bearer(token_for("viewer"))
    assert client.get(f"/api/v1/contacts/{contact_id}", headers=viewer).get_json()["name"] == "Émilie Durand"
    found = client.get("/api/v1/contacts?q=durand&country=FR&language=fr&topic=victim-assistance", headers=viewer)
    assert found.get_json()["total"] == 1
    assert client.get("/api/v1/contacts?language=es", headers=viewer).get_json() == {"items": [], "total": 0}
    history = client.get(f"/api/v1/contacts/{contact_id}/history", headers=viewer).get_json()
    assert [h["kind"] for h in history] == ["updated", "created"]


def test_duplicate_email_is_409(client, officer):
    client.post("/api/v1/contacts", json=EMILIE, headers=officer)
    response = client.post("/api/v1/contacts", json={**EMILIE, "email": "EMILIE@LeMonde.example"}, headers=officer)
    assert response.status_code == 409, response.get_json()
    assert response.get_json()["error"]["fields"]["email"]


def test_validation_errors_name_the_fields(client, officer):
    response = client.post("/api/v1/contacts", json={**EMILIE, "country": "Atlantis", "languages": ["xx"]},
                           headers=officer)
    assert response.status_code == 422
    assert set(response.get_json()["error"]["fields"]) == {"country", "languages"}
    unknown = client.post("/api/v1/contacts", json={**EMILIE, "favourite_colour": "blue"}, headers=officer)
    assert unknown.status_code == 422 and "favourite_colour" in unknown.get_json()["error"]["fields"]


def test_roles(client, token_for):
    viewer = bearer(token_for("viewer"))
    assert client.post("/api/v1/contacts", json=EMILIE, headers=viewer).status_code == 403
    assert client.get("/api/v1/contacts").status_code == 401
    assert client.get("/api/v1/contacts/export", headers=viewer).status_code == 403


def test_suppress_and_only_admin_unsuppresses(client, officer, token_for):
    contact_id = client.post("/api/v1/contacts", json=EMILIE, headers=officer).get_json()["id"]
    suppressed = client.post(f"/api/v1/contacts/{contact_id}/suppress", json={"reason": "asked by phone"},
                             headers=officer)
    assert suppressed.get_json()["status"] == "suppressed"
    assert client.post(f"/api/v1/contacts/{contact_id}/unsuppress", headers=officer).status_code == 403
    lifted = client.post(f"/api/v1/contacts/{contact_id}/unsuppress", headers=bearer(token_for("admin")))
    assert lifted.get_json()["status"] == "active"


def test_gdpr_export_and_erasure(client, officer):
    contact_id = client.post("/api/v1/contacts", json=EMILIE, headers=officer).get_json()["id"]
    exported = client.get(f"/api/v1/contacts/{contact_id}/export", headers=officer).get_json()
    assert exported["email"] == "emilie@lemonde.example" and exported["history"]
    assert client.delete(f"/api/v1/contacts/{contact_id}?erase=true", headers=officer).status_code == 204
    assert client.get(f"/api/v1/contacts/{contact_id}", headers=officer).status_code == 404
    again = client.post("/api/v1/contacts", json=EMILIE, headers=officer)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "suppressed"
    reimport = client.post("/api/v1/contacts/import", data="name,email\r\nÉmilie,emilie@lemonde.example\r\n",
                           content_type="text/csv", headers=officer).get_json()
    assert reimport["created"] == 0 and reimport["skipped"] == 1


def test_import_report_dry_run_and_export_round_trip(client, officer):
    data = ("name;email;country;languages;topics\r\n"
            "Ana García;ana@elpais.example;Spain;es;meetings\r\n"
            "Bad;not-an-email;ES;es;\r\n"
            "Paul Martin;paul@rfi.example;FR;fr, en;universalization\r\n")
    dry = client.post("/api/v1/contacts/import?dry_run=true", data=data.encode("utf-8-sig"),
                      content_type="text/csv", headers=officer).get_json()
    assert (dry["created"], dry["dry_run"]) == (2, True)
    assert client.get("/api/v1/contacts", headers=officer).get_json()["total"] == 0
    report = client.post("/api/v1/contacts/import", data=data, content_type="text/csv", headers=officer).get_json()
    assert (report["created"], report["updated"], report["skipped"]) == (2, 0, 0)
    assert report["errors"] == [{"row": 3, "field": "email", "message": report["errors"][0]["message"]}]
    exported = client.get("/api/v1/contacts/export", headers=officer)
    assert exported.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    assert [r["email"] for r in rows] == ["ana@elpais.example", "paul@rfi.example"]
    again = client.post("/api/v1/contacts/import", data=exported.get_data(), content_type="text/csv",
                        headers=officer).get_json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)
    vcard = client.get("/api/v1/contacts/export?format=vcard&country=FR", headers=officer)
    assert vcard.mimetype == "text/vcard" and vcard.get_data(as_text=True).count("BEGIN:VCARD") == 1


def test_import_file_errors(client, officer):
    no_email = client.post("/api/v1/contacts/import", data="name\r\nA\r\n", content_type="text/csv", headers=officer)
    assert no_email.status_code == 400 and "email" in no_email.get_json()["error"]["message"]
    wrong_type = client.post("/api/v1/contacts/import", data=b"%PDF", content_type="application/pdf",
                             headers=officer)
    assert wrong_type.status_code == 415


def test_lists_members_and_segments(client, officer):
    ids = [client.post("/api/v1/contacts", json={**EMILIE, "email": f"p{n}@lemonde.example", "name": f"P{n}",
                                                 "languages": ["fr"] if n else ["es"]}, headers=officer).get_json()["id"]
           for n in range(3)]
    created = client.post("/api/v1/lists", json={"name": "Embargo-trusted wires", "embargo_trusted": True},
                          headers=officer)
    assert created.status_code == 201 and created.get_json()["embargo_trusted"] is True
    list_id = created.get_json()["id"]
    added = client.post(f"/api/v1/lists/{list_id}/members", json={"contact_ids": ids}, headers=officer).get_json()
    assert added == {"changed": 3, "size": 3}
    again = client.post(f"/api/v1/lists/{list_id}/members", json={"contact_ids": ids[:1]}, headers=officer)
    assert again.get_json()["changed"] == 0
    assert client.get(f"/api/v1/contacts?list={list_id}", headers=officer).get_json()["total"] == 3
    listing = client.get("/api/v1/lists", headers=officer).get_json()
    assert listing["items"][0]["size"] == 3 and listing["total"] == 1
    duplicate = client.post("/api/v1/lists", json={"name": "Embargo-trusted wires"}, headers=officer)
    assert duplicate.status_code == 422
    segment = client.post("/api/v1/segments", json={"name": "French speakers", "filters": {"language": "fr"}},
                          headers=officer).get_json()
    members = client.get(f"/api/v1/segments/{segment['id']}/contacts", headers=officer).get_json()
    assert members["total"] == 2
    removed = client.delete(f"/api/v1/lists/{list_id}/members", json={"contact_ids": ids[:2]},
                             headers=officer).get_json()
    assert removed == {"changed": 2, "size": 1}
    topics = client.get("/api/v1/topics", headers=officer).get_json()
    assert {"slug": "victim-assistance", "label": "Victim assistance"} in topics


def test_merge_through_the_api(client, officer):
    first = client.post("/api/v1/contacts", json=EMILIE, headers=officer).get_json()["id"]
    second = client.post("/api/v1/contacts", json={**EMILIE, "email": "e.durand@lemonde.example", "languages": ["es"]},
                         headers=officer).get_json()["id"]
    groups = client.get("/api/v1/contacts/duplicates", headers=officer).get_json()["items"]
    assert groups == [{"name": "Émilie Durand", "outlet": "Le Monde", "contact_ids": [first, second]}]
    merged = client.post(f"/api/v1/contacts/{first}/merge", json={"other_id": second}, headers=officer).get_json()
    assert merged["languages"] == ["fr", "en", "es"]
    assert client.get(f"/api/v1/contacts/{second}", headers=officer).status_code == 404


def test_country_can_be_cleared_and_huge_ids_are_404(client, officer):
    contact_id = client.post("/api/v1/contacts", json=EMILIE, headers=officer).get_json()["id"]
    cleared = client.patch(f"/api/v1/contacts/{contact_id}", json={"country": ""}, headers=officer).get_json()
    assert cleared["country"] is None
    assert client.get("/api/v1/contacts/99999999999999", headers=officer).status_code == 404
    assert client.get("/api/v1/contacts?list=99999999999999", headers=officer).status_code == 422


def test_removing_non_members_changes_nothing(client, officer):
    contact_id = client.post("/api/v1/contacts", json=EMILIE, headers=officer).get_json()["id"]
    list_id = client.post("/api/v1/lists", json={"name": "Wires"}, headers=officer).get_json()["id"]
    removed = client.delete(f"/api/v1/lists/{list_id}/members", json={"contact_ids": [contact_id, 424242]},
                            headers=officer)
    assert removed.status_code == 200 and removed.get_json() == {"changed": 0, "size": 0}
    history = client.get(f"/api/v1/contacts/{contact_id}/history", headers=officer).get_json()
    assert "list.removed" not in [h["kind"] for h in history]


def test_lifting_does_not_confirm_an_unconfirmed_contact(client, officer, token_for):
    contact_id = client.post("/api/v1/contacts", json={**EMILIE, "status": "unconfirmed"},
                             headers=officer).get_json()["id"]
    lifted = client.post(f"/api/v1/contacts/{contact_id}/unsuppress", headers=bearer(token_for("admin")))
    assert lifted.get_json()["status"] == "unconfirmed"


def test_a_contact_names_its_delegation(client, officer):
    """The contract: a contact gains delegation_id (a focal point or delegate belongs to a delegation)."""
    delegation = client.post("/api/v1/delegations", headers=officer,
                             json={"name": "Survivors' Network", "kind": "ngo"}).get_json()
    created = client.post("/api/v1/contacts", headers=officer,
                          json={"name": "Ана Петрова", "email": "ana@network.example", "delegation_id": delegation["id"]})
    assert created.status_code == 201, created.get_json()
    contact = created.get_json()
    assert contact["delegation_id"] == delegation["id"]
    assert client.get(f"/api/v1/contacts/{contact['id']}", headers=officer).get_json()["delegation_id"] == delegation["id"]
    unknown = client.patch(f"/api/v1/contacts/{contact['id']}", headers=officer, json={"delegation_id": 2**30})
    assert unknown.status_code == 422 and "delegation_id" in unknown.get_json()["error"]["fields"]
    cleared = client.patch(f"/api/v1/contacts/{contact['id']}", headers=officer, json={"delegation_id": None})
    assert cleared.status_code == 200 and cleared.get_json()["delegation_id"] is None
