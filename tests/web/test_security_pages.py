"""docs/design/security.md "Rich text, templates, pages", items 11-18: through the API, the staff and
public pages and real SMTP, plus hypothesis properties for the Markdown sanitiser (item 11)
and the ``next`` guard (item 16). ``assert_inert`` is shared with the other security modules."""

from __future__ import annotations

import email
import re
from urllib.parse import urljoin, urlsplit

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from comms.accounts import users as auth
from comms.distribution.service import run_send
from comms.rendering.richtext import ALLOWED_TAGS, markdown_to_html, sanitize_html
from comms.web.accounts.login import safe_next

from support.app import PASSWORD
from support.sending import make_contacts, make_release, rt, send  # noqa: F401
from support.web import bearer, csrf_from
from support.html_checks import assert_inert


# --- item 11: the Markdown sanitiser, fuzzed ---------------------------------------------------------------------
SCHEMES = ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\tscript:alert(1)", " javascript:alert(1)",
           "&#106;avascript:alert(1)", "&#x6A;avascript:alert(1)", "javascript&colon;alert(1)",
           "data:text/html;base64,PHNjcmlwdD4=", "vbscript:msgbox(1)", "\x01javascript:alert(1)",
           "jav&#x09;ascript:alert(1)", "https://example.org/ok", "/relative", "mailto:a@example.org"]
PIECES = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<svg><script>alert(2)</script></svg>",
          "<svg onload=alert(3)>", "<iframe src=\"{u}\"></iframe>", "<style>body{{}}</style>", "<a href=\"{u}\">x</a>",
          "<img src=\"{u}\">", "<math><mi xlink:href=\"{u}\">x</mi></math>", "<object data=\"{u}\"></object>",
          "<p style=\"x:expression(1)\">s</p>", "<a href='{u}' onclick=alert(1)>y</a>", "<body onload=alert(1)>",
          "[link]({u})", "![img]({u})", "<{u}>", "[ref][r]\n\n[r]: {u}", "**bold**", "`<script>`", "> quote\n",
          "| a | b |\n|---|---|\n| <b onmouseover=x>c</b> | d |\n", "\n\n", "<", ">", "\"", "'", "&amp;"]


@st.composite
def hostile_markdown(draw):
    parts = draw(st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(SCHEMES), st.text(max_size=6)),
                          min_size=1, max_size=8))
    return "".join(piece.format(u=url) + filler for piece, url, filler in parts)


@hsettings(max_examples=600, deadline=None, derandomize=True)
@given(text=hostile_markdown())
def test_item_11_markdown_and_html_never_produce_an_executable_construct(text):
    """Item 11: "Release bodies: `<img onerror>`, `<a href="javascript:">`, `<svg><script>`: removed
    by an nh3 allowlist on save and again before every output." Property over markdown_to_html and
    sanitize_html (raw HTML, as a body reaching the database another way would be)."""
    assert_inert(markdown_to_html(text), tags=ALLOWED_TAGS)
    assert_inert(sanitize_html(text), tags=ALLOWED_TAGS)


def test_item_11_a_hostile_body_via_the_api_is_inert_on_the_public_page(client, token_for, users):
    """Item 11, end to end: a body with every vector, created, approved and published through
    the API, is inert on the public release page."""
    body = "".join(p.format(u=u) for p, u in zip(PIECES, SCHEMES * 3))
    officer, approver = bearer(token_for("officer")), bearer(token_for("approver"))
    release = client.post("/api/v1/releases", json={"headline": "Stockpile destruction completed",
                                                    "dateline": "GENEVA", "body_markdown": body},
                          headers=officer).get_json()
    client.post(f"/api/v1/releases/{release['id']}/submit", json={"approver_ids": [users["approver"].id]},
                headers=officer)
    client.post(f"/api/v1/releases/{release['id']}/approve", json={"revision": release["revision"]}, headers=approver)
    published = client.post(f"/api/v1/releases/{release['id']}/publish", json={}, headers=officer).get_json()
    assert published.get("status") == "published", (release, published)
    page = client.get(f"/news/{published['slug']}?lang=en")
    assert page.status_code == 200
    article = page.get_data(as_text=True)
    article = article[article.index("<article"):article.rindex("</article>")]
    assert_inert(article)


# --- items 12 and 13: templates, through a real send ---------------------------------------------------------------
def _parts(message) -> dict[str, str]:
    return {p.get_content_type(): p.get_payload(decode=True).decode(p.get_content_charset() or "utf-8")
            for p in message.walk() if not p.is_multipart()}


