"""Public /subscribe, confirmation, preferences and one-click unsubscribe (docs/design/security.md items 15, 22, 25)."""

from sqlalchemy import select

from comms.app import create_app
from comms.config import load_config
from contacts import service, suppression
from contacts.models import Contact, ContactEvent
from storage.audit import Actor

from support.app import base_environ
from support.web import csrf_from
from support.subscriptions import FORM, body, contact, link_in, outbox, submit


def test_subscribe_confirm_and_consent_record(client, runtime):
    page = client.get("/subscribe").get_data(as_text=True)
    assert "Victim assistance" in page and 'name="website"' in page
    response = submit(client)
    assert response.status_code == 200 and "Check your email" in response.get_data(as_text=True)
    assert contact(runtime)[0] == "unconfirmed"
    [message] = outbox(runtime)
    assert message["To"] == "Marta Ruiz <marta@elmundo.example>"
    confirm_url = link_in(message, "/subscribe/confirm/")
    path = confirm_url.split("localhost", 1)[1]
    # GET shows the confirmation page and changes nothing (link scanners).
    shown = client.get(path)
    assert shown.status_code == 200 and "Confirm my subscription" in shown.get_data(as_text=True)
    assert contact(runtime)[0] == "unconfirmed"
    # POST confirms and records when, from where and which wording.
    confirmed = client.post(path, data={"csrf_token": csrf_from(shown.get_data(as_text=True))},
                            environ_base={"REMOTE_ADDR": "203.0.113.99"})
    assert confirmed.status_code == 200 and "You are subscribed" in confirmed.get_data(as_text=True)
    status, wording, ip, _ = contact(runtime)
    assert (status, wording, ip) == ("active", "2026-11", "203.0.113.99")
    welcome = outbox(runtime)[1]
    assert "/preferences/" in body(welcome) and "/unsubscribe/" in body(welcome)


def test_confirm_post_needs_csrf(client, runtime):
    submit(client)
    path = link_in(outbox(runtime)[0], "/subscribe/confirm/").split("localhost", 1)[1]
    assert client.post(path).status_code == 400
    assert contact(runtime)[0] == "unconfirmed"


def test_subscribe_needs_csrf_and_consent(client, runtime):
    assert client.post("/subscribe", data=FORM).status_code == 400
    no_consent = {k: v for k, v in FORM.items() if k != "consent"}
    response = submit(client, no_consent)
    assert response.status_code == 400 and "tick the box" in response.get_data(as_text=True)
    assert contact(runtime) is None and outbox(runtime) == []


def test_bad_input_is_shown_and_escaped(client, runtime):
    response = submit(client, {**FORM, "email": "nope", "name": "<script>alert(1)</script>"})
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "not a valid email" in html
    assert "<script>alert(1)</script>" not in html


def test_honeypot_does_nothing(client, runtime):
    response = submit(client, {**FORM, "website": "http://spam.example"})
    assert response.status_code == 200 and "Check your email" in response.get_data(as_text=True)
    assert contact(runtime) is None and outbox(runtime) == []


def test_subscribe_is_rate_limited_per_address(db_url, instance_path):
    app = create_app(load_config(base_environ(db_url, instance_path, PRESSROOM_SUBSCRIBE_LIMIT_IP="2 per hour"),
                                 testing=True))
    client = app.test_client()
    for number in range(2):
        assert submit(client, {**FORM, "email": f"r{number}@elmundo.example"}).status_code == 200
    blocked = submit(client, {**FORM, "email": "r3@elmundo.example"})
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    assert submit(client, {**FORM, "email": "r4@elmundo.example"}, ip="198.51.100.99").status_code == 200
    app.extensions["pressroom"].close()


def test_staff_blocked_address_gets_no_email(client, runtime):
    with runtime.db.transaction() as session:
        person = service.create_contact(session, {"name": "Marta", "email": FORM["email"]}, Actor(label="x"))
        suppression.suppress(session, person, Actor(label="x"), "legal request")
    assert submit(client).status_code == 200
    assert outbox(runtime) == []


def subscribed_token(client, runtime):
    submit(client)
    path = link_in(outbox(runtime)[0], "/subscribe/confirm/").split("localhost", 1)[1]
    page = client.get(path)
    client.post(path, data={"csrf_token": csrf_from(page.get_data(as_text=True))})
    return contact(runtime)[3]


def test_one_click_unsubscribe_rfc8058(app, runtime):
    client = app.test_client()
    token = subscribed_token(client, runtime)
    fresh = app.test_client()  # no cookies at all, like a mail provider's server
    # GET (link scanners) never unsubscribes.
    page = fresh.get(f"/unsubscribe/{token}")
    assert page.status_code == 200 and contact(runtime)[0] == "active"
    # POST with List-Unsubscribe=One-Click, no cookie, no CSRF token: 200 and unsubscribed.
    response = fresh.post(f"/unsubscribe/{token}", data="List-Unsubscribe=One-Click",
                          content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200 and contact(runtime)[0] == "unsubscribed"
    # Idempotent.
    assert fresh.post(f"/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"}).status_code == 200
    with runtime.db.transaction() as session:
        kinds = [e.kind for e in session.scalars(select(ContactEvent).order_by(ContactEvent.id))]
        assert kinds.count("unsubscribe") == 1
        assert suppression.is_suppressed(session, FORM["email"])


def test_unknown_unsubscribe_token_changes_nothing(app, runtime):
    client = app.test_client()
    subscribed_token(client, runtime)
    with runtime.db.transaction() as session:
        before = [(c.id, c.status) for c in session.scalars(select(Contact))]
    assert client.post("/unsubscribe/not-a-real-token", data={"List-Unsubscribe": "One-Click"}).status_code == 404
    assert client.get("/unsubscribe/not-a-real-token").status_code == 404
    with runtime.db.transaction() as session:
        assert [(c.id, c.status) for c in session.scalars(select(Contact))] == before


def test_preference_centre(client, runtime):
    subscribed_token(client, runtime)
    welcome = outbox(runtime)[1]
    path = link_in(welcome, "/preferences/").split("localhost", 1)[1]
    page = client.get(path)
    assert page.status_code == 200 and "Your preferences" in page.get_data(as_text=True)
    saved = client.post(path, data={"csrf_token": csrf_from(page.get_data(as_text=True)), "languages": ["fr"],
                                    "topics": ["meetings", "universalization"], "pause": "1m"})
    assert "Your preferences are saved" in saved.get_data(as_text=True)
    with runtime.db.transaction() as session:
        person = service.find_by_email(session, FORM["email"])
        assert person.languages == ["fr"] and person.topics == ["meetings", "universalization"]
        assert person.paused_until is not None
    assert client.post(path, data={"languages": ["en"]}).status_code == 400  # CSRF
    assert client.get(path[:-3] + "abc").status_code == 404  # tampered signature
