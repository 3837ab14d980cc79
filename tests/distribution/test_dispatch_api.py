"""POST /api/v1/meetings/{id}/dispatches and GET /api/v1/dispatches/{d}, and the staff pages:
202 then progress to done with every message at the SMTP server, bad input 4xx with a JSON
error, other roles 403, HEAD and GET change nothing, a send page of a dispatch leads to it,
and the contact's history (page and API) lists the dispatch."""

import json

import re

import pytest
from sqlalchemy import func, select

from comms.distribution.models import Dispatch, Send

from support.dispatching import make_document, make_meeting, make_world
from support.send_pages import config  # noqa: F401 (fixture: mail to the real SMTP server)
from support.web import bearer, csrf_from, nonce_from


@pytest.fixture
def world(runtime, users, token_for):
    meeting_id = make_meeting(runtime)
    return {"meeting": meeting_id, **make_world(runtime), "officer": bearer(token_for("officer")),
            "approver": bearer(token_for("approver")), "viewer": bearer(token_for("viewer"))}


def dispatch_count(runtime) -> int:
    with runtime.db.transaction() as session:
        return session.scalar(select(func.count(Dispatch.id)))


def test_a_dispatch_is_accepted_then_reports_its_progress(client, runtime, world, smtp, auth_actions):
    document_id = make_document(runtime, world["meeting"], title="Provisional agenda")
    response = client.post(f"/api/v1/meetings/{world['meeting']}/dispatches", headers=world["officer"],
                           json={"subject": "Provisional agenda", "body_markdown": "Please find it below.",
                                 "document_ids": [document_id], "delegations": "all", "list_ids": [world["list"]]})
    assert response.status_code == 202, response.get_json()
    dispatch_id = response.get_json()["dispatch_id"]
    runtime.queue.join()
    state = client.get(f"/api/v1/dispatches/{dispatch_id}", headers=world["viewer"]).get_json()
    assert {k: state[k] for k in ("status", "total", "sent", "failed", "suppressed")} == \
        {"status": "done", "total": 4, "sent": 4, "failed": 0, "suppressed": 1}
    assert sorted(r for item in smtp.received for r in item.rcpt_tos) == sorted(
        ["fp0@mission-aq.example", "alexei@mission-bv.example", "aisha@demining.example", "jo@wire.example"])
    # The focal point's history lists it, in the API and on the page.
    history = client.get(f"/api/v1/contacts/{world['party_people'][0]}/history", headers=world["viewer"]).get_json()
    received = [event for event in history if event["kind"] == "dispatch.received"]
    assert [event["details"]["dispatch_id"] for event in received] == [dispatch_id]
    assert received[0]["details"]["status"] == "sent"
    auth_actions.as_viewer()
    page = client.get(f"/staff/contacts/{world['party_people'][0]}").get_data(as_text=True)
    rows = re.findall(r'<tr class="history-dispatch">(.*?)</tr>', page[page.index("<h2>History</h2>"):], re.S)
    assert len(rows) == 1 and "Provisional agenda" in rows[0] and "dispatch received" in rows[0]
    assert f'href="/staff/dispatches/{dispatch_id}"' in rows[0]
    # The delegation's record lists what reached its people (the suppressed focal point was never planned).
    record = client.get(f"/staff/delegations/{world['party']}").get_data(as_text=True)
    section = record.split('id="dispatches-received"')[1].split("</section>")[0]
    assert "Provisional agenda" in section and "1 of 1" in section


@pytest.mark.parametrize("body, field", [
    ({"subject": "", "delegations": "all"}, "subject"),
    ({"subject": "x\r\nBcc: a@evil.example", "delegations": "all"}, "subject"),
    ({"subject": "Agenda", "delegations": "everyone"}, "delegations"),
    ({"subject": "Agenda", "delegations": [2**40]}, "delegations"),
    ({"subject": "Agenda", "delegations": {"all": True}}, "delegations"),
    ({"subject": "Agenda"}, "delegations"),
    ({"subject": "Agenda", "delegations": "all", "list_ids": [0]}, "list_ids"),
    ({"subject": "Agenda", "delegations": "all", "document_ids": ["one"]}, "document_ids"),
    ({"subject": "Agenda", "delegations": "all", "surprise": 1}, "surprise"),
    ({"subject": "Agenda", "delegations": "all", "body_markdown": "- " * 400 + "deep"}, "body_markdown"),
])
def test_bad_input_gets_a_json_422_and_writes_nothing(client, runtime, world, body, field):
    response = client.post(f"/api/v1/meetings/{world['meeting']}/dispatches", headers=world["officer"], json=body)
    assert response.status_code == 422, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] in ("invalid", "validation_error", "unprocessable_entity") or error["message"]
    assert field in json.dumps(error)
    assert dispatch_count(runtime) == 0


