"""An officer dispatches a register document to the States Parties in Debian's Chromium against
`pressroom serve --demo` and a real SMTP server (aiosmtpd): from the meeting page to the
dispatch form (audience counts shown), choosing the provisional agenda, sending, the progress
bar reaching 100 % and the report; the focal point's email links the document. The same pages
at 375 px have no sideways scroll."""

import re
import time
from types import SimpleNamespace

from sqlalchemy import select

from comms.meetings.service import Meeting
from storage.db import Database

from support.app import base_environ
from support.browser import BROWSER_MARKS, sign_in
from support.dispatching import make_world
from support.live_server import LiveServer
from support.smtp_server import SMTPServer

pytestmark = BROWSER_MARKS
OFFICER = "officer@demo.pressroom.test"
MEETING = "Twenty-Second Meeting of the States Parties"


def wait_for(predicate, what: str, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_officer_dispatches_a_register_document_to_the_states_parties(browser, db_url, instance_path, tmp_path):
    from playwright.sync_api import expect

    with SMTPServer() as smtp:
        env = base_environ(db_url, instance_path, SMTP_URL=smtp.url, PRESSROOM_MAIL_FROM="press@isu.example",
                           PRESSROOM_SEND_RATE="2")
        with LiveServer(env, demo=True) as server:
            database = Database(db_url)
            world = make_world(SimpleNamespace(db=database))
            with database.transaction() as session:
                meeting_id = session.scalar(select(Meeting.id).where(Meeting.title.contains("Twenty-Second")))
            database.dispose()
            assert world["party_people"]

            page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            sign_in(page, server.url, OFFICER)
            page.goto(f"{server.url}/staff/meetings/{meeting_id}")
            page.get_by_role("link", name="Dispatches", exact=True).click()
            expect(page.get_by_role("heading", name="Dispatches to delegations")).to_be_visible()
            counts = page.locator('[data-audience-count="states_parties"]')
            # The demo may give delegations focal points of its own: ours are two, one suppressed.
            expect(counts).to_contain_text(re.compile(r"\d+ focal points \(\d+ suppressed\)"))

            page.get_by_label("Subject").fill("Provisional agenda of the Twenty-Second Meeting")
            page.get_by_label("Message (Markdown)").fill("Dear colleagues,\n\nPlease find the **provisional agenda**.")
            page.get_by_label("States Parties").check()
            page.locator(".dispatch-documents label", has_text="Provisional agenda").first.locator("input").check()
            page.screenshot(path=str(tmp_path / "compose.png"), full_page=True)
            page.get_by_role("button", name="Send the dispatch").click()

            expect(page.get_by_role("heading", name=re.compile("Dispatch: Provisional agenda"))).to_be_visible()
            expect(page.locator("[data-field=label]")).to_have_text("Finished", timeout=30_000)
            expect(page.locator("[data-field=percent]")).to_have_text("100 %")
            page.reload()
            expect(page.locator('[data-figure="sent"]')).to_have_text(re.compile(r"[1-9]\d*"))
            expect(page.locator('[data-figure="failed"]')).to_have_text("0")
            page.screenshot(path=str(tmp_path / "report.png"), full_page=True)

            [item] = wait_for(lambda: [r for r in smtp.received if "fp0@mission-aq.example" in r.rcpt_tos],
                              "the focal point's email")
            assert not [r for r in smtp.received if "fp1@mission-aq.example" in r.rcpt_tos]  # suppressed
            assert not [r for r in smtp.received if "alexei@mission-bv.example" in r.rcpt_tos]  # withdrawn: observer
            text = item.message.get_payload()[0].get_payload(decode=True).decode()
            assert "Please find the **provisional agenda**." in text
            assert re.search(r"/documents/APLC/MSP\.22/2026/\d+", text)
            report_url = page.url

            phone = browser.new_context(viewport={"width": 375, "height": 800}).new_page()
            sign_in(phone, server.url, OFFICER)
            for url in (f"{server.url}/staff/meetings/{meeting_id}/dispatches", report_url,
                        f"{server.url}/staff/meetings/{meeting_id}/information-note"):
                phone.goto(url)
                assert no_sideways_scroll(phone), url
            phone.screenshot(path=str(tmp_path / "phone.png"), full_page=True)
