"""Participants through the API (docs/design/contract.md, "Delegations and participants"): adding,
listing, approving (the person is told by email), roles, bad input and non-Latin names."""

import pytest
from sqlalchemy import select

from storage.audit import AuditEvent

from support.participants import add, delegation_id, make_meeting, outbox, text_of
from support.web import bearer


@pytest.fixture
def officer(token_for):
    return token_for("officer")


@pytest.fixture
def meeting(client, officer):
    return make_meeting(client, officer)


def test_add_list_and_approve_tells_the_person(client, runtime, officer, meeting):
    chile = delegation_id(runtime, "CL")
    person = add(client, officer, meeting["id"], delegation_id=chile, name="Ana Morales", title="Ambassador",
                 email="ana.morales@minrel.example", role="head")
    assert (person["status"], person["credentials"], person["listed"], person["delegation"]) == \
        ("requested", "none", True, "Chile")
    listed = client.get(f"/api/v1/meetings/{meeting['id']}/participants", headers=bearer(officer))
    assert listed.status_code == 200 and listed.get_json()["total"] == 1
    assert outbox(runtime) == []

    patched = client.patch(f"/api/v1/participants/{person['id']}", json={"status": "approved",
                                                                         "credentials": "credentials"},
                           headers=bearer(officer))
    assert patched.status_code == 200 and patched.get_json()["status"] == "approved"
    [message] = outbox(runtime)
    assert message["To"] == "Ana Morales <ana.morales@minrel.example>"
    assert message["Subject"] == "Your registration is approved"
    assert "Head of delegation of the delegation of Chile" in " ".join(text_of(message).split())
    # The same status again tells nobody twice.
    client.patch(f"/api/v1/participants/{person['id']}", json={"status": "approved"}, headers=bearer(officer))
    assert len(outbox(runtime)) == 1
    with runtime.db.transaction() as session:
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "participant.update"))
        # Field names, never the values: the audit log is no copy of personal data.
        assert event.details["fields"] == ["credentials", "status"] and "ana" not in str(event.details)


def test_filters_and_order_heads_first(client, runtime, officer, meeting):
    chile = delegation_id(runtime, "CL")
    austria = delegation_id(runtime, "AT")
    add(client, officer, meeting["id"], delegation_id=chile, name="Zoe Adviser", role="adviser")
    add(client, officer, meeting["id"], delegation_id=chile, name="Yago Head", role="head", status="approved")
    add(client, officer, meeting["id"], delegation_id=austria, name="Xaver Expert", role="expert")
    items = client.get(f"/api/v1/meetings/{meeting['id']}/participants", headers=bearer(officer)).get_json()["items"]
    assert [p["name"] for p in items] == ["Xaver Expert", "Yago Head", "Zoe Adviser"]
    approved = client.get(f"/api/v1/meetings/{meeting['id']}/participants?status=approved",
                          headers=bearer(officer)).get_json()
    assert [p["name"] for p in approved["items"]] == ["Yago Head"]
    only_austria = client.get(f"/api/v1/meetings/{meeting['id']}/participants?delegation={austria}",
                              headers=bearer(officer)).get_json()
    assert only_austria["total"] == 1


def test_other_roles_are_refused(client, runtime, token_for, officer, meeting):
    person = add(client, officer, meeting["id"], delegation_id=delegation_id(runtime, "CL"), name="Ana Morales")
    for role in ("viewer", "approver"):
        headers = bearer(token_for(role))
        assert client.get(f"/api/v1/meetings/{meeting['id']}/participants", headers=headers).status_code == 200
        assert client.post(f"/api/v1/meetings/{meeting['id']}/participants", json={"name": "X"},
                           headers=headers).status_code == 403
        assert client.patch(f"/api/v1/participants/{person['id']}", json={"status": "approved"},
                            headers=headers).status_code == 403
        assert client.post(f"/api/v1/meetings/{meeting['id']}/list-of-participants",
                           headers=headers).status_code == 403
    assert client.get(f"/api/v1/meetings/{meeting['id']}/participants").status_code == 401
    assert client.patch(f"/api/v1/participants/{person['id']}", json={"status": "approved"}).status_code == 401


@pytest.mark.parametrize("body, field", [
    ({"name": "No Delegation"}, "delegation_id"),
    ({"delegation_id": 999999, "name": "Unknown Delegation"}, "delegation_id"),
    ({"delegation_id": "CL", "name": "Text Id"}, "delegation_id"),
    ({"name": "", "delegation_id": 1}, "name"),
    ({"name": "Bad Role", "delegation_id": 1, "role": "king"}, "role"),
    ({"name": "Bad Mail", "delegation_id": 1, "email": "not-an-address"}, "email"),
    ({"name": "Line\r\nBcc: x@evil.example", "delegation_id": 1}, "name"),
    ({"name": "=HYPERLINK(1)", "delegation_id": 1}, "name"),
    ({"name": "x" * 201, "delegation_id": 1}, "name"),
    ({"name": "Listed", "delegation_id": 1, "listed": "perhaps"}, "listed"),
])
def test_bad_input_is_422_naming_the_field(client, officer, meeting, body, field):
    response = client.post(f"/api/v1/meetings/{meeting['id']}/participants", json=body, headers=bearer(officer))
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["fields"]


def test_deeply_nested_and_huge_input(client, officer, meeting):
    nested = {"name": "N", "delegation_id": 1}
    for _ in range(100):
        nested = {"a": nested}
    assert client.post(f"/api/v1/meetings/{meeting['id']}/participants", json=nested,
                       headers=bearer(officer)).status_code == 422
    huge = client.post(f"/api/v1/meetings/{meeting['id']}/participants",
                       json={"name": "x" * 3_000_000, "delegation_id": 1}, headers=bearer(officer))
    assert huge.status_code in (413, 422)
    assert client.patch("/api/v1/participants/99999999999999999999", json={},
                        headers=bearer(officer)).status_code == 404


def test_unknown_meeting_and_participant_are_404_and_duplicates_409(client, runtime, officer, meeting):
    assert client.get("/api/v1/meetings/4242/participants", headers=bearer(officer)).status_code == 404
    assert client.patch("/api/v1/participants/4242", json={"status": "approved"},
                        headers=bearer(officer)).status_code == 404
    chile = delegation_id(runtime, "CL")
    add(client, officer, meeting["id"], delegation_id=chile, name="Ana Morales", email="ana@minrel.example")
    again = client.post(f"/api/v1/meetings/{meeting['id']}/participants",
                        json={"delegation_id": chile, "name": "Ana M.", "email": "ANA@minrel.example"},
                        headers=bearer(officer))
    assert again.status_code == 409 and again.get_json()["error"]["fields"]["email"] == "already registered"


def test_non_latin_names_round_trip(client, runtime, officer, meeting):
    names = ["Нурлан Абдрахманов", "王小明", "محمد العلي", "Ἀλέξανδρος", "José Ñúñez-Çelik"]
    for name in names:
        add(client, officer, meeting["id"], delegation_id=delegation_id(runtime, "CL"), name=name, title="Délégué")
    items = client.get(f"/api/v1/meetings/{meeting['id']}/participants", headers=bearer(officer)).get_json()["items"]
    assert sorted(p["name"] for p in items) == sorted(names)