def test_deeply_nested_and_huge_input_is_refused(client, runtime, world):
    nested = '{"subject": "Agenda", "delegations": ' + "[" * 5000 + "]" * 5000 + "}"
    response = client.post(f"/api/v1/meetings/{world['meeting']}/dispatches", headers=world["officer"],
                           data=nested, content_type="application/json")
    assert 400 <= response.status_code < 500
    many = {"subject": "Agenda", "delegations": list(range(1, 5002))}
    response = client.post(f"/api/v1/meetings/{world['meeting']}/dispatches", headers=world["officer"], json=many)
    assert response.status_code == 422
    assert dispatch_count(runtime) == 0


def test_only_officers_send_and_unknown_things_are_404(client, runtime, world):
    url = f"/api/v1/meetings/{world['meeting']}/dispatches"
    body = {"subject": "Agenda", "delegations": "all"}
    for role in ("approver", "viewer"):
        response = client.post(url, headers=world[role], json=body)
        assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"
    assert client.post(url, json=body).status_code == 401
    assert client.post("/api/v1/meetings/999999/dispatches", headers=world["officer"], json=body).status_code == 404
    assert client.get("/api/v1/dispatches/999999", headers=world["viewer"]).status_code == 404
    assert client.get("/api/v1/dispatches/99999999999", headers=world["viewer"]).status_code == 404
    assert dispatch_count(runtime) == 0


def test_the_staff_pages_compose_send_and_report(client, auth_actions, runtime, world, smtp):
    document_id = make_document(runtime, world["meeting"], title="Provisional agenda")
    auth_actions.as_officer()
    page = client.get(f"/staff/meetings/{world['meeting']}/dispatches")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'data-audience-count="states_parties"' in html and "Provisional agenda" in html
    assert client.head(f"/staff/meetings/{world['meeting']}/dispatches").status_code == 200
    form = {"csrf_token": csrf_from(html), "form_nonce": nonce_from(html), "subject": "Agenda",
            "body_markdown": "Dear colleagues,", "audience": "states_parties", "document_ids": [str(document_id)]}
    # Without the CSRF token: refused, nothing written.
    assert client.post(f"/staff/meetings/{world['meeting']}/dispatches",
                       data={**form, "csrf_token": ""}).status_code == 400
    refused = client.post(f"/staff/meetings/{world['meeting']}/dispatches", data={**form, "subject": ""})
    assert refused.status_code == 422 and "subject" in refused.get_data(as_text=True)
    assert dispatch_count(runtime) == 0
    sent = client.post(f"/staff/meetings/{world['meeting']}/dispatches", data=form)
    assert sent.status_code == 303
    runtime.queue.join()
    report = client.get(sent.headers["Location"]).get_data(as_text=True)
    assert 'data-figure="sent">1<' in report and 'data-figure="suppressed">1' in report
    assert [r for item in smtp.received for r in item.rcpt_tos] == ["fp0@mission-aq.example"]
    # The ledger's send page of a dispatch leads to the dispatch.
    with runtime.db.transaction() as session:
        send_id = session.scalar(select(Send.id).where(Send.dispatch_id.is_not(None)))
    assert client.get(f"/staff/sends/{send_id}").headers["Location"] == sent.headers["Location"]
    contact_page = client.get(f"/staff/contacts/{world['party_people'][0]}").get_data(as_text=True)
    assert 'class="history-dispatch"' in contact_page and ">Agenda</a>" in contact_page


def test_other_roles_cannot_send_from_the_pages(client, auth_actions, runtime, world):
    auth_actions.as_viewer()
    page = client.get(f"/staff/meetings/{world['meeting']}/dispatches")
    assert page.status_code == 200 and 'id="compose"' not in page.get_data(as_text=True)
    response = client.post(f"/staff/meetings/{world['meeting']}/dispatches",
                           data={"csrf_token": csrf_from(page.get_data(as_text=True)), "subject": "Agenda",
                                 "audience": "all"})
    assert response.status_code == 403
    assert client.get(f"/staff/meetings/{world['meeting']}/information-note").status_code == 403
    assert dispatch_count(runtime) == 0
