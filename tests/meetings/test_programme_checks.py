"""Issue 18's cross-checks through the API: a room holds a session or a bilateral, not both
(422 naming both); an office holder chairing a session is not in a bilateral then (409); the
agenda's and the sessions' documents exist in the meeting's register (422 naming the symbol);
bilaterals fit the office holder's availability windows."""

import pytest
from sqlalchemy import select

from contacts.models import Delegation

from support.meetings import MEETING, zurich
from support.web import bearer

DAY = "2026-12-15"


@pytest.fixture
def officer(token_for):
    return bearer(token_for("officer"))


@pytest.fixture
def president(users):
    return users["approver"]


@pytest.fixture
def meeting(client, officer, president):
    response = client.post("/api/v1/meetings", json={**MEETING, "office_holders": [
        {"user_id": president.id, "role": "president"}]}, headers=officer)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


@pytest.fixture
def delegation(runtime):
    with runtime.db.transaction() as session:
        return session.scalars(select(Delegation).order_by(Delegation.id)).first().id


def put_sessions(client, officer, meeting, sessions):
    return client.put(f"/api/v1/meetings/{meeting}/programme", json={"sessions": sessions}, headers=officer)


def plenary(title, start, end, room="Room XIX", chair="", **extra):
    return {"track": "plenary", "title": {"en": title}, "starts_at": zurich(DAY, start), "ends_at": zurich(DAY, end),
            "room": room, "chair": chair, **extra}


def ask(client, officer, meeting, delegation, president, start, end, room="President's office"):
    return client.post(f"/api/v1/meetings/{meeting}/bilaterals", json={
        "delegation_id": delegation, "office_holder_id": president.id, "topic": "Article 5 extension",
        "attendees": ["Ambassador"], "starts_at": zurich(DAY, start), "ends_at": zurich(DAY, end), "room": room},
        headers=officer)


def test_a_room_cannot_hold_a_bilateral_and_a_session_at_once(client, officer, meeting, delegation, president):
    assert put_sessions(client, officer, meeting, [plenary("Mine clearance", "10:00", "13:00", "Room VII")]).status_code == 200
    refused = ask(client, officer, meeting, delegation, president, "12:30", "13:15", "Room VII")
    assert refused.status_code == 422
    message = refused.get_json()["error"]["message"]
    assert "Room VII" in message and "Mine clearance" in message and "bilateral" in message
    assert "room" in refused.get_json()["error"]["fields"]
    # The other way round: the bilateral holds Room 8, then a session wants it.
    held = ask(client, officer, meeting, delegation, president, "14:00", "14:30", "Room 8")
    assert held.status_code == 201, held.get_json()
    clash = put_sessions(client, officer, meeting, [plenary("Mine clearance", "10:00", "13:00", "Room VII"),
                                                     plenary("Briefing for donors", "14:15", "15:00", "room 8")])
    assert clash.status_code == 422
    message = clash.get_json()["error"]["message"]
    assert "Briefing for donors" in message and f"bilateral {held.get_json()['id']}" in message
    assert "sessions[1].room" in clash.get_json()["error"]["fields"]
    # Once the bilateral is cancelled, the room is free.
    assert client.post(f"/api/v1/bilaterals/{held.get_json()['id']}/cancel", headers=officer).status_code == 200
    assert put_sessions(client, officer, meeting, [plenary("Mine clearance", "10:00", "13:00", "Room VII"),
                                                    plenary("Briefing for donors", "14:15", "15:00", "room 8")]
                        ).status_code == 200


def test_an_office_holder_chairing_a_session_cannot_be_in_a_bilateral_then(client, officer, meeting, delegation,
                                                                           president):
    assert put_sessions(client, officer, meeting, [plenary("Opening", "10:00", "13:00", chair="The President")]
                        ).status_code == 200
    busy = ask(client, officer, meeting, delegation, president, "12:00", "12:30")
    assert busy.status_code == 409
    assert "Opening" in busy.get_json()["error"]["message"]
    free = ask(client, officer, meeting, delegation, president, "13:00", "13:30")
    assert free.status_code == 201, free.get_json()
    # A session chaired by the office holder's name, placed over the bilateral: 409 naming both.
    chaired = put_sessions(client, officer, meeting, [
        plenary("Opening", "10:00", "13:00", chair="The President"),
        plenary("Universalization", "13:15", "14:00", "Room 2", chair=f"{president.display_name} (chair)")])
    assert chaired.status_code == 409
    message = chaired.get_json()["error"]["message"]
    assert "Universalization" in message and f"bilateral {free.get_json()['id']}" in message
    # Someone else chairing at that time is fine.
    assert put_sessions(client, officer, meeting, [
        plenary("Opening", "10:00", "13:00", chair="The President"),
        plenary("Universalization", "13:15", "14:00", "Room 2", chair="Vice-President")]).status_code == 200


