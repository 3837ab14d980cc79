"""/api/v1/sources and /api/v1/items: CRUD, validation errors in docs/design/contract.md's shape, roles,
pagination and filters, the OpenAPI document, and "poll now" against a real HTTP server."""

import datetime as dt

import pytest
from openapi_spec_validator import validate
from sqlalchemy import func, select

from comms.app import create_app
from comms.config import load_config
from comms.following.watchlists import WatchMatch, create_rule
from feeds.follow.models import Item, Source
from storage.audit import Actor

from support.app import base_environ
from support.follow_samples import RSS, add_item, add_source, bearer, site

GOOD = {"name": "ICBL-CMC", "url": "https://www.icblcmc.example/news", "kind": "html", "language": "fr",
        "interval_minutes": 120, "selectors": {"item": "article.news", "title": "h3 a", "date": "time"}}


def test_create_read_update_delete(client, token_for, runtime):
    headers = bearer(token_for("officer"))
    created = client.post("/api/v1/sources", json=GOOD, headers=headers)
    assert created.status_code == 201
    body = created.get_json()
    assert body["name"] == "ICBL-CMC" and body["language"] == "fr" and body["status"] == "ok"
    assert body["selectors"] == {"item": "article.news", "title": "h3 a", "link": None, "date": "time",
                                 "summary": None}
    assert body["last_polled_at"] is None and body["last_error"] is None and body["item_count"] == 0
    source_id = body["id"]

    fetched = client.get(f"/api/v1/sources/{source_id}", headers=headers).get_json()
    assert fetched == body
    changed = client.patch(f"/api/v1/sources/{source_id}", json={"paused": True, "interval_minutes": 30},
                           headers=headers)
    assert changed.status_code == 200
    assert changed.get_json()["paused"] is True and changed.get_json()["interval_minutes"] == 30
    moved = client.patch(f"/api/v1/sources/{source_id}", json={"url": "https://new.icblcmc.example/news"},
                         headers=headers).get_json()
    with runtime.db.transaction() as session:
        assert session.get(Source, source_id).host == "new.icblcmc.example:443"
    assert moved["url"] == "https://new.icblcmc.example/news"

    add_item(runtime, source_id, "One item")
    assert client.delete(f"/api/v1/sources/{source_id}", headers=headers).status_code == 204
    assert client.get(f"/api/v1/sources/{source_id}", headers=headers).status_code == 404
    with runtime.db.transaction() as session:
        assert session.scalar(select(func.count(Item.id))) == 0


INVALID = [
    ("url", "javascript:alert(1)"),
    ("url", "file:///etc/passwd"),
    ("url", "ftp://example.org/news"),
    ("url", "http://user:pw@example.org/"),
    ("url", "http://10.0.0.1\\@example.org/"),
    ("url", "/relative/news"),
    ("language", "xx"),
    ("language", "english-ish"),
    ("interval_minutes", 1),
    ("interval_minutes", 100000),
    ("selectors", {"item": "div[", "title": "h3"}),
    ("selectors", {"title": "h3"}),
    ("kind", "rss"),
    ("name", "   "),
]


def test_invalid_input_gets_422_naming_the_field(client, token_for, runtime):
    headers = bearer(token_for("officer"))
    for field, value in INVALID:
        response = client.post("/api/v1/sources", json={**GOOD, field: value}, headers=headers)
        assert response.status_code == 422, (field, value)
        error = response.get_json()["error"]
        assert error["code"] == "invalid" and field in error["fields"] and error["message"], (field, value)
    with runtime.db.transaction() as session:
        assert session.scalar(select(func.count(Source.id))) == 0


def test_missing_fields_unknown_fields_and_bad_patches(client, token_for):
    headers = bearer(token_for("officer"))
    missing = client.post("/api/v1/sources", json={"kind": "auto"}, headers=headers)
    assert missing.status_code == 422 and set(missing.get_json()["error"]["fields"]) == {"name", "url"}
    unknown = client.post("/api/v1/sources", json={**GOOD, "owner": "me"}, headers=headers)
    assert unknown.status_code == 422 and "owner" in unknown.get_json()["error"]["fields"]
    source_id = client.post("/api/v1/sources", json=GOOD, headers=headers).get_json()["id"]
    bad = client.patch(f"/api/v1/sources/{source_id}", json={"url": "data:text/html,hi"}, headers=headers)
    assert bad.status_code == 422 and "url" in bad.get_json()["error"]["fields"]
    assert client.get(f"/api/v1/sources/{source_id}", headers=headers).get_json()["url"] == GOOD["url"]
    assert client.patch("/api/v1/sources/999999", json={"paused": True}, headers=headers).status_code == 404


def test_roles_viewers_read_officers_write(client, token_for, runtime):
    source_id = add_source(runtime)
    viewer = bearer(token_for("viewer"))
    assert client.get("/api/v1/sources", headers=viewer).status_code == 200
    assert client.get(f"/api/v1/sources/{source_id}", headers=viewer).status_code == 200
    assert client.get("/api/v1/items", headers=viewer).status_code == 200
    for method, path, body in [("post", "/api/v1/sources", GOOD), ("patch", f"/api/v1/sources/{source_id}", {}),
                               ("delete", f"/api/v1/sources/{source_id}", None),
                               ("post", f"/api/v1/sources/{source_id}/poll", None)]:
        for role in ("viewer", "approver"):
            response = getattr(client, method)(path, json=body, headers=bearer(token_for(role)))
            assert response.status_code == 403, (method, path, role)
            assert response.get_json()["error"]["code"] == "forbidden"
    assert client.get("/api/v1/sources").status_code == 401
    assert client.post("/api/v1/sources", json=GOOD, headers=bearer(token_for("admin"))).status_code == 201


