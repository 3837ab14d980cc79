"""docs/design/security.md items 12, 31 and 35 where rendering meets hostile input (issue 13, findings 1, 8 and 13):
a body nested 16,000 or 49,000 levels deep is refused at input and never reaches native code at render;
a native crash in the email compiler fails only that render; a headline cannot break the JSON-LD block;
the text part of an email is plain text, not HTML.

Where the unfixed code would crash the process that renders (a segfault in mjml-python), the render
runs in another process (a live server, a subprocess) or the test first asserts that the text is
refused before any native code sees it, so a regression fails the test instead of killing the run."""

from __future__ import annotations

import ctypes
import json
import re
import subprocess
import sys
import time

import pytest
import requests
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st
from sqlalchemy import select, update

from comms.rendering import emails as notification_emails
from comms.rendering import formats as rendering
from comms.distribution.service import Delivery, Send, run_send
from comms.releases.service import Release, ReleaseRevision, get_release
from comms.rendering.richtext import _markdown, markdown_to_html, plain_text
from storage.audit import AuditEvent

from support.app import PASSWORD, base_environ
from support.browser import BROWSER_MARKS
from support.live_server import LiveServer
from support.sending import make_contacts, make_release, rt, send  # noqa: F401
from support.web import bearer, csrf_from
from playwright.sync_api import expect

DEEP = {16_000: ">" * 16_000 + " x", 49_000: ">" * 49_000 + " x"}
NESTED = "nested more than 32 levels deep"


def store(rt, release_id: int, **fields) -> None:  # noqa: F811
    """Overwrite fields of the release's current revision in the database, as content stored before the
    limits existed (or written some other way) would be: no input check runs."""
    with rt.db.transaction() as session:
        release = get_release(session, release_id)
        revision = session.scalar(select(ReleaseRevision).where(ReleaseRevision.release_id == release_id,
                                                                ReleaseRevision.number == release.revision))
        session.execute(update(ReleaseRevision).where(ReleaseRevision.id == revision.id)
                        .values(content={**revision.content, **fields}))
    # Revisions never change in place, so compiled emails are cached by revision: forget the copy an
    # earlier test (same ids, fresh database) may have left, as a process starting on such data has none.
    rendering.clear_cache()


def assert_refused_before_native_code(text: str) -> None:
    """The rich-text step refuses ``text`` itself (on code without the limits it would go on to MJML)."""
    with pytest.raises(ValueError, match="levels deep"):
        markdown_to_html(text)


# --- item 31: bounded before any parser ---------------------------------------------------------------------------
@pytest.mark.parametrize("depth", sorted(DEEP))
def test_item_31_deep_markdown_is_refused_before_any_native_parser(depth):
    """Item 31: "Work per input is bounded before any parser or native library sees it: Markdown
    nesting depth". The bodies of finding 1, and other shapes of deep nesting, are refused; plain_text
    (summaries in feeds and listings) degrades instead of failing; honest nesting still renders."""
    assert_refused_before_native_code(DEEP[depth])
    assert 0 < len(plain_text(DEEP[depth])) <= 2_000  # a summary for feeds and listings, never an exception
    for shape in ("> " * 40 + "x", "- " * 40 + "x", "1. " * 40 + "x",
                  "".join("  " * level + "- item\n" for level in range(40)),
                  "*" * 80 + "x" + "*" * 80, "*a " * 3000 + "b" + "*" * 3000):
        with pytest.raises(ValueError):
            markdown_to_html(shape)
    fine = markdown_to_html("> " * 12 + "- **[quoted](https://example.org)**")
    assert fine.count("<blockquote>") == 12 and '<a href="https://example.org"' in fine
    assert markdown_to_html("See [`config`](https://example.org) and [`") == (
        '<p>See <a href="https://example.org" rel="noopener noreferrer"><code>config</code></a> and [`</p>\n')


PREFIX_PIECES = [" ", "  ", "   ", "    ", "\t", ">", "> ", "- ", "* ", "+ ", "1. ", "2) ", "-", "*", "10. ", "x",
                 "text", "", "```", "---", "\r"]


def _containers(html: str) -> int:
    """How deep block quotes and list items nest in the parser's HTML."""
    depth = deepest = 0
    for end, _name in re.findall(r"<(/?)(blockquote|li)\b", html):
        depth += -1 if end else 1
        deepest = max(deepest, depth)
    return deepest


