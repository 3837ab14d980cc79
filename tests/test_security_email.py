"""SECURITY.md "Email", items 21-25: real sends to aiosmtpd (tests/smtp_server.py) through the
distribution code, the RFC 8058 link taken from a message actually received, the send ledger's
database constraint, and double opt-in through the public pages."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from comms.distribution import Delivery, run_send
from conftest import csrf_from
from contacts import lists, service, suppression
from contacts.models import Contact
from test_api import bearer
from test_distribution import STAFF, make_contacts, make_release, received_by, rt, send, smtp  # noqa: F401
from test_subscribe_web import FORM, contact, link_in, outbox, submit

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

