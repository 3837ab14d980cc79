"""docs/design/security.md "Email", items 21-25: real sends to aiosmtpd (tests/support/smtp_server.py) through the
distribution code, the RFC 8058 link taken from a message actually received, the send ledger's
database constraint, and double opt-in through the public pages."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from comms.accounts import users as auth
from comms.app import create_app
from comms.accounts.approvals import ApprovalRequest
from comms.distribution.service import Delivery, run_send
from comms.releases.service import ReleaseRevision, get_release
from contacts import lists, service, suppression
from contacts.models import Contact
from storage.audit import AuditEvent

from support.sending import STAFF, make_contacts, make_release, received_by, rt, send  # noqa: F401
from support.subscriptions import FORM, contact, link_in, outbox, submit
from support.web import AuthActions, bearer, csrf_from

INJECTED = {"ana@news.example": "Ana =?utf-8?q?x=0D=0ABcc=3A_victim@evil.example?=",
            "bo@news.example": "Bo\nBcc: victim@evil.example"}


def test_item_21_injected_names_never_add_a_header_or_recipient(rt, smtp, users, client, token_for):  # noqa: F811
    """Item 21: "Header injection (`"x\\r\\nBcc: a@evil"`, encoded newlines) in names, subjects,
    addresses: no extra header, no extra recipient." Such names are refused at the door (API 422);
    names stored before that rule (written here straight into the table) are refused by the mail
    layer, visibly, and the plain contact beside them is mailed."""
    for name in ("Ana\r\nBcc: victim@evil.example", *INJECTED.values()):
        refused = client.post("/api/v1/contacts", json={"name": name, "email": "cy@news.example"},
                              headers=bearer(token_for("officer")))
        assert refused.status_code == 422 and "name" in refused.get_json()["error"]["fields"], name
    release_id = make_release(rt, users)
    [list_id], _ids = make_contacts(rt, 1)
    with rt.db.transaction() as session:
        made = [service.create_contact(session, {"name": "Placeholder", "email": address}, STAFF)
                for address in INJECTED]
        for contact_row, name in zip(made, INJECTED.values()):
            contact_row.name = name  # as an older version of Pressroom might have stored it
        lists.add_to_list(session, lists.get_list(session, list_id), [c.id for c in made], STAFF)
    run_send(rt, send(rt, release_id, [list_id]))
    # The mail layer refuses both (a failed delivery naming why); only the plain contact is mailed.
    assert [r.rcpt_tos for r in smtp.received] == [["j0@news0.example"]]
    headers = smtp.received[0].data.split(b"\r\n\r\n", 1)[0]
    assert smtp.received[0].message.get_all("Bcc") is None and b"victim" not in headers
    with rt.db.transaction() as session:
        failed = [d.last_error for d in session.scalars(select(Delivery).where(Delivery.status == "failed"))]
    assert len(failed) == 2 and all("line break" in error for error in failed)


def test_item_22_the_list_unsubscribe_of_a_received_message_is_one_click(app, rt, smtp, users):  # noqa: F811
    """Item 22: "RFC 8058 ... a GET (link scanners) never unsubscribes; the POST needs no cookie or
    CSRF token, answers 200, is idempotent." The link is taken from the message aiosmtpd received."""
    release_id = make_release(rt, users)
    [list_id], [contact_id] = make_contacts(rt, 1)
    run_send(rt, send(rt, release_id, [list_id]))
    [received] = smtp.received
    message = received.message
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = message["List-Unsubscribe"].strip().strip("<>")
    assert url.startswith("https://press.example.org/")
    path = url.removeprefix("https://press.example.org")
    scanner = app.test_client()
    assert scanner.get(path).status_code == 200
    with rt.db.transaction() as session:
        assert session.get(Contact, contact_id).status == "active"
    mail_client = app.test_client()  # a fresh client: no cookie, no CSRF token
    assert mail_client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    assert mail_client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200
    with rt.db.transaction() as session:
        assert session.get(Contact, contact_id).status == "unsubscribed"


