"""An officer on a phone follows a site that has no usable feed, in Debian's Chromium.

The site is the project's own fixture of a WordPress page written by an editor (each release a
paragraph with a bold link; an introduction and a closing paragraph with the same markup). The
officer tries its address at 375 px, reads why the introduction and the accreditation notice were
dropped, adds the source, polls it and finds the releases, with their dates, among the items.
"""

import json
import re
from pathlib import Path

from playwright.sync_api import expect

from support.app import base_environ
from support.browser import BROWSER_MARKS, sign_in
from support.follow_server import SiteServers
from support.live_server import LiveServer

pytestmark = BROWSER_MARKS

SITE = Path(__file__).resolve().parents[1] / "follow_sites" / "wp_richtext_en"
PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True}


def test_an_officer_on_a_phone_tries_a_rich_text_listing_reads_why_and_follows_it(browser, db_url, instance_path,
                                                                                  tmp_path):
    root = tmp_path / "sites"
    root.mkdir()
    (root / SITE.name).symlink_to(SITE, target_is_directory=True)
    expected = json.loads((SITE / "_expected.json").read_text("utf-8"))["items"]
    listing = json.loads((SITE / "_site.json").read_text("utf-8"))["listing"]
    with SiteServers(root) as servers:
        address = servers.urls[SITE.name] + listing
        env = base_environ(db_url, instance_path, PRESSROOM_FOLLOW_ALLOWED_NETWORKS="127.0.0.0/8")
        with LiveServer(env, demo=True) as server:
            context = browser.new_context(**PHONE)
            page = context.new_page()
            sign_in(page, server.url, "officer@demo.pressroom.test")

            page.goto(f"{server.url}/staff/sources/try")
            page.get_by_label("Address").fill(address)
            page.get_by_role("button", name="Try it").click()
            # The site's linked feed carries blog posts, none of them on this page: the page itself is read.
            expect(page.locator(".found-count")).to_have_text(str(len(expected)))
            for item in expected:
                expect(page.locator(".try-items tr", has_text=item["title"])).to_contain_text(item["published"])

            page.get_by_text("Why these items").click()
            blocks = page.locator(".try-blocks-table")
            expect(blocks).to_be_visible()
            intro = blocks.locator("tr", has_text="press release archive")
            closing = blocks.locator("tr", has_text="Media accreditation for the Twenty-Second Meeting")
            expect(intro.locator("td").nth(1)).to_have_text("Dropped")
            expect(closing.locator("td").nth(1)).to_have_text("Dropped")
            expect(intro.locator("td").nth(2)).to_contain_text("which the other blocks share")
            kept = blocks.locator("tr.block-kept", has_text=expected[0]["title"])
            expect(kept.locator("td").nth(2)).to_contain_text("title first")
            assert page.evaluate("document.documentElement.scrollWidth") <= 375

            form = page.locator("form.add-from-try")
            form.get_by_label("Name").fill("ISU press releases")
            form.get_by_role("button", name="Add this source").click()
            expect(page.get_by_role("heading", name="ISU press releases", exact=True)).to_be_visible()
            page.get_by_role("button", name="Poll now").click()
            # The worker inside `serve` may have polled the new source first: then nothing is new.
            expect(page.locator(".flash-success")).to_contain_text(re.compile(rf"Polled: ({len(expected)}|0) new"))
            recent = page.locator("#recent")
            for item in expected[:3]:
                expect(recent.locator("li.item", has_text=item["title"])).to_contain_text(item["published"])
            expect(recent).not_to_contain_text("Media accreditation")
            assert page.evaluate("document.documentElement.scrollWidth") <= 375
            context.close()
