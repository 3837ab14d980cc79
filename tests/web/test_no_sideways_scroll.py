"""No page of the demo scrolls sideways on a 375 px phone (issue 15): every public and staff page, as
every role, in one Chromium session against `pressroom serve --demo`.

Two ways in, so that no page is missed: a walk of the links each role sees (anonymous, viewer,
approver, officer, admin), then every GET route of the app that the walk did not reach, built with
the demo's own ids (and the secret-link pages with links the demo's emails carry). The test fails
if a page route was reached by neither, and names, for each page too wide, its URL, the role, and
the elements that stick out."""

from __future__ import annotations

import email
import re
import subprocess
import time
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from sqlalchemy import text
from werkzeug.exceptions import HTTPException

from comms.app import create_app
from comms.config import load_config
from feeds.follow.sources import seed_default_sources
from support.app import base_environ
from support.browser import BROWSER_MARKS
from support.live_server import PRESSROOM, LiveServer

pytestmark = BROWSER_MARKS

PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}
DEMO_PASSWORD = "pressroom-demo"
VIEWER = "viewer@demo.pressroom.test"  # the demo has no viewer; the test adds one
ROLES = {"viewer": VIEWER, "approver": "president@demo.pressroom.test", "officer": "officer@demo.pressroom.test",
         "admin": "admin@demo.pressroom.test"}
# Not pages: files, feeds, calendars, JSON, redirects, and the one link that would end the session.
NOT_PAGES = {
    "public.index": "redirects to the dashboard or the sign-in page",
    "public.healthz": "JSON health check",
    "site.favicon": "an image",
    "meetings_public.calendar": "iCalendar",
    "meetings_public.document_file": "a file",
    "register_public.meeting_zip": "a zip file",
    "release_files.download": "a file",
    "approvals.attachment": "a file",
    "contacts_ui.export": "CSV or vCard",
    "meeting_documents.download": "a file",
    "register_staff.download": "a file",
    "release_send.send_status": "JSON for the progress bar",
    "delegations_ui.export": "CSV",
    "delegations_ui.export_focal_points": "CSV",
    "programme_public.programme_ics": "iCalendar",
    "programme_public.session_ics": "iCalendar",
    "programme_public.programme_file": "a PDF",
}
NOT_A_PAGE = re.compile(r"(/logout$|\.(ics|rss|atom|json|opml|pdf|png|jpe?g|csv|vcf|eml|txt|svg|zip)$|/files/|"
                        r"/documents/\d+/\w+(/[^/]+)?$|/documents/.+/[a-z]{2}$|/export|/download|^/api/|^/static/|"
                        r"^/healthz$)")
# Pages the demo has no row for, each checked at 375 px by its own journey test instead.
CHECKED_ELSEWHERE = {
    "dispatches_ui.show": "the demo sends no dispatch: tests/distribution/test_dispatch_browser.py",
    "participant_register.confirm": "reached from a registration email: tests/meetings/test_participants_browser.py",
}
MAX_PAGES_PER_ROLE = 200
# Each id-taking route argument, and the demo row that fills it.
DEMO_IDS = {
    "meeting_id": "SELECT min(id) FROM meetings",
    "release_id": "SELECT min(id) FROM releases",
    "contact_id": "SELECT min(id) FROM contacts",
    "list_id": "SELECT min(id) FROM contact_lists",
    "source_id": "SELECT min(id) FROM follow_sources",
    "user_id": "SELECT min(id) FROM users",
    "send_id": "SELECT min(id) FROM sends",
    "document_id": "SELECT min(id) FROM register_documents",
    "delegation_id": "SELECT min(delegation_id) FROM participants",
    "participant_id": "SELECT min(id) FROM participants",
    "bilateral_id": "SELECT min(id) FROM bilaterals",
    "slug": "SELECT slug FROM releases WHERE status = 'published' ORDER BY id LIMIT 1",
    "published_id": "SELECT min(id) FROM releases WHERE status = 'published'",
}
TOO_WIDE = "() => document.scrollingElement.scrollWidth > document.scrollingElement.clientWidth"
# The innermost elements reaching past the right edge (their box, or their content when it overflows them
# visibly, as unbreakable text does), unless a scrolling box (a wide table's wrapper) holds them.
OFFENDERS = """() => {
  const width = document.scrollingElement.clientWidth;
  const reach = el => {
    const box = el.getBoundingClientRect();
    const spill = getComputedStyle(el).overflowX === 'visible' ? el.scrollWidth : 0;
    return box.left + Math.max(box.width, spill);
  };
  const out = [...document.querySelectorAll('body *')].filter(el => {
    if (el.getBoundingClientRect().width === 0 || reach(el) <= width + 0.5) return false;
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== 'visible' && up.getBoundingClientRect().right <= width + 0.5) return false;
    }
    return true;
  });
  return out.filter(el => !out.some(other => other !== el && el.contains(other))).slice(0, 5).map(el =>
    el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
    ` "${(el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 40)}" reaches ${Math.round(reach(el))} px`);
}"""


