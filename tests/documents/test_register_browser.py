"""An officer registers a report, uploads its EN and FR files and issues it; a journalist finds it on
/documents/ by a word found only inside the French PDF. Debian's Chromium against ``pressroom serve --demo``."""

import re

from support.app import base_environ
from support.browser import BROWSER_MARKS
from support.live_server import LiveServer
from support.register_samples import make_pdf
from playwright.sync_api import expect

pytestmark = BROWSER_MARKS
MEETING = "Twenty-Second Meeting of the States Parties"


def test_officer_issues_a_report_and_a_journalist_finds_it_by_a_french_word(browser, db_url, instance_path, tmp_path):
    english = tmp_path / "report-en.pdf"
    english.write_bytes(make_pdf("Mine action in the Andes: clearance of the northern border."))
    french = tmp_path / "rapport-fr.pdf"
    french.write_bytes(make_pdf("Action contre les mines dans les Andes : les équipes de Huancavélica ont terminé."))
    with LiveServer(base_environ(db_url, instance_path), demo=True) as server:
        officer = browser.new_context(viewport={"width": 1280, "height": 900})
        page = officer.new_page()
        page.goto(f"{server.url}/login")
        page.get_by_label("Email").fill("officer@demo.pressroom.test")
        page.get_by_label("Password").fill("pressroom-demo")
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{server.url}/staff/")
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Meetings").click()
        page.get_by_role("link", name=MEETING).click()
        page.get_by_role("link", name="Document register").click()
        expect(page.get_by_role("heading", name=re.compile("Document register"))).to_be_visible()

        form = page.locator("#new-document")
        form.get_by_label("Kind").select_option("report")
        form.get_by_label("Title (EN)").fill("Report on mine action in the Andes")
        form.get_by_label("Title (FR)").fill("Rapport sur l'action contre les mines dans les Andes")
        form.get_by_role("button", name="Register").click()
        heading = page.get_by_role("heading", level=1).inner_text()
        symbol = re.search(r"APLC/MSP\.22/2026/\d+", heading).group(0)

        upload = page.locator("#upload-file")
        upload.get_by_label("Language").select_option("en")
        upload.get_by_label("File").set_input_files(str(english))
        upload.get_by_role("button", name="Upload").click()
        expect(page.get_by_text("File uploaded.")).to_be_visible()
        upload = page.locator("#upload-file")
        upload.get_by_label("Language").select_option("fr")
        upload.get_by_label("File").set_input_files(str(french))
        upload.get_by_role("button", name="Upload").click()
        expect(page.get_by_text("FR · rapport-fr.pdf")).to_be_visible()
        page.get_by_role("button", name="Issue").click()
        assert page.locator("#status").inner_text() == "issued"
        officer.close()

        journalist = browser.new_context(viewport={"width": 412, "height": 900})
        page = journalist.new_page()
        page.goto(f"{server.url}/documents/")
        page.get_by_label("Search titles, symbols and the text of the documents").fill("huancavelica")
        page.get_by_role("button", name="Search").click()
        hit = page.locator(".register-hit")
        assert hit.count() == 1
        expect(hit.get_by_role("link", name=symbol)).to_be_visible()
        assert hit.locator("mark").first.inner_text() == "Huancavélica"
        hit.get_by_role("link", name=symbol).click()
        assert symbol in page.get_by_role("heading", level=1).inner_text()
        with page.expect_download() as download:
            page.get_by_role("link", name="FR", exact=True).click()
        assert download.value.suggested_filename == f"{symbol.replace('/', '-')}-FR.pdf"
        journalist.close()