@hsettings(max_examples=1500, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(text=st.lists(st.lists(st.sampled_from(PREFIX_PIECES), max_size=14).map("".join), min_size=1,
                     max_size=12).map("\n".join))
def test_item_31_the_scan_before_parsing_bounds_the_parsers_nesting(text):
    """Item 31: "Work per input is bounded before any parser or native library sees it: Markdown
    nesting depth". Property: the nesting that the scan of line prefixes allows is never less than what
    markdown-it builds, and the refusal before parsing agrees with that bound."""
    from comms.rendering.limits import MAX_NESTING, check_markdown_source, nesting_bound

    bound = nesting_bound(text)
    assert _containers(_markdown().render(text)) <= bound
    for sample in (text, text.replace("\n", "\n" + "> " * 30)):
        try:
            check_markdown_source(sample)
        except ValueError:
            assert nesting_bound(sample) > MAX_NESTING
        else:
            assert nesting_bound(sample) <= MAX_NESTING


@pytest.mark.parametrize("depth", sorted(DEEP))
def test_item_31_the_api_refuses_deep_bodies_with_a_422_and_writes_nothing(client, token_for, depth):
    """Item 31: "Refuse at input (422)". Finding 1's POST, and the same through PATCH and in the
    notes to editors, answer 422 in the API's error shape naming the field; nothing is written."""
    officer = bearer(token_for("officer"))
    refused = client.post("/api/v1/releases", json={"headline": "Deep", "body_markdown": DEEP[depth]},
                          headers=officer)
    assert refused.status_code == 422, refused.get_data(as_text=True)
    error = refused.get_json()["error"]
    assert error["code"] == "invalid" and NESTED in error["fields"]["body_markdown"]
    assert client.get("/api/v1/releases", headers=officer).get_json()["total"] == 0
    made = client.post("/api/v1/releases", json={"headline": "Fine", "body_markdown": "Fine."}, headers=officer)
    release_id = made.get_json()["id"]
    # The notes take 10,000 characters at most: as deep as fits.
    for field, text in (("body_markdown", DEEP[depth]), ("notes_to_editors", ">" * 9_000 + " x")):
        patched = client.patch(f"/api/v1/releases/{release_id}", json={field: text}, headers=officer)
        assert patched.status_code == 422 and NESTED in patched.get_json()["error"]["fields"][field]
    now = client.get(f"/api/v1/releases/{release_id}", headers=officer).get_json()
    assert now["revision"] == 1 and now["body_markdown"] == "Fine." and now["notes_to_editors"] == ""


def test_item_31_the_staff_editor_puts_the_refusal_on_the_body_field(client, auth_actions, runtime):
    """Item 31: "Refuse at input (422)" in the staff editor too: the form comes back with the error on
    the body field, the preview says why instead of rendering, and no release is saved."""
    auth_actions.as_officer()
    form = client.get("/staff/releases/new").get_data(as_text=True)
    answer = client.post("/staff/releases/new", data={
        "csrf_token": csrf_from(form), "headline": "Deep", "language": "en", "approval_policy": "any",
        "body_markdown": DEEP[16_000]})
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422, page
    assert re.search(r'aria-invalid="true">&gt;&gt;&gt;', page)  # the body field is marked and keeps its text
    assert re.search(r'<span class="field-error" id="body_markdown-error">nested more than 32 levels deep', page)
    assert "This text cannot be shown: nested more than 32 levels deep" in page  # the preview pane
    with runtime.db.transaction() as session:
        assert session.scalar(select(Release.id)) is None


def _staff_session(url: str, email_address: str) -> requests.Session:
    session = requests.Session()
    token = csrf_from(session.get(f"{url}/login", timeout=30).text)
    signed_in = session.post(f"{url}/login", data={"email": email_address, "password": PASSWORD,
                                                   "csrf_token": token}, allow_redirects=False, timeout=30)
    assert signed_in.status_code == 302, signed_in.text
    return session


def test_item_31_stored_deep_bodies_get_clear_errors_and_the_server_lives(rt, users, token_for, db_url,  # noqa: F811
                                                                          instance_path):
    """Item 31: "a render that still fails is an error page, never a dead process". Finding 1's bodies,
    written straight into the database (no input check), against a real server process: the render
    API, the staff release page, its email preview, the public page and a send each answer a clear
    error, and the server still answers after each one."""
    releases = {}
    for depth, body in DEEP.items():
        releases[depth] = make_release(rt, users, headline=f"Stored {depth} deep")
        store(rt, releases[depth], body_markdown=body)
    [list_id], _contacts = make_contacts(rt, 2)
    officer = bearer(token_for("officer"))
    with LiveServer(base_environ(db_url, instance_path)) as server:
        staff = _staff_session(server.url, users["officer"].email)

        def alive():
            assert requests.get(f"{server.url}/healthz", timeout=30).status_code == 200

        for depth, release_id in releases.items():
            for output in ("email", "html", "text"):
                answer = requests.get(f"{server.url}/api/v1/releases/{release_id}/render?format={output}",
                                      headers=officer, timeout=60)
                assert answer.status_code == 422, (depth, output, answer.text[:300])
                assert NESTED in answer.json()["error"]["fields"]["body_markdown"]
                alive()
            page = staff.get(f"{server.url}/staff/releases/{release_id}", timeout=60)
            assert page.status_code == 200 and "This text cannot be shown: nested more than 32" in page.text
            assert "The previews could not be rendered: body_markdown: nested more than 32" in page.text
            alive()
            preview = staff.get(f"{server.url}/staff/releases/{release_id}/preview/email", timeout=60)
            assert preview.status_code == 422 and "body_markdown: nested more than 32" in preview.text
            alive()
            with rt.db.transaction() as session:
                slug = get_release(session, release_id).slug
            public = requests.get(f"{server.url}/news/{slug}?lang=en", timeout=60)
            assert public.status_code == 500 and "cannot be shown at the moment" in public.text
            alive()
            sent = requests.post(f"{server.url}/api/v1/releases/{release_id}/send", json={"list_ids": [list_id]},
                                 headers=officer, timeout=60)
            assert sent.status_code == 422 and NESTED in sent.json()["error"]["fields"]["body_markdown"]
            alive()
    with rt.db.transaction() as session:
        assert session.scalar(select(Send.id)) is None


def test_item_31_a_send_whose_approved_text_went_bad_fails_with_a_reason(rt, smtp, users):  # noqa: F811
    """Item 31: "a render that still fails is an error page, never a dead process": a send planned
    while the text was fine, whose approved revision then holds finding 1's body, fails as a send
    ("failed", with the reason in the audit trail), mails nobody, and leaves its rows to send later."""
    release_id = make_release(rt, users)
    [list_id], _contacts = make_contacts(rt, 3)
    send_id = send(rt, release_id, [list_id])
    store(rt, release_id, body_markdown=DEEP[16_000])
    assert_refused_before_native_code(DEEP[16_000])
    with pytest.raises(rendering.RenderError, match="nested more than 32"):
        run_send(rt, send_id)
    assert smtp.received == []
    with rt.db.transaction() as session:
        assert session.get(Send, send_id).status == "failed"
        assert set(session.scalars(select(Delivery.status).where(Delivery.send_id == send_id))) == {"pending"}
        event = session.scalar(select(AuditEvent).where(AuditEvent.action == "release.send_failed"))
        assert event is not None and NESTED in event.details["reason"]


CRASH_SCRIPT = """
from comms.rendering.formats import RenderError, compile_mjml
frame = "<mjml><mj-body><mj-section><mj-column><mj-text>{}</mj-text></mj-column></mj-section></mj-body></mjml>"
try:
    compile_mjml(frame.format("<blockquote>" * 16000 + "x" + "</blockquote>" * 16000))
except RenderError as exc:
    print("refused:", exc)
print("still here:", ">fine</p>" in compile_mjml(frame.format("<p>fine</p>")))
"""


def test_item_31_a_native_crash_in_the_email_compiler_fails_only_that_render():
    """Item 31: "a render that still fails is an error page, never a dead process". MJML nested 16,000
    deep crashes mjml-python (SIGSEGV); compiled through comms.rendering.worker it is a RenderError and
    the same process compiles the next email. (Run in a subprocess: without the isolation it dies.)"""
    done = subprocess.run([sys.executable, "-c", CRASH_SCRIPT], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, (done.returncode, done.stdout, done.stderr[-2000:])
    assert "refused: the email could not be compiled: its process stopped (killed by SIGSEGV)" in done.stdout
    assert "still here: True" in done.stdout


def test_item_31_isolated_renders_are_capped_in_time_and_memory():
    """Item 31: work per input is bounded: a child that runs too long is stopped, one that needs more
    than its memory cap fails, one that crashes natively is replaced; each failure is only an
    IsolatedError, and the pool then serves the next call."""
    from comms.rendering.document import compile_mjml_here
    from comms.rendering.worker import ChildPool, IsolatedError

    pool = ChildPool(size=1, seconds=2, memory_bytes=768 << 20)
    try:
        started = time.monotonic()
        with pytest.raises(IsolatedError, match="longer than 2 seconds"):
            pool.run(time.sleep, 30)
        assert time.monotonic() - started < 20
        with pytest.raises(IsolatedError, match="memory limit"):
            pool.run(bytearray, 2 << 30)
        with pytest.raises(IsolatedError, match="SIGSEGV"):
            pool.run(ctypes.string_at, 0)
        with pytest.raises(IsolatedError, match="could not be compiled"):
            pool.run(compile_mjml_here, "<mjml><mj-bo")
        assert pool.run(len, "four") == 4
        assert pool.started == 3  # a fresh child after the timeout and the crash; the others were reused
    finally:
        pool.close()


# --- item 35: JSON embedded in HTML -------------------------------------------------------------------------------
HOSTILE_HEADLINE = "Mines <!--<script> cleared </script> & more"


def _json_ld(page: str) -> str:
    return re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)


def test_item_35_a_headline_cannot_open_or_close_the_json_ld_script(client, token_for, users):
    """Item 35: "JSON embedded in HTML escapes `<`, `>` and `&`". Finding 8's headline: the
    structured data holds it as \\u escapes and still parses to the headline as typed."""
    release_id = _published(client, token_for, users)
    slug = client.get(f"/api/v1/releases/{release_id}", headers=bearer(token_for("officer"))).get_json()["slug"]
    page = client.get(f"/news/{slug}?lang=en").get_data(as_text=True)
    data = _json_ld(page)
    assert not set("<>&") & set(data) and "\\u003c!--\\u003cscript\\u003e" in data
    assert json.loads(data)["headline"] == HOSTILE_HEADLINE


def _published(client, token_for, users) -> int:
    officer, approver = bearer(token_for("officer")), bearer(token_for("approver"))
    release = client.post("/api/v1/releases", json={"headline": HOSTILE_HEADLINE, "dateline": "GENEVA",
                                                    "body_markdown": "Clearance is **complete** in the north."},
                          headers=officer).get_json()
    client.post(f"/api/v1/releases/{release['id']}/submit", json={"approver_ids": [users["approver"].id]},
                headers=officer)
    client.post(f"/api/v1/releases/{release['id']}/approve", json={"revision": 1}, headers=approver)
    published = client.post(f"/api/v1/releases/{release['id']}/publish", json={}, headers=officer).get_json()
    assert published["status"] == "published", published
    return release["id"]


@BROWSER_MARKS[0]
@BROWSER_MARKS[1]
def test_item_35_chromium_renders_the_page_of_a_hostile_headline(browser, client, token_for, users, db_url,
                                                                  instance_path):
    """Item 35: "JSON embedded in HTML escapes `<`, `>` and `&`". In Chromium, against a real server,
    the page of finding 8's headline shows its article: the script element ends where it should."""
    release_id = _published(client, token_for, users)
    slug = client.get(f"/api/v1/releases/{release_id}", headers=bearer(token_for("officer"))).get_json()["slug"]
    with LiveServer(base_environ(db_url, instance_path)) as server:
        context = browser.new_context()
        try:
            page = context.new_page()
            page.goto(f"{server.url}/news/{slug}?lang=en")
            article = page.locator("article.release")
            expect(article).to_be_visible()
            assert "Clearance is complete in the north." in article.inner_text()
            assert HOSTILE_HEADLINE in page.locator("h1").first.inner_text()
            assert page.evaluate("document.querySelectorAll('script[type=\"application/ld+json\"]').length") == 1
        finally:
            context.close()


# --- item 12: the text part is plain text ------------------------------------------------------------------------
def _parts(message) -> dict[str, str]:
    return {p.get_content_type(): p.get_payload(decode=True).decode(p.get_content_charset() or "utf-8")
            for p in message.walk() if not p.is_multipart()}


def test_item_12_the_text_part_reads_as_typed_and_single_lines_stay_single(rt, smtp, users):  # noqa: F811
    """Item 12: "Plain-text (`.txt`) parts are not HTML: no entity escaping there (a body's "< 5 km²"
    must read the same), but control characters and line breaks in single-line values are refused or
    removed." Sent for real: the text part reads as typed, a stored line break and control characters
    in the headline and the recipient's name are gone, and the HTML part still escapes markup."""
    from contacts import service
    from support.sending import STAFF

    release_id = make_release(rt, users)
    store(rt, release_id, headline="Fields of < 5 km² cleared\nBcc: x\x1b[31m", dateline="GENEVA",
          body_markdown="Less than < 5 km² remain, said Demining <Ltd> & Partners.",
          media_contacts="<b>x</b> press@example.org")
    [list_id], [contact_id] = make_contacts(rt, 1)
    with rt.db.transaction() as session:
        contact = service.get_contact(session, contact_id)
        service.update_contact(session, contact, {"name": "<b>x</b> Reporter"}, STAFF)
    run_send(rt, send(rt, release_id, [list_id]))
    [received] = smtp.received
    parts = _parts(received.message)
    text, html = parts["text/plain"].replace("\r\n", "\n"), parts["text/html"]
    assert "Less than < 5 km² remain, said Demining <Ltd> & Partners." in text
    assert "&lt;" not in text and "&gt;" not in text and "&amp;" not in text
    assert "Fields of < 5 km² cleared Bcc: x[31m\n" in text and "\x1b" not in text
    assert "This release was sent to <b>x</b> Reporter." in text
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt; Reporter" in html
    assert "&lt; 5 km²" in html and "Demining &lt;Ltd&gt; &amp; Partners" in html


def test_item_12_notification_texts_are_plain_text_too():
    """Item 12: ".txt parts are not HTML: no entity escaping there ... line breaks in single-line
    values are refused or removed", for the notification emails as for releases; their HTML part
    (MJML) keeps a name like `<b>x</b>` as text."""
    from comms.rendering import emails

    text, html = emails.render("approval_request", to_name="<b>x</b> & Co\r\nBcc: evil@example.org",
                               office="Demining <Ltd>", title="< 5 km² left\u2028to clear", what="a press release",
                               url="https://press.example/approve/t", requested_by="Officer O'Brien", version=2,
                               expires="1 December 2026", preview="Less than < 5 km² & falling\x07")
    assert text.startswith("Hello <b>x</b> & Co Bcc: evil@example.org,\n")
    assert "  < 5 km² left to clear (version 2)\n" in text and "Less than < 5 km² & falling\n" in text
    assert "&lt;" not in text and "&amp;" not in text and "\x07" not in text and "\u2028" not in text
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt; &amp; Co" in html


PUBLIC_EMAIL_VALUES = {
    "subscription_confirm": dict(confirm_url="https://press.example/subscribe/confirm/t"),
    "subscription_welcome": dict(preferences_url="https://press.example/p/t", unsubscribe_url="https://press.example/u/t"),
    "participant_confirm": dict(confirm_url="https://press.example/c/t", meeting_title="Meeting < 5 & more",
                                delegation="Demining <Ltd> & Partners\r\nBcc: evil@example.org"),
    "participant_approved": dict(meeting_title="Meeting < 5 & more", meeting_dates="14 – 18", venue="Hall <A> & B",
                                 delegation="Demining <Ltd> & Partners\r\nBcc: evil@example.org", role="Expert"),
    "participant_declined": dict(meeting_title="Meeting < 5 & more", meeting_dates="14 – 18", venue="",
                                 delegation="Demining <Ltd> & Partners\r\nBcc: evil@example.org", role="Expert"),
}


@pytest.mark.parametrize("language", ["fr", "es"])
@pytest.mark.parametrize("name", sorted(PUBLIC_EMAIL_VALUES))
def test_item_12_translated_public_emails_read_as_typed_too(name, language):
    """Item 12 in the French and Spanish emails to the public: the text part keeps "<" and "&" as typed
    and single-line values on one line; the HTML part keeps markup as text."""
    text, html = notification_emails.render(name, language, to_name="<b>x</b> & Co\x07", office="Demining <Ltd> & Partners",
                               **PUBLIC_EMAIL_VALUES[name])
    assert "<b>x</b> & Co" in text and "Demining <Ltd> & Partners" in text
    assert "&lt;" not in text and "&gt;" not in text and "&amp;" not in text and "\x07" not in text
    if "meeting_title" in PUBLIC_EMAIL_VALUES[name]:
        assert "Meeting < 5 & more" in text
        assert "Demining <Ltd> & Partners Bcc: evil@example.org" in text  # no forged line
        assert "\nBcc:" not in text
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt; &amp; Co" in html
    assert "Demining &lt;Ltd&gt; &amp; Partners" in html