def test_item_23_the_ledger_refuses_a_second_row_for_a_release_and_contact(rt, smtp, users):  # noqa: F811
    """Item 23: "A send ledger with a unique (release, contact) row claimed before the SMTP call."
    The database itself refuses a duplicate row, and a second send of the same release to an
    overlapping list delivers nothing twice."""
    release_id = make_release(rt, users)
    list_ids, ids = make_contacts(rt, 3, list_names=("Wires", "Desk"))
    first = send(rt, release_id, list_ids[:1])
    run_send(rt, first)
    run_send(rt, send(rt, release_id, list_ids))
    assert sorted(received_by(smtp)) == sorted(f"j{n}@news{n % 7}.example" for n in range(3))
    assert all(len(v) == 1 for v in received_by(smtp).values())
    with pytest.raises(IntegrityError):
        with rt.db.transaction() as session:
            session.add(Delivery(release_id=release_id, contact_id=ids[0], send_id=first, message_id="<dup@x>"))


def test_item_24_nobody_blocked_gets_a_message_and_a_hard_bounce_suppresses(rt, smtp, users):  # noqa: F811
    """Item 24: "A contact on two lists gets one message; suppressed, unsubscribed and bounced
    contacts get none; a hard bounce suppresses." One send per state, for real over SMTP; then a
    5xx refusal from the server suppresses that address for the next release."""
    list_ids, ids = make_contacts(rt, 5, list_names=("Wires", "Desk"))
    with rt.db.transaction() as session:
        suppression.suppress(session, session.get(Contact, ids[1]), STAFF, "asked by phone")
        suppression.unsubscribe(session, session.get(Contact, ids[2]), STAFF)
        suppression.record_hard_bounce(session, session.get(Contact, ids[3]), STAFF, "550 no such user")
        refused = session.get(Contact, ids[4]).email
    smtp.handler.refuse[refused] = "550 5.1.1 mailbox unavailable"
    run_send(rt, send(rt, make_release(rt, users), list_ids))
    assert dict(received_by(smtp)).keys() == {"j0@news0.example"} and len(received_by(smtp)["j0@news0.example"]) == 1
    with rt.db.transaction() as session:
        assert suppression.is_suppressed(session, refused)
    del smtp.handler.refuse[refused]
    run_send(rt, send(rt, make_release(rt, users), list_ids))
    assert refused not in received_by(smtp)


def test_item_25_consent_shows_in_the_gdpr_export_after_scanners_opened_the_link(client, runtime, token_for):
    """Item 25: "Double opt-in: GET shows the confirmation, POST confirms; store when, from where,
    and which consent wording." Two scanner GETs confirm nothing; after the POST, the contact's
    GDPR export through the API carries the time, the address and the wording."""
    submit(client)
    path = link_in(outbox(runtime)[-1], "/subscribe/confirm/").split("localhost", 1)[1]
    for _scan in range(2):
        shown = client.get(path)
        assert shown.status_code == 200 and contact(runtime)[0] == "unconfirmed"
    client.post(path, data={"csrf_token": csrf_from(shown.get_data(as_text=True))},
                environ_base={"REMOTE_ADDR": "203.0.113.7"})
    officer = bearer(token_for("officer"))
    [found] = client.get(f"/api/v1/contacts?q={FORM['email']}", headers=officer).get_json()["items"]
    exported = client.get(f"/api/v1/contacts/{found['id']}/export", headers=officer).get_json()
    consent = exported["consent"]
    assert found["status"] == "active" and consent["ip"] == "203.0.113.7" and consent["wording_version"] == "2026-11"
    assert dt.datetime.fromisoformat(consent["at"]).tzinfo is not None



