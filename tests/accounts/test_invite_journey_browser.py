"""The admin's journey (issue 15 section 5), in Debian's Chromium against `pressroom serve` sending
through a real SMTP server (aiosmtpd): starting from an empty database with one admin, the admin adds a
person (a viewer by default) and invites them; the invitation arrives; the new viewer, on a 375 px phone,
chooses a password through the link, signs in and lands on their dashboard; the reused link is refused
with a page that says so."""

import re
import subprocess
import time
from email.header import decode_header, make_header

from support.app import base_environ
from support.browser import BROWSER_MARKS
from support.live_server import PRESSROOM, LiveServer
from support.smtp_server import SMTPServer

pytestmark = BROWSER_MARKS
PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}
ADMIN, ADMIN_PASSWORD = "admin@isu.example", "admin-passphrase-1"
VIEWER, VIEWER_NAME = "zoe@isu.example", "Zoë Ødegaard-Ñandú 王"
OFFICE = "Anti-Personnel Mine Ban Convention press office"


def text_part(message) -> str:
    return next(p for p in message.walk() if p.get_content_type() == "text/plain").get_payload(decode=True).decode()


def mail_to(smtp, address, timeout=60):
    """The first message to ``address``, waiting for the worker to send it (not a timed assertion)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for item in list(smtp.received):
            if address in item.rcpt_tos:
                return item.message
        time.sleep(0.1)
    raise AssertionError(f"nothing reached {address}; got {[r.rcpt_tos for r in smtp.received]}")


def fits_the_phone(page) -> bool:
    return page.evaluate("document.scrollingElement.scrollWidth <= document.scrollingElement.clientWidth")


def test_an_admin_invites_a_viewer_who_sets_a_password_on_a_phone_and_signs_in(browser, db_url, instance_path,
                                                                              tmp_path):
    from playwright.sync_api import expect

    with SMTPServer() as smtp:
        env = base_environ(db_url, instance_path, SMTP_URL=smtp.url, PRESSROOM_MAIL_FROM="press@isu.example")
        with LiveServer(env) as server:
            # From nothing: one admin, made on the command line.
            subprocess.run([PRESSROOM, "users", "create", ADMIN, "--role", "admin", "--name", "Ada Admin",
                            "--password-stdin"], input=ADMIN_PASSWORD + "\n", env=server.env, check=True,
                           capture_output=True, text=True)

            desk = browser.new_context(viewport={"width": 1280, "height": 900})
            admin = desk.new_page()
            admin.goto(f"{server.url}/login")
            admin.get_by_label("Email").fill(ADMIN)
            admin.get_by_label("Password").fill(ADMIN_PASSWORD)
            admin.get_by_role("button", name="Sign in").click()
            admin.wait_for_url(f"{server.url}/staff/")
            admin.get_by_role("navigation", name="Main").get_by_role("link", name="People").click()
            form = admin.locator("section", has=admin.get_by_role("heading", name="Add a person"))
            expect(form.get_by_label("Role")).to_have_value("viewer")  # the least privileged role
            expect(form.get_by_label("Email an invitation")).to_be_checked()
            assert form.locator("input[type=password]").count() == 0
            form.get_by_label("Name").fill(VIEWER_NAME)
            form.get_by_label("Email", exact=True).fill(VIEWER)
            form.get_by_role("button", name="Add person").click()
            expect(admin.get_by_text(f"an invitation to choose a password is on its way to {VIEWER}")).to_be_visible()
            expect(admin.get_by_role("heading", name=VIEWER_NAME)).to_be_visible()
            admin.screenshot(path=str(tmp_path / "person-added.png"), full_page=True)

            invitation = mail_to(smtp, VIEWER)
            assert str(make_header(decode_header(invitation["Subject"]))) == f"You are invited to the {OFFICE}"
            assert OFFICE in str(make_header(decode_header(invitation["From"])))
            text = text_part(invitation)
            assert "Ada Admin has invited you" in text and "as viewer" in text
            link = re.search(rf"{re.escape(server.url)}/password/[A-Za-z0-9_-]+", text).group(0)

            # The admin sees the outstanding invitation among every token and link.
            admin.goto(f"{server.url}/staff/access")
            expect(admin.get_by_role("row", name=re.compile(VIEWER_NAME))).to_contain_text("Invitation")
            desk.close()

            # The viewer, on a phone.
            phone = browser.new_context(**PHONE)
            page = phone.new_page()
            page.goto(link)
            expect(page.get_by_role("heading", name="Welcome")).to_be_visible()
            assert fits_the_phone(page)
            page.get_by_label("New password").fill("short")
            page.get_by_label("The same password again").fill("short")
            page.get_by_role("button", name="Save my password").click()
            expect(page.get_by_label("New password")).to_have_attribute("aria-invalid", "true")
            assert fits_the_phone(page)
            page.get_by_label("New password").fill("zoë’s own passphrase")
            page.get_by_label("The same password again").fill("zoë’s own passphrase")
            page.screenshot(path=str(tmp_path / "set-password-phone.png"), full_page=True)
            page.get_by_role("button", name="Save my password").click()
            expect(page.get_by_text("Your password is set. Sign in with it now.")).to_be_visible()
            expect(page.get_by_label("Email")).to_have_value(VIEWER)
            assert fits_the_phone(page)
            page.get_by_label("Password").fill("zoë’s own passphrase")
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(f"{server.url}/staff/")
            expect(page.get_by_role("heading", name=f"Good day, {VIEWER_NAME}")).to_be_visible()
            expect(page.locator(".who")).to_contain_text("viewer")
            assert fits_the_phone(page)
            page.screenshot(path=str(tmp_path / "viewer-dashboard-phone.png"), full_page=True)

            # The same link again: refused with a page that says why and where to go.
            response = page.goto(link)
            assert response.status == 410
            expect(page.get_by_role("heading", name="This link has already been used")).to_be_visible()
            expect(page.get_by_role("link", name="Ask for a new link")).to_be_visible()
            assert fits_the_phone(page)
            phone.close()
