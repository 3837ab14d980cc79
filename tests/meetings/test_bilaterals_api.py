"""Bilaterals through the API: an office holder in two places at once (409), confirmation
emails with an ICS invitation (METHOD:REQUEST, ORGANIZER, ATTENDEE), a cancellation reusing
the UID (METHOD:CANCEL), notes for staff, other roles refused."""

import email

import pytest
from icalendar import Calendar

from support.meetings import MEETING
from support.web import bearer


@pytest.fixture
def officer(token_for):
    return bearer(token_for("officer"))


@pytest.fixture
def meeting(client, officer, users):
    response = client.post("/api/v1/meetings", json={**MEETING, "office_holders": [
        {"user_id": users["approver"].id, "role": "president"}]}, headers=officer)
    return response.get_json()["id"]


@pytest.fixture
def delegation(runtime):
    from contacts.models import Delegation

    with runtime.db.transaction() as session:
        return session.query(Delegation).filter(Delegation.kind.is_not(None)).order_by(Delegation.id).first().id


def invitations(runtime):
    runtime.queue.join()
    found = []
    for path in sorted(runtime.config.outbox_path.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes())
        part = next((p for p in message.walk() if p.get_content_type() == "text/calendar"), None)
        if part is not None:
            found.append((message, Calendar.from_ical(part.get_payload(decode=True))))
    return found


def test_office_holder_twice_at_once_is_a_conflict_and_invitations_carry_ics(client, officer, meeting, delegation,
                                                                                users, runtime, token_for):
    body = {"delegation_id": delegation, "office_holder_id": users["approver"].id, "topic": "Article 5 deadline",
            "attendees": ["Ambassador"], "starts_at": "2026-12-15T13:00+01:00", "ends_at": "2026-12-15T13:30+01:00",
            "room": "President's office"}
    url = f"/api/v1/meetings/{meeting}/bilaterals"
    first = client.post(url, json=body, headers=officer)
    assert first.status_code == 201 and first.get_json()["status"] == "proposed"
    clash = client.post(url, json={**body, "starts_at": "2026-12-15T13:15+01:00", "ends_at": "2026-12-15T13:45+01:00"},
                        headers=officer)
    assert clash.status_code == 409
    assert client.post(url, json=body, headers=bearer(token_for("viewer"))).status_code == 403
    assert client.post(url, json={**body, "office_holder_id": users["viewer"].id}, headers=officer).status_code == 422
    assert client.post(url, json={**body, "topic": "x" * 301}, headers=officer).status_code == 422
    bilateral = first.get_json()
    confirmed = client.post(f"/api/v1/bilaterals/{bilateral['id']}/confirm", headers=officer)
    assert confirmed.status_code == 200 and confirmed.get_json()["status"] == "confirmed"
    sent = invitations(runtime)
    assert sent and any(users["approver"].email in m["To"] for m, _c in sent)
    message, calendar = sent[0]
    assert str(calendar["METHOD"]) == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == bilateral["uid"] and str(event["ORGANIZER"]).startswith("mailto:")
    attendees = event["ATTENDEE"] if isinstance(event["ATTENDEE"], list) else [event["ATTENDEE"]]
    assert f"mailto:{users['approver'].email}" in [str(a) for a in attendees]
    assert event["DTSTART"].params["TZID"] == "Europe/Zurich" and event["DTSTART"].dt.hour == 13
    for path in runtime.config.outbox_path.glob("*.eml"):
        path.unlink()
    cancelled = client.post(f"/api/v1/bilaterals/{bilateral['id']}/cancel", headers=officer)
    assert cancelled.status_code == 200
    message, calendar = invitations(runtime)[0]
    (event,) = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "CANCEL" and str(event["UID"]) == bilateral["uid"]
    assert int(event["SEQUENCE"]) == 1
    assert client.post(f"/api/v1/bilaterals/{bilateral['id']}/cancel", headers=officer).status_code == 409
    # The slot is free again.
    assert client.post(url, json=body, headers=officer).status_code == 201


def test_notes_after_the_meeting_are_kept_for_staff(client, officer, meeting, delegation, users, token_for,
                                                    auth_actions):
    created = client.post(f"/api/v1/meetings/{meeting}/bilaterals", json={
        "delegation_id": delegation, "office_holder_id": users["approver"].id, "topic": "Cooperation"},
        headers=officer).get_json()
    assert created["status"] == "requested"
    noted = client.put(f"/api/v1/bilaterals/{created['id']}/notes", json={"notes": "Agreed to report in June."},
                       headers=officer)
    assert noted.status_code == 200
    listed = client.get(f"/api/v1/meetings/{meeting}/bilaterals?office_holder={users['approver'].id}",
                        headers=bearer(token_for("viewer"))).get_json()
    assert listed["items"][0]["notes"] == "Agreed to report in June."
    assert client.put(f"/api/v1/bilaterals/{created['id']}/notes", json={"notes": "x"},
                      headers=bearer(token_for("viewer"))).status_code == 403
    assert client.post(f"/api/v1/bilaterals/{created['id']}/confirm", headers=officer).status_code == 409
    # The notes stay on the delegation's record, for staff.
    auth_actions.as_viewer()
    record = client.get(f"/staff/delegations/{delegation}").get_data(as_text=True)
    section = record.split('id="bilateral-meetings"')[1].split("</section>")[0]
    assert "Cooperation" in section and "Agreed to report in June." in section and "requested" in section
