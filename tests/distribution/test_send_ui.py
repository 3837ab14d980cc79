"""The staff side of sending a release, against a real SMTP server (aiosmtpd): previews (page,
email frames with their own narrow CSP, text), "send a test to me" ([TEST] subject, no
ledger row, limited per person), the send form (review, confirm, CSRF, roles), the live
status route reaching 100 %, and the embargo rule (docs/design/security.md items 15, 20, 24)."""

import re
from html import unescape

from sqlalchemy import func, select

from comms.accounts import users as auth
from comms.releases import workflow
from comms.distribution.service import Delivery, Send
from comms.web.releases.preview import TEST_LIMIT
from contacts import lists, service, suppression
from storage.audit import Actor
from storage.db import utcnow

from support.sending import make_release
from support.web import csrf_from
from support.send_pages import config, make_list, token  # noqa: F401 (config: a fixture)

STAFF = Actor(label="officer@example.org")
HEADLINE = "Geneva meeting opens"


def page(response) -> str:
    return unescape(response.get_data(as_text=True))


def addressees(smtp) -> list[str]:
    return sorted(rcpt for item in smtp.received for rcpt in item.rcpt_tos)


def count(runtime, model) -> int:
    with runtime.db.transaction() as session:
        return session.scalar(select(func.count()).select_from(model))


# --- previews ------------------------------------------------------------------------------------------------------

