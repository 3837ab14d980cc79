"""A press release from draft to the newsroom, in Debian's Chromium against a real server
sending through a real SMTP server: the officer drafts it in the editor (the live preview
follows the typing), submits it; the President approves from the emailed link on a phone;
the officer publishes; the release is on /news/."""

import re
import time


from support.app import base_environ
from support.browser import BROWSER_MARKS, sign_in
from support.live_server import LiveServer
from support.smtp_server import SMTPServer

pytestmark = BROWSER_MARKS
MEETING = "Twenty-Second Meeting of the States Parties"
HEADLINE = "States Parties agree plan to finish clearance by 2030"
PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}


def wait_for_approval_link(smtp, recipient: str, timeout: float = 30) -> str:
    """The approval link in the first email to ``recipient`` about our release."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for received in list(smtp.received):
            message = received.message
            if recipient in message.get("To", "") and HEADLINE in str(message.get("Subject", "")):
                body = next(p for p in message.walk() if p.get_content_type() == "text/plain")
                return re.search(r"http://\S+/approve/\S+", body.get_payload(decode=True).decode()).group(0)
        time.sleep(0.1)
    raise AssertionError(f"no approval email to {recipient}; got {[r.message['Subject'] for r in smtp.received]}")


def test_officer_drafts_president_approves_on_a_phone_officer_publishes(browser, db_url, instance_path, tmp_path):
    from playwright.sync_api import expect

    with SMTPServer() as smtp:
        env = base_environ(db_url, instance_path, SMTP_URL=smtp.url,
                           PRESSROOM_MAIL_FROM="press@apminebanconvention.example")
        with LiveServer(env, demo=True) as server:
            desk = browser.new_context(viewport={"width": 1280, "height": 900})
            page = desk.new_page()
            csp_problems = []
            page.on("console", lambda msg: csp_problems.append(msg.text)
                    if "Content Security Policy" in msg.text else None)
            sign_in(page, server.url, "officer@demo.pressroom.test")

            page.get_by_role("link", name="Releases", exact=True).click()
            expect(page.get_by_role("heading", name="Press releases")).to_be_visible()
            page.get_by_role("link", name="New release").click()
            expect(page.get_by_role("heading", name="New press release")).to_be_visible()

            page.get_by_label("Headline", exact=True).fill(HEADLINE)
            page.get_by_label("Dateline").fill("GENEVA, 16 December 2026")
            meeting = page.locator('select[name="meeting_id"] option', has_text=MEETING).get_attribute("value")
            page.locator('select[name="meeting_id"]').select_option(meeting)
            expect(page.locator("[data-embargo-zone]")).to_have_text("Europe/Zurich")  # the embargo's zone
            page.get_by_label("Quote 1").fill("We can finish the job.")
            page.locator('input[name="quote-0-speaker"]').fill("The President")
            page.get_by_label("Mine clearance").check()

            # The live preview follows the typing (preview.js posts the form to /staff/releases/preview).
            preview = page.locator("#preview-body")
            expect(preview.locator("h1")).to_have_text(HEADLINE)
            page.locator('textarea[name="body_markdown"]').press_sequentially(
                "Delegations **agreed** a plan <img src=x onerror=alert(1)>.", delay=5)
            expect(preview.locator(".release-body strong", has_text="agreed")).to_have_count(1)
            expect(preview).to_contain_text("We can finish the job.")
            assert preview.locator("img").count() == 0
            page.screenshot(path=str(tmp_path / "editor-desktop.png"), full_page=True)

            phone_editor = browser.new_context(storage_state=desk.storage_state(), **PHONE).new_page()
            phone_editor.goto(page.url)
            phone_editor.get_by_label("Headline", exact=True).fill(HEADLINE)
            expect(phone_editor.locator("#preview-body h1")).to_have_text(HEADLINE)
            phone_editor.screenshot(path=str(tmp_path / "editor-phone.png"), full_page=True)
            assert phone_editor.evaluate("document.documentElement.scrollWidth") <= 375
            phone_editor.context.close()

            page.get_by_role("button", name="Save draft").click()
            expect(page.get_by_text(f"Saved the draft “{HEADLINE}” (revision 1).")).to_be_visible()
            release_url = page.url
            expect(page.get_by_label("Ambassador Elena Marchetti")).to_be_checked()  # the President, by default
            page.get_by_role("button", name="Submit for approval").click()
            expect(page.get_by_text("Revision 1 is submitted for approval")).to_be_visible()

            link = wait_for_approval_link(smtp, "president@demo.pressroom.test")
            phone = browser.new_context(**PHONE)
            approval = phone.new_page()
            approval.goto(link)
            expect(approval.get_by_role("heading", name=HEADLINE)).to_be_visible()
            expect(approval.locator(".release-body strong", has_text="agreed")).to_have_count(1)
            approval.screenshot(path=str(tmp_path / "approval-phone.png"), full_page=True)
            approval.get_by_role("button", name="Approve version 1").click()
            expect(approval.get_by_text("approved", exact=False).first).to_be_visible()
            phone.close()

            page.goto(release_url)
            expect(page.locator("#status")).to_contain_text("Approved")
            # "Publish now" asks first: cancelling publishes nothing, accepting publishes.
            page.once("dialog", lambda dialog: dialog.dismiss())
            page.get_by_role("button", name="Publish now").click()
            expect(page.locator("#status")).to_contain_text("Approved")
            questions = []
            page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.accept()))
            page.get_by_role("button", name="Publish now").click()
            expect(page.get_by_text("Published. The release is public at")).to_be_visible()
            assert questions and questions[0].startswith("Publish “") and "goes public at once" in questions[0]
            public_url = page.locator("a.public-url").get_attribute("href")
            page.screenshot(path=str(tmp_path / "release-page.png"), full_page=True)

            reader = browser.new_context().new_page()
            reader.goto(f"{server.url}/news/")
            reader.get_by_role("link", name=HEADLINE).click()
            expect(reader.get_by_role("heading", name=HEADLINE, level=1)).to_be_visible()
            assert reader.url == public_url
            expect(reader.locator(".release-body strong", has_text="agreed")).to_have_count(1)
            reader.context.close()
            desk.close()
            assert csp_problems == []
