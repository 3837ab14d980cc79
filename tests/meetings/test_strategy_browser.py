"""An officer writes a meeting's strategy and asks the President to sign off; the President
approves from the emailed link on a phone; the officer sees it signed off. Debian's Chromium
against a real server (``pressroom serve --demo``) sending through a real SMTP server."""

import re
import time

from support.app import base_environ
from support.browser import BROWSER_MARKS
from support.live_server import LiveServer
from support.smtp_server import SMTPServer
from playwright.sync_api import expect

pytestmark = BROWSER_MARKS
MEETING = "Twenty-Second Meeting of the States Parties"
PRESIDENT = "Ambassador Elena Marchetti"


def wait_for_mail(smtp, recipient, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for received in list(smtp.received):
            if recipient in received.rcpt_tos:
                return received.message
        time.sleep(0.1)
    raise AssertionError(f"no message for {recipient}; got {[r.rcpt_tos for r in smtp.received]}")


def text_part(message):
    return next(p for p in message.walk() if p.get_content_type() == "text/plain").get_payload(decode=True).decode()


def watch_csp(page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None)
    return problems


def test_officer_builds_a_strategy_and_the_president_signs_it_off_on_a_phone(browser, db_url, instance_path,
                                                                             tmp_path):
    with SMTPServer() as smtp:
        env = base_environ(db_url, instance_path, SMTP_URL=smtp.url,
                           PRESSROOM_MAIL_FROM="press@apminebanconvention.example")
        with LiveServer(env, demo=True) as server:
            officer = browser.new_context(viewport={"width": 1280, "height": 900})
            page = officer.new_page()
            csp_problems = watch_csp(page)
            page.goto(f"{server.url}/login")
            page.get_by_label("Email").fill("officer@demo.pressroom.test")
            page.get_by_label("Password").fill("pressroom-demo")
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(f"{server.url}/staff/")

            page.get_by_role("navigation", name="Main").get_by_role("link", name="Meetings").click()
            page.get_by_role("link", name=MEETING).click()
            expect(page.get_by_role("heading", name=MEETING)).to_be_visible()
            expect(page.get_by_text("not signed off").first).to_be_visible()  # the demo's draft strategy
            page.get_by_role("link", name="Edit the strategy").click()

            page.get_by_label("Objectives").fill("Show that clearance is on track\nWelcome the newest State Party")
            page.get_by_label("Key messages in EN").fill("Every mine cleared gives land back to people.")
            page.get_by_label("Key messages in FR").fill("Chaque mine retirée rend la terre aux gens.")
            page.get_by_label("Press release").check()
            new_row = page.locator("fieldset.milestone-row", has_text="New milestone").first
            new_row.get_by_label("Title").fill("Media advisory to the Geneva press corps")
            new_row.get_by_label("Due").fill("2026-11-20")
            new_row.get_by_label("Owner").select_option(label="Claire Dubois")
            page.get_by_role("button", name="Save strategy").click()
            saved = page.get_by_text(re.compile(r"^Saved version \d+ of the strategy\.$"))
            expect(saved).to_be_visible()
            version = int(re.search(r"\d+", saved.inner_text()).group(0))
            assert page.get_by_label("Objectives").input_value() == (
                "Show that clearance is on track\nWelcome the newest State Party")
            expect(page.get_by_role("group", name=re.compile("Media advisory to the Geneva press corps"))).to_be_visible()

            page.get_by_role("button", name="Ask the President to sign off").click()
            expect(page.get_by_text(f"Sign-off requested from {PRESIDENT} (version {version}).")).to_be_visible()
            page.screenshot(path=str(tmp_path / "strategy-editor.png"), full_page=True)

            message = wait_for_mail(smtp, "president@demo.pressroom.test")
            assert " ".join(message["Subject"].split()) == f"Approval requested: Communication strategy: {MEETING}"
            link = re.search(r"http://127\.0\.0\.1:\d+/approve/\S+", text_part(message)).group(0)

            phone = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
            president = phone.new_page()
            phone_csp = watch_csp(president)
            president.goto(link)
            expect(president.get_by_role("heading", name=MEETING)).to_be_visible()
            expect(president.get_by_text("Show that clearance is on track")).to_be_visible()
            expect(president.get_by_text("Chaque mine retirée rend la terre aux gens.")).to_be_visible()
            expect(president.get_by_text("Media advisory to the Geneva press corps")).to_be_visible()
            overflow = president.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"the approval page is {overflow}px wider than a phone"
            president.screenshot(path=str(tmp_path / "approve-phone.png"), full_page=True)
            president.get_by_role("button", name=f"Approve version {version}").click()
            expect(president.get_by_role("heading", name="Approved")).to_be_visible()
            phone.close()

            page.get_by_role("link", name="Meeting page").click()
            expect(page.get_by_text(f"Signed off by {PRESIDENT} on")).to_be_visible()
            expect(page.get_by_text("Media advisory to the Geneva press corps")).to_be_visible()  # the milestone timeline
            page.screenshot(path=str(tmp_path / "meeting.png"), full_page=True)
            assert csp_problems == [] and phone_csp == []
            officer.close()
