"""The meetings API (docs/design/contract.md): meetings, office holders, side events, documents and strategy sign-off."""

import email
import re

import pytest


from support.meetings import PDF
from support.web import bearer
from support.meetings import MEETING

STRATEGY = {"objectives": ["Put victim assistance on the front pages"],
            "key_messages": [{"language": "en", "text": "Survivors first."}],
            "channels": ["press_release"], "spokespersons": ["The President"], "risks": [],
            "audiences": ["Geneva press corps"]}


@pytest.fixture
def officer(token_for):
    return bearer(token_for("officer"))


@pytest.fixture
def meeting(client, officer, users):
    body = {**MEETING, "office_holders": [{"user_id": users["approver"].id, "role": "president"}]}
    response = client.post("/api/v1/meetings", json=body, headers=officer)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_create_get_patch_list(client, officer, meeting, token_for):
    assert meeting["office_holders"][0]["role"] == "president"
    viewer = bearer(token_for("viewer"))
    assert client.get(f"/api/v1/meetings/{meeting['id']}", headers=viewer).get_json()["timezone"] == "Europe/Zurich"
    patched = client.patch(f"/api/v1/meetings/{meeting['id']}", json={"venue": "Palais des Nations"}, headers=officer)
    assert patched.get_json()["venue"] == "Palais des Nations"
    assert client.get("/api/v1/meetings", headers=viewer).get_json()["total"] == 1
    assert client.post("/api/v1/meetings", json=MEETING, headers=viewer).status_code == 403


@pytest.mark.parametrize("change,field", [({"kind": "party"}, "kind"), ({"timezone": "Mars/Olympus"}, None),
                                          ({"ends_on": "2026-01-01"}, None), ({"starts_on": "soon"}, "starts_on")])
def test_bad_meetings_are_refused(client, officer, change, field):
    response = client.post("/api/v1/meetings", json={**MEETING, **change}, headers=officer)
    assert response.status_code == 422
    if field:
        assert field in response.get_json()["error"]["fields"]


def test_side_events_need_zoned_times(client, officer, meeting):
    url = f"/api/v1/meetings/{meeting['id']}/side-events"
    naive = client.post(url, json={"title": "Lunch", "starts_at": "2026-12-15T13:00:00",
                                   "ends_at": "2026-12-15T14:00:00"}, headers=officer)
    assert naive.status_code == 422
    created = client.post(url, json={"title": "Lunch", "starts_at": "2026-12-15T13:00:00+01:00",
                                     "ends_at": "2026-12-15T14:00:00+01:00", "room": "Room 2"}, headers=officer)
    assert created.status_code == 201
    listed = client.get(url, headers=officer).get_json()
    assert len(listed) == 1
    stored = __import__("datetime").datetime.fromisoformat(listed[0]["starts_at"])
    assert stored.utcoffset() is not None
    assert stored == __import__("datetime").datetime.fromisoformat("2026-12-15T12:00:00+00:00")


def test_document_upload_by_content_and_public_download(client, officer, meeting):
    url = f"/api/v1/meetings/{meeting['id']}/documents"
    uploaded = client.post(url, data={"title": "Provisional programme", "kind": "programme", "language": "en",
                                      "file": (__import__("io").BytesIO(PDF), "../../programme.exe")},
                           headers=officer, content_type="multipart/form-data")
    assert uploaded.status_code == 201, uploaded.get_json()
    document = uploaded.get_json()
    [file] = document["files"]
    assert file["filename"] == "programme.pdf" and file["content_type"] == "application/pdf"
    download = client.get(file["url"].split("localhost", 1)[1])
    assert download.status_code == 200 and download.data == PDF
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    bad = client.post(url, data={"title": "Evil", "file": (__import__("io").BytesIO(b"<script>x</script>"), "a.pdf")},
                      headers=officer, content_type="multipart/form-data")
    assert bad.status_code == 422 and "file" in bad.get_json()["error"]["fields"]
    missing = client.post(url, data={"title": "Nothing"}, headers=officer, content_type="multipart/form-data")
    assert missing.status_code == 422


