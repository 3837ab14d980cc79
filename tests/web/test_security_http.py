"""docs/design/security.md items added after the second probe (issue 13) that concern HTTP semantics: HEAD is GET
(item 30, with items 15 and 22), on every route of the app, anonymous and as each staff role."""

from __future__ import annotations

import ast
import io
import logging
from urllib.parse import quote, unquote

import pytest
import requests
from flask import Response
from sqlalchemy import inspect, select, text

from comms.accounts import links
from comms.accounts import users as auth
from comms.releases import workflow
from comms.distribution.service import create_send
from comms.following.admin import create_source
from comms.meetings.documents import Document, add_file
from comms.meetings import registration
from comms.meetings.participants import Participant
from comms.meetings.service import SideEvent
from comms.releases.files import attach, files_of
from comms.platform.seeding import seed_demo
from contacts import lists, subscriptions
from contacts.models import Contact, ContactList
from storage.audit import Actor

from support.app import base_environ
from support.live_server import LiveServer
from support.paths import ROOT
from support.web import AuthActions, csrf_from

SECRET = "test-secret-key"
STAFF = Actor(label="officer@example.org")
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
       b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
ROLES = (None, "admin", "officer", "approver", "viewer")
# Bookkeeping a GET writes too (HEAD is GET): an API token's last use, at most once a minute.
IGNORED_COLUMNS = {("api_tokens", "last_used_at")}
# Reads of personal data are audited when asked for, GET or HEAD alike (docs/design/security.md item 29).
READ_AUDITS = ("contacts.export", "contact.gdpr_export", "focal_points.export")


def _release(session, users, headline: str, *, publish: bool, files: dict | None = None,
             documents_path=None):
    """A release, submitted, and approved and published when ``publish``. ``files`` ({kind: (name,
    bytes)}) are attached first: attachments are content, approved with the revision (item 32)."""
    officer = session.get(auth.User, users["officer"].id)
    approver = session.get(auth.User, users["approver"].id)
    release = workflow.create_release(session, {"headline": headline, "dateline": "GENEVA",
                                                "body_markdown": "Body **text**."}, officer)
    for kind, (filename, data) in (files or {}).items():
        attach(session, release, documents_path, kind=kind, filename=filename, data=data, max_bytes=10**6,
               editor=officer)
    [(request, token)] = workflow.submit(session, SECRET, release, [approver], officer)
    if publish:
        workflow.decide(session, release, request, "approved", via="staff", actor=approver)
        workflow.publish(session, release, officer)
    return release, token


