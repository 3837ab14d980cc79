"""Generic listing extractor speed: a ~200 KB listing against a bare BeautifulSoup(html, "lxml") parse.

Run: .venv/bin/python bench/extract.py
Prints a table, then as its last line one JSON object with the figures.
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import time
from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from feeds.follow.extract import extract_listing  # noqa: E402
from follow_pages import charset_for, listings, page_bytes, site_names  # noqa: E402

BASE = "http://127.0.0.1:8000"
OWN_SITES = ROOT / "tests" / "follow_sites"
SHARED_SITES = ROOT.parent / "shared" / "fixtures" / "sites"
TARGET_BYTES = 200 * 1024
ROUNDS = 15


def big_listing() -> tuple[str, int]:
    """The WordPress block-theme fixture with its post blocks repeated (unique URLs) up to ~200 KB."""
    page = (OWN_SITES / "wpblock" / "category" / "news" / "index.html").read_text().replace("{{BASE}}", BASE)
    blocks = re.findall(r'<li class="wp-block-post .*?\n</li>', page, re.S)
    start, end = page.index(blocks[0]), page.index(blocks[-1]) + len(blocks[-1])
    made, size, n = [], len(page), 0
    while size < TARGET_BYTES:
        block = blocks[n % len(blocks)].replace('/">', f'-{n}/">').replace('/" target', f'-{n}/" target')
        made.append(block)
        size += len(block)
        n += 1
    return page[:start] + "\n".join(made) + page[end:], n


def timed_pair(first, second, rounds: int = ROUNDS) -> tuple[float, float]:
    """Median seconds of each function, run alternately so that machine load hits both alike."""
    samples: tuple[list, list] = ([], [])
    for _ in range(rounds):
        for function, bucket in ((first, samples[0]), (second, samples[1])):
            began = time.perf_counter()
            function()
            bucket.append(time.perf_counter() - began)
    return statistics.median(samples[0]), statistics.median(samples[1])


def listing_files() -> list[tuple[bytes, str, str | None]]:
    """(bytes, URL, charset) of every listing in the _expected.json of the project's fixture sites and,
    when present, the shared ones."""
    pages = []
    for sites in (OWN_SITES, SHARED_SITES):
        for name in site_names(sites):
            site = sites / name
            for listing, _, _ in listings(site):
                pages.append((page_bytes(site, listing), BASE + listing, charset_for(site, listing)))
    return pages


def main() -> None:
    html, count = big_listing()
    items = extract_listing(html, BASE + "/category/news/")
    extractor, bare = timed_pair(lambda: extract_listing(html, BASE + "/category/news/"),
                                 lambda: BeautifulSoup(html, "lxml"))
    pages = listing_files()
    began = time.perf_counter()
    for body, url, charset in pages:
        extract_listing(body, url, encoding=charset)
    elapsed = time.perf_counter() - began
    figures = {
        "page_kb": round(len(html.encode()) / 1024, 1),
        "items_found": len(items),
        "items_in_page": count,
        "extractor_ms_median": round(extractor * 1000, 2),
        "bare_bs4_lxml_ms_median": round(bare * 1000, 2),
        "ratio_vs_bare": round(extractor / bare, 3),
        "fixture_pages": len(pages),
        "listing_pages_per_second": round(len(pages) / elapsed, 1),
    }
    print(f"{'listing page':<34}{figures['page_kb']} KB, {count} items, {len(items)} found")
    print(f"{'generic extractor (median)':<34}{figures['extractor_ms_median']} ms")
    print(f"{'BeautifulSoup(html, lxml) (median)':<34}{figures['bare_bs4_lxml_ms_median']} ms")
    print(f"{'ratio extractor / bare parse':<34}{figures['ratio_vs_bare']}  (goal <= 1.3)")
    print(f"{'fixture listings (all sites)':<34}{len(pages)} pages, {figures['listing_pages_per_second']} pages/s")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
