"""Probe F4: a double click or a client retry never issues a second INF document nor mails anyone twice.

The API takes an ``Idempotency-Key`` (the same key and body: the first answer again; another body: 422),
the staff forms carry a one-time nonce (a second post goes where the first went), both stored in the
database so they hold across processes and when the requests arrive at once."""

import threading

import pytest
from sqlalchemy import func, select

from comms.distribution.models import Delivery, Dispatch
from comms.documents.models import RegisterDocument

from support.dispatching import make_document, make_meeting, make_world
from support.send_pages import config  # noqa: F401 (fixture: mail to the real SMTP server)
from support.web import bearer, csrf_from, nonce_from


@pytest.fixture
def world(runtime, users, token_for):
    meeting_id = make_meeting(runtime)
    return {"meeting": meeting_id, **make_world(runtime), "officer": bearer(token_for("officer"))}


def body(world, **changes) -> dict:
    return {"subject": "Provisional agenda", "body_markdown": "Dear colleagues,", "delegations": "all",
            "list_ids": [world["list"]], **changes}


def counted(runtime, *columns) -> list[int]:
    with runtime.db.transaction() as session:
        return [session.scalar(select(func.count(column))) for column in columns]


def test_a_retried_api_post_answers_the_first_answer_and_sends_nothing_more(client, runtime, world):
    url = f"/api/v1/meetings/{world['meeting']}/dispatches"
    key = {**world["officer"], "Idempotency-Key": "5f0c6c3e-2b1f-4d7e-9d55-3f3b1c0e9a10"}
    first = client.post(url, headers=key, json=body(world))
    assert first.status_code == 202 and "Idempotent-Replayed" not in first.headers
    again = client.post(url, headers=key, json=body(world))
    assert again.status_code == 202 and again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    deliveries = counted(runtime, Delivery.id)[0]
    # The same key with another body is a mistake, not a retry; another key is another dispatch.
    reused = client.post(url, headers=key, json=body(world, subject="Another subject"))
    assert reused.status_code == 422 and reused.get_json()["error"]["fields"] == {"Idempotency-Key": "reused"}
    assert counted(runtime, Dispatch.id, Delivery.id) == [1, deliveries]
    other = client.post(url, headers={**key, "Idempotency-Key": "another-key"}, json=body(world))
    assert other.status_code == 202 and other.get_json()["dispatch_id"] != first.get_json()["dispatch_id"]
    # Without a key every post is new, as before; a malformed key is a 422.
    assert client.post(url, headers=world["officer"], json=body(world)).status_code == 202
    bad = client.post(url, headers={**key, "Idempotency-Key": "has spaces"}, json=body(world))
    assert bad.status_code == 422 and "Idempotency-Key" in bad.get_json()["error"]["fields"]
    assert counted(runtime, Dispatch.id)[0] == 3


def test_a_refused_post_does_not_use_up_its_key(client, runtime, world):
    url = f"/api/v1/meetings/{world['meeting']}/dispatches"
    key = {**world["officer"], "Idempotency-Key": "fix-and-retry"}
    assert client.post(url, headers=key, json=body(world, subject="")).status_code == 422
    assert client.post(url, headers=key, json=body(world)).status_code == 202
    assert counted(runtime, Dispatch.id)[0] == 1


def test_the_same_key_posted_at_once_makes_one_dispatch(app, runtime, world):
    """Six clients post the same key at the same moment: the unique key decides, all get the one dispatch."""
    url = f"/api/v1/meetings/{world['meeting']}/dispatches"
    headers = {**world["officer"], "Idempotency-Key": "racing-retries"}
    start, answers = threading.Barrier(6), []

    def post():
        client = app.test_client()
        start.wait()
        response = client.post(url, headers=headers, json=body(world))
        answers.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=post) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(answers) == 6 and {status for status, _ in answers} == {202}
    assert len({answer["dispatch_id"] for _, answer in answers}) == 1
    assert counted(runtime, Dispatch.id)[0] == 1


def test_the_dispatch_form_posted_twice_sends_once(client, auth_actions, runtime, world):
    auth_actions.as_officer()
    html = client.get(f"/staff/meetings/{world['meeting']}/dispatches").get_data(as_text=True)
    form = {"csrf_token": csrf_from(html), "form_nonce": nonce_from(html), "subject": "Agenda",
            "body_markdown": "Dear colleagues,", "audience": "states_parties"}
    url = f"/staff/meetings/{world['meeting']}/dispatches"
    first, second = client.post(url, data=form), client.post(url, data=form)
    assert first.status_code == second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]
    assert counted(runtime, Dispatch.id)[0] == 1
    # A form without its nonce (a page from before) is shown again with a fresh one, nothing sent.
    stale = client.post(url, data={k: v for k, v in form.items() if k != "form_nonce"})
    assert stale.status_code == 422 and nonce_from(stale.get_data(as_text=True)) != form["form_nonce"]
    assert counted(runtime, Dispatch.id)[0] == 1


def test_the_information_note_posted_twice_issues_one_inf_document(client, auth_actions, runtime, world):
    auth_actions.as_officer()
    url = f"/staff/meetings/{world['meeting']}/information-note"
    html = client.get(url).get_data(as_text=True)
    form = {"csrf_token": csrf_from(html), "form_nonce": nonce_from(html), "audience": "all",
            "body_markdown": "# Information note\n\nOnce only."}
    first, second = client.post(url, data=form), client.post(url, data=form)
    assert first.status_code == second.status_code == 303
    assert second.headers["Location"] == first.headers["Location"]
    with runtime.db.transaction() as session:
        issued = session.scalars(select(RegisterDocument.symbol).where(RegisterDocument.kind == "information")).all()
    assert len(issued) == 1 and issued[0].endswith("/INF.1")
    assert counted(runtime, Dispatch.id)[0] == 1