@pytest.fixture
def world(app, runtime, config, users):
    """Every kind of object a URL can name, so each route of the url_map is walked with a real id."""
    seed_demo(runtime.db, documents_path=config.documents_path)
    with runtime.db.transaction() as session:
        published, _ = _release(session, users, "Geneva meeting opens", publish=True,
                                files={"photo": ("photo.png", PNG), "pdf": ("release.pdf", PDF)},
                                documents_path=config.documents_path)
        photo = files_of(session, published)["photo"]
        pending, approve_token = _release(session, users, "Pending release", publish=False)
        target = session.scalars(select(ContactList).order_by(ContactList.id)).first()
        segment = lists.create_segment(session, "Swiss press", {"country": "CH"}, STAFF)
        send = create_send(session, published, list_ids=[target.id], actor=STAFF, mail_from="press@example.org")
        _request, confirm_token = subscriptions.request_subscription(
            session, {"name": "New Reader", "email": "reader@example.net", "languages": ["en"]}, "192.0.2.1")
        contact = session.scalars(select(Contact).where(Contact.status == "active").order_by(Contact.id)).first()
        document = next(d for d in session.scalars(select(Document).order_by(Document.id)) if d.files and d.public)
        meeting = document.meeting
        source = create_source(session, {"name": "Example", "url": "https://example.org/news"}, STAFF)
        event = session.scalars(select(SideEvent).order_by(SideEvent.id)).first()
        token_row, _secret = auth.create_token(session, session.get(auth.User, users["viewer"].id), "walk")
        link, link_secret = links.issue_link(session, session.get(auth.User, users["viewer"].id), "reset")
        participant = session.scalars(select(Participant).order_by(Participant.id)).first()
        _registered, registration_token = registration.request_registration(
            session, meeting, {"delegation_id": participant.delegation_id, "name": "New Delegate",
                               "email": "delegate@mission.example"}, "192.0.2.1")
        values = {
            "contact_id": contact.id, "list_id": target.id, "segment_id": segment.id, "meeting_id": meeting.id,
            "document_id": document.id, "language": document.files[0].language,
            "filename": document.files[0].filename, "release_id": published.id, "send_id": send.id,
            "source_id": source.id, "rule_id": 1, "event_id": event.id, "user_id": users["viewer"].id,
            "token_id": token_row.id, "link_id": link.id, "slug": published.slug, "kind": "photo", "fmt": "rss", "page": 1,
            "signed": subscriptions.preferences_link_token(SECRET, contact),
            "path": "APLC/MSP.22/2026/1",  # a register symbol (none registered here: 404)
            "participant_id": participant.id, "delegation_id": participant.delegation_id,
            # the programme's session and bilateral ids (none exist here: 404 or an empty file)
            "key": "1", "session_id": 1, "bilateral_id": 1,
            "dispatch_id": 1,  # a dispatch (none here: 404)
        }
        by_endpoint = {
            "approvals.review": {"token": approve_token}, "approvals.decide": {"token": approve_token},
            "approvals.attachment": {"token": approve_token},
            "subscribe.confirm": {"token": confirm_token}, "subscribe.unsubscribe": {"token": contact.token},
            "release_files.download": {"filename": photo.filename},
            "passwords.set_password": {"token": link_secret},
            "participant_register.confirm": {"token": registration_token},
        }
        pending_id = pending.id
    officer = app.test_client()
    AuthActions(officer, users).as_officer()
    upload = officer.post("/staff/contacts/import", content_type="multipart/form-data", data={
        "csrf_token": csrf_from(officer.get("/staff/contacts/import").get_data(as_text=True)),
        "file": (io.BytesIO(b"name,email\nImported Person,imported@example.com\n"), "people.csv")})
    assert upload.status_code == 303, upload.get_data(as_text=True)
    values["upload_id"] = upload.headers["Location"].rstrip("/").rsplit("/", 1)[1]
    return {"values": values, "by_endpoint": by_endpoint, "pending_id": pending_id}


def every_url(app, world) -> list[tuple[str, str]]:
    """(endpoint, path) for each rule of the url_map, built with the world's ids."""
    found = []
    for rule in app.url_map.iter_rules():
        values = {**world["values"], **world["by_endpoint"].get(rule.endpoint, {})}
        built = rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)
        assert built is not None, rule.rule
        found.append((rule.endpoint, built[1]))
    return found


def snapshot(engine) -> dict[str, list]:
    """Every row of every table, in a stable order: the whole database state."""
    state = {}
    with engine.connect() as conn:
        schema = inspect(conn)
        for table in sorted(schema.get_table_names()):
            columns = [c["name"] for c in schema.get_columns(table)
                       if (table, c["name"]) not in IGNORED_COLUMNS]
            names = ", ".join(f'"{c}"' for c in columns)
            where = f"WHERE action NOT IN {READ_AUDITS!r}" if table == "audit_events" else ""
            rows = conn.execute(text(f'SELECT {names} FROM "{table}" {where}'))
            state[table] = sorted((tuple(map(repr, row)) for row in rows))
    return state


def changed_tables(before: dict, after: dict) -> dict[str, list]:
    """Tables whose rows differ, with the rows that appeared or went away."""
    return {t: sorted(set(before.get(t, [])) ^ set(after.get(t, []))) for t in set(before) | set(after)
            if before.get(t) != after.get(t)}