def test_item_12_a_contact_named_with_markup_stays_text_in_a_real_send(rt, smtp, users):  # noqa: F811
    """Item 12: "the `.mjml` templates need autoescape turned on so a contact named `<b>x</b>` stays
    text in HTML." Sent for real to aiosmtpd. (The text part, plain text: test_security_render.)"""
    from contacts import service
    from support.sending import STAFF

    release_id = make_release(rt, users)
    [list_id], [contact_id] = make_contacts(rt, 1)
    with rt.db.transaction() as session:
        service.update_contact(session, service.get_contact(session, contact_id), {"name": "<b>x</b> Reporter"}, STAFF)
    run_send(rt, send(rt, release_id, [list_id]))
    [received] = smtp.received
    parts = _parts(received.message)
    assert "<b>x</b>" not in parts["text/html"] and "&lt;b&gt;x&lt;/b&gt;" in parts["text/html"]
    assert not re.search(r"<b>\s*x", parts["text/html"])


def test_item_13_template_syntax_in_a_headline_is_sent_literally(rt, smtp, users):  # noqa: F811
    """Item 13: "If staff can edit templates or subjects: render them in Jinja's sandbox." Staff
    write headlines (the subject): Jinja syntax there is sent as typed, never evaluated."""
    from comms.releases import workflow
    from comms.releases.service import get_release

    release_id = make_release(rt, users, publish=False)
    with rt.db.transaction() as session:
        release = get_release(session, release_id)
        officer = session.get(auth.User, users["officer"].id)
        workflow.update_release(session, release, {"headline": "{{ 7*7 }} {{ config }} {% raw %}x"}, officer)
        approver = session.get(auth.User, users["approver"].id)
        [(request, _t)] = workflow.submit(session, "test-secret-key", release, [approver], officer)
        workflow.decide(session, release, request, "approved", via="staff", actor=approver)
        workflow.publish(session, release, officer)
    [list_id], _ids = make_contacts(rt, 1)
    run_send(rt, send(rt, release_id, [list_id]))
    [received] = smtp.received
    subject = str(email.header.make_header(email.header.decode_header(received.message["Subject"])))
    assert "{{ 7*7 }} {{ config }} {% raw %}x" in subject
    text = _parts(received.message)["text/plain"]
    assert "{{ 7*7 }}" in text and "49" not in subject and "SECRET_KEY" not in text


# --- item 14: feed content types --------------------------------------------------------------------------------------
@pytest.mark.parametrize("path, kind", [
    ("/feeds/releases.rss", "application/rss+xml"), ("/feeds/releases.atom", "application/atom+xml"),
    ("/feeds/releases.json", "application/feed+json"), ("/feeds/related.rss", "application/rss+xml"),
    ("/feeds/related.atom", "application/atom+xml"), ("/feeds/related.json", "application/feed+json"),
    ("/feeds/sources.opml", "opml")])
def test_item_14_every_feed_has_its_type_nosniff_and_never_echoes_the_query(client, path, kind):
    """Item 14: "Feeds served with their XML/JSON content types and `X-Content-Type-Options:
    nosniff`; never echo query parameters unescaped." Every feed family and format, the
    related feeds and OPML included, with a hostile unknown parameter."""
    response = client.get(path + "?utm=%3Cscript%3Ealert(1)%3C/script%3E&topic=%3Csvg%20onload=x%3E")
    assert response.status_code in (200, 400)
    assert kind in response.headers["Content-Type"] or response.status_code == 400
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    body = response.get_data(as_text=True)
    assert "<script>alert(1)" not in body and "<svg onload" not in body


# --- item 15: CSRF on every staff and public form ------------------------------------------------------------------
def test_item_15_no_state_changing_page_route_accepts_a_post_without_a_token(app, client, auth_actions, runtime):
    """Item 15: "CSRF: every state-changing form needs a token (Flask-WTF `CSRFProtect`); GET never
    changes state." Every non-API route taking POST/PUT/PATCH/DELETE, signed in as admin, with no
    token: 400 (the RFC 8058 one-click unsubscribe is the one documented exception)."""
    from sqlalchemy import text as sql

    auth_actions.as_admin()
    checked = 0
    for rule in app.url_map.iter_rules():
        methods = rule.methods & {"POST", "PUT", "PATCH", "DELETE"}
        if not methods or rule.rule.startswith("/api/") or rule.endpoint.endswith("unsubscribe"):
            continue
        url = re.sub(r"<(?:[^:>]+:)?[^>]+>", "1", rule.rule)
        for method in methods:
            response = client.open(url, method=method, data={"name": "x", "email": "csrf@example.org"})
            assert response.status_code == 400, (method, rule.rule, response.status_code)
            checked += 1
    assert checked >= 20
    with runtime.db.engine.connect() as conn:
        assert conn.execute(sql("SELECT count(*) FROM contacts")).scalar() == 0
    assert client.get("/logout").status_code == 405  # signing out is a POST
    assert client.get("/staff/").status_code == 200