def test_strategy_put_submit_and_sign_off_by_link(client, officer, meeting, users, runtime, auth_actions):
    url = f"/api/v1/meetings/{meeting['id']}/strategy"
    saved = client.put(url, json={**STRATEGY, "milestones": [
        {"title": "Media advisory", "due_on": "2026-12-07", "owner_id": users["officer"].id}]}, headers=officer)
    assert saved.status_code == 200 and saved.get_json()["version"] == 1
    submitted = client.post(f"{url}/submit", headers=officer)
    assert submitted.status_code == 202 and submitted.get_json()["approver_id"] == users["approver"].id
    runtime.queue.join()
    [path] = runtime.config.outbox_path.glob("*.eml")
    message = email.message_from_bytes(path.read_bytes())
    assert message["To"].endswith("<approver@example.org>")
    text = next(p for p in message.walk() if p.get_content_type() == "text/plain").get_payload(decode=True).decode()
    link = re.search(r"http://localhost(/approve/\S+)", text).group(1)
    page = client.get(link)
    assert page.status_code == 200 and "Survivors first." in page.get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    done = client.post(link, data={"csrf_token": token, "decision": "approved"})
    assert done.status_code == 200 and "Approved" in done.get_data(as_text=True)
    signed = client.get(url, headers=officer).get_json()
    assert signed["approved_by"] == users["approver"].id and signed["approved_version"] == 1
    assert client.post(link, data={"csrf_token": token, "decision": "approved"}).status_code == 410  # used
    client.put(url, json={**STRATEGY, "risks": ["Rain"]}, headers=officer)
    assert client.get(url, headers=officer).get_json()["approved_by"] is None


def test_approval_link_page_refuses_stale_and_forged_links(client, officer, meeting, runtime):
    url = f"/api/v1/meetings/{meeting['id']}/strategy"
    client.put(url, json=STRATEGY, headers=officer)
    client.post(f"{url}/submit", headers=officer)
    runtime.queue.join()
    [path] = runtime.config.outbox_path.glob("*.eml")
    message = email.message_from_bytes(path.read_bytes())
    text = next(p for p in message.walk() if p.get_content_type() == "text/plain").get_payload(decode=True).decode()
    link = re.search(r"http://localhost(/approve/\S+)", text).group(1)
    client.put(url, json={**STRATEGY, "objectives": ["Changed"]}, headers=officer)
    assert client.get(link).status_code == 409
    assert client.get(link[:-4] + "AAAA").status_code == 404


def test_approve_through_the_api(client, officer, meeting, token_for):
    url = f"/api/v1/meetings/{meeting['id']}/strategy"
    client.put(url, json=STRATEGY, headers=officer)
    president = bearer(token_for("approver"))
    assert client.post(f"{url}/approve", json={"version": 1}, headers=president).status_code == 409  # not submitted
    client.post(f"{url}/submit", headers=officer)
    assert client.post(f"{url}/approve", json={"version": 7}, headers=president).status_code == 409
    assert client.post(f"{url}/approve", json={"version": 1}, headers=officer).status_code == 403
    approved = client.post(f"{url}/approve", json={"version": 1}, headers=president)
    assert approved.status_code == 200 and approved.get_json()["approved_version"] == 1


def test_calendar_ics_is_public_and_conditional(client, officer, meeting):
    client.post(f"/api/v1/meetings/{meeting['id']}/side-events", json={
        "title": "Survivors' voices", "starts_at": "2026-12-15T13:00:00+01:00", "ends_at": "2026-12-15T14:00:00+01:00"},
        headers=officer)
    client.post(f"/api/v1/meetings/{meeting['id']}/side-events", json={
        "title": "Closed briefing", "public": False, "starts_at": "2026-12-16T09:00:00+01:00",
        "ends_at": "2026-12-16T10:00:00+01:00"}, headers=officer)
    first = client.get("/calendar.ics")
    assert first.status_code == 200 and first.mimetype == "text/calendar"
    body = first.get_data(as_text=True)
    assert "Survivors' voices" in body and "Closed briefing" not in body
    assert "DTSTART;TZID=Europe/Zurich:20261215T130000" in body
    assert first.data == client.get("/calendar.ics").data
    assert client.get("/calendar.ics", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    client.patch(f"/api/v1/meetings/{meeting['id']}", json={"venue": "Moved"}, headers=officer)
    changed = client.get("/calendar.ics", headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and "SEQUENCE:1" in changed.get_data(as_text=True)


def test_public_meeting_page(client, officer, meeting):
    page = client.get(f"/meetings/{meeting['id']}")
    assert page.status_code == 200 and MEETING["title"] in page.get_data(as_text=True)
    assert client.get("/meetings/999").status_code == 404


def test_put_without_release_ids_keeps_milestone_links(client, officer, meeting, users, runtime):
    from sqlalchemy import select

    from comms.meetings import strategy

    url = f"/api/v1/meetings/{meeting['id']}/strategy"
    milestone = {"title": "Advisory", "due_on": "2026-12-07", "owner_id": users["officer"].id}
    client.put(url, json={**STRATEGY, "milestones": [milestone]}, headers=officer)
    with runtime.db.transaction() as session:
        row = session.scalar(select(strategy.Milestone))
        row.release_id, milestone_id = 42, row.id
    client.put(url, json={**STRATEGY, "milestones": [{**milestone, "id": milestone_id, "status": "done"}]},
               headers=officer)
    with runtime.db.transaction() as session:
        assert session.get(strategy.Milestone, milestone_id).release_id == 42
    too_long = client.post("/api/v1/meetings", json={**MEETING, "title": "x" * 301}, headers=officer)
    assert too_long.status_code == 422
