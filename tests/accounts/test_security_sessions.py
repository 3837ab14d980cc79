"""docs/design/security.md items on who stays signed in (issue 13): logout, a new password and deactivation end every
session of the user (item 34); sign-in throttling slows an attacker without locking the owner out (item 18).
Issue 15 section 5 adds set-your-password links: a link's password ends sessions too (item 34), the reset form
tells nobody which addresses have accounts and is rate-limited (item 18), opening a link spends nothing
(item 30) and its forms carry CSRF tokens (item 15)."""

from __future__ import annotations

import re

import pytest

from comms.accounts import links
from comms.accounts import users as auth
from comms.app import create_app
from comms.config import load_config

from support.app import PASSWORD, base_environ
from support.subscriptions import body, outbox
from support.web import AuthActions, csrf_from

COOKIE = "pressroom_session"


def signed_in(app, users, role: str, ip: str = "127.0.0.1"):
    """A test client signed in as ``role``, and its session cookie's value."""
    client = app.test_client()
    assert AuthActions(client, users).login(users[role].email, ip=ip).status_code == 302
    return client, client.get_cookie(COOKIE).value


def replay(app, cookie: str):
    """A fresh client presenting only a copy of ``cookie`` (a stolen or left-behind cookie)."""
    client = app.test_client()
    client.set_cookie(COOKIE, cookie)
    return client


def reaches_staff(client) -> bool:
    response = client.get("/staff/")
    assert response.status_code in (200, 302)
    return response.status_code == 200


def test_item_34_logout_ends_the_cookie_and_every_other_session(app, users):
    """Item 34: after POST /logout, replaying the old cookie no longer reaches /staff/, and the user's
    session on another device ends too; other users stay signed in."""
    laptop, cookie = signed_in(app, users, "officer")
    phone, _ = signed_in(app, users, "officer", ip="192.0.2.20")
    colleague, _ = signed_in(app, users, "admin")
    assert reaches_staff(replay(app, cookie))
    page = laptop.get("/staff/").get_data(as_text=True)
    assert laptop.post("/logout", data={"csrf_token": csrf_from(page)}).status_code == 302
    assert not reaches_staff(replay(app, cookie))
    assert not reaches_staff(phone)
    assert reaches_staff(colleague)
    again, _ = signed_in(app, users, "officer")
    assert reaches_staff(again)


def test_item_34_a_new_password_ends_every_session(app, runtime, users):
    """Item 34: a password change (auth.set_password, used by every way of setting one) ends the user's
    sessions; the new password then signs in, the old one does not."""
    client, cookie = signed_in(app, users, "viewer")
    assert reaches_staff(client)
    with runtime.db.transaction() as session:
        auth.set_password(session, session.get(auth.User, users["viewer"].id), "a-brand-new-passphrase")
    assert not reaches_staff(client)
    assert not reaches_staff(replay(app, cookie))
    actions = AuthActions(app.test_client(), users)
    assert actions.login(users["viewer"].email, PASSWORD).status_code == 401
    assert actions.login(users["viewer"].email, "a-brand-new-passphrase").status_code == 302


def test_item_34_deactivation_ends_sessions_for_good(app, users):
    """Item 34: an admin switching an account off ends its sessions, and switching it back on does not
    revive the old cookies; the user signs in afresh."""
    officer, cookie = signed_in(app, users, "officer")
    admin, _ = signed_in(app, users, "admin")
    for active in ("0", "1"):
        page = admin.get("/staff/users").get_data(as_text=True)
        answer = admin.post(f"/staff/users/{users['officer'].id}", data={"active": active, "csrf_token": csrf_from(page)})
        assert answer.status_code == 303
        assert not reaches_staff(officer)
        assert not reaches_staff(replay(app, cookie))
    fresh, _ = signed_in(app, users, "officer")
    assert reaches_staff(fresh)