@pytest.fixture
def demo(db_url, instance_path):
    """`pressroom serve --demo` (quiet: the walk's access lines would fill the pipe) plus the app's URL map."""
    env = base_environ(db_url, instance_path, PRESSROOM_LOG_LEVEL="WARNING")
    with LiveServer(env, demo=True) as server:
        subprocess.run([PRESSROOM, "users", "create", VIEWER, "--role", "viewer", "--name", "Vera Viewer",
                        "--password-stdin"], input=DEMO_PASSWORD + "\n", env=server.env, check=True,
                       capture_output=True, text=True)
        app = create_app(load_config(env, testing=True))
        try:
            yield server, app
        finally:
            app.extensions["pressroom"].close()


def _shape(path: str) -> str:
    """One visit per kind of page and role: /staff/contacts/12 and /13 are one page, and so are
    ?month=2027-04 and ?month=2027-05 (the query's names count, not its values)."""
    route, _, query = path.partition("?")
    names = sorted({part.split("=")[0] for part in query.split("&") if part})
    return re.sub(r"/\d+(?=/|$)", "/N", re.sub(r"^/(en|fr|es)(?=/)", "", route)) + "?" + "&".join(names)


class Check:
    """Visits pages at 375 px and keeps what was seen and what was too wide."""

    def __init__(self, base: str, adapter):
        self.base, self.adapter = base, adapter
        self.endpoints: set[str] = set()
        self.too_wide: list[tuple[str, str, list[str]]] = []
        self.visited = 0

    def endpoint(self, path: str) -> str | None:
        try:
            return self.adapter.match(urlsplit(path).path, method="GET")[0]
        except HTTPException:
            return None

    def visit(self, page, role: str, path: str) -> bool:
        """Open ``path``; True if it was an HTML page (then its width is checked)."""
        response = page.goto(self.base + path)
        if response is None or not response.headers.get("content-type", "").startswith("text/html"):
            return False
        self.visited += 1
        endpoint = self.endpoint(urlsplit(page.url).path)
        if endpoint:
            self.endpoints.add(endpoint)
        if page.evaluate(TOO_WIDE):
            self.too_wide.append((role, urlsplit(page.url).path, page.evaluate(OFFENDERS)))
        return True

    def walk(self, page, role: str, starts: list[str]) -> None:
        """Every kind of same-site page reachable from ``starts`` by links."""
        queue, seen = deque(starts), set()
        while queue and len(seen) < MAX_PAGES_PER_ROLE:
            path = queue.popleft()
            if _shape(path) in seen:
                continue
            seen.add(_shape(path))
            if not self.visit(page, role, path):
                continue
            here = page.url
            # Links marked download (register files) are files, not pages.
            for href in page.eval_on_selector_all("a[href]:not([download])", "links => links.map(a => a.href)"):
                target = urlsplit(urljoin(here, href))
                if target.netloc == urlsplit(self.base).netloc and not NOT_A_PAGE.search(target.path):
                    queue.append(target.path + (f"?{target.query}" if target.query else ""))