def test_release_page_shows_page_email_frames_and_text(client, auth_actions, runtime, users):
    release_id = make_release(runtime, users)
    auth_actions.as_viewer()
    response = client.get(f"/staff/releases/{release_id}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    frames = re.findall(r'<iframe class="email-frame (email-desktop|email-phone)" src="([^"]+)"', html)
    assert [kind for kind, _src in frames] == ["email-desktop", "email-phone"]
    assert {src for _kind, src in frames} == {f"/staff/releases/{release_id}/preview/email"}
    assert re.search(r'<div class="render-page-body">.*<h1[^>]*>Geneva meeting opens</h1>', html, re.S)
    text_part = re.search(r'<pre class="text-part">(.*?)</pre>', html, re.S).group(1)
    assert "GENEVA meeting opens".lower() in unescape(text_part).lower() and "Body text" in unescape(text_part)
    # The staff page itself stays unframeable under the strict policy.
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "style-src 'self'" in response.headers["Content-Security-Policy"]


def test_email_preview_has_a_policy_of_its_own(client, auth_actions, runtime, users):
    release_id = make_release(runtime, users)
    auth_actions.as_viewer()
    response = client.get(f"/staff/releases/{release_id}/preview/email")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert HEADLINE in body and 'style="' in body  # the email's inlined CSS
    policy = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in policy and "default-src 'none'" in policy and "sandbox" in policy
    assert "script-src" not in policy  # default-src 'none' forbids every script
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["Cache-Control"] == "private, no-store"


def test_previews_need_sign_in(client, runtime, users):
    release_id = make_release(runtime, users)
    response = client.get(f"/staff/releases/{release_id}/preview/email")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- send a test to me ---------------------------------------------------------------------------------------------

def test_send_a_test_to_me_arrives_marked_test_and_writes_no_ledger_row(client, auth_actions, runtime, users, smtp):
    release_id = make_release(runtime, users)
    auth_actions.as_officer()
    response = client.post(f"/staff/releases/{release_id}/test-email", data={"csrf_token": token(client, release_id)})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/staff/releases/{release_id}#previews")
    runtime.queue.join()
    [received] = smtp.received
    message = received.message
    assert received.rcpt_tos == ["officer@example.org"]
    assert message["Subject"] == f"[TEST] {HEADLINE}"
    text = next(p for p in message.walk() if p.get_content_type() == "text/plain").get_payload(decode=True).decode()
    html = next(p for p in message.walk() if p.get_content_type() == "text/html").get_payload(decode=True).decode()
    assert "Officer Person" in text and "Officer Person" in html  # personalised for the staff member
    assert "Body text" in text
    assert count(runtime, Delivery) == 0 and count(runtime, Send) == 0
    # The test did not use up the release for that address: a real send still reaches it.
    with runtime.db.transaction() as session:
        target = lists.create_list(session, "Staff", STAFF)
        me = service.create_contact(session, {"name": "Officer", "email": "officer@example.org"}, STAFF)
        lists.add_to_list(session, target, [me.id], STAFF)
        list_id = target.id
    client.post(f"/staff/releases/{release_id}/send", data={"csrf_token": token(client, release_id),
                                                             "list_ids": [str(list_id)]})
    runtime.queue.join()
    assert addressees(smtp) == ["officer@example.org", "officer@example.org"]
    assert smtp.received[1].message["Subject"] == HEADLINE


def test_test_emails_are_limited_per_person(client, auth_actions, runtime, users, smtp):
    release_id = make_release(runtime, users)
    allowed = int(TEST_LIMIT.split()[0])
    auth_actions.as_officer()
    csrf = token(client, release_id)
    statuses = [client.post(f"/staff/releases/{release_id}/test-email", data={"csrf_token": csrf}).status_code
                for _ in range(allowed + 1)]
    assert statuses == [303] * allowed + [429]
    runtime.queue.join()
    assert len(smtp.received) == allowed


def test_test_email_needs_csrf_and_a_role(client, auth_actions, runtime, users, smtp):
    release_id = make_release(runtime, users)
    auth_actions.as_officer()
    assert client.post(f"/staff/releases/{release_id}/test-email").status_code == 400
    auth_actions.logout()
    auth_actions.as_viewer()
    assert client.post(f"/staff/releases/{release_id}/test-email",
                       data={"csrf_token": token(client, release_id)}).status_code == 403
    runtime.queue.join()
    assert smtp.received == []


# --- the send form -------------------------------------------------------------------------------------------------

def test_officer_reviews_confirms_and_the_status_reaches_100(client, auth_actions, runtime, users, smtp):
    release_id = make_release(runtime, users)
    wires, wire_ids = make_list(runtime, "Wires", 4)
    _other, other_ids = make_list(runtime, "Dailies", 2, start=4)
    with runtime.db.transaction() as session:
        dailies = lists.find_list_by_name(session, "Dailies")
        lists.add_to_list(session, dailies, wire_ids[:1], STAFF)  # on both lists: one message
        contact = service.get_contact(session, wire_ids[1])
        suppression.suppress(session, contact, STAFF, "asked not to be contacted")
        dailies_id = dailies.id
    auth_actions.as_officer()
    show = page(client.get(f"/staff/releases/{release_id}"))
    assert "Wires" in show and "Review the send" in show
    review = client.get(f"/staff/releases/{release_id}/send/review", query_string={"list_ids": [wires, dailies_id]})
    assert review.status_code == 200
    text = page(review)
    assert re.search(r'data-figure="recipients"><strong>5</strong> people', text)
    assert 'data-figure="suppressed">1 ' in text and 'data-figure="already_received">0' in text
    assert count(runtime, Send) == 0  # reviewing plans nothing
    response = client.post(f"/staff/releases/{release_id}/send", data={
        "csrf_token": csrf_from(review.get_data(as_text=True)), "list_ids": [str(wires), str(dailies_id)]})
    assert response.status_code == 303
    send_url = response.headers["Location"]
    send_id = int(send_url.rsplit("/", 1)[1])
    progress_page = client.get(send_url)
    assert progress_page.status_code == 200
    assert f'data-send-status-url="/staff/sends/{send_id}/status"' in progress_page.get_data(as_text=True)
    runtime.queue.join()
    status = client.get(f"/staff/sends/{send_id}/status").get_json()
    assert status == {**status, "status": "done", "total": 5, "sent": 5, "failed": 0, "pending": 0, "suppressed": 1,
                      "percent": 100}
    expected = sorted(f"j{n}@news.example" for n in [0, 2, 3, 4, 5])
    assert addressees(smtp) == expected
    assert '<progress class="send-progress" max="100" value="100"' in client.get(send_url).get_data(as_text=True)
    # Sending again reaches nobody new: everyone on the lists has it.
    again = page(client.get(f"/staff/releases/{release_id}/send/review", query_string={"list_ids": [wires]}))
    assert 'data-figure="recipients"><strong>0</strong>' in again and 'data-figure="already_received">3' in again


def test_send_form_needs_csrf(client, auth_actions, runtime, users, smtp):
    release_id = make_release(runtime, users)
    wires, _ids = make_list(runtime, "Wires", 2)
    auth_actions.as_officer()
    response = client.post(f"/staff/releases/{release_id}/send", data={"list_ids": [str(wires)]})
    assert response.status_code == 400
    runtime.queue.join()
    assert count(runtime, Send) == 0 and smtp.received == []


def test_a_viewer_cannot_send(client, auth_actions, runtime, users, smtp):
    release_id = make_release(runtime, users)
    wires, _ids = make_list(runtime, "Wires", 2)
    auth_actions.as_viewer()
    show = page(client.get(f"/staff/releases/{release_id}"))
    assert "Review the send" not in show and "Media officers send releases." in show
    assert client.get(f"/staff/releases/{release_id}/send/review",
                      query_string={"list_ids": [wires]}).status_code == 403
    response = client.post(f"/staff/releases/{release_id}/send", data={"csrf_token": token(client, release_id),
                                                                        "list_ids": [str(wires)]})
    assert response.status_code == 403
    runtime.queue.join()
    assert count(runtime, Send) == 0 and smtp.received == []


def test_a_draft_cannot_be_sent(client, auth_actions, runtime, users, smtp):
    with runtime.db.transaction() as session:
        officer = session.get(auth.User, users["officer"].id)
        release_id = workflow.create_release(session, {"headline": "Draft"}, officer).id
    wires, _ids = make_list(runtime, "Wires", 2)
    auth_actions.as_officer()
    assert "It can be sent once a revision is approved." in page(client.get(f"/staff/releases/{release_id}"))
    response = client.post(f"/staff/releases/{release_id}/send", data={"csrf_token": token(client, release_id),
                                                                        "list_ids": [str(wires)]})
    # Refused at the POST-only send address: back to the release's page (303), so a reload sends nothing.
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/staff/releases/{release_id}#publication")
    assert "Only an approved release can be sent" in page(client.get(response.headers["Location"]))
    assert count(runtime, Send) == 0


def test_embargoed_release_goes_only_to_trusted_lists(client, auth_actions, runtime, users, smtp):
    from datetime import timedelta

    release_id = make_release(runtime, users, embargo=utcnow() + timedelta(days=2))
    trusted, trusted_ids = make_list(runtime, "Geneva corps", 2, trusted=True)
    untrusted, _ids = make_list(runtime, "Everyone", 3, start=2)
    auth_actions.as_officer()
    show = page(client.get(f"/staff/releases/{release_id}"))
    assert re.search(rf'value="{untrusted}" disabled>', show) and re.search(rf'value="{trusted}" >', show)
    assert "embargo-trusted" in show
    # The form disables it, but the server decides: a hand-made request is refused, clearly.
    review = client.get(f"/staff/releases/{release_id}/send/review", query_string={"list_ids": [trusted, untrusted]})
    assert review.status_code == 409
    assert "only embargo-trusted lists can be sent this release (not: Everyone)" in page(review)
    response = client.post(f"/staff/releases/{release_id}/send", data={
        "csrf_token": token(client, release_id), "list_ids": [str(trusted), str(untrusted)]})
    assert response.status_code == 303
    assert "Before the embargo lifts, only embargo-trusted lists can be sent this release (not: Everyone)" \
        in page(client.get(response.headers["Location"]))
    runtime.queue.join()
    assert count(runtime, Send) == 0 and smtp.received == []
    response = client.post(f"/staff/releases/{release_id}/send", data={
        "csrf_token": token(client, release_id), "list_ids": [str(trusted)]})
    assert response.status_code == 303
    runtime.queue.join()
    assert addressees(smtp) == ["j0@news.example", "j1@news.example"]
    assert all(item.message["Subject"].startswith("EMBARGOED UNTIL") for item in smtp.received)


def test_unknown_and_empty_list_choices_are_refused(client, auth_actions, runtime, users):
    release_id = make_release(runtime, users)
    auth_actions.as_officer()
    empty = client.get(f"/staff/releases/{release_id}/send/review")
    assert empty.status_code == 422 and "Choose at least one list, segment or the subscribers to send to" in page(empty)
    unknown = client.get(f"/staff/releases/{release_id}/send/review", query_string={"list_ids": ["99999"]})
    assert unknown.status_code == 422 and "There is no list 99999" in page(unknown)
    junk = client.post(f"/staff/releases/{release_id}/send", data={"csrf_token": token(client, release_id),
                                                                    "list_ids": ["1; DROP"]})
    assert junk.status_code == 303 and "Choose lists from the form" in page(client.get(junk.headers["Location"]))
    assert client.get("/staff/sends/12345/status").status_code == 404