@pytest.mark.parametrize("role", ROLES, ids=[r or "anonymous" for r in ROLES])
def test_item_30_head_on_every_route_changes_nothing(app, runtime, users, token_for, world, role):
    """Item 30: HEAD is GET. Every route of the url_map, with real ids, sent HEAD (with a session cookie and
    a Bearer token for staff roles; no CSRF token, as a link scanner or a forged request would): the database
    is unchanged, no answer is a 5xx, no answer has a body, and routes that take GET answer HEAD as GET does."""
    client, headers = app.test_client(), {}
    if role is not None:
        AuthActions(client, users).as_role(role)
        headers = {"Authorization": f"Bearer {token_for(role)}"}
    urls = every_url(app, world)
    before = snapshot(runtime.db.engine)
    statuses = {}
    for endpoint, path in urls:
        response = client.head(path, headers=headers)
        statuses[endpoint, path] = response.status_code
        assert response.status_code < 500, (endpoint, path, response.status_code)
        assert response.data == b"", (endpoint, path)
    assert changed_tables(before, snapshot(runtime.db.engine)) == {}
    assert len(statuses) >= 100
    for (endpoint, path), status in statuses.items():
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        if "GET" in rule.methods:
            assert client.get(path, headers=headers).status_code == status, (endpoint, path)


def test_item_22_head_on_an_unsubscribe_link_unsubscribes_nobody(client, runtime, world):
    """Item 22: link scanners send HEAD; `curl -I /unsubscribe/<token>` must not unsubscribe."""
    token = world["by_endpoint"]["subscribe.unsubscribe"]["token"]
    assert client.head(f"/unsubscribe/{token}").status_code == 200
    with runtime.db.transaction() as session:
        assert session.scalar(select(Contact.status).where(Contact.token == token)) == "active"
    assert client.post(f"/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"}).status_code == 200
    with runtime.db.transaction() as session:
        assert session.scalar(select(Contact.status).where(Contact.token == token)) == "unsubscribed"


def test_item_30_head_on_a_confirmation_link_confirms_nothing(client, runtime, world):
    """Item 30 (and 25): `curl -I /subscribe/confirm/<token>` neither confirms nor records consent."""
    token = world["by_endpoint"]["subscribe.confirm"]["token"]
    assert client.head(f"/subscribe/confirm/{token}").status_code == 200
    with runtime.db.transaction() as session:
        found = subscriptions.find_request(session, token)
        assert found.confirmed_at is None
        assert session.get(Contact, found.contact_id).status == "unconfirmed"


def test_item_15_head_without_a_csrf_token_deletes_no_list_and_erases_no_contact(app, runtime, users, world):
    """Item 15: HEAD on /staff/lists/<id>/delete and /staff/contacts/<id>/erase, as an officer and with no
    CSRF token, shows the confirmation page's headers and changes nothing."""
    client = app.test_client()
    AuthActions(client, users).as_officer()
    list_id, contact_id = world["values"]["list_id"], world["values"]["contact_id"]
    assert client.head(f"/staff/lists/{list_id}/delete").status_code == 200
    assert client.head(f"/staff/contacts/{contact_id}/erase", query_string={"confirm": "yes"}).status_code == 200
    with runtime.db.transaction() as session:
        assert session.get(ContactList, list_id) is not None
        assert session.get(Contact, contact_id).status == "active"
    # A POST without the token is refused; with it, the list goes (the route works, only HEAD is inert).
    assert client.post(f"/staff/lists/{list_id}/delete").status_code == 400
    page = client.get(f"/staff/lists/{list_id}/delete").get_data(as_text=True)
    assert client.post(f"/staff/lists/{list_id}/delete", data={"csrf_token": csrf_from(page)}).status_code == 303
    with runtime.db.transaction() as session:
        assert session.get(ContactList, list_id) is None


def test_item_30_head_on_the_login_form_is_no_sign_in_attempt(client, runtime):
    """Item 30: HEAD /login is the form's GET, not a failed sign-in (no audit line, no throttle count)."""
    for _ in range(30):
        assert client.head("/login").status_code == 200
    with runtime.db.transaction() as session:
        assert session.scalar(text("SELECT count(*) FROM audit_events WHERE action = 'login.failed'")) == 0
    assert client.get("/login").status_code == 200


