"""The app factory: headers, cookies, body limits, errors, logs and health."""

import logging

from comms.app import create_app

from support.web import csrf_from


def test_factory_takes_overrides(config):
    app = create_app(config.with_overrides(max_content_length=1234))
    assert app.config["MAX_CONTENT_LENGTH"] == 1234
    assert app.config["SECRET_KEY"] == "test-secret-key"
    app.extensions["pressroom"].close()


def test_security_headers_on_every_response(client):
    for path in ("/login", "/healthz", "/api/v1/me", "/no-such-page", "/static/style.css"):
        response = client.get(path)
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
        csp = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp
        script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
        assert "'unsafe-inline'" not in script_src and "'self'" in script_src
        assert "Strict-Transport-Security" not in response.headers  # plain http
        assert response.headers["X-Request-ID"]


def test_hsts_on_https(client):
    response = client.get("/login", base_url="https://press.example.org")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


def test_pages_have_no_inline_script(client):
    html = client.get("/login").get_data(as_text=True)
    assert "<script>" not in html and "onload=" not in html and "onclick=" not in html


def test_session_cookie_is_httponly_and_lax(client):
    response = client.get("/login")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # not on plain http


def test_session_cookie_secure_when_served_over_https(config):
    app = create_app(config.with_overrides(base_url="https://press.example.org"))
    response = app.test_client().get("/login", base_url="https://press.example.org")
    assert "Secure" in response.headers["Set-Cookie"]
    app.extensions["pressroom"].close()


def test_oversized_body_gets_413_page(config, token_for):
    app = create_app(config.with_overrides(max_content_length=1024))
    client = app.test_client()
    response = client.post("/login", data={"email": "x" * 5000, "password": "y"})
    assert response.status_code == 413
    assert "text/html" in response.content_type
    api = client.post("/api/v1/users", data=b"{" + b" " * 5000 + b"}", content_type="application/json",
                      headers={"Authorization": f"Bearer {token_for('admin')}"})
    assert api.status_code == 413
    assert api.get_json()["error"]["code"] == "too_large"
    app.extensions["pressroom"].close()


def test_api_errors_are_json(client):
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.get_json() == {"error": {"code": "not_found", "message": response.get_json()["error"]["message"],
                                             "fields": {}}}
    assert client.delete("/api/v1/me").get_json()["error"]["code"] == "method_not_allowed"


def test_page_errors_are_html(client):
    response = client.get("/staff/no-such-page")
    assert response.status_code == 404
    assert "<h1>404" in response.get_data(as_text=True)


def test_unexpected_error_is_a_clean_500(app, client):
    @app.route("/api/v1/explode")
    def explode():
        raise RuntimeError("boom")

    @app.route("/explode")
    def explode_page():
        raise RuntimeError("boom")

    api = client.get("/api/v1/explode")
    assert api.status_code == 500 and api.get_json()["error"]["code"] == "internal"
    assert "boom" not in api.get_data(as_text=True)
    page = client.get("/explode")
    assert page.status_code == 500 and "boom" not in page.get_data(as_text=True)


def test_one_log_line_per_request_without_personal_data(client, caplog):
    with caplog.at_level(logging.INFO, logger="pressroom.access"):
        response = client.get("/login?next=/staff/&email=someone%40example.org",
                              headers={"X-Request-ID": "abc-123"})
    lines = [r.getMessage() for r in caplog.records if r.name == "pressroom.access"]
    assert len(lines) == 1
    assert "request_id=abc-123" in lines[0] and "path=/login " in lines[0] and "status=200" in lines[0]
    assert "example.org" not in lines[0] and "email" not in lines[0]
    assert response.headers["X-Request-ID"] == "abc-123"


def test_unsafe_request_id_is_replaced(client):
    response = client.get("/healthz", headers={"X-Request-ID": "bad id <script>"})
    assert response.headers["X-Request-ID"] != "bad id <script>"
    assert len(response.headers["X-Request-ID"]) == 32


def test_healthz_ok(client, backend):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["checks"] == {"database": "ok"}


def test_healthz_503_when_redis_is_down(config):
    app = create_app(config.with_overrides(redis_url="redis://127.0.0.1:1/0"))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["redis"].startswith("error")
    app.extensions["pressroom"].close()


def test_healthz_checks_redis_when_configured(config, redis_url):
    app = create_app(config.with_overrides(redis_url=redis_url))
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["checks"] == {"database": "ok", "redis": "ok"}
    app.extensions["pressroom"].close()


def test_healthz_503_when_database_is_unreachable(config, tmp_path):
    app = create_app(config.with_overrides(database_url="postgresql+psycopg://nobody@127.0.0.1:1/none"))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["checks"]["database"].startswith("error")
    app.extensions["pressroom"].close()


def test_forms_carry_csrf_tokens(client):
    assert csrf_from(client.get("/login").get_data(as_text=True))