def test_documents_must_exist_in_the_meetings_register(client, officer, meeting, users):
    items = [{"number": "8", "title": {"en": "Mine clearance"}, "documents": ["APLC/MSP.22/2026/3"]}]
    unknown = client.put(f"/api/v1/meetings/{meeting}/agenda", json={"items": items}, headers=officer)
    assert unknown.status_code == 422
    assert "APLC/MSP.22/2026/3" in unknown.get_json()["error"]["message"]
    assert "items[0].documents" in unknown.get_json()["error"]["fields"]
    # A document of another meeting does not count.
    other = client.post("/api/v1/meetings", json={**MEETING, "title": "Intersessional meetings"},
                        headers=officer).get_json()["id"]
    made = client.post(f"/api/v1/meetings/{other}/documents", json={
        "symbol": "APLC/MSP.22/2026/3", "kind": "working_paper", "title": {"en": "Elsewhere"}}, headers=officer)
    assert made.status_code == 201, made.get_json()
    assert client.put(f"/api/v1/meetings/{meeting}/agenda", json={"items": items}, headers=officer).status_code == 422
    ours = client.post(f"/api/v1/meetings/{meeting}/documents", json={
        "symbol": "APLC/MSP.22/2026/4", "kind": "working_paper", "title": {"en": "Clearance"}}, headers=officer)
    assert ours.status_code == 201, ours.get_json()
    items[0]["documents"] = ["APLC/MSP.22/2026/4"]
    saved = client.put(f"/api/v1/meetings/{meeting}/agenda", json={"items": items}, headers=officer)
    assert saved.status_code == 200, saved.get_json()
    # The sessions' documents are checked the same way.
    bad = put_sessions(client, officer, meeting, [plenary("Clearance", "10:00", "12:00",
                                                          documents=["APLC/MSP.22/2026/4", "APLC/MSP.22/2026/99"])])
    assert bad.status_code == 422 and "APLC/MSP.22/2026/99" in bad.get_json()["error"]["message"]
    assert bad.get_json()["error"]["fields"] == {
        "sessions[0].documents": "APLC/MSP.22/2026/99 is not in this meeting's document register"}


def test_bilaterals_fit_the_office_holders_availability_windows(client, officer, meeting, delegation, president,
                                                                users, token_for):
    url = f"/api/v1/meetings/{meeting}/availability/{president.id}"
    windows = [{"starts_at": zurich(DAY, "13:00"), "ends_at": zurich(DAY, "15:00")},
               {"starts_at": "2026-12-16T08:30+01:00", "ends_at": "2026-12-16T09:30+01:00"}]
    saved = client.put(url, json={"windows": windows}, headers=officer)
    assert saved.status_code == 200, saved.get_json()
    # Local Geneva times are stored in UTC (CET is UTC+1 in December).
    read = client.get(url, headers=bearer(token_for("viewer"))).get_json()["windows"]
    assert [w["starts_at"] for w in read] == ["2026-12-15T12:00:00+00:00", "2026-12-16T07:30:00+00:00"]
    outside = ask(client, officer, meeting, delegation, president, "15:00", "15:30")
    assert outside.status_code == 422 and "availability" in outside.get_json()["error"]["message"]
    straddling = ask(client, officer, meeting, delegation, president, "14:45", "15:15")
    assert straddling.status_code == 422
    inside = ask(client, officer, meeting, delegation, president, "14:30", "15:00")
    assert inside.status_code == 201, inside.get_json()
    bad = client.put(url, json={"windows": [{"starts_at": zurich(DAY, "15:00"), "ends_at": zurich(DAY, "14:00")}]},
                     headers=officer)
    assert bad.status_code == 422 and "ends_at" in bad.get_json()["error"]["fields"]
    assert client.put(url, json={"windows": windows}, headers=bearer(token_for("viewer"))).status_code == 403
    not_holder = client.put(f"/api/v1/meetings/{meeting}/availability/{users['viewer'].id}",
                            json={"windows": windows}, headers=officer)
    assert not_holder.status_code == 422