def test_sources_and_items_are_paginated_and_filtered(client, token_for, runtime):
    headers = bearer(token_for("viewer"))
    first = add_source(runtime, name="Alpha", url="https://alpha.example/news")
    second = add_source(runtime, name="Beta", url="https://beta.example/news", status="broken")
    old = dt.datetime(2025, 1, 10, tzinfo=dt.timezone.utc)
    for n in range(7):
        add_item(runtime, first, f"Alpha item {n}", published_at=old + dt.timedelta(days=n))
    add_item(runtime, second, "Convención de Ottawa: informe", language="es",
             published_at=dt.datetime(2025, 3, 1, tzinfo=dt.timezone.utc))
    undated = add_item(runtime, second, "Undated note", first_seen_at=dt.datetime(2025, 4, 1, tzinfo=dt.timezone.utc))

    sources = client.get("/api/v1/sources?per_page=1&page=2", headers=headers).get_json()
    assert sources["total"] == 2 and [s["name"] for s in sources["items"]] == ["Beta"]
    assert [s["name"] for s in client.get("/api/v1/sources?status=broken", headers=headers).get_json()["items"]] == ["Beta"]

    page = client.get("/api/v1/items?per_page=3&page=1", headers=headers).get_json()
    assert page["total"] == 9 and len(page["items"]) == 3
    assert page["items"][0]["id"] == undated and page["items"][0]["published_at"] is None
    assert set(page["items"][1]) >= {"id", "source_id", "title", "url", "published_at", "summary", "language"}
    assert client.get(f"/api/v1/items?source={first}", headers=headers).get_json()["total"] == 7
    found = client.get("/api/v1/items?q=ottawa", headers=headers).get_json()
    assert [i["title"] for i in found["items"]] == ["Convención de Ottawa: informe"]
    since = client.get("/api/v1/items?since=2025-01-15T00:00:00%2B00:00", headers=headers).get_json()
    assert since["total"] == 4  # two Alpha items, the Spanish one and the undated one first seen later
    assert client.get("/api/v1/items?language=es", headers=headers).get_json()["total"] == 1
    with runtime.db.transaction() as session:
        create_rule(session, "Treaty", ["Convención de Ottawa"], Actor())
        assert session.scalar(select(func.count(WatchMatch.id))) == 1
    assert client.get("/api/v1/items?flagged=true", headers=headers).get_json()["total"] == 1

    for bad in ("since=0001-01-01T00:00:00%2B01:00", "since=yesterday", "since=2025-01-15T00:00:00", "per_page=500", "page=0", "source=abc", "q=" + "x" * 300):
        response = client.get(f"/api/v1/items?{bad}", headers=headers)
        assert response.status_code == 422, bad
        assert response.get_json()["error"]["code"] == "invalid"


def test_openapi_documents_sources_and_items(client):
    spec = client.get("/api/openapi.json").get_json()
    validate(spec)
    for path in ("/api/v1/sources", "/api/v1/sources/{source_id}", "/api/v1/sources/{source_id}/poll",
                 "/api/v1/items"):
        assert path in spec["paths"], path
    poll = spec["paths"]["/api/v1/sources/{source_id}/poll"]["post"]
    assert poll["security"] == [{"bearerAuth": []}]
    assert {"new_items", "unchanged", "status"} <= set(spec["components"]["schemas"]["PollResult"]["properties"])
    assert "422" in spec["paths"]["/api/v1/sources"]["post"]["responses"]


@pytest.fixture
def local_app(db_url, instance_path):
    """An app whose follower may reach 127.0.0.0/8, where the test's own HTTP server listens."""
    config = load_config(base_environ(db_url, instance_path, PRESSROOM_FOLLOW_ALLOWED_NETWORKS="127.0.0.0/8"),
                         testing=True)
    application = create_app(config)
    yield application
    application.extensions["pressroom"].close()


def test_poll_endpoint_reads_a_real_feed_and_runs_the_watchlists(local_app, db_url):
    from comms.accounts import users as auth

    runtime = local_app.extensions["pressroom"]
    with runtime.db.transaction() as session:
        officer = auth.create_user(session, "officer@example.org", "officer")
        _token, secret = auth.create_token(session, officer)
        create_rule(session, "Treaty", ["Convention d'Ottawa"], Actor())
    client = local_app.test_client()
    headers = bearer(secret)
    with site({"/feed.xml": ("application/rss+xml", RSS)}) as base:
        source_id = client.post("/api/v1/sources", json={"name": "Local", "url": f"{base}/feed.xml", "kind": "feed"},
                                headers=headers).get_json()["id"]
        first = client.post(f"/api/v1/sources/{source_id}/poll", headers=headers)
        assert first.status_code == 200
        assert first.get_json()["new_items"] == 2 and first.get_json()["status"] == "ok"
        assert first.get_json()["unchanged"] is False
        second = client.post(f"/api/v1/sources/{source_id}/poll", headers=headers).get_json()
        assert second["new_items"] == 0
    items = client.get(f"/api/v1/items?source={source_id}", headers=headers).get_json()
    assert sorted(i["title"] for i in items["items"]) == ["La Convention d’Ottawa a 25 ans",
                                                         "States agree on Article 5 extension requests"]
    assert client.get("/api/v1/items?flagged=true", headers=headers).get_json()["total"] == 1
    source = client.get(f"/api/v1/sources/{source_id}", headers=headers).get_json()
    assert source["last_polled_at"] and source["item_count"] == 2
    assert client.post("/api/v1/sources/999999/poll", headers=headers).status_code == 404
