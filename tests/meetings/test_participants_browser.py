"""A delegate registers on a phone, confirms from the real email, an officer approves, the delegate is told
by email, and the issued list of participants shows them: in Debian's Chromium against a real server
sending through a real SMTP server. A French delegate does the same on the French site and reads every
email in French, the outcome too although the officer approves from the English staff page."""

import re
import time
from email.header import decode_header, make_header

import requests
from playwright.sync_api import expect

from comms.documents import extract

from support.app import base_environ
from support.browser import BROWSER_MARKS, sign_in
from support.live_server import LiveServer
from support.smtp_server import SMTPServer

pytestmark = BROWSER_MARKS
PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}


def wait_for_mail(smtp, to, count, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = [r.message for r in smtp.received if to in r.rcpt_tos]
        if len(found) >= count:
            return found[count - 1]
        time.sleep(0.1)
    raise AssertionError(f"expected {count} messages to {to}, got {len(smtp.received)} in all")


def text_part(message):
    return next(p for p in message.walk() if p.get_content_type() == "text/plain").get_payload(decode=True).decode()


def no_sideways_scroll(page):
    # After a click the new page may not have its stylesheet yet: measure the page as laid out.
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_a_delegate_registers_is_approved_and_appears_in_the_list(browser, db_url, instance_path, tmp_path):
    address = "fatou.sarr@diplomatie-sn.example"
    with SMTPServer() as smtp:
        env = base_environ(db_url, instance_path, SMTP_URL=smtp.url)
        with LiveServer(env, demo=True) as server:
            phone = browser.new_context(**PHONE)
            delegate = phone.new_page()
            delegate.goto(f"{server.url}/meetings/")
            delegate.get_by_role("link", name="Twenty-Second Meeting of the States Parties").first.click()
            delegate.get_by_role("link", name="Register as a member of a delegation").click()
            meeting_url = delegate.url.rsplit("/register", 1)[0]
            no_sideways_scroll(delegate)
            delegate.get_by_label("Delegation", exact=True).select_option(label="Senegal")
            delegate.get_by_label("Your name").fill("Fatou Sarr")
            delegate.get_by_label("Title or position").fill("Première conseillère")
            delegate.get_by_label("Email", exact=True).fill(address)
            delegate.get_by_label("Function in the delegation").select_option("alternate")
            delegate.get_by_label("I agree to appear in the published list").check()
            delegate.get_by_label("I agree that the").check()
            delegate.get_by_role("button", name="Register").click()
            expect(delegate.get_by_role("heading", name="Check your email")).to_be_visible()
            no_sideways_scroll(delegate)

            confirm_url = re.search(r"http://\S+/meetings/register/confirm/\S+",
                                    text_part(wait_for_mail(smtp, address, 1))).group(0)
            delegate.goto(confirm_url)
            delegate.get_by_role("button", name="Confirm my registration").click()
            expect(delegate.get_by_text("your address is confirmed")).to_be_visible()
            no_sideways_scroll(delegate)

            desk = browser.new_context()
            officer = desk.new_page()
            sign_in(officer, server.url, "officer@demo.pressroom.test")
            officer.goto(meeting_url.replace("/meetings/", "/staff/meetings/"))
            officer.get_by_role("link", name="Participants").click()
            officer.get_by_label("Tick Fatou Sarr").check()
            officer.get_by_role("button", name="Approve ticked").click()
            expect(officer.get_by_text("Approved: 1 participant")).to_be_visible()
            officer.screenshot(path=str(tmp_path / "participants.png"), full_page=True)

            outcome = wait_for_mail(smtp, address, 2)
            assert outcome["Subject"] == "Your registration is approved"
            assert "Alternate of the delegation of Senegal" in " ".join(text_part(outcome).split())

            officer.get_by_role("button", name="Issue the list of participants").click()
            notice = officer.get_by_text(re.compile(r"Issued APLC/MSP\.22/2026/INF\.\d+, naming \d+ participants"))
            expect(notice).to_be_visible()
            symbol = re.search(r"APLC/MSP\.22/2026/INF\.\d+", notice.inner_text()).group(0)

            delegate.goto(f"{meeting_url}/list-of-participants")
            expect(delegate.get_by_text("Fatou Sarr")).to_be_visible()
            expect(delegate.get_by_role("heading", name="Senegal")).to_be_visible()
            no_sideways_scroll(delegate)
            pdf = requests.get(f"{server.url}/documents/{symbol}/en", timeout=30)
            assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
            assert "Fatou Sarr" in " ".join(extract.extract_here(pdf.content, "application/pdf").text.split())
            phone.close()
            desk.close()


def subject_of(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def test_a_french_delegate_reads_french_emails_and_follows_their_link_on_a_phone(browser, db_url, instance_path,
                                                                                 tmp_path):
    address = "aminata.ba@diplomatie-sn.example"
    with SMTPServer() as smtp:
        env = base_environ(db_url, instance_path, SMTP_URL=smtp.url)
        with LiveServer(env, demo=True) as server:
            phone = browser.new_context(**PHONE)
            delegate = phone.new_page()
            delegate.goto(f"{server.url}/fr/meetings/")
            delegate.get_by_role("link", name="Twenty-Second Meeting of the States Parties").first.click()
            delegate.get_by_role("link", name="S’inscrire comme membre d’une délégation").click()
            assert "/fr/meetings/" in delegate.url
            meeting_path = delegate.url.split(server.url, 1)[1].rsplit("/register", 1)[0][len("/fr"):]
            no_sideways_scroll(delegate)
            delegate.get_by_label("Délégation", exact=True).select_option(label="Senegal")
            delegate.get_by_label("Votre nom").fill("Aminata Ba")
            delegate.get_by_label("Titre ou poste").fill("Conseillère juridique")
            delegate.get_by_label("Courriel", exact=True).fill(address)
            delegate.get_by_label("Fonction dans la délégation").select_option("alternate")
            delegate.get_by_label("J’accepte que le").check()
            delegate.get_by_role("button", name="S’inscrire").click()
            expect(delegate.get_by_role("heading", name="Consultez votre messagerie")).to_be_visible()

            confirmation = wait_for_mail(smtp, address, 1)
            assert subject_of(confirmation) == "Veuillez confirmer votre inscription"
            text = text_part(confirmation)
            assert text.startswith("Bonjour Aminata Ba,") and "Délégation\u00a0: Senegal" in text
            confirm_url = re.search(r"http://\S+/fr/meetings/register/confirm/\S+", text).group(0)
            delegate.goto(confirm_url)
            no_sideways_scroll(delegate)
            delegate.get_by_role("button", name="Confirmer mon inscription").click()
            expect(delegate.get_by_text("votre adresse est confirmée")).to_be_visible()
            no_sideways_scroll(delegate)
            delegate.screenshot(path=str(tmp_path / "confirmed-fr.png"), full_page=True)

            desk = browser.new_context(locale="en-GB")
            officer = desk.new_page()
            sign_in(officer, server.url, "officer@demo.pressroom.test")
            officer.goto(f"{server.url}/staff{meeting_path}")
            officer.get_by_role("link", name="Participants").click()
            officer.get_by_label("Tick Aminata Ba").check()
            officer.get_by_role("button", name="Approve ticked").click()
            expect(officer.get_by_text("Approved: 1 participant")).to_be_visible()

            outcome = wait_for_mail(smtp, address, 2)
            assert subject_of(outcome) == "Votre inscription a été approuvée"
            text = text_part(outcome)
            assert "Nous avons le plaisir de vous informer que votre inscription a été approuvée." in text
            assert "Fonction\u00a0: Suppléant" in text and "Head of delegation" not in text
            assert re.search(r"Dates\u00a0: (du )?\d+(er)? [a-zéû]+ \d{4}", text), text
            phone.close()
            desk.close()
