"""Sending releases by email, against a real SMTP server (docs/design/security.md items 20, 22, 23, 24)."""

import datetime as dt
import os
import signal
import subprocess
import time

import pytest
from sqlalchemy import select

from comms.accounts import users as auth
from comms.releases import workflow
from comms.distribution.service import Delivery, SendError, create_send, progress, run_send
from comms.releases.service import get_release
from comms.runtime import Runtime
from contacts import lists, service, suppression
from storage.db import utcnow

from support.app import base_environ
from support.paths import TESTS
from support.sending import PRESSROOM, STAFF, make_contacts, make_release, received_by, rt, send  # noqa: F401 (rt: a fixture)


def test_each_contact_once_across_overlapping_lists_and_resends(rt, smtp, users):
    release_id = make_release(rt, users)
    list_ids, contact_ids = make_contacts(rt, 12, ("Wires", "Geneva"))
    with rt.db.transaction() as session:
        gone = session.get(service.Contact, contact_ids[0])
        suppression.suppress(session, gone, STAFF, "asked not to be contacted")
        left = session.get(service.Contact, contact_ids[1])
        suppression.unsubscribe(session, left, STAFF)
    first = send(rt, release_id, list_ids)
    result = run_send(rt, first)
    assert (result["status"], result["total"], result["sent"], result["suppressed"]) == ("done", 10, 10, 2)
    again = send(rt, release_id, list_ids)
    assert run_send(rt, again)["total"] == 0
    got = received_by(smtp)
    assert len(got) == 10 and all(len(ids) == 1 for ids in got.values())
    assert "j0@news0.example" not in got and "j1@news1.example" not in got


def test_several_connections_share_a_send_and_mail_each_contact_once(rt, smtp, users):
    release_id = make_release(rt, users)
    list_ids, contact_ids = make_contacts(rt, 240, ("Wires",))  # more than one batch per connection
    send_id = send(rt, release_id, list_ids)
    # Paced (10 ms a message per connection) so no connection can drain the send before the others start.
    result = run_send(rt, send_id, connections=3, rate=300)
    assert (result["status"], result["sent"]) == ("done", 240)
    got = received_by(smtp)
    assert len(got) == 240 and all(len(ids) == 1 for ids in got.values())
    with rt.db.transaction() as session:
        message_ids = [d.message_id for d in session.scalars(select(Delivery).where(Delivery.send_id == send_id))]
    assert sorted(message_ids) == sorted(ids[0] for ids in got.values())  # the ledger's Message-IDs went out
    assert len({item.peer for item in smtp.received}) == 3  # a lost claim race never ends a connection early


def test_headers_and_structure(rt, smtp, users):
    release_id = make_release(rt, users)
    list_ids, _ = make_contacts(rt, 1)
    run_send(rt, send(rt, release_id, list_ids))
    message = smtp.received[0].message
    assert message["List-Unsubscribe"].startswith("<https://press.example.org/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "press-releases.isu.example.org" in message["List-Id"]
    assert message["Message-ID"].endswith("@isu.example.org>")
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.get_payload()] == ["text/plain", "text/html"]
    with rt.db.transaction() as session:
        delivery = session.scalar(select(Delivery))
        assert delivery.status == "sent" and delivery.message_id == message["Message-ID"]


def test_embargo_rules(rt, smtp, users):
    lift = utcnow() + dt.timedelta(hours=2)
    release_id = make_release(rt, users, embargo=lift)
    untrusted, _ = make_contacts(rt, 2, ("Everyone",))
    with pytest.raises(SendError) as refused:
        send(rt, release_id, untrusted)
    assert refused.value.status == 409
    trusted, _ = make_contacts(rt, 0, ("Trusted",), trusted=True)
    with rt.db.transaction() as session:
        for contact in session.scalars(select(service.Contact)):
            lists.add_to_list(session, lists.get_list(session, trusted[0]), [contact.id], STAFF)
    result = run_send(rt, send(rt, release_id, trusted))
    assert result["sent"] == 2
    message = smtp.received[0].message
    assert message["Subject"].startswith("EMBARGOED UNTIL ")
    text = next(p for p in message.walk() if p.get_content_type() == "text/plain").get_payload(decode=True).decode()
    assert text.startswith("EMBARGOED UNTIL ")


