"""A journalist subscribes, confirms from the real email, changes preferences and unsubscribes,
in Debian's Chromium against a real server sending through a real SMTP server."""

import re
import time

from playwright.sync_api import expect


from contacts import service
from storage.db import Database

from support.app import base_environ
from support.browser import BROWSER_MARKS
from support.live_server import LiveServer
from support.smtp_server import SMTPServer

pytestmark = BROWSER_MARKS


def wait_for_mail(smtp, count, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(smtp.received) >= count:
            return smtp.received[count - 1].message
        time.sleep(0.1)
    raise AssertionError(f"expected {count} messages, got {len(smtp.received)}")


def text_part(message):
    return next(p for p in message.walk() if p.get_content_type() == "text/plain").get_payload(decode=True).decode()


def test_journalist_subscribes_confirms_changes_preferences_and_unsubscribes(browser, db_url, instance_path,
                                                                             tmp_path):
    with SMTPServer() as smtp:
        env = base_environ(db_url, instance_path, SMTP_URL=smtp.url, PRESSROOM_MAIL_FROM="press@apminebanconvention.example")
        with LiveServer(env) as server:
            page = browser.new_page()
            page.goto(f"{server.url}/subscribe")
            page.get_by_label("Your name").fill("Marta Ruiz")
            page.get_by_label("Email", exact=True).fill("marta@elmundo.example")
            page.get_by_label("Media outlet").fill("El Mundo")
            page.get_by_label("Español").check()
            page.get_by_label("Victim assistance").check()
            page.get_by_label("I would like to receive press releases").check()
            page.get_by_role("button", name="Subscribe").click()
            expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

            confirm_email = wait_for_mail(smtp, 1)
            assert confirm_email["To"] == "Marta Ruiz <marta@elmundo.example>"
            confirm_url = re.search(r"http://\S+/subscribe/confirm/\S+", text_part(confirm_email)).group(0)
            page.goto(confirm_url)
            page.get_by_role("button", name="Confirm my subscription").click()
            expect(page.get_by_role("heading", name="You are subscribed")).to_be_visible()

            welcome = wait_for_mail(smtp, 2)
            preferences_url = re.search(r"http://\S+/preferences/\S+", text_part(welcome)).group(0)
            page.goto(preferences_url)
            page.get_by_label("Français").check()
            page.get_by_label("Meetings").check()
            page.get_by_label("Pause emails").select_option("1m")
            page.get_by_role("button", name="Save preferences").click()
            expect(page.get_by_text("Your preferences are saved.")).to_be_visible()
            page.screenshot(path=str(tmp_path / "preferences.png"), full_page=True)

            page.get_by_role("button", name="Unsubscribe from all emails").click()
            expect(page.get_by_role("heading", name="You are unsubscribed")).to_be_visible()
            page.close()

    database = Database(db_url)
    with database.transaction() as session:
        marta = service.find_by_email(session, "marta@elmundo.example")
        assert marta.status == "unsubscribed"
        assert set(marta.languages) >= {"es", "fr"} and {"meetings", "victim-assistance"} <= set(marta.topics)
        assert marta.consent_wording == "2026-11" and marta.consent_ip == "127.0.0.1"
    database.dispose()
