"""Signing in and out through the pages: docs/design/security.md items 15 to 18."""

import pytest
from sqlalchemy import select

from comms.config import load_config
from comms.app import create_app
from comms.web.accounts.login import safe_next
from storage.audit import AuditEvent

from support.app import PASSWORD, base_environ
from support.web import AuthActions, csrf_from


def test_login_and_logout(client, auth_actions, users, runtime):
    response = auth_actions.login("officer@example.org")
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"
    dashboard = client.get("/staff/")
    assert dashboard.status_code == 200
    assert "Officer Person" in dashboard.get_data(as_text=True)
    response = auth_actions.logout()
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert client.get("/staff/").status_code == 302
    with runtime.db.transaction() as session:
        actions = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions[-2:] == ["login", "logout"]


def test_wrong_password_is_refused_and_the_audit_names_the_account_tried(client, auth_actions, users, runtime):
    """Issue 15 section 5: a failed sign-in on a staff account names that account (an admin sees who is being
    guessed at); an address that is no account is not kept (it may be a mistyped password)."""
    response = auth_actions.login("officer@example.org", "not the password")
    assert response.status_code == 401
    assert "do not match" in response.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302
    assert auth_actions.login("nobody-here@example.org", "not the password").status_code == 401
    with runtime.db.transaction() as session:
        known, unknown = session.scalars(select(AuditEvent).where(AuditEvent.action == "login.failed")
                                         .order_by(AuditEvent.id)).all()
        assert known.details == {"account": "officer@example.org"}
        assert (known.object_type, known.object_id) == ("user", str(users["officer"].id))
        assert unknown.details == {"account": "(no such account)"} and unknown.object_id == ""


def test_pages_need_login_and_redirect_back(client, users, auth_actions):
    response = client.get("/staff/users")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    response = auth_actions.login("admin@example.org", next_url="/staff/users")
    assert response.headers["Location"] == "/staff/users"


def test_role_pages_refuse_other_roles(client, auth_actions):
    auth_actions.as_officer()
    assert client.get("/staff/users").status_code == 403
    assert client.get("/staff/audit").status_code == 403
    assert client.get("/staff/tokens").status_code == 200


# docs/design/security.md item 16: open redirects fall back to a local page.
@pytest.mark.parametrize("target", [
    "//evil.example", "/\\evil.example", "/\t/evil.example", "https://evil.example/", "javascript:alert(1)",
    "/%09/evil.example".replace("%09", "\t"), "\\\\evil.example", "/ /evil.example", "http:/evil.example",
])
def test_open_redirects_fall_back_to_the_dashboard(client, auth_actions, target):
    response = auth_actions.login("officer@example.org", next_url=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/staff/"


def test_open_redirect_through_the_query_string(client, users):
    page = client.get("/login?next=//evil.example")
    assert 'value="/staff/"' in page.get_data(as_text=True)
    assert "evil.example" not in page.get_data(as_text=True)


def test_safe_next_keeps_local_paths():
    assert safe_next("/staff/users?page=2", "/") == "/staff/users?page=2"
    assert safe_next("/%2F%2Fevil", "/") == "/%2F%2Fevil"  # still a local path
    assert safe_next(None, "/fallback") == "/fallback"


# docs/design/security.md item 15: every state-changing form needs a CSRF token.
def test_login_without_csrf_token_is_refused(client, users):
    response = client.post("/login", data={"email": "officer@example.org", "password": PASSWORD})
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)
    assert client.get("/staff/").status_code == 302


def test_logout_needs_post_and_csrf(client, auth_actions):
    auth_actions.as_officer()
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.get("/staff/").status_code == 200  # still signed in


def test_staff_forms_need_csrf(client, auth_actions):
    auth_actions.as_admin()
    response = client.post("/staff/users", data={"email": "new@example.org", "role": "viewer", "name": "New"})
    assert response.status_code == 400
    page = client.get("/staff/users").get_data(as_text=True)
    assert "new@example.org" not in page


def test_session_cookie_flags_after_login(client, users):
    page = client.get("/login")
    response = client.post("/login", data={"email": "officer@example.org", "password": PASSWORD,
                                           "csrf_token": csrf_from(page.get_data(as_text=True))})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