def test_unapproved_release_is_never_sent(rt, users):
    with rt.db.transaction() as session:
        officer = session.get(auth.User, users["officer"].id)
        draft = workflow.create_release(session, {"headline": "Draft"}, officer).id
    list_ids, _ = make_contacts(rt, 1)
    with pytest.raises(SendError) as refused:
        send(rt, draft, list_ids)
    assert refused.value.status == 409


def test_smtp_4xx_is_retried_and_5xx_bounces(rt, smtp, users):
    release_id = make_release(rt, users)
    list_ids, contact_ids = make_contacts(rt, 3)
    smtp.handler.refuse["j1@news1.example"] = "451 4.7.1 Greylisted, try again"
    smtp.handler.refuse["j2@news2.example"] = "550 5.1.1 No such user"
    send_id = send(rt, release_id, list_ids)
    first = run_send(rt, send_id)
    assert (first["sent"], first["failed"], first["pending"], first["status"]) == (1, 1, 1, "running")
    del smtp.handler.refuse["j1@news1.example"]
    with rt.db.transaction() as session:
        for delivery in session.scalars(select(Delivery).where(Delivery.status == "pending")):
            delivery.next_attempt_at = utcnow()  # the back-off has passed
    second = run_send(rt, send_id)
    assert (second["sent"], second["failed"], second["status"]) == (2, 1, "done")
    with rt.db.transaction() as session:
        assert session.get(service.Contact, contact_ids[2]).status == "bounced"
    assert sorted(received_by(smtp)) == ["j0@news0.example", "j1@news1.example"]