# --- item 16: open redirects, fuzzed ---------------------------------------------------------------------------------
REDIRECT_PIECES = ["/", "//", "\\", "/\\", "\t", "%09", "%2F", " ", "evil.example", "@evil.example", "http:",
                   "https:", "javascript:", "staff/users", "?next=//x", "#", "\n", "\x00", ".", ":", "%5C"]


@hsettings(max_examples=1500, deadline=None, derandomize=True)
@given(target=st.lists(st.sampled_from(REDIRECT_PIECES), max_size=6).map("".join))
def test_item_16_no_next_value_leaves_the_site(target):
    """Item 16: "Open redirects: `next=//evil.example`, `/\\evil.example`, `/%09/evil.example` fall
    back to a local page." Property: whatever ``next`` holds, the destination a browser resolves
    (after it drops tabs and newlines and reads a backslash as a slash) stays on our host."""
    destination = safe_next(target, "/staff/")
    browser_view = destination.replace("\\", "/").replace("\t", "").replace("\n", "").replace("\r", "")
    resolved = urlsplit(urljoin("https://press.example/login", browser_view))
    assert (resolved.scheme, resolved.netloc) == ("https", "press.example"), (target, destination)


# --- item 17: 413 on the upload forms -------------------------------------------------------------------------------
def test_item_17_an_oversized_csv_upload_and_subscribe_form_get_413(config, users):
    """Item 17: "Bodies over `MAX_CONTENT_LENGTH`: 413, not 500." The staff CSV upload (multipart)
    and the public subscribe form of an app with a 4 KB limit."""
    import io

    from comms.app import create_app
    from support.web import AuthActions

    app = create_app(config.with_overrides(max_content_length=4096))
    try:
        client = app.test_client()
        AuthActions(client, users).as_admin()
        page = client.get("/staff/contacts/import").get_data(as_text=True)
        upload = client.post("/staff/contacts/import", content_type="multipart/form-data",
                             data={"csrf_token": csrf_from(page),
                                   "file": (io.BytesIO(b"name,email\n" + b"a,a@example.org\n" * 2000), "big.csv")})
        assert upload.status_code == 413 and "text/html" in upload.content_type
        public = client.post("/subscribe", data={"name": "x" * 10000, "email": "big@example.org"})
        assert public.status_code == 413
    finally:
        app.extensions["pressroom"].close()


# --- item 18: login -------------------------------------------------------------------------------------------------
def test_item_18_passwords_are_argon2_and_the_https_login_cookie_is_locked_down(config, users, runtime):
    """Item 18: "Login: rate-limited; passwords hashed (scrypt/argon2); session cookies Secure (when
    on https), HttpOnly, SameSite=Lax." The stored hash, and the cookie a real https sign-in sets."""
    from sqlalchemy import select

    from comms.app import create_app

    with runtime.db.transaction() as session:
        hashes = list(session.scalars(select(auth.User.password_hash)))
    assert hashes and all(h.startswith("$argon2id$") and PASSWORD not in h for h in hashes)
    app = create_app(config.with_overrides(base_url="https://press.example.org"))
    try:
        client = app.test_client()
        base = "https://press.example.org"
        page = client.get("/login", base_url=base)
        signed_in = client.post("/login", base_url=base, headers={"Referer": base + "/login"}, data={
            "email": "officer@example.org", "password": PASSWORD, "csrf_token": csrf_from(page.get_data(as_text=True))})
        assert signed_in.status_code == 302
        cookie = signed_in.headers["Set-Cookie"]
        assert all(flag in cookie for flag in ("Secure", "HttpOnly", "SameSite=Lax"))
        statuses, client = set(), app.test_client()  # a fresh browser, not signed in
        token = csrf_from(client.get("/login", base_url=base).get_data(as_text=True))
        for _attempt in range(12):
            statuses.add(client.post("/login", base_url=base, headers={"Referer": base + "/login"}, data={
                "email": "viewer@example.org", "password": "wrong", "csrf_token": token}).status_code)
        assert 429 in statuses
    finally:
        app.extensions["pressroom"].close()