def test_item_21_a_line_break_in_a_headline_never_silently_stops_an_approval_email(config, smtp, users,  # noqa: F811
                                                                                  token_for):
    """Item 21 for approval emails (issue 13, finding 10): a headline with a line break used to be
    accepted, the submit answered 202, and the mail job failed on the unsafe Subject header, so the
    approver never heard. Line breaks and control characters in one-line fields are refused at
    the door (422 naming the field); a headline stored before that rule makes the submit fail
    visibly, with nothing half-written; and an email that fails anyway (the server refuses the
    approver) is recorded on the request and shown on the release page."""
    app = create_app(config.with_overrides(smtp_url=smtp.url, mail_from="press@isu.example.org"))
    runtime, client = app.extensions["pressroom"], app.test_client()
    officer = bearer(token_for("officer"))
    draft = {"headline": "Mines cleared", "body_markdown": "All of them."}
    try:
        for field, value in (("headline", "Mines cleared\r\nBcc: victim@evil.example"), ("headline", "A\nB"),
                             ("subheadline", "One\u2028two"), ("dateline", "GENEVA\x0b15 December"),
                             ("slug", "mines\ncleared"), ("headline", "=?utf-8?q?x=0D=0ABcc=3A_a@evil.example?=")):
            refused = client.post("/api/v1/releases", json={**draft, field: value}, headers=officer)
            assert refused.status_code == 422 and field in refused.get_json()["error"]["fields"], (field, value)
        speaker = client.post("/api/v1/releases", json={**draft, "quotes": [{"text": "Yes.", "speaker": "A\nB"}]},
                              headers=officer)
        assert speaker.status_code == 422 and "quotes" in speaker.get_json()["error"]["fields"]
        release = client.post("/api/v1/releases", json=draft, headers=officer).get_json()
        patched = client.patch(f"/api/v1/releases/{release['id']}", json={"headline": "Mines\ncleared"},
                               headers=officer)
        assert patched.status_code == 422 and "headline" in patched.get_json()["error"]["fields"]

        submit = {"approver_ids": [users["approver"].id]}
        with runtime.db.transaction() as session:  # as an older version of Pressroom may have stored them
            session.get(auth.User, users["approver"].id).name = "Approver\r\nBcc: victim@evil.example"
        unsendable = client.post(f"/api/v1/releases/{release['id']}/submit", json=submit, headers=officer)
        assert unsendable.status_code == 422 and "approval email" in unsendable.get_json()["error"]["message"]
        with runtime.db.transaction() as session:  # nothing half-written: no request, still a draft
            assert get_release(session, release["id"]).status == "draft"
            assert session.scalars(select(ApprovalRequest)).all() == []
            session.get(auth.User, users["approver"].id).name = "Approver Person"
            revision = session.scalars(select(ReleaseRevision).where(ReleaseRevision.release_id == release["id"])).one()
            revision.content = {**revision.content, "headline": "Mines cleared\nBcc: victim@evil.example"}
        assert client.post(f"/api/v1/releases/{release['id']}/submit", json=submit, headers=officer).status_code == 202
        runtime.queue.join()
        [received] = smtp.received  # the subject is one line, whatever the stored headline holds
        assert received.message["Subject"] == "Approval requested: Mines cleared Bcc: victim@evil.example"
        assert received.rcpt_tos == ["approver@example.org"] and received.message.get_all("Bcc") is None

        client.patch(f"/api/v1/releases/{release['id']}", json={"headline": "Mines cleared"}, headers=officer)
        smtp.handler.refuse["approver@example.org"] = "550 5.1.1 No such mailbox"
        submitted = client.post(f"/api/v1/releases/{release['id']}/submit", json=submit, headers=officer)
        assert submitted.status_code == 202
        runtime.queue.join()
        assert len(smtp.received) == 1
        with runtime.db.transaction() as session:
            [request] = session.scalars(select(ApprovalRequest).where(ApprovalRequest.version == 2)).all()
            assert request.email_error == "recipient refused (550)"
            assert session.scalar(select(AuditEvent.id).where(AuditEvent.action == "approval.email_failed"))
        AuthActions(client, users).as_officer()
        page = client.get(f"/staff/releases/{release['id']}").get_data(as_text=True)
        assert "could not be sent (recipient refused (550))" in page and "They have not been told" in page
    finally:
        runtime.close()