def test_killed_worker_resumes_with_no_duplicate_and_no_skip(rt, smtp, users, db_url, instance_path):
    release_id = make_release(rt, users)
    list_ids, contact_ids = make_contacts(rt, 40)
    send_id = send(rt, release_id, list_ids)
    env = {"PATH": os.environ["PATH"], **base_environ(db_url, instance_path, SMTP_URL=smtp.url,
                                                        PRESSROOM_SEND_RATE="25",
                                                        PRESSROOM_MAIL_FROM="press@isu.example.org")}
    worker = subprocess.Popen([PRESSROOM, "sends", "run", str(send_id)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while len(smtp.received) < 12 and time.monotonic() < deadline:
        time.sleep(0.01)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    assert 12 <= len(smtp.received) < 40
    resumed = subprocess.run([PRESSROOM, "sends", "run", "--resume", str(send_id)], env=env, capture_output=True,
                             text=True, timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    assert "40/40 sent" in resumed.stdout
    got = received_by(smtp)
    assert len(got) == 40  # nobody skipped
    assert all(len(set(ids)) == 1 for ids in got.values())  # nobody got a second, different message
    duplicates = sum(len(ids) - 1 for ids in got.values())
    assert duplicates <= 1  # at most the one message in flight at the kill, re-sent with the same Message-ID
    with rt.db.transaction() as session:
        assert progress(session, session.get(__import__("comms.distribution.service", fromlist=["Send"]).Send, send_id))[
            "sent"] == 40


def test_send_through_the_api(config, smtp, users, token_for):
    from comms.app import create_app
    from support.web import bearer

    app = create_app(config.with_overrides(smtp_url=smtp.url, base_url="https://press.example.org"))
    runtime = app.extensions["pressroom"]
    release_id = make_release(runtime, users)
    list_ids, _ = make_contacts(runtime, 5, ("Wires", "Geneva"))
    client = app.test_client()
    officer = bearer(token_for("officer"))
    accepted = client.post(f"/api/v1/releases/{release_id}/send", json={"list_ids": list_ids}, headers=officer)
    assert accepted.status_code == 202 and accepted.get_json()["total"] == 5
    runtime.queue.join()
    status = client.get(f"/api/v1/sends/{accepted.get_json()['send_id']}", headers=officer).get_json()
    assert (status["status"], status["sent"], status["failed"]) == ("done", 5, 0)
    again = client.post(f"/api/v1/releases/{release_id}/send", json={"list_ids": list_ids}, headers=officer)
    assert again.get_json()["total"] == 0 and again.get_json()["already_received"] == 5
    assert client.post(f"/api/v1/releases/{release_id}/send", json={"list_ids": []},
                       headers=officer).status_code == 422
    assert client.post(f"/api/v1/releases/{release_id}/send", json={"list_ids": list_ids},
                       headers=bearer(token_for("viewer"))).status_code == 403
    assert len(smtp.received) == 5
    runtime.close()


DATA = TESTS / "data"


def test_bounces_from_a_dsn_suppress_permanent_failures_only(rt, users, db_url, instance_path):
    _lists, contact_ids = make_contacts(rt, 6)
    env = {"PATH": os.environ["PATH"], **base_environ(db_url, instance_path)}
    piped = subprocess.run([PRESSROOM, "bounces", "read"], input=(DATA / "dsn_permanent.eml").read_bytes(), env=env,
                           capture_output=True, timeout=60)
    assert piped.returncode == 0, piped.stderr
    assert b"1 contacts suppressed" in piped.stdout and b"news3" not in piped.stdout
    delayed = subprocess.run([PRESSROOM, "bounces", "read", str(DATA / "dsn_delayed.eml")], env=env,
                             capture_output=True, timeout=60)
    assert b"0 contacts suppressed" in delayed.stdout
    with rt.db.transaction() as session:
        assert session.get(service.Contact, contact_ids[3]).status == "bounced"
        assert session.get(service.Contact, contact_ids[4]).status == "active"
        assert suppression.is_suppressed(session, "j3@news3.example")


def test_each_message_carries_its_own_recipient_and_links(rt, smtp, users):
    """The message is built once per send; each copy gets its own To, name and unsubscribe link, in the
    List-Unsubscribe header and in both bodies, and a name smuggling an encoded line break is refused."""
    import email as email_lib
    from email.header import decode_header, make_header
    from email.policy import default

    release_id = make_release(rt, users)
    list_ids, contact_ids = make_contacts(rt, 3)
    names = {contact_ids[0]: "Émilie Durand-Ñúñez de la Peña y Castellón " * 2,
             contact_ids[1]: "=?utf-8?q?Desk=0D=0ABcc=3A_victim=40evil.example?=",
             contact_ids[2]: "O'Brien <b>x</b>"}
    with rt.db.transaction() as session:
        for contact_id, name in names.items():
            session.get(service.Contact, contact_id).name = name
        tokens = {c.email: c.token for c in session.scalars(select(service.Contact))}
    result = run_send(rt, send(rt, release_id, list_ids))
    assert (result["sent"], result["failed"]) == (2, 1)
    assert sorted(received_by(smtp)) == ["j0@news0.example", "j2@news2.example"]
    for item in smtp.received:
        [address] = item.rcpt_tos
        message = email_lib.message_from_bytes(item.data, policy=default)
        unsubscribe = f"https://press.example.org/unsubscribe/{tokens[address]}"
        assert message["List-Unsubscribe"] == f"<{unsubscribe}>"
        assert message.get_content_type() == "multipart/alternative"
        text, html = message.iter_parts()
        assert (text.get_content_type(), html.get_content_type()) == ("text/plain", "text/html")
        assert unsubscribe in text.get_content() and f'href="{unsubscribe}"' in html.get_content()
        assert len(message.get_all("To")) == 1 and "Bcc" not in message
        assert message["To"].addresses[0].addr_spec == address
    first = next(i for i in smtp.received if i.rcpt_tos == ["j0@news0.example"])
    raw_to = email_lib.message_from_bytes(first.data)["To"]
    name = " ".join(names[contact_ids[0]].split())
    assert str(make_header(decode_header(raw_to))) == f"{name} <j0@news0.example>"
    html = email_lib.message_from_bytes(first.data, policy=default).get_payload()[1].get_content()
    assert f"This release was sent to {name}." in html
    third = email_lib.message_from_bytes(
        next(i for i in smtp.received if i.rcpt_tos == ["j2@news2.example"]).data, policy=default)
    assert "This release was sent to O&#x27;Brien &lt;b&gt;x&lt;/b&gt;." in third.get_payload()[1].get_content()
    with rt.db.transaction() as session:
        refused = session.scalar(select(Delivery).where(Delivery.contact_id == contact_ids[1]))
        assert refused.status == "failed" and "line break" in refused.last_error
