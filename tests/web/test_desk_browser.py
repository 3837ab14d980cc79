"""The officer's desk in Debian's Chromium against `pressroom serve --demo`: a side event outside
the meeting's dates is refused on the meeting page (POST-redirect-GET: a reload shows the page,
not a 405) with what was typed kept; a contact with long unbroken text stays inside a phone's
width on every contacts page; members are added from a list's own page; contact search finds a
role; a site that cannot be reached reads as words with the technical detail one click away."""

import re

from support.app import base_environ
from support.browser import BROWSER_MARKS, sign_in
from support.live_server import LiveServer
from support.ports import free_port

pytestmark = BROWSER_MARKS
OFFICER = "officer@demo.pressroom.test"
MEETING = "Twenty-Second Meeting of the States Parties"
LONG_NAME = "Wolfeschlegelsteinhausenbergerdorffwelchevoralternwarengewissenhaftschaferswessen"
LONG_OUTLET = "Internationale" + "Nachrichtenagentur" * 6
LONG_EMAIL = "a.very.long.unbroken.address.for.the.geneva.correspondent.desk@" + "newsroom" * 6 + ".example"
SIDEWAYS = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def no_sideways_scroll(page, what: str) -> None:
    overflow = page.evaluate(SIDEWAYS)
    assert overflow <= 0, f"{what} is {overflow}px wider than the phone"


def test_the_officers_desk_at_a_desk_and_on_a_phone(browser, db_url, instance_path, tmp_path):
    from playwright.sync_api import expect

    env = base_environ(db_url, instance_path, PRESSROOM_FOLLOW_ALLOWED_NETWORKS="127.0.0.0/8")
    with LiveServer(env, demo=True) as server:
        for width in (1280, 375):
            context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=width == 375,
                                          has_touch=width == 375)
            page = context.new_page()
            csp_problems = []
            page.on("console", lambda msg: csp_problems.append(msg.text)
                    if "Content Security Policy" in msg.text else None)
            sign_in(page, server.url, OFFICER)

            # --- a meeting's side events: refused outside the dates, the form kept, a reload is no 405 ---
            page.goto(f"{server.url}/staff/meetings")
            page.get_by_role("link", name=MEETING).first.click()
            meeting_url = page.url.split("#")[0]
            page.locator("#side-events summary", has_text="Add a side event").click()
            form = page.locator("#side-events details.add-box form")
            form.get_by_label("Title").fill(f"Reception {width}")
            form.get_by_label("Starts").fill("2031-01-05T18:00")
            form.get_by_label("Ends").fill("2031-01-05T20:00")
            form.get_by_role("button", name="Add side event").click()
            expect(page.locator(".flash-error")).to_contain_text("must fall within the meeting's dates")
            assert page.url.split("#")[0] == meeting_url  # back on the meeting page itself
            expect(page.locator("#side-events details.add-box input[name=title]")).to_have_value(f"Reception {width}")
            expect(page.locator("#side-events details.add-box input[name=starts_at]")).to_have_attribute(
                "aria-invalid", "true")
            response = page.reload()
            assert response.status == 200 and page.url.split("#")[0] == meeting_url
            expect(page.locator(".flash-error")).to_have_count(0)
            if width == 375:
                no_sideways_scroll(page, "the meeting page")
            page.screenshot(path=str(tmp_path / f"meeting-{width}.png"), full_page=True)

            # --- a contact with long unbroken text, found by role ---
            page.goto(f"{server.url}/staff/contacts/new")
            page.get_by_label("Name", exact=True).fill(f"{LONG_NAME} {width}")
            page.get_by_label("Email", exact=True).fill(f"{width}.{LONG_EMAIL}")
            page.get_by_label("Outlet").fill(LONG_OUTLET)
            page.get_by_label("Role").fill(f"Unbrokenroledescription{width}")
            page.get_by_role("button", name=re.compile("^(Add|Save|Create)")).first.click()
            expect(page.get_by_role("heading", name=f"{LONG_NAME} {width}")).to_be_visible()
            contact_url = page.url
            if width == 375:
                no_sideways_scroll(page, "the contact page")
            page.goto(f"{server.url}/staff/contacts?q=unbrokenroledescription{width}")
            expect(page.get_by_role("link", name=f"{LONG_NAME} {width}")).to_be_visible()
            if width == 375:
                no_sideways_scroll(page, "the contacts page")

            # --- adding that contact to a list from the list's own page ---
            page.goto(f"{server.url}/staff/lists")
            page.locator("table a, ul a").filter(has_text=re.compile("media|press|correspondents", re.I)).first.click()
            list_url = page.url
            page.get_by_label("Find contacts").fill(f"unbrokenroledescription{width}")
            page.get_by_role("button", name="Find").click()
            adding = page.locator("form.add-members-form")
            adding.get_by_label(re.compile(f"{LONG_NAME} {width}")).check()
            adding.get_by_role("button", name=re.compile("^Add to ")).click()
            expect(page.locator(".flash-success")).to_contain_text("Added 1 contact to")
            expect(page.get_by_role("link", name=f"{LONG_NAME} {width}")).to_be_visible()
            assert page.url.startswith(list_url.split("?")[0])
            if width == 375:
                no_sideways_scroll(page, "the list page")
                box = page.get_by_role("link", name=f"{LONG_NAME} {width}").bounding_box()
                assert box["x"] + box["width"] <= 375
            page.screenshot(path=str(tmp_path / f"list-{width}.png"), full_page=True)
            page.goto(contact_url)
            expect(page.locator("tr.history-event").first).to_be_visible()

            # --- a site that cannot be reached, in words, the detail one click away ---
            page.goto(f"{server.url}/staff/sources/try")
            page.get_by_label("Address").fill(f"http://127.0.0.1:{free_port()}/news/")
            page.get_by_role("button", name="Try it").click()
            error = page.locator(".try-error")
            expect(error.locator(".error-words")).to_contain_text("The site could not be reached")
            detail = error.locator("details.error-detail")
            expect(detail.locator("code")).not_to_be_visible()
            detail.locator("summary").click()
            expect(detail.locator("code")).to_be_visible()
            expect(detail.locator("code")).to_contain_text("robots.txt could not be read")
            if width == 375:
                no_sideways_scroll(page, "the try page")
            assert csp_problems == []
            context.close()
