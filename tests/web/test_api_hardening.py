"""Regression tests for what fuzzing the API (tests/web/test_api_fuzz.py) found."""

from __future__ import annotations

import pytest

from comms.platform.seeding import seed_demo


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def admin(client, token_for):
    return bearer(token_for("admin"))


def test_405_names_the_allowed_methods(client, admin):
    response = client.delete("/api/v1/me", headers=admin)
    assert response.status_code == 405
    assert {m.strip() for m in response.headers["Allow"].split(",")} >= {"GET"}
    assert response.get_json()["error"]["code"] == "method_not_allowed"


@pytest.mark.parametrize("query", ["page=99999999999999999999", "page=1000001", "page=0"])
def test_absurd_page_numbers_are_422_not_500(client, admin, query):
    response = client.get(f"/api/v1/contacts?{query}", headers=admin)
    assert response.status_code == 422
    assert "page" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("method, path, body, field", [
    ("post", "/api/v1/contacts", {"name": "A", "email": "a@example.org", "lists": [2**63]}, "lists"),
    ("post", "/api/v1/contacts/1/merge", {"other_id": 2**40}, "other_id"),
    ("post", "/api/v1/lists/1/members", {"contact_ids": [99999999999999999999]}, "contact_ids"),
    ("post", "/api/v1/releases", {"headline": "H", "language": "en", "meeting_id": 2**31}, "meeting_id"),
    ("put", "/api/v1/meetings/1/strategy", {"version": 2**62}, "version"),
])
def test_ids_beyond_the_column_range_are_422_not_500(client, admin, runtime, method, path, body, field):
    seed_demo(runtime.db)
    response = getattr(client, method)(path, json=body, headers=admin)
    assert response.status_code == 422, response.get_data(as_text=True)
    # Past 64 bits the input guard names the element ("lists[0]"); below, the schema names the field.
    assert any(name == field or name.startswith(f"{field}[") for name in response.get_json()["error"]["fields"])


def test_list_filter_with_a_huge_id_is_422(client, admin):
    response = client.get("/api/v1/contacts?list=99999999999999999999", headers=admin)
    assert response.status_code == 422
    assert "list" in response.get_json()["error"]["fields"]


def test_malformed_json_is_400_in_the_api_error_shape(client, admin):
    response = client.post("/api/v1/contacts", data="{not json", content_type="application/json", headers=admin)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_request"


def test_nul_bytes_in_text_are_refused(client, admin):
    response = client.post("/api/v1/contacts", json={"name": "A\x00B", "email": "nul@example.org"}, headers=admin)
    assert response.status_code == 422
    assert "name" in response.get_json()["error"]["fields"]


def test_openapi_documents_the_errors_every_operation_can_answer(client):
    spec = client.get("/api/openapi.json").get_json()
    checked = 0
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = set(operation["responses"])
            if operation.get("security"):
                assert {"401", "403"} <= responses, f"{method} {path}"
            if "{" in path:
                assert "404" in responses, f"{method} {path}"
            if "requestBody" in operation:
                assert {"400", "413", "422"} <= responses, f"{method} {path}"
            if any(p["in"] == "query" for p in operation.get("parameters", [])):
                assert "422" in responses, f"{method} {path}"
            for code in responses - {"default"}:
                if code.startswith("4"):
                    response = operation["responses"][code]
                    if "$ref" in response:
                        response = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Error"}, f"{method} {path} {code}"
            checked += 1
    assert checked > 50


def test_documented_401_is_what_a_tokenless_call_gets(client):
    spec = client.get("/api/openapi.json").get_json()
    assert "401" in spec["paths"]["/api/v1/contacts/{contact_id}"]["get"]["responses"]
    response = client.get("/api/v1/contacts/1")
    assert response.status_code == 401
    assert set(response.get_json()["error"]) == {"code", "message", "fields"}


@pytest.mark.parametrize("url", ["/api/v1/news?meeting=99999999999999999999",
                                 "/api/v1/releases?meeting=99999999999999999999"])
def test_meeting_filters_with_huge_ids_are_422_not_500(client, admin, url):
    response = client.get(url, headers=admin)
    assert response.status_code == 422
    assert "meeting" in response.get_json()["error"]["fields"]


def test_stale_revision_numbers_beyond_range_are_422(client, admin, runtime):
    seed_demo(runtime.db)
    response = client.post("/api/v1/releases/1/request-changes", json={"revision": 2**64}, headers=admin)
    assert response.status_code == 422
    assert "revision" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_a_list_that_does_not_exist_is_404(client, admin, method):
    kwargs = {"json": {"name": "x"}} if method == "patch" else {}
    response = getattr(client, method)("/api/v1/lists/424242", headers=admin, **kwargs)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("method", ["patch", "delete"])
def test_an_id_beyond_the_url_range_is_404_not_405(client, admin, method):
    response = getattr(client, method)("/api/v1/lists/99999999999", headers=admin, json={"name": "x"})
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("method, path, code", [
    ("post", "/api/v1/contacts/import", "415"),
    ("post", "/api/v1/releases/{release_id}/request-changes", "409"),
    ("post", "/api/v1/releases/{release_id}/unschedule", "409"),
])
def test_business_errors_are_documented(client, method, path, code):
    spec = client.get("/api/openapi.json").get_json()
    assert code in spec["paths"][path][method]["responses"]


def test_import_with_another_content_type_is_415(client, admin):
    response = client.post("/api/v1/contacts/import", data=b"x", content_type="application/pdf", headers=admin)
    assert response.status_code == 415


@pytest.mark.parametrize("url", ["/api/v1/contacts?topic=a%00b", "/api/v1/news?lang=e%00n",
                                 "/api/v1/contacts?q=x%00", "/api/v1/releases?language=%00"])
def test_nul_bytes_in_query_parameters_are_422(client, admin, url):
    response = client.get(url, headers=admin)
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"]


def test_nul_bytes_anywhere_in_a_json_body_are_422(client, admin, runtime):
    seed_demo(runtime.db)
    response = client.put("/api/v1/meetings/1/strategy", headers=admin,
                          json={"version": 1, "objectives": ["fine", "not\x00fine"]})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"objectives[1]": "contains a NUL character"}
    response = client.post("/api/v1/lists", headers=admin, json={"name": "ok", "description": "\x00"})
    assert response.status_code == 422


def test_a_send_to_an_absurd_list_id_is_a_422_not_a_500(client, token_for):
    response = client.post("/api/v1/releases/1/send", json={"list_ids": [2**63]},
                           headers={"Authorization": f"Bearer {token_for('officer')}"})
    assert response.status_code == 422
    assert response.get_json()["error"]["fields"] == {"list_ids[0]": "integers must fit in 64 bits"}
