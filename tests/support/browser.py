"""Debian's Chromium through Playwright, for the pages people use."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

# Pages people use are tested in Debian's Chromium (apt-get install chromium);
# Playwright's own browser downloads cannot work here.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
EXPECT_TIMEOUT_MS = 20_000
BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (apt-get install chromium)"),
]


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run."""
    from playwright.sync_api import expect, sync_playwright

    # CI runs six shards on two cores: a page that answers in 50 ms here can take
    # several seconds there, so the waiting assertions wait longer than the default 5 s.
    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


def sign_in(page, url: str, email: str) -> None:
    """Sign a demo user (password ``pressroom-demo``) in through the login form."""
    page.goto(f"{url}/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("pressroom-demo")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r".*/staff/?$"))
