"""Approvals close the loop for strategies and through the API (issue 15 §2): the President's
sign-off by link reaches whoever asked; a changed strategy that was in sign-off asks the President
again; the approver's dashboard lists strategies waiting; a decision through the API is emailed
like one by link; times in the meeting's zone only."""

import re

from support.approval_loop import create, link_in, outbox, submit, text_part, to
from support.release_pages import html, text, world  # noqa: F401 (world: a fixture)
from support.strategy import CONTENT
from support.web import bearer, csrf_from


def _strategy_asked(client, token_for, world) -> tuple[str, str]:
    officer = bearer(token_for("officer"))
    meeting_id = world["meeting_id"]
    assert client.put(f"/api/v1/meetings/{meeting_id}/strategy", json=CONTENT, headers=officer).status_code == 200
    assert client.post(f"/api/v1/meetings/{meeting_id}/strategy/submit", headers=officer).status_code == 202
    return officer, meeting_id


def test_the_presidents_sign_off_by_link_reaches_the_officer_who_asked(app, client, runtime, token_for, users, world):
    _officer, meeting_id = _strategy_asked(client, token_for, world)
    [request_mail] = to(outbox(runtime), "approver@example.org", "Approval requested: ")
    request_text = text_part(request_mail)
    assert "  - Raise awareness of the 2025 universalization push\n" in request_text  # objectives stay a list
    assert re.search(r"until \d{1,2} \w+ 20\d\d, \d\d:\d\d CET\.", request_text) and "UTC" not in request_text
    phone = app.test_client()
    path = link_in(request_mail)
    done = phone.post(path, data={"decision": "approved", "csrf_token": csrf_from(html(phone.get(path)))})
    assert done.status_code == 200 and "The press office has been told." in text(done)
    [decision] = to(outbox(runtime), "officer@example.org", "Approved: ")
    body = text_part(decision)
    assert decision["Subject"] == "Approved: Communication strategy: Twenty-Second Meeting"
    assert "Approver Person approved the communication strategy on " in body and "signed off" in body
    assert f"/staff/meetings/{meeting_id}/strategy" in body and "UTC" not in body


def test_a_changed_strategy_asks_the_president_again_through_the_api(client, runtime, token_for, users, world):
    officer, meeting_id = _strategy_asked(client, token_for, world)
    changed = {**CONTENT, "risks": ["Competing news on the same day", "A strike at the venue"]}
    saved = client.put(f"/api/v1/meetings/{meeting_id}/strategy", json=changed, headers=officer)
    assert saved.status_code == 200 and saved.get_json()["version"] == 2
    asked = to(outbox(runtime), "approver@example.org", "Approval requested: ")
    assert [("version 2" in text_part(m)) for m in asked] == [False, True]
    page = html(client.get(link_in(asked[1])))
    assert "What changed since version 1, which you last saw" in page and re.search(r"<ins>\s*A strike at the venue</ins>", page)
    assert client.get(link_in(asked[0])).status_code == 409  # the first link was superseded
    # Content unchanged: nobody is asked again.
    assert client.put(f"/api/v1/meetings/{meeting_id}/strategy", json=changed, headers=officer).status_code == 200
    assert len(to(outbox(runtime), "approver@example.org", "Approval requested: ")) == 2


def test_the_approver_dashboard_lists_strategies_waiting(client, auth_actions, runtime, token_for, users, world):
    _strategy_asked(client, token_for, world)
    auth_actions.as_approver()
    panel = text(client.get("/staff/")).split('id="waiting-for-me"')[1].split("</section>")[0]
    assert "Communication strategies" in panel and "Communication strategy: Twenty-Second Meeting" in panel
    assert "Version 1" in panel and "Press releases" not in panel


def test_a_decision_through_the_api_is_emailed_too(client, auth_actions, runtime, token_for, users, world):
    auth_actions.as_officer()
    release_id = create(client, world)
    assert submit(client, release_id, [str(users["approver"].id)]).status_code == 303
    auth_actions.logout()
    response = client.post(f"/api/v1/releases/{release_id}/request-changes", headers=bearer(token_for("approver")),
                           json={"revision": 1, "comment": "Add the year."})
    assert response.status_code == 200 and response.get_json()["status"] == "draft"
    [decision] = to(outbox(runtime), "officer@example.org", "Changes requested: ")
    assert "  Add the year." in text_part(decision)
    # An outsider (a viewer) cannot decide, and nobody is told of a decision that did not happen.
    assert client.post(f"/api/v1/releases/{release_id}/approve", headers=bearer(token_for("viewer")),
                       json={"revision": 1}).status_code == 403
    assert len(to(outbox(runtime), "officer@example.org", "Approved: ")) == 0


def test_the_president_signs_off_in_the_app_and_the_officer_hears(client, auth_actions, runtime, token_for, users,
                                                                  world):
    _officer, meeting_id = _strategy_asked(client, token_for, world)
    auth_actions.as_officer()  # officers see no decision form, and cannot post one
    assert 'id="decide"' not in html(client.get(f"/staff/meetings/{meeting_id}/strategy"))
    page = html(client.get(f"/staff/meetings/{meeting_id}/strategy"))
    assert client.post(f"/staff/meetings/{meeting_id}/strategy/decide", data={
        "csrf_token": csrf_from(page), "version": "1", "decision": "approved"}).status_code == 403
    auth_actions.logout()
    auth_actions.as_approver()
    page = html(client.get(f"/staff/meetings/{meeting_id}/strategy"))
    assert "Sign off version 1" in page
    stale = client.post(f"/staff/meetings/{meeting_id}/strategy/decide", data={
        "csrf_token": csrf_from(page), "version": "0", "decision": "approved"})
    assert stale.status_code == 409
    done = client.post(f"/staff/meetings/{meeting_id}/strategy/decide", data={
        "csrf_token": csrf_from(page), "version": "1", "decision": "changes_requested", "comment": "Add a risk."})
    assert done.status_code == 303
    assert "You asked for changes to version 1. The press office has been told." in text(
        client.get(done.headers["Location"]))
    [decision] = to(outbox(runtime), "officer@example.org", "Changes requested: ")
    assert "  Add a risk." in text_part(decision)
    # Decided once: the form is gone and a second post is refused.
    page = html(client.get(f"/staff/meetings/{meeting_id}/strategy"))
    assert 'id="decide"' not in page
    assert client.post(f"/staff/meetings/{meeting_id}/strategy/decide", data={
        "csrf_token": csrf_from(page), "version": "1", "decision": "approved"}).status_code == 403
