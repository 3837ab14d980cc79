"""The staff UI shell: dashboard, people, tokens and audit pages."""

from comms.accounts import users as auth

from support.app import PASSWORD
from support.web import csrf_from


def test_navigation_shows_only_what_the_role_may_use(client, auth_actions):
    auth_actions.as_viewer()
    page = client.get("/staff/").get_data(as_text=True)
    assert "API tokens" in page and "Audit log" not in page and ">People<" not in page
    auth_actions.logout()
    auth_actions.as_admin()
    page = client.get("/staff/").get_data(as_text=True)
    assert "Audit log" in page and ">People<" in page


def test_admin_creates_a_user_and_it_is_audited(client, auth_actions, runtime):
    auth_actions.as_admin()
    page = client.get("/staff/users").get_data(as_text=True)
    response = client.post("/staff/users", data={
        "csrf_token": csrf_from(page), "name": "Ana Press", "email": "ana@example.org", "role": "officer",
        "password": "another-long-password", "title": "Press officer", "invite": "1",
    })
    assert response.status_code == 302
    listing = client.get("/staff/users").get_data(as_text=True)
    assert "ana@example.org" in listing and "Press officer" in listing
    audit_page = client.get("/staff/audit?action=user.create").get_data(as_text=True)
    assert "admin@example.org" in audit_page and "user.create" in audit_page
    with runtime.db.transaction() as session:
        # The admin types no password for anyone (issue 15 section 5): a typed one is ignored, and Ana
        # chooses hers through the invitation.
        assert auth.authenticate(session, "ana@example.org", "another-long-password") is None
        assert auth.find_user(session, "ana@example.org").password_hash is None


def test_user_form_errors_are_shown_and_nothing_is_written(client, auth_actions, runtime):
    auth_actions.as_admin()
    page = client.get("/staff/users").get_data(as_text=True)
    response = client.post("/staff/users", data={"csrf_token": csrf_from(page), "name": "<b>Bold</b>",
                                                 "email": "bad-address", "role": "officer"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "not a valid email address" in html
    assert "<b>Bold</b>" not in html and "&lt;b&gt;Bold&lt;/b&gt;" in html  # autoescaped
    with runtime.db.transaction() as session:
        assert len(auth.list_users(session)) == 4


def test_deactivated_user_cannot_sign_in(client, auth_actions, users):
    auth_actions.as_admin()
    page = client.get("/staff/users").get_data(as_text=True)
    response = client.post(f"/staff/users/{users['officer'].id}", data={"csrf_token": csrf_from(page), "active": "0"})
    assert response.status_code == 303
    auth_actions.logout()
    assert auth_actions.login("officer@example.org", PASSWORD).status_code == 401


def test_admin_cannot_lock_themselves_out(client, auth_actions, users):
    auth_actions.as_admin()
    page = client.get("/staff/users").get_data(as_text=True)
    client.post(f"/staff/users/{users['admin'].id}", data={"csrf_token": csrf_from(page), "role": "viewer"})
    assert "cannot remove your own admin rights" in client.get("/staff/users").get_data(as_text=True)
    assert client.get("/staff/audit").status_code == 200


def test_someone_elses_token_cannot_be_revoked(client, auth_actions, token_for, runtime, users):
    token_for("admin")
    with runtime.db.transaction() as session:
        token_id = session.get(auth.User, users["admin"].id).tokens[0].id
    auth_actions.as_officer()
    page = client.get("/staff/tokens").get_data(as_text=True)
    assert client.post(f"/staff/tokens/{token_id}/revoke", data={"csrf_token": csrf_from(page)}).status_code == 403


def test_staff_pages_are_not_cached(client, auth_actions):
    auth_actions.as_officer()
    assert client.get("/staff/").headers["Cache-Control"] == "private, no-store"
