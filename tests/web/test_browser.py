"""The pages people use, in Debian's Chromium driven by Playwright."""


import pytest


from support.app import base_environ
from support.browser import BROWSER_MARKS
from support.live_server import LiveServer
from playwright.sync_api import expect

pytestmark = BROWSER_MARKS


@pytest.fixture
def demo_server(db_url, instance_path):
    with LiveServer(base_environ(db_url, instance_path), demo=True) as server:
        yield server


def _collect_csp_violations(page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None)
    return problems


def test_officer_signs_in_and_sees_the_dashboard(browser, demo_server, tmp_path):
    context = browser.new_context()
    page = context.new_page()
    csp_problems = _collect_csp_violations(page)
    page.goto(f"{demo_server.url}/staff/")
    assert page.url.startswith(f"{demo_server.url}/login")
    page.get_by_label("Email").fill("officer@demo.pressroom.test")
    page.get_by_label("Password").fill("pressroom-demo")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{demo_server.url}/staff/")
    expect(page.get_by_role("heading", name="Upcoming meetings")).to_be_visible()
    expect(page.get_by_text("Twenty-Second Meeting of the States Parties")).to_be_visible()
    expect(page.get_by_text("Claire Dubois · officer")).to_be_visible()
    page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{demo_server.url}/login")
    expect(page.get_by_text("You are signed out.")).to_be_visible()
    assert csp_problems == []
    context.close()


def test_wrong_password_shows_a_message(browser, demo_server):
    page = browser.new_page()
    page.goto(f"{demo_server.url}/login")
    page.get_by_label("Email").fill("officer@demo.pressroom.test")
    page.get_by_label("Password").fill("wrong-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("do not match an active account")).to_be_visible()
    page.close()


def test_dashboard_fits_a_phone(browser, demo_server, tmp_path):
    context = browser.new_context(viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(f"{demo_server.url}/login")
    page.get_by_label("Email").fill("president@demo.pressroom.test")
    page.get_by_label("Password").fill("pressroom-demo")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{demo_server.url}/staff/")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"page is {overflow}px wider than the phone"
    expect(page.get_by_text("Twenty-Second Meeting of the States Parties")).to_be_visible()
    page.screenshot(path=str(tmp_path / "phone.png"), full_page=True)
    context.close()
