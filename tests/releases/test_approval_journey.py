"""The approval loop in Debian's Chromium against `pressroom serve` and a real SMTP server: an
officer drafts and submits; the President approves on a phone (375 px) through the emailed signed
link and is told the press office knows; the officer receives the decision by email, sees it on the
dashboard, and publishes. The President's own pages fit the phone and show only what they use."""

import re
import time

from support.app import base_environ
from support.browser import BROWSER_MARKS, sign_in
from support.live_server import LiveServer
from support.smtp_server import SMTPServer

pytestmark = BROWSER_MARKS
MEETING = "Twenty-Second Meeting of the States Parties"
HEADLINE = "Survivors' assistance pledges reach a new high"
PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}


def wait_for_mail(smtp, recipient: str, subject_start: str, timeout: float = 60):
    """The first email to ``recipient`` whose subject starts with ``subject_start``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for received in list(smtp.received):
            message = received.message
            if recipient in message.get("To", "") and str(message.get("Subject", "")).startswith(subject_start):
                return message
        time.sleep(0.2)
    raise AssertionError(f"no {subject_start!r} email to {recipient}; got "
                         f"{[(r.message['To'], r.message['Subject']) for r in smtp.received]}")


def body_of(message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode().replace("\r\n", "\n")


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_officer_submits_president_approves_by_phone_officer_hears_and_publishes(browser, db_url, instance_path,
                                                                                 tmp_path):
    from playwright.sync_api import expect

    with SMTPServer() as smtp:
        env = base_environ(db_url, instance_path, SMTP_URL=smtp.url,
                           PRESSROOM_MAIL_FROM="press@apminebanconvention.example")
        with LiveServer(env, demo=True) as server:
            desk = browser.new_context(viewport={"width": 1280, "height": 900})
            page = desk.new_page()
            sign_in(page, server.url, "officer@demo.pressroom.test")
            page.goto(f"{server.url}/staff/releases/new")
            page.get_by_label("Headline", exact=True).fill(HEADLINE)
            page.get_by_label("Dateline").fill("GENEVA")
            meeting = page.locator('select[name="meeting_id"] option', has_text=MEETING).get_attribute("value")
            page.locator('select[name="meeting_id"]').select_option(meeting)
            page.locator('textarea[name="body_markdown"]').fill(
                "States Parties pledged support:\n\n- prosthetics\n- psychological care\n- jobs")
            page.get_by_role("button", name="Save draft").click()
            expect(page.get_by_text(f"Saved the draft “{HEADLINE}” (revision 1).")).to_be_visible()
            release_url = page.url
            page.get_by_role("button", name="Submit for approval").click()
            expect(page.get_by_text("Revision 1 is submitted for approval")).to_be_visible()

            request = wait_for_mail(smtp, "president@demo.pressroom.test", "Approval requested: ")
            text = body_of(request)
            assert "a press release in English" in text and "  - psychological care\n" in text
            assert re.search(r"until \d{1,2} \w+ 20\d\d, \d\d:\d\d CET", text) and "UTC" not in text
            link = re.search(r"http://\S+/approve/\S+", text).group(0)

            phone = browser.new_context(**PHONE)
            approval = phone.new_page()
            approval.goto(link)
            expect(approval.get_by_role("heading", name=HEADLINE)).to_be_visible()
            assert no_sideways_scroll(approval)
            approval.get_by_role("button", name="Approve version 1").click()
            expect(approval.get_by_role("heading", name="Approved")).to_be_visible()
            expect(approval.get_by_text("The press office has been told.")).to_be_visible()
            assert no_sideways_scroll(approval)
            approval.screenshot(path=str(tmp_path / "approved-phone.png"), full_page=True)
            approval.goto(link)  # the link again: it says what was decided, by whom and when
            expect(approval.get_by_text(re.compile(r"Approved \(version 1\) by Ambassador Elena Marchetti on "
                                                   r"\d{1,2} \w+ 20\d\d, \d\d:\d\d CET\."))).to_be_visible()
            assert no_sideways_scroll(approval)

            # The President's own pages on the phone: only what an approver uses, and nothing scrolls sideways.
            sign_in(approval, server.url, "president@demo.pressroom.test")
            nav = approval.get_by_role("navigation", name="Main")
            expect(nav.get_by_role("link")).to_have_text(["Waiting for me", "Releases", "Meetings"])
            expect(approval.locator("#waiting-for-me")).to_be_visible()
            assert no_sideways_scroll(approval)
            phone.close()

            decision = wait_for_mail(smtp, "officer@demo.pressroom.test", "Approved: ")
            assert "ready to publish" in body_of(decision) and release_url.split("127.0.0.1")[0] in body_of(decision)
            page.goto(f"{server.url}/staff/")
            decisions = page.locator("#decisions")
            expect(decisions).to_contain_text(HEADLINE)
            expect(decisions).to_contain_text("Approved by Ambassador Elena Marchetti")
            expect(page.locator("#approved-not-published")).to_contain_text(HEADLINE)
            decisions.get_by_role("link", name=HEADLINE).click()
            assert page.url == release_url
            expect(page.locator("#status")).to_contain_text("Approved")
            page.once("dialog", lambda dialog: dialog.accept())  # "Publish now" asks first
            page.get_by_role("button", name="Publish now").click()
            expect(page.get_by_text("Published. The release is public at")).to_be_visible()
            page.goto(f"{server.url}/staff/")
            expect(page.locator("#approved-not-published")).not_to_contain_text(HEADLINE)
            desk.close()
