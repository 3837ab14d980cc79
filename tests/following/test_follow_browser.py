"""Following a site from the staff side, in Debian's Chromium against a real server: an
officer tries a URL (served by a real local HTTP server), sees the discovered feed and its
items, adds it as a source, polls it, and finds it on the sources page with its chart."""

import datetime as dt
import email.utils
import re


from support.app import base_environ
from support.browser import BROWSER_MARKS
from support.follow_samples import RSS, site
from support.live_server import LiveServer

pytestmark = BROWSER_MARKS

LISTING = """<!doctype html><html><head><title>Partner</title>
<link rel="alternate" type="application/rss+xml" title="News" href="/feed.xml"></head>
<body><h1>News</h1></body></html>"""


def test_try_a_url_then_add_and_poll_the_source(browser, db_url, instance_path):
    from playwright.sync_api import expect

    # Dated this week and last, so the sources page's chart of recent weeks has bars.
    now = dt.datetime.now(dt.timezone.utc)
    feed = (RSS.replace("Tue, 03 Mar 2026 09:00:00 +0000", email.utils.format_datetime(now - dt.timedelta(hours=1)))
            .replace("Mon, 02 Mar 2026 09:00:00 +0000", email.utils.format_datetime(now - dt.timedelta(days=8))))
    pages = {"/news/": ("text/html; charset=utf-8", LISTING), "/feed.xml": ("application/rss+xml", feed)}
    with site(pages) as base:
        env = base_environ(db_url, instance_path, PRESSROOM_FOLLOW_ALLOWED_NETWORKS="127.0.0.0/8")
        with LiveServer(env, demo=True) as server:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            csp_problems = []
            page.on("console", lambda msg: csp_problems.append(msg.text)
                    if "Content Security Policy" in msg.text else None)
            page.goto(f"{server.url}/login")
            page.get_by_label("Email").fill("officer@demo.pressroom.test")
            page.get_by_label("Password").fill("pressroom-demo")
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_url(re.compile(r".*/staff/?$"))

            page.get_by_role("link", name="Following", exact=True).click()
            expect(page.get_by_role("heading", name="Followed sources")).to_be_visible()
            page.get_by_role("link", name="Try a URL").click()
            page.get_by_label("Address").fill(f"{base}/news/")
            page.get_by_role("button", name="Try it").click()
            expect(page.locator(".discovery")).to_contain_text(f"{base}/feed.xml")
            expect(page.locator(".discovery")).to_contain_text("discovered from the page")
            expect(page.locator(".try-items")).to_contain_text("States agree on Article 5 extension requests")
            expect(page.locator(".try-items")).to_contain_text("La Convention d’Ottawa a 25 ans")
            expect(page.locator(".found-count")).to_have_text("2")

            form = page.locator("form.add-from-try")
            form.get_by_label("Name").fill("Partner news")
            form.get_by_role("button", name="Add this source").click()
            expect(page.get_by_role("heading", name="Partner news", exact=True)).to_be_visible()
            page.get_by_role("button", name="Poll now").click()
            # The worker inside `serve` may have polled the new source first: then nothing is new.
            expect(page.locator(".flash-success")).to_contain_text(re.compile(r"Polled: [02] new"))
            expect(page.locator("#recent")).to_contain_text("La Convention d’Ottawa a 25 ans")

            page.get_by_role("link", name="Sources", exact=True).first.click()
            expect(page.get_by_role("heading", name="Followed sources")).to_be_visible()
            row = page.locator("tr", has_text="Partner news")
            expect(row.locator(".source-ok")).to_be_visible()
            expect(row.locator("svg.sparkline")).to_be_visible()
            expect(page.locator("svg.week-chart")).to_be_visible()
            expect(page.locator("svg.week-chart rect.week-bar")).not_to_have_count(0)

            page.get_by_role("link", name="Items", exact=True).click()
            page.get_by_label("Flagged only").check()
            page.get_by_role("button", name="Filter").click()
            # The demo's suggested watchlists flag both: one in English, one in French.
            expect(page.locator(".items .item.flagged")).to_have_count(2)
            expect(page.locator(".items")).to_contain_text("Article 5 extension requests: Article 5 extension")
            expect(page.locator(".items")).to_contain_text("Ottawa Convention: Convention d’Ottawa")
            assert csp_problems == []
            context.close()
