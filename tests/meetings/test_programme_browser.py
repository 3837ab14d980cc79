"""Issue 18 in Chromium against a real server (``pressroom serve --demo``) sending through a
real SMTP server: an officer builds two sessions in the programme editor, submits them to the
President, the President approves from the emailed link on a phone, the officer publishes, and
the public programme shows both sessions in Geneva time, readable at 375 px. Then the officer
confirms one of the President's bilaterals from the bilaterals page."""

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
BRIEFING = "Press briefing on the Article 5 requests"
PEER_SUPPORT = "Victim assistance experts: peer support"


def wait_for_mail(smtp, recipient, subject_part, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for received in list(smtp.received):
            if recipient in received.rcpt_tos and subject_part in " ".join(received.message["Subject"].split()):
                return received.message
        time.sleep(0.1)
    raise AssertionError(f"no {subject_part!r} message for {recipient}; got {[r.rcpt_tos for r in smtp.received]}")


def text_part(message):
    return next(p for p in message.walk() if p.get_content_type() == "text/plain").get_payload(decode=True).decode()


def sideways_overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def add_session(page, track, title_en, title_fr, day, start, end, room, chair):
    form = page.locator("#session-form")
    form.get_by_label("Track").select_option(label=track)
    form.get_by_label("Title (EN)").fill(title_en)
    form.get_by_label("Title (FR)").fill(title_fr)
    form.get_by_label("Day", exact=True).fill(day)
    form.get_by_label("Starts (Europe/Zurich)").fill(start)
    form.get_by_label("Ends (Europe/Zurich)").fill(end)
    form.get_by_label("Room").fill(room)
    form.get_by_label("Chair").fill(chair)
    form.get_by_role("button", name="Save session").click()
    saved = page.get_by_text(re.compile(r"^Saved version \d+ of the programme\.$"))
    expect(saved).to_be_visible()
    return int(re.search(r"\d+", saved.inner_text()).group(0))


def test_officer_builds_sessions_president_approves_on_a_phone_and_the_public_sees_geneva_times(
        browser, db_url, instance_path, tmp_path):
    with SMTPServer() as smtp:
        env = base_environ(db_url, instance_path, SMTP_URL=smtp.url,
                           PRESSROOM_MAIL_FROM="press@apminebanconvention.example")
        with LiveServer(env, demo=True) as server:
            officer = browser.new_context(viewport={"width": 1280, "height": 900})
            page = officer.new_page()
            page.goto(f"{server.url}/login")
            page.get_by_label("Email").fill("officer@demo.pressroom.test")
            page.get_by_label("Password").fill("pressroom-demo")
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(f"{server.url}/staff/")

            page.get_by_role("navigation", name="Main").get_by_role("link", name="Meetings").click()
            page.get_by_role("link", name=MEETING).click()
            page.get_by_role("link", name="Programme", exact=True).click()
            expect(page.get_by_role("heading", name="Programme", exact=True)).to_be_visible()
            meeting_id = int(re.search(r"/staff/meetings/(\d+)/programme", page.url).group(1))
            first_day = page.locator("#session-form").get_by_label("Day", exact=True).get_attribute("min")

            add_session(page, "Other", BRIEFING, "Point de presse sur les demandes au titre de l'article 5", first_day,
                        "13:15", "14:00", "Press room", "Claire Dubois")
            version = add_session(page, "Victim assistance", PEER_SUPPORT, "Experts : soutien par les pairs",
                                  first_day, "15:00", "16:30", "Room VII", "Co-Chairs, Committee on Victim Assistance")
            expect(page.get_by_role("cell", name=BRIEFING)).to_be_visible()
            expect(page.get_by_role("cell", name="13:15–14:00 CET")).to_be_visible()

            approvers = page.get_by_role("group", name="Approvers")
            for box in approvers.get_by_role("checkbox").all():
                box.uncheck()
            approvers.get_by_label(PRESIDENT).check()
            page.get_by_role("button", name="Submit for approval").click()
            expect(page.get_by_text(f"Approval of version {version} requested from {PRESIDENT}.")).to_be_visible()

            message = wait_for_mail(smtp, "president@demo.pressroom.test", "Approval requested")
            link = re.search(r"http://127\.0\.0\.1:\d+/approve/\S+", text_part(message)).group(0)

            phone = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
            president = phone.new_page()
            president.goto(link)
            expect(president.get_by_role("heading", name=MEETING)).to_be_visible()
            briefing = president.locator("li.programme-session", has_text=BRIEFING)
            expect(briefing).to_be_visible()
            assert "13:15–14:00" in briefing.inner_text()
            peer = president.locator("li.programme-session", has_text=PEER_SUPPORT)
            expect(peer).to_be_visible()
            assert "15:00–16:30" in peer.inner_text()
            assert sideways_overflow(president) <= 0, "the approval page is wider than a phone"
            president.screenshot(path=str(tmp_path / "programme-approve-phone.png"), full_page=True)
            president.get_by_role("button", name=f"Approve version {version}").click()
            expect(president.get_by_role("heading", name="Approved")).to_be_visible()

            page.reload()
            page.get_by_role("button", name="Publish the approved version").click()
            expect(page.get_by_text(re.compile(rf"^Published version {version} \(\d+ sessions changed\)\.$"))).to_be_visible()

            public = phone.new_page()
            public.goto(f"{server.url}/meetings/{meeting_id}/programme")
            expect(public.get_by_text("All times are in Europe/Zurich.")).to_be_visible()
            shown = public.locator("li.programme-session", has_text=BRIEFING)
            assert shown.locator(".programme-time").inner_text() == "13:15–14:00"  # CET, not UTC's 12:15
            shown = public.locator("li.programme-session", has_text=PEER_SUPPORT)
            assert shown.locator(".programme-time").inner_text() == "15:00–16:30"
            expect(public.get_by_role("heading", name="Victim assistance experts").first).to_be_visible()
            assert sideways_overflow(public) <= 0, "the public programme is wider than a phone"
            public.screenshot(path=str(tmp_path / "programme-public-phone.png"), full_page=True)
            phone.close()

            # The bilaterals page: the demo's proposed bilateral with the President, confirmed.
            page.get_by_role("link", name="Bilaterals").click()
            expect(page.get_by_role("heading", name="Bilateral meetings")).to_be_visible()
            proposed = page.locator("article.bilateral", has_text="Victim assistance funding")
            expect(proposed.get_by_text("proposed")).to_be_visible()
            proposed.get_by_role("button", name="Confirm and send invitations").click()
            expect(page.get_by_text(re.compile(r"^Confirmed the bilateral with .+; \d+ invitations sent\.$"))).to_be_visible()
            expect(page.locator("article.bilateral", has_text="Victim assistance funding").get_by_text(
                "confirmed")).to_be_visible()
            invitation = wait_for_mail(smtp, "president@demo.pressroom.test", "Confirmed: bilateral meeting")
            calendar = next(p for p in invitation.walk() if p.get_content_type() == "text/calendar")
            assert b"METHOD:REQUEST" in calendar.get_payload(decode=True)
            officer.close()
