"""The JSON API: bearer tokens (401/403), users, errors and the OpenAPI document."""

from openapi_spec_validator import validate


from support.web import csrf_from
from support.web import bearer


def test_me_needs_a_token(client, users):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.get_json()["error"]["code"] == "unauthorized"
    assert client.get("/api/v1/me", headers=bearer("prt_not-a-real-token")).status_code == 401
    assert client.get("/api/v1/me", headers={"Authorization": "Basic abc"}).status_code == 401


def test_me_with_a_token(client, token_for, users):
    response = client.get("/api/v1/me", headers=bearer(token_for("approver")))
    assert response.status_code == 200
    assert response.get_json() == {"id": users["approver"].id, "email": "approver@example.org",
                                   "name": "Approver Person", "role": "approver"}


def test_session_cookie_is_not_an_api_credential(client, auth_actions):
    auth_actions.as_admin()
    assert client.get("/api/v1/me").status_code == 401


def test_revoked_token_stops_working(client, auth_actions, users):
    auth_actions.as_officer()
    page = client.get("/staff/tokens").get_data(as_text=True)
    created = client.post("/staff/tokens", data={"name": "script", "csrf_token": csrf_from(page)})
    html = created.get_data(as_text=True)
    secret = html.split('<code class="secret">')[1].split("<")[0]
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200
    # The secret is shown once: reloading the page does not show it again.
    assert secret not in client.get("/staff/tokens").get_data(as_text=True)
    token_id = html.split("/staff/tokens/")[1].split("/revoke")[0]
    client.post(f"/staff/tokens/{token_id}/revoke", data={"csrf_token": csrf_from(html)})
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401


def test_inactive_users_tokens_stop_working(client, token_for, runtime, users):
    from comms.accounts import users as auth

    secret = token_for("viewer")
    with runtime.db.transaction() as session:
        session.get(auth.User, users["viewer"].id).active = False
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401


def test_list_users_with_role_filter_and_pagination(client, token_for):
    headers = bearer(token_for("viewer"))
    everyone = client.get("/api/v1/users", headers=headers).get_json()
    assert everyone["total"] == 4 and len(everyone["items"]) == 4
    approvers = client.get("/api/v1/users?role=approver", headers=headers).get_json()
    assert [u["email"] for u in approvers["items"]] == ["approver@example.org"]
    page = client.get("/api/v1/users?per_page=3&page=2", headers=headers).get_json()
    assert page["total"] == 4 and len(page["items"]) == 1
    bad = client.get("/api/v1/users?role=king", headers=headers)
    assert bad.status_code == 422
    assert "role" in bad.get_json()["error"]["fields"]


def test_create_user_is_for_admins(client, token_for):
    body = {"email": "new@example.org", "role": "officer", "name": "New Officer"}
    response = client.post("/api/v1/users", json=body, headers=bearer(token_for("officer")))
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"
    created = client.post("/api/v1/users", json=body, headers=bearer(token_for("admin")))
    assert created.status_code == 201
    assert created.get_json()["email"] == "new@example.org"


def test_create_user_errors(client, token_for):
    headers = bearer(token_for("admin"))
    duplicate = client.post("/api/v1/users", json={"email": "OFFICER@example.org", "role": "viewer"}, headers=headers)
    assert duplicate.status_code == 409 and "email" in duplicate.get_json()["error"]["fields"]
    invalid = client.post("/api/v1/users", json={"email": "nope", "role": "emperor"}, headers=headers)
    assert invalid.status_code == 422
    assert set(invalid.get_json()["error"]["fields"]) == {"email", "role"}
    not_json = client.post("/api/v1/users", data="email=x", headers=headers,
                           content_type="application/x-www-form-urlencoded")
    assert 400 <= not_json.status_code < 500
    assert "error" in not_json.get_json()


def test_openapi_document_is_valid_and_complete(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    validate(spec)
    assert {"/api/v1/me", "/api/v1/users"} <= set(spec["paths"])
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {"type": "http", "scheme": "bearer"}
    me = spec["paths"]["/api/v1/me"]["get"]
    assert me["security"] == [{"bearerAuth": []}]
    assert {"200", "401"} <= set(me["responses"])
    assert "403" in spec["paths"]["/api/v1/users"]["post"]["responses"]
