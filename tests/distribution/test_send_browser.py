"""Previews, a test email and a real send from the release page, in Debian's Chromium against
`pressroom serve --demo` mailing a real SMTP server (aiosmtpd): the page, the email framed at
desktop and phone widths and the text part side by side; "send a test to me" arrives with
[TEST]; choosing a list, reviewing the count, confirming, and the progress bar reaching
100 % while every recipient's message really arrives; the delivery report shows it."""

import re
import time


from support.app import base_environ
from support.browser import BROWSER_MARKS, sign_in
from support.live_server import LiveServer
from support.smtp_server import SMTPServer

pytestmark = BROWSER_MARKS
HEADLINE = "States Parties to the Mine Ban Convention meet in Geneva"
EMBARGOED = "President opens the Twenty-Second Meeting with a call to finish the job"
OFFICER = "officer@demo.pressroom.test"
FRENCH_LIST = "French-language media"


def wait_for(predicate, what: str, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def test_previews_test_email_and_a_send_to_100_percent(browser, db_url, instance_path, tmp_path):
    from playwright.sync_api import expect

    with SMTPServer() as smtp:
        env = base_environ(db_url, instance_path, SMTP_URL=smtp.url,
                           PRESSROOM_MAIL_FROM="press@apminebanconvention.example",
                           # A few messages a second, so the bar is watched moving rather than found full.
                           PRESSROOM_SEND_RATE="4")
        with LiveServer(env, demo=True) as server:
            desk = browser.new_context(viewport={"width": 1280, "height": 900})
            page = desk.new_page()
            csp_problems = []
            page.on("console", lambda msg: csp_problems.append(msg.text)
                    if "Content Security Policy" in msg.text else None)
            polls = []
            page.on("response", lambda response: polls.append(response.status)
                    if re.search(r"/staff/sends/\d+/status$", response.url) else None)
            sign_in(page, server.url, OFFICER)
            page.get_by_role("link", name="Releases", exact=True).click()
            page.get_by_role("link", name=HEADLINE, exact=True).first.click()
            expect(page.locator(".page-head h1")).to_have_text(HEADLINE)

            # Previews: page, email at two widths, text, side by side.
            previews = page.locator("#previews")
            previews.scroll_into_view_if_needed()
            expect(previews.locator(".render-page-body h1")).to_have_text(HEADLINE)
            desktop, phone = previews.locator("iframe.email-desktop"), previews.locator("iframe.email-phone")
            expect(desktop).to_be_visible()
            expect(phone).to_be_visible()
            expect(previews.locator("pre.text-part")).to_contain_text(HEADLINE)
            expect(page.frame_locator("iframe.email-desktop").get_by_text(HEADLINE).first).to_be_visible()
            expect(page.frame_locator("iframe.email-phone").get_by_text(HEADLINE).first).to_be_visible()
            desktop_box, phone_box = desktop.bounding_box(), phone.bounding_box()
            assert phone_box["width"] < desktop_box["width"]
            assert round(phone_box["width"]) == 375 and round(desktop_box["width"]) >= 600
            # The panes sit in one row.
            page_box = previews.locator(".render-page").bounding_box()
            text_box = previews.locator(".render-text").bounding_box()
            assert abs(page_box["y"] - text_box["y"]) < 2 and abs(desktop_box["y"] - phone_box["y"]) < 2
            # The email fits the phone frame without sideways scrolling.
            phone_frame = phone.element_handle().content_frame()
            assert phone_frame.evaluate("document.documentElement.scrollWidth") <= 375
            page.screenshot(path=str(tmp_path / "previews.png"), full_page=True)

            # A test to me: [TEST] in the subject, to the officer only.
            page.get_by_role("button", name="Send a test to me").click()
            expect(page.get_by_text(f"is on its way to {OFFICER}")).to_be_visible()
            test = wait_for(lambda: [r for r in smtp.received if OFFICER in r.rcpt_tos], "the test email")
            assert test[0].message["Subject"] == f"[TEST] {HEADLINE}"
            assert len(smtp.received) == 1

            # Send to one list: review the count, confirm, watch the bar reach 100 %.
            page.locator("#send").scroll_into_view_if_needed()
            page.get_by_label(re.compile(FRENCH_LIST)).check()
            page.get_by_role("button", name="Review the send").click()
            recipients = int(page.locator('[data-figure="recipients"] strong').inner_text())
            assert recipients > 0
            page.get_by_role("button", name=re.compile(rf"^Send to {recipients} (people|person)$")).click()
            expect(page.get_by_role("heading", name=re.compile(r"^Send #\d+"))).to_be_visible()
            expect(page.locator('[data-field="percent"]')).to_have_text("100 %", timeout=30_000)
            expect(page.locator('[data-field="label"]')).to_have_text("Finished")
            expect(page.locator("progress.send-progress")).to_have_js_property("value", 100)
            expect(page.locator('[data-field="sent"]')).to_have_text(str(recipients))
            assert polls and set(polls) == {200}  # send-progress.js polled the staff JSON route
            page.screenshot(path=str(tmp_path / "send-progress.png"), full_page=True)
            sent = [r for r in smtp.received if r.message["Subject"] == HEADLINE]
            assert len(sent) == recipients
            addresses = sorted(a for r in sent for a in r.rcpt_tos)
            assert len(set(addresses)) == recipients and OFFICER not in addresses

            # The release page's report shows the send.
            page.get_by_role("link", name="Delivery report").click()
            expect(page.locator('#report [data-figure="sent"]')).to_have_text(str(recipients))
            expect(page.locator('#report svg.report-chart g.bar-sent')).to_have_attribute("data-value",
                                                                                         str(recipients))

            # An embargoed release: only the embargo-trusted list can be ticked.
            page.get_by_role("navigation", name="Main").get_by_role("link", name="Releases").click()
            # (the demo meeting opens three weeks after seeding, so this release is under embargo)
            page.get_by_role("link", name=EMBARGOED, exact=True).first.click()
            expect(page.locator("#send")).to_contain_text("only go to embargo-trusted lists")
            expect(page.get_by_label(re.compile(FRENCH_LIST))).to_be_disabled()
            expect(page.get_by_label(re.compile("Geneva press corps"))).to_be_enabled()
            desk.close()
            assert csp_problems == []
