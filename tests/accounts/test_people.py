"""Issue 15 section 5: admins add people as viewers and invite them, edit name, email and role, send
set-your-password links, review and revoke every token and link, and filter the audit log; officers'
dashboards carry no security events."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from comms.accounts import links
from comms.accounts import users as auth
from storage import audit

from support.app import PASSWORD
from support.subscriptions import body, outbox
from support.web import AuthActions, csrf_from

LINK = re.compile(r"http://[^\s]+/password/([A-Za-z0-9_-]+)")


def _post(client, page_url: str, url: str, data: dict):
    page = client.get(page_url).get_data(as_text=True)
    return client.post(url, data={**data, "csrf_token": csrf_from(page)})


def _add(client, **fields):
    return _post(client, "/staff/users", "/staff/users", {"name": "Ana Press", "email": "ana@example.org", **fields})


def test_add_a_person_defaults_to_the_least_privileged_role_and_has_no_password_field(client, auth_actions):
    auth_actions.as_admin()
    page = client.get("/staff/users").get_data(as_text=True)
    form = page[page.index("Add a person"):]
    assert re.search(r'<option value="viewer"\s+selected>', form)
    assert 'type="password"' not in form
    assert re.search(r'name="invite" value="1"\s+checked', form)


def test_a_new_person_is_a_viewer_and_gets_an_invitation_email(client, auth_actions, runtime):
    auth_actions.as_admin()
    response = _add(client, invite="1")
    assert response.status_code == 302 and re.search(r"/staff/users/\d+$", response.headers["Location"])
    with runtime.db.transaction() as session:
        ana = auth.find_user(session, "ana@example.org")
        assert ana.role == "viewer" and ana.password_hash is None
        (link,) = links.outstanding_links(session)
        assert link.purpose == "invite" and link.user_id == ana.id
        # Expires in three days, and only the hash of the secret is stored.
        assert dt.timedelta(days=2, hours=23) < link.expires_at - link.created_at <= dt.timedelta(days=3)
    (message,) = outbox(runtime)
    assert message["To"] == "Ana Press <ana@example.org>"
    assert message["Subject"] == f"You are invited to the {runtime.config.office_name}"
    secret = LINK.search(body(message)).group(1)
    assert secret not in link.token_hash and len(link.token_hash) == 64
    with runtime.db.transaction() as session:
        assert session.scalar(select(links.PasswordLink.id).where(links.PasswordLink.token_hash == secret)) is None
    assert "Europe/Zurich" not in body(message) and re.search(r"until \d+ \w+ \d{4}, \d\d:\d\d CES?T", body(message))


def test_a_person_can_be_added_without_an_email_and_invited_later(client, auth_actions, runtime):
    auth_actions.as_admin()
    response = _add(client)
    assert response.status_code == 302
    assert outbox(runtime) == []
    edit = response.headers["Location"]
    page = client.get(edit).get_data(as_text=True)
    assert "Send an invitation" in page and "has not chosen a password yet" in page
    answer = _post(client, edit, edit + "/link", {"purpose": "invite"})
    assert answer.status_code == 303
    assert "An invitation is on its way to ana@example.org." in client.get(edit).get_data(as_text=True)
    assert len(outbox(runtime)) == 1


def test_admins_edit_name_email_and_role(client, auth_actions, users, runtime):
    auth_actions.as_admin()
    edit = f"/staff/users/{users['viewer'].id}"
    answer = _post(client, edit, edit, {"from": "edit", "name": "Véra Ñúñez 李", "email": "Vera@Example.org",
                                        "role": "officer", "title": "", "organisation": "", "phone": ""})
    assert answer.status_code == 303 and answer.headers["Location"] == edit
    with runtime.db.transaction() as session:
        person = session.get(auth.User, users["viewer"].id)
        assert (person.name, person.email, person.role) == ("Véra Ñúñez 李", "vera@example.org", "officer")
        event = audit.recent(session, action="user.update", limit=1)[0]
        assert event.details == {"name": "changed", "email": "changed", "role": "officer"}
    # A taken address is a form error on the email field; nothing is written.
    answer = _post(client, edit, edit, {"from": "edit", "name": "X", "email": "officer@example.org", "role": "viewer"})
    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    assert 'aria-describedby="email-error"' in html and "already exists" in html
    with runtime.db.transaction() as session:
        assert session.get(auth.User, users["viewer"].id).name == "Véra Ñúñez 李"


def test_other_roles_cannot_manage_people(client, auth_actions, users):
    auth_actions.as_officer()
    page = client.get("/staff/").get_data(as_text=True)
    for url in ("/staff/users", f"/staff/users/{users['viewer'].id}", "/staff/access"):
        assert client.get(url).status_code == 403
    token = csrf_from(page)
    assert client.post(f"/staff/users/{users['viewer'].id}/link", data={"purpose": "reset", "csrf_token": token}
                       ).status_code == 403
    assert client.post(f"/staff/users/{users['viewer'].id}", data={"role": "admin", "csrf_token": token}
                       ).status_code == 403


def test_a_link_sets_the_password_once_and_a_reused_link_says_so(client, auth_actions, runtime, caplog):
    auth_actions.as_admin()
    _add(client, invite="1")
    auth_actions.logout()
    secret = LINK.search(body(outbox(runtime)[0])).group(1)
    page = client.get(f"/password/{secret}")
    assert page.status_code == 200 and "ana@example.org" in page.get_data(as_text=True)
    token = csrf_from(page.get_data(as_text=True))
    # Too short and not the same twice: both errors at once, on their fields; the link still works.
    refused = client.post(f"/password/{secret}", data={"password": "short", "confirm": "other", "csrf_token": token})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and 'aria-describedby="password-error"' in html
    assert 'aria-describedby="confirm-error"' in html
    done = client.post(f"/password/{secret}", data={"password": "a long enough one", "confirm": "a long enough one",
                                                    "csrf_token": token})
    assert done.status_code == 303 and done.headers["Location"] in ("/login?email=ana@example.org",
                                                                    "/login?email=ana%40example.org")
    assert 'value="ana@example.org"' in client.get(done.headers["Location"]).get_data(as_text=True)
    again = client.get(f"/password/{secret}")
    assert again.status_code == 410 and "already been used" in again.get_data(as_text=True)
    assert client.post(f"/password/{secret}", data={"password": "another long one", "confirm": "another long one",
                                                    "csrf_token": token}).status_code == 410
    assert AuthActions(client, {}).login("ana@example.org", "a long enough one").status_code == 302
    with runtime.db.transaction() as session:
        assert [e.action for e in audit.recent(session, limit=2)] == ["login", "link.invite.used"]
    # The secret never reaches the access log; the route's pattern does.
    assert secret not in caplog.text and "path=/password/<token>" in caplog.text


def test_a_new_link_replaces_the_old_and_an_expired_one_is_refused(client, auth_actions, users, runtime):
    auth_actions.as_admin()
    edit = f"/staff/users/{users['viewer'].id}"
    for _ in range(2):
        assert _post(client, edit, edit + "/link", {"purpose": "reset"}).status_code == 303
    first, second = (LINK.search(body(m)).group(1) for m in outbox(runtime))
    assert "no longer works" in client.get(f"/password/{first}").get_data(as_text=True)
    assert client.get(f"/password/{second}").status_code == 200
    with runtime.db.transaction() as session:
        (link,) = links.outstanding_links(session)
        link.expires_at = link.created_at - dt.timedelta(seconds=1)
    expired = client.get(f"/password/{second}")
    assert expired.status_code == 410 and "has expired" in expired.get_data(as_text=True)
    assert client.get("/password/not-a-real-token").status_code == 410


def test_admins_see_and_revoke_every_token_and_outstanding_link(client, auth_actions, users, token_for, runtime):
    token_for("officer")
    auth_actions.as_admin()
    edit = f"/staff/users/{users['approver'].id}"
    _post(client, edit, edit + "/link", {"purpose": "reset"})
    page = client.get("/staff/access").get_data(as_text=True)
    assert "Officer Person" in page and "Approver Person" in page and "Password reset" in page
    with runtime.db.transaction() as session:
        (token,) = auth.all_tokens(session)
        (link,) = links.outstanding_links(session)
        token_id, link_id = token.id, link.id
    answer = _post(client, "/staff/access", f"/staff/tokens/{token_id}/revoke", {"from": "access"})
    assert answer.status_code == 303 and answer.headers["Location"] == "/staff/access"
    assert _post(client, "/staff/access", f"/staff/access/links/{link_id}/revoke", {}).status_code == 303
    page = client.get("/staff/access").get_data(as_text=True)
    assert "No invitation or reset link is outstanding." in page and "revoked" in page
    secret = LINK.search(body(outbox(runtime)[0])).group(1)
    assert client.get(f"/password/{secret}").status_code == 410
    with runtime.db.transaction() as session:
        assert session.get(auth.ApiToken, token_id).revoked_at is not None


def test_the_audit_log_filters_by_actor_action_and_date(client, auth_actions, users, runtime):
    with runtime.db.transaction() as session:
        audit.record(session, "release.publish", actor_label="officer@example.org")
        old = audit.record(session, "release.publish", actor_label="admin@example.org")
        old.at = dt.datetime(2026, 1, 10, 12, tzinfo=dt.timezone.utc)
    auth_actions.as_admin()
    page = client.get("/staff/audit").get_data(as_text=True)
    # Actions and actors are choices, not codes to type.
    assert re.search(r'<select name="action">.*<option value="release.publish"', page, re.S)
    assert re.search(r'<select name="actor">.*<option value="officer@example.org"', page, re.S)
    assert 'type="date" name="from"' in page and 'type="date" name="to"' in page
    rows = lambda html: re.findall(r"<td>(release\.publish|login|user\.create)</td>", html)  # noqa: E731
    assert rows(client.get("/staff/audit?action=release.publish&actor=officer@example.org").get_data(as_text=True)) \
        == ["release.publish"]
    january = client.get("/staff/audit?from=2026-01-10&to=2026-01-10").get_data(as_text=True)
    assert rows(january) == ["release.publish"] and "admin@example.org" in january
    assert rows(client.get("/staff/audit?from=2026-01-11&to=2026-01-31").get_data(as_text=True)) == []
    assert client.get("/staff/audit?from=yesterday").status_code == 400


def test_officers_dashboards_show_no_security_events_and_admins_keep_a_security_panel(client, users):
    actions = AuthActions(client, users)
    assert actions.login("officer@example.org", "wrong password here").status_code == 401
    actions.as_officer()
    page = client.get("/staff/").get_data(as_text=True)
    assert "login.failed" not in page and "Security" not in page and "Recent activity" not in page
    actions.logout()
    actions.login("admin@example.org", PASSWORD)
    page = client.get("/staff/").get_data(as_text=True)
    assert "<h2>Security</h2>" in page and "login.failed" in page


def test_hostile_input_on_the_people_and_reset_forms_is_a_form_error(client, auth_actions, runtime):
    auth_actions.as_admin()
    for fields, field, words in (
        ({"name": "x" * 100_000}, "name", "at most 200 characters"),
        ({"name": "Eve\r\nBcc: victim@example.org"}, "name", "the name"),
        ({"email": "a" * 10_000 + "@example.org"}, "email", "not a valid email address"),
        ({"role": "superuser"}, "role", "unknown role"),
    ):
        answer = _add(client, invite="1", **fields)
        html = answer.get_data(as_text=True)
        assert answer.status_code == 400 and words in html and f'aria-describedby="{field}-error"' in html, fields
    with runtime.db.transaction() as session:
        assert auth.find_user(session, "ana@example.org") is None
        assert links.outstanding_links(session) == []
    auth_actions.logout()
    answer = _post(client, "/password/reset", "/password/reset", {"email": "@" * 100_000})
    assert answer.status_code == 200 and "Check your email" in answer.get_data(as_text=True)
    assert outbox(runtime) == []