def test_item_30_views_dispatch_on_post_never_on_not_get():
    """Item 30: the source rule itself, so a new view cannot bring the bug back: no view under comms/web
    compares ``request.method`` with "GET" (Flask adds HEAD to every GET route)."""
    offenders = []
    for path in (ROOT / "comms" / "web").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Compare) and "request.method" in ast.unparse(node.left) and any(
                    isinstance(c, ast.Constant) and c.value == "GET" for c in node.comparators):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


NAMES = {"zh": "文件报告.pdf", "ar": "تقرير الاجتماع.pdf", "ru": "Отчёт о совещании.pdf"}


def disposition_name(header: str) -> str:
    """The file name a browser takes from a Content-Disposition header (RFC 6266: filename* wins)."""
    for part in header.split(";"):
        name, _, value = part.strip().partition("=")
        if name == "filename*":
            charset, _, encoded = value.partition("''")
            assert charset.upper() == "UTF-8"
            return unquote(encoded, encoding="utf-8", errors="strict")
    raise AssertionError(f"no filename* in {header!r}")


def upload_documents(client, meeting_id: int) -> None:
    """Upload, through the staff page, one public document per language with a non-Latin file name."""
    for language, name in NAMES.items():
        page = client.get(f"/staff/meetings/{meeting_id}").get_data(as_text=True)
        answer = client.post(f"/staff/meetings/{meeting_id}/documents", content_type="multipart/form-data", data={
            "csrf_token": csrf_from(page), "title": f"Report {language}", "kind": "report", "public": "yes",
            "language": language, "file": (io.BytesIO(PDF), name)})
        assert answer.status_code == 303, answer.get_data(as_text=True)[:500]


def test_item_35_non_latin_file_names_download_with_rfc_6266_names(app, runtime, config, users, client, auth_actions):
    """Item 35 (issue 13, finding 7): Chinese, Arabic and Russian file names, on the staff download, the public
    document URL and a release's PDF and photo: an ASCII-only header with filename*=UTF-8''... that decodes
    to the name as uploaded (it raised UnicodeEncodeError in the server: a 500)."""
    seed_demo(runtime.db, documents_path=config.documents_path)
    auth_actions.as_officer()
    with runtime.db.transaction() as session:
        meeting_id = session.scalars(select(Document.meeting_id)).first()
    upload_documents(client, meeting_id)
    with runtime.db.transaction() as session:
        files = {d.title[-2:]: (d.id, d.files[0]) for d in session.scalars(select(Document)) if d.title[:7] == "Report "}
        published, _ = _release(session, users, "Geneva meeting opens", publish=True,
                                files={"pdf": ("بيان صحفي.pdf", PDF), "photo": ("фото делегатов.png", PNG)},
                                documents_path=config.documents_path)
        slug = published.slug
    for language, name in NAMES.items():
        document_id, record = files[language]
        assert record.filename == name
        for url in (f"/staff/meetings/{meeting_id}/documents/{document_id}/{language}",
                    f"/meetings/{meeting_id}/documents/{document_id}/{language}/{quote(record.filename)}"):
            response = client.get(url)
            assert response.status_code == 200 and response.data == PDF, url
            header = response.headers["Content-Disposition"]
            header.encode("latin-1")  # what a WSGI server must be able to do (PEP 3333)
            assert header.startswith("attachment;") and disposition_name(header) == name
    for kind, name, disposition in (("pdf", "بيان صحفي.pdf", "attachment;"), ("photo", "фото делегатов.png", "inline;")):
        response = client.get(f"/news/{slug}/files/{kind}/{quote(name)}?lang=en")
        assert response.status_code == 200, (kind, response.status_code)
        header = response.headers["Content-Disposition"]
        assert header.isascii() and header.startswith(disposition) and disposition_name(header) == name