# docs/design/security.md item 18: login is rate-limited per address and per account.
def _throttled_app(db_url, instance_path, ip_limit, account_limit):
    env = base_environ(db_url, instance_path, PRESSROOM_LOGIN_LIMIT_IP=ip_limit,
                       PRESSROOM_LOGIN_LIMIT_ACCOUNT=account_limit)
    return create_app(load_config(env, testing=True))


def test_rate_limit_per_account_and_address(db_url, instance_path, users):
    app = _throttled_app(db_url, instance_path, "100 per minute", "3 per 15 minutes")
    actions = AuthActions(app.test_client(), users)
    for _ in range(3):
        assert actions.login("officer@example.org", "wrong", ip="198.51.100.7").status_code == 401
    # From that address, even the right password waits now.
    blocked = actions.login("officer@example.org", PASSWORD, ip="198.51.100.7")
    assert blocked.status_code == 429
    assert int(blocked.headers["Retry-After"]) > 0
    # Other accounts from the same address are not affected, nor is this account from elsewhere.
    assert actions.login("admin@example.org", PASSWORD, ip="198.51.100.7").status_code == 302
    actions.logout()
    assert actions.login("officer@example.org", PASSWORD, ip="198.51.100.99").status_code == 302
    app.extensions["pressroom"].close()


def test_ipv6_clients_are_counted_per_64(db_url, instance_path, users):
    """One IPv6 customer holds a /64: changing the last bits does not buy new attempts."""
    app = _throttled_app(db_url, instance_path, "100 per minute", "3 per 15 minutes")
    actions = AuthActions(app.test_client(), users)
    for host in range(3):
        assert actions.login("officer@example.org", "wrong", ip=f"2001:db8:1:2::{host + 1}").status_code == 401
    assert actions.login("officer@example.org", "wrong", ip="2001:db8:1:2:ffff::9").status_code == 429
    assert actions.login("officer@example.org", PASSWORD, ip="2001:db8:1:3::1").status_code == 302
    app.extensions["pressroom"].close()


def test_rate_limit_per_address(db_url, instance_path, users):
    app = _throttled_app(db_url, instance_path, "4 per minute", "100 per minute")
    actions = AuthActions(app.test_client(), users)
    for email in ("a@x.org", "b@x.org", "c@x.org", "d@x.org"):
        assert actions.login(email, "guess", ip="203.0.113.5").status_code == 401
    assert actions.login("officer@example.org", PASSWORD, ip="203.0.113.5").status_code == 429
    assert actions.login("officer@example.org", PASSWORD, ip="203.0.113.6").status_code == 302
    app.extensions["pressroom"].close()


def test_good_login_clears_account_failures(db_url, instance_path, users):
    app = _throttled_app(db_url, instance_path, "100 per minute", "3 per 15 minutes")
    actions = AuthActions(app.test_client(), users)
    for _ in range(2):
        actions.login("officer@example.org", "wrong")
    assert actions.login("officer@example.org", PASSWORD).status_code == 302
    actions.logout()
    for _ in range(2):
        assert actions.login("officer@example.org", "wrong").status_code == 401
    app.extensions["pressroom"].close()


def test_login_throttle_is_shared_through_redis(db_url, instance_path, users, redis_url, queue_name):
    env = base_environ(db_url, instance_path, REDIS_URL=redis_url, PRESSROOM_LOGIN_LIMIT_IP="100 per minute",
                       PRESSROOM_LOGIN_LIMIT_ACCOUNT="2 per 15 minutes")
    apps = [create_app(load_config(env, testing=True)) for _ in range(2)]
    first, second = (AuthActions(a.test_client(), users) for a in apps)
    # A per-test account so other runs on the same Redis never share the counter.
    account = f"{queue_name}@example.org"
    assert first.login(account, "wrong").status_code == 401
    assert second.login(account, "wrong").status_code == 401
    assert first.login(account, "wrong").status_code == 429
    for a in apps:
        a.extensions["pressroom"].close()
