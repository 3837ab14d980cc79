"""The journalist's journey (issue 15 §1), in Debian's Chromium against `pressroom serve` sending
through a real SMTP server: a journalist subscribes on a phone (Spanish, one topic), confirms
through the emailed link, an officer publishes a matching Spanish release and a non-matching
English one, and the journalist's mailbox gets exactly the Spanish one, once."""

import re
import subprocess
import time
from email.header import decode_header, make_header

import requests
from sqlalchemy import select

from comms.distribution.service import Send
from comms.releases.service import Release
from storage.db import Database
from support.app import base_environ
from support.browser import BROWSER_MARKS, sign_in
from support.live_server import PRESSROOM, LiveServer
from support.smtp_server import SMTPServer

pytestmark = BROWSER_MARKS
PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}
JOURNALIST = "marta@elmundo.example"
SPANISH = "Dos Estados más se adhieren a la Convención"
ENGLISH = "Two more States join the Convention"


def subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def text_part(message) -> str:
    return next(p for p in message.walk() if p.get_content_type() == "text/plain").get_payload(decode=True).decode()


def mail_to(smtp, address, predicate=lambda message: True, timeout=60):
    """The first message to ``address`` that ``predicate`` accepts, waiting for it to arrive."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for item in list(smtp.received):
            if address in item.rcpt_tos and predicate(item.message):
                return item.message
        time.sleep(0.1)
    raise AssertionError(f"no such message to {address}; got {[subject(r.message) for r in smtp.received]}")


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 375


def api_release(url, officer, president, approver_id, headline, language, topic) -> int:
    """A release drafted, submitted and approved through the API (the officer publishes it in the browser)."""
    made = requests.post(f"{url}/api/v1/releases", headers=officer, timeout=30, json={
        "headline": headline, "language": language, "topics": [topic], "dateline": "GINEBRA",
        "body_markdown": "Los Estados Partes dieron la bienvenida a **dos** nuevos miembros."}).json()
    assert made["notify_subscribers"] is True  # on by default
    assert requests.post(f"{url}/api/v1/releases/{made['id']}/submit", json={"approver_ids": [approver_id]},
                         headers=officer, timeout=30).status_code == 202
    approved = requests.post(f"{url}/api/v1/releases/{made['id']}/approve", json={"revision": 1},
                             headers=president, timeout=30)
    assert approved.status_code == 200, approved.text
    return made["id"]


def all_alerts_done(db_url, release_ids) -> bool:
    """The worker has alerted these releases and finished every send it planned."""
    database = Database(db_url)
    try:
        with database.transaction() as session:
            notified = session.scalars(select(Release.subscribers_notified_at)
                                       .where(Release.id.in_(release_ids))).all()
            statuses = session.scalars(select(Send.status)).all()
            return len(notified) == len(release_ids) and all(notified) and all(s == "done" for s in statuses)
    finally:
        database.dispose()


def test_journalist_subscribes_and_receives_exactly_the_matching_spanish_release_once(browser, db_url,
                                                                                     instance_path, tmp_path):
    from playwright.sync_api import expect

    with SMTPServer() as smtp:
        env = base_environ(db_url, instance_path, SMTP_URL=smtp.url,
                           PRESSROOM_MAIL_FROM="press@apminebanconvention.example")
        with LiveServer(env, demo=True) as server:
            # The journalist, on a phone.
            phone = browser.new_context(**PHONE)
            page = phone.new_page()
            page.goto(f"{server.url}/subscribe")
            assert fits_the_phone(page)
            page.get_by_label("Your name").fill("Marta Ruiz")
            page.get_by_label("Email", exact=True).fill(JOURNALIST)
            page.get_by_label("English").uncheck()
            page.get_by_label("Español").check()
            page.get_by_label("Universalization").check()
            page.get_by_label("I would like to receive press releases").check()
            page.screenshot(path=str(tmp_path / "subscribe-phone.png"), full_page=True)
            page.get_by_role("button", name="Subscribe").click()
            expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
            assert fits_the_phone(page)

            confirmation = mail_to(smtp, JOURNALIST)
            page.goto(re.search(r"http://\S+/subscribe/confirm/\S+", text_part(confirmation)).group(0))
            assert fits_the_phone(page)
            page.get_by_role("button", name="Confirm my subscription").click()
            expect(page.get_by_role("heading", name="You are subscribed")).to_be_visible()
            expect(page.locator("main, body").first).to_contain_text("those on Universalization, in Español")
            assert fits_the_phone(page)
            page.screenshot(path=str(tmp_path / "subscribed-phone.png"), full_page=True)
            phone.close()

            # The officer: two releases approved through the API, published in the browser.
            def token(email):
                return subprocess.run([PRESSROOM, "tokens", "create", email], env={**server.env}, check=True,
                                      capture_output=True, text=True).stdout.strip()
            officer = {"Authorization": f"Bearer {token('officer@demo.pressroom.test')}"}
            president = {"Authorization": f"Bearer {token('president@demo.pressroom.test')}"}
            approver_id = requests.get(f"{server.url}/api/v1/me", headers=president, timeout=30).json()["id"]
            matching = api_release(server.url, officer, president, approver_id, SPANISH, "es", "universalization")
            other = api_release(server.url, officer, president, approver_id, ENGLISH, "en", "universalization")

            desk = browser.new_context(viewport={"width": 1280, "height": 900})
            staff = desk.new_page()
            sign_in(staff, server.url, "officer@demo.pressroom.test")
            for release_id in (matching, other):
                staff.goto(f"{server.url}/staff/releases/{release_id}")
                staff.once("dialog", lambda dialog: dialog.accept())  # "Publish now" may ask to confirm
                staff.get_by_role("button", name="Publish now").click()
                expect(staff.get_by_text("Published. The release is public at")).to_be_visible()
            desk.close()

            alert = mail_to(smtp, JOURNALIST, lambda message: SPANISH in subject(message))
            deadline = time.monotonic() + 60
            while not all_alerts_done(db_url, [matching, other]) and time.monotonic() < deadline:
                time.sleep(0.2)
            assert all_alerts_done(db_url, [matching, other])

    received = [subject(item.message) for item in smtp.received if JOURNALIST in item.rcpt_tos]
    releases = [title for title in received if SPANISH in title or ENGLISH in title]
    assert releases == [SPANISH]  # the matching Spanish release, once; nothing for the English one
    assert alert["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "porque está suscrito a los comunicados de prensa" in " ".join(text_part(alert).split())