def _sign_in(page, base: str, email_address: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Email").fill(email_address)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base}/staff/")


def _wait_for_mail(outbox, pattern: str, count: int = 1) -> list[str]:
    """The paths of ``pattern`` once the server's worker has written ``count`` of them to the outbox."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        found = _mail_links(outbox, pattern)
        if len(found) >= count:
            return found
        time.sleep(0.2)
    raise AssertionError(f"no email with a link matching {pattern} reached the outbox")


def _mail_links(outbox, pattern: str) -> list[str]:
    """Paths matching ``pattern`` in the text of every email in the outbox."""
    found = []
    for path in sorted(outbox.glob("*.eml")) if outbox.exists() else []:
        message = email.message_from_bytes(path.read_bytes())
        for part in message.walk():
            if part.get_content_type() == "text/plain":
                found += [urlsplit(url).path for url in re.findall(r"https?://\S+", part.get_payload(decode=True).decode())
                          if re.search(pattern, urlsplit(url).path)]
    return found


def _secret_pages(server, app, page) -> list[str]:
    """Pages opened only by emailed links: a subscription to confirm, its preferences and unsubscribe
    pages, a set-your-password link and an approval link, made the way people make them."""
    outbox = app.extensions["pressroom"].config.outbox_path
    page.goto(f"{server.url}/subscribe")
    page.get_by_label("Your name").fill("Ngozi Okonjo 岡田")
    page.get_by_label("Email", exact=True).fill("ngozi@news.example")
    page.get_by_label("I would like to receive press releases").check()
    page.get_by_role("button", name="Subscribe").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    page.goto(f"{server.url}/password/reset")
    page.get_by_label("Email").fill(VIEWER)
    page.get_by_role("button", name="Email me a link").click()
    page.get_by_role("heading", name="Check your email").wait_for()
    token = subprocess.run([PRESSROOM, "tokens", "create", ROLES["officer"]], env=server.env, check=True,
                           capture_output=True, text=True).stdout.strip()
    officer = {"Authorization": f"Bearer {token}"}
    president = requests.get(f"{server.url}/api/v1/users?role=approver", headers=officer, timeout=30).json()
    made = requests.post(f"{server.url}/api/v1/releases", headers=officer, timeout=30, json={
        "headline": "Une très longue manchette sans espaces: Anti-PersonnelMineBanConventionImplementationSupportUnit",
        "language": "fr", "dateline": "GENÈVE", "body_markdown": "Texte."}).json()
    assert requests.post(f"{server.url}/api/v1/releases/{made['id']}/submit", headers=officer, timeout=30,
                         json={"approver_ids": [president["items"][0]["id"]]}).status_code == 202
    return [_wait_for_mail(outbox, rf"^/{kind}/")[0] for kind in ("subscribe/confirm", "password", "approve")]


def _more_work(server, app, ids) -> None:
    """What the demo lacks for some pages: followed sites (seeded as a fresh install seeds them, paused so
    nothing is fetched) and a send of the published release to a list (its report page)."""
    with app.extensions["pressroom"].db.engine.begin() as connection:
        seed_default_sources(connection)
        connection.execute(text("UPDATE follow_sources SET paused = :yes"), {"yes": True})
    token = subprocess.run([PRESSROOM, "tokens", "create", ROLES["officer"]], env=server.env, check=True,
                           capture_output=True, text=True).stdout.strip()
    sent = requests.post(f"{server.url}/api/v1/releases/{ids['published_id']}/send", json={"list_ids": [ids["list_id"]]},
                         headers={"Authorization": f"Bearer {token}"}, timeout=30)
    assert sent.status_code == 202, sent.text


def _import_preview(page, base: str) -> str:
    """The import preview page, reached the way an officer reaches it: by uploading a file."""
    page.goto(f"{base}/staff/contacts/import")
    page.locator("input[type=file]").set_input_files(files=[{
        "name": "contacts.csv", "mimeType": "text/csv",
        "buffer": "name,email,outlet\nAmira Ben Youssef,amira@presse.example,La Presse de Tunisie\n".encode()}])
    page.get_by_role("button", name="Preview the import").click()
    page.wait_for_url(re.compile(r"/staff/contacts/import/[^/]+$"))
    return urlsplit(page.url).path


def test_no_page_of_the_demo_scrolls_sideways_at_375_px(browser, demo):
    server, app = demo
    adapter = app.url_map.bind("127.0.0.1")
    check = Check(server.url, adapter)
    public_starts = ["/news/", "/fr/news/", "/es/news/", "/meetings/", "/documents/", "/feeds/", "/subscribe",
                     "/about/follower", "/login", "/password/reset", "/no-such-page"]
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(90_000)  # a slow shared machine, not a time limit on the pages
    check.walk(page, "anonymous", public_starts)
    for path in _secret_pages(server, app, page):
        check.visit(page, "anonymous", path)
    # A confirmed subscriber's welcome email carries the preference centre and unsubscribe links.
    outbox = app.extensions["pressroom"].config.outbox_path
    page.goto(server.url + _wait_for_mail(outbox, "^/subscribe/confirm/")[0])
    page.get_by_role("button", name=re.compile("Confirm")).click()
    for kind in ("preferences", "unsubscribe"):
        check.visit(page, "anonymous", _wait_for_mail(outbox, rf"^/{kind}/")[0])
    context.close()

    with app.extensions["pressroom"].db.transaction() as session:
        ids = {name: session.execute(text(query)).scalar() for name, query in DEMO_IDS.items()}
    _more_work(server, app, ids)
    with app.extensions["pressroom"].db.transaction() as session:
        ids = {name: session.execute(text(query)).scalar() for name, query in DEMO_IDS.items()}
    for role, address in ROLES.items():
        context = browser.new_context(**PHONE)
        page = context.new_page()
        page.set_default_timeout(90_000)
        _sign_in(page, server.url, address)
        check.walk(page, role, ["/staff/"])
        if role == "officer":
            check.visit(page, role, _import_preview(page, server.url))
        if role == "admin":
            # Every page route the walks missed, built with the demo's ids.
            for rule in app.url_map.iter_rules():
                if "GET" not in rule.methods or rule.endpoint in check.endpoints or rule.endpoint in NOT_PAGES \
                        or rule.rule.startswith(("/api/", "/static/", "/feeds/")) or rule.endpoint == "static":
                    continue
                values = {name: ids.get(name) for name in rule.arguments}
                if all(value is not None for value in values.values()):
                    check.visit(page, role, adapter.build(rule.endpoint, values))
        context.close()

    pages = {rule.endpoint for rule in app.url_map.iter_rules()
             if "GET" in rule.methods and rule.endpoint not in NOT_PAGES and rule.endpoint != "static"
             and rule.endpoint not in CHECKED_ELSEWHERE
             and (not rule.rule.startswith(("/api/", "/feeds/")) or rule.endpoint == "feeds.index")}
    report = "\n".join(f"{role} {path}: {offenders}" for role, path, offenders in check.too_wide)
    assert sorted(pages - check.endpoints) == [], f"page routes no visit reached (and too wide:\n{report})"
    assert check.visited > 100
    assert check.too_wide == [], report


def test_the_report_names_the_elements_that_stick_out(browser):
    """The report's finder sees a box wider than the phone and unbreakable text spilling out of its box,
    and lets a wide table inside a scrolling wrapper be."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_content("<meta name='viewport' content='width=device-width, initial-scale=1'><main><p>fits</p><div style='overflow-x:auto'><table><tr><td style='white-space:nowrap'>"
                     + "w" * 200 + "</td></tr></table></div><pre id='log' style='white-space:pre'>" + "z " * 200
                     + "</pre><div class='banner' style='width:500px'>wide</div></main>")
    assert page.evaluate(TOO_WIDE)
    found = page.evaluate(OFFENDERS)
    assert [item.split(" ")[0] for item in found] == ["pre#log", "div.banner"]
    assert found[1].endswith("reaches 508 px")
    context.close()