def test_item_34_a_cookie_without_a_session_generation_is_refused(app, users):
    """Item 34: a cookie naming only a user id (as before session generations) signs nobody in."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = str(users["admin"].id)
        session["_fresh"] = True
    assert not reaches_staff(client)


@pytest.fixture
def throttled(db_url, instance_path, users):
    """An app allowing 5 failed sign-ins per account and address in 15 minutes, 20 per address a minute."""
    env = base_environ(db_url, instance_path, PRESSROOM_LOGIN_LIMIT_IP="20 per minute",
                       PRESSROOM_LOGIN_LIMIT_ACCOUNT="5 per 15 minutes")
    app = create_app(load_config(env, testing=True))
    yield app
    app.extensions["pressroom"].close()


def test_item_18_an_attacker_cannot_lock_the_owner_out_but_stays_throttled(throttled, users):
    """Item 18 (issue 13, finding 11): five wrong passwords for the officer from an attacker's address
    throttle that address for that account (even the right password gets 429 there), while the owner
    still signs in from their own address at once."""
    attacker = AuthActions(throttled.test_client(), users)
    for _ in range(5):
        assert attacker.login("officer@example.org", "guess-guess", ip="203.0.113.66").status_code == 401
    blocked = attacker.login("officer@example.org", "another-guess", ip="203.0.113.66")
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    assert attacker.login("officer@example.org", PASSWORD, ip="203.0.113.66").status_code == 429
    owner = AuthActions(throttled.test_client(), users)
    assert owner.login("officer@example.org", PASSWORD, ip="198.51.100.20").status_code == 302


def test_item_18_one_address_spraying_many_accounts_is_throttled(throttled, users):
    """Item 18: the per-address limit still bounds an address trying many accounts."""
    attacker = AuthActions(throttled.test_client(), users)
    statuses = [attacker.login(f"person{n}@example.org", "guess-guess", ip="203.0.113.67").status_code
                for n in range(21)]
    assert statuses[:20] == [401] * 20 and statuses[20] == 429
    assert AuthActions(throttled.test_client(), users).login(
        "officer@example.org", PASSWORD, ip="198.51.100.20").status_code == 302


# Set-your-password links and the reset form (issue 15 section 5).

RESET_LINK = re.compile(r"http://[^\s]+/password/([A-Za-z0-9_-]+)")


def _ask_reset(client, email: str, ip: str = "198.51.100.30"):
    page = client.get("/password/reset", environ_base={"REMOTE_ADDR": ip}).get_data(as_text=True)
    return client.post("/password/reset", data={"email": email, "csrf_token": csrf_from(page)},
                       environ_base={"REMOTE_ADDR": ip})


def test_item_34_a_password_set_through_a_link_ends_every_session(app, runtime, users):
    """Item 34: choosing a new password through a reset link ends the user's other sessions, like any
    password change; the new password signs in."""
    laptop, cookie = signed_in(app, users, "officer")
    stranger = app.test_client()
    assert _ask_reset(stranger, "officer@example.org").status_code == 200
    secret = RESET_LINK.search(body(outbox(runtime)[0])).group(1)
    page = stranger.get(f"/password/{secret}").get_data(as_text=True)
    assert stranger.post(f"/password/{secret}", data={"password": "brand-new-passphrase", "confirm":
                                                      "brand-new-passphrase", "csrf_token": csrf_from(page)}
                         ).status_code == 303
    assert not reaches_staff(laptop)
    assert not reaches_staff(replay(app, cookie))
    assert AuthActions(app.test_client(), users).login("officer@example.org", "brand-new-passphrase").status_code == 302


def test_item_18_the_reset_form_never_tells_which_addresses_have_accounts(app, runtime, users):
    """Item 18: the reset form answers an account's address, an unknown address and a switched-off
    account with the same status and the same words; only the real, active account is emailed."""
    with runtime.db.transaction() as session:
        session.get(auth.User, users["viewer"].id).active = False
    client = app.test_client()
    answers = []
    for address in ("officer@example.org", "nobody@example.org", "viewer@example.org"):
        response = _ask_reset(client, address)
        answers.append((response.status_code, response.get_data(as_text=True).replace(address, "ADDRESS")))
    assert answers[0] == answers[1] == answers[2]
    assert answers[0][0] == 200 and "If ADDRESS belongs to an account" in answers[0][1].replace(
        '<strong class="breakable">', "").replace("</strong>", "")
    assert [message["To"] for message in outbox(runtime)] == ["Officer Person <officer@example.org>"]


def test_item_18_reset_requests_are_limited_per_address_and_silently_per_account(app, runtime, users):
    """Item 18: one client address gets five reset requests an hour (then 429 with Retry-After); one
    account gets three emails an hour whoever asks, and the fourth asker sees the same page as ever."""
    client = app.test_client()
    for n in range(5):
        assert _ask_reset(client, f"someone{n}@example.org", ip="203.0.113.80").status_code == 200
    blocked = _ask_reset(client, "officer@example.org", ip="203.0.113.80")
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    answers = {_ask_reset(client, "approver@example.org", ip=f"198.51.100.{n}").status_code for n in range(40, 44)}
    assert answers == {200}
    assert [message["To"] for message in outbox(runtime)] == ["Approver Person <approver@example.org>"] * 3


def test_item_18_an_admin_cannot_flood_a_person_with_links(app, runtime, users):
    """Item 18: an admin (or a stolen admin session) sends one person at most five links an hour."""
    admin, _ = signed_in(app, users, "admin")
    edit = f"/staff/users/{users['viewer'].id}"
    for n in range(6):
        page = admin.get(edit).get_data(as_text=True)
        assert admin.post(edit + "/link", data={"purpose": "reset", "csrf_token": csrf_from(page)}).status_code == 303
    assert "several links in the last hour" in admin.get(edit).get_data(as_text=True)
    assert len(outbox(runtime)) == 5


def test_item_30_opening_a_password_link_spends_nothing(app, runtime, users):
    """Item 30: GET and HEAD on a set-your-password link (a mail scanner, a preview) change nothing: the
    link still works afterwards and the password is unchanged."""
    client = app.test_client()
    _ask_reset(client, "officer@example.org")
    secret = RESET_LINK.search(body(outbox(runtime)[0])).group(1)
    assert client.head(f"/password/{secret}").status_code == 200
    assert client.get(f"/password/{secret}").status_code == 200
    assert client.head(f"/password/{secret}").status_code == 200
    with runtime.db.transaction() as session:
        (link,) = links.outstanding_links(session)
        assert link.used_at is None
    assert AuthActions(app.test_client(), users).login("officer@example.org", PASSWORD).status_code == 302


def test_item_15_password_forms_refuse_a_post_without_a_csrf_token(app, runtime, users):
    """Item 15: the reset form and the set-your-password form refuse a POST without its token (400), and
    nothing is sent or changed."""
    client = app.test_client()
    _ask_reset(client, "officer@example.org")
    secret = RESET_LINK.search(body(outbox(runtime)[0])).group(1)
    assert client.post("/password/reset", data={"email": "officer@example.org"}).status_code == 400
    assert client.post(f"/password/{secret}", data={"password": "forged-passphrase",
                                                    "confirm": "forged-passphrase"}).status_code == 400
    assert len(outbox(runtime)) == 1
    assert client.get(f"/password/{secret}").status_code == 200
