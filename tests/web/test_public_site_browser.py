"""The public site in Debian's Chromium (issue 15 section 3): a journalist reads the newsroom in French
on a phone. (That no page of the demo scrolls sideways at 375 px is tests/web/test_no_sideways_scroll.py.)"""

import re

import pytest

from support.app import base_environ
from support.browser import BROWSER_MARKS
from support.live_server import LiveServer
from playwright.sync_api import expect

pytestmark = BROWSER_MARKS

PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def demo_server(db_url, instance_path):
    # LiveServer reads the server's output only at the end: keep access lines out of the pipe.
    with LiveServer(base_environ(db_url, instance_path, PRESSROOM_LOG_LEVEL="WARNING"), demo=True) as server:
        yield server


def test_a_journalist_reads_the_newsroom_in_french(browser, demo_server, tmp_path):
    base = demo_server.url
    context = browser.new_context(locale="en-GB", **PHONE)
    page = context.new_page()
    page.goto(f"{base}/fr/news/")
    expect(page.get_by_role("heading", name="Salle de presse", level=1)).to_be_visible()
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.title().endswith("Anti-Personnel Mine Ban Convention press office")
    # The release with a French version is listed once, in French, with its other languages named in French.
    french = page.locator("article.news-item[lang=fr]")
    assert french.count() == 1
    expect(french.get_by_role("link", name="Anglais")).to_be_visible()
    french.get_by_role("heading").get_by_role("link").click()
    page.wait_for_url(re.compile(r"/fr/news/[^/]+\?lang=fr$"))
    expect(page.get_by_role("link", name="Imprimer ou enregistrer en PDF")).to_be_visible()
    expect(page.get_by_role("navigation", name="Site").get_by_role("link", name="S’abonner")).to_be_visible()
    page.screenshot(path=str(tmp_path / "release-fr.png"), full_page=True)
    page.get_by_role("link", name="Imprimer ou enregistrer en PDF").click()
    assert page.locator("link[rel=stylesheet]").get_attribute("href").endswith("/static/print.css")
    page.go_back()
    page.get_by_role("navigation", name="Langue").get_by_role("link", name="Español").click()
    expect(page.get_by_role("link", name="Imprimir o guardar como PDF")).to_be_visible()
    page.goto(f"{base}/fr/news/?lang=de")
    expect(page.get_by_text("Aucun communiqué n’est encore publié en allemand")).to_be_visible()
    context.close()