def test_item_35_a_non_latin_name_downloads_through_a_real_http_server(db_url, instance_path, runtime, config):
    """Item 35: the same download through waitress (`pressroom serve`), which encodes headers as Latin-1
    and answered 500 to 文件报告.pdf; the access log now records what was sent."""
    seed_demo(runtime.db, documents_path=config.documents_path)
    with runtime.db.transaction() as session:
        document = session.scalars(select(Document).where(Document.public.is_(True))).first()
        record = add_file(session, document, config.documents_path, language="zh", filename=NAMES["zh"],
                          data=PDF, actor=STAFF)
        url = f"/meetings/{document.meeting_id}/documents/{document.id}/zh/{quote(record.filename)}"
    with LiveServer(base_environ(db_url, instance_path)) as server:
        response = requests.get(server.url + url, timeout=30)
    assert response.status_code == 200 and response.content == PDF
    assert disposition_name(response.headers["Content-Disposition"]) == NAMES["zh"]
    logged = [line for line in server.output.splitlines() if f"path={url.split('/zh/')[0]}/zh/" in line]
    assert logged and all("status=200" in line for line in logged), server.output[-2000:]


def test_item_35_a_header_http_cannot_carry_is_a_logged_500(app, client, caplog):
    """Item 35: the access log said 200 for the failed download because it is written before the WSGI
    server encodes the headers. A header that cannot be encoded is now turned into a 500 page before the
    log line, which says 500, and the error log names the header (not its value)."""
    @app.route("/test-only/bad-header")
    def bad_header():
        return "x", 200, {"X-Name": "文件"}

    with caplog.at_level(logging.INFO):
        response = client.get("/test-only/bad-header")
    assert response.status_code == 500 and "X-Name" not in response.headers
    access = [r.getMessage() for r in caplog.records if r.name == "pressroom.access"]
    assert len(access) == 1 and "status=500" in access[0]
    errors = [r.getMessage() for r in caplog.records if r.name == "pressroom.errors"]
    assert any("'X-Name'" in line and "文件" not in line for line in errors)


def test_item_35_a_body_that_breaks_off_while_streaming_is_logged(app, client, caplog):
    """Item 35: once a streamed body (an export) has started, its status is on the wire; if the body then
    fails, the error log says so with the request id, so the access line's 200 is not the last word."""
    @app.route("/test-only/broken-stream")
    def broken_stream():
        def rows():
            yield "first,row\n"
            raise RuntimeError("the database went away")
        return Response(rows(), content_type="text/csv")

    with caplog.at_level(logging.INFO):
        response = client.get("/test-only/broken-stream", headers={"X-Request-ID": "stream-1"})
        with pytest.raises(RuntimeError):
            response.get_data()
    errors = [r.getMessage() for r in caplog.records if r.name == "pressroom.errors"]
    assert any("request_id=stream-1" in line and "after status 200" in line for line in errors)


def test_item_29_no_link_that_acts_as_a_credential_reaches_the_access_log(app, world, caplog):
    """Item 29: approval, registration and subscription confirmation, preference, unsubscribe and
    set-your-password links act as credentials until used (an approval link approves in the President's
    name for days). Every route whose address carries one, opened with a real link from the world, is
    logged as its route's pattern, never with the secret."""
    secret_rules = [rule for rule in app.url_map.iter_rules() if {"token", "signed"} & set(rule.arguments)]
    assert {rule.endpoint for rule in secret_rules} >= {"approvals.review", "approvals.decide",
                                                        "participant_register.confirm", "subscribe.confirm",
                                                        "subscribe.unsubscribe", "passwords.set_password"}
    client = app.test_client()
    for rule in secret_rules:
        values = {**world["values"], **world["by_endpoint"].get(rule.endpoint, {})}
        secret = values.get("token") or values["signed"]
        path = rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)[1]
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="pressroom.access"):
            client.open(path, method="GET" if "GET" in rule.methods else "POST")
        lines = [r.getMessage() for r in caplog.records if r.name == "pressroom.access"]
        assert lines and all(str(secret) not in line for line in lines), rule.rule
        assert any(f"path={rule.rule} " in line for line in lines), (rule.rule, lines)
