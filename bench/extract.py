"""The generic listing extractor on every fixture site: precision, recall, dates right, and its speed.

Run: .venv/bin/python bench/extract.py
For each listing of the project's own sites (tests/follow_sites) and, when present, the shared
ones (../shared/fixtures/sites, or PRESSROOM_SHARED_FIXTURES): precision, recall and date
accuracy of extract_listing against _expected.json, items matched by URL. Beside them, when
they are installed (they are not dependencies), newspaper4k's and trafilatura's listing output
on the same pages as anchors. Then the extractor's time against a bare BeautifulSoup(html,
"lxml") parse of the same pages, timed alternately in the same run, and on a ~200 KB listing.
Prints a table, then as its last line one JSON object with the figures.
"""

from __future__ import annotations

import json
import os
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
from support.follow_pages import (BASE, OWN_SITES, SHARED_SITES, as_rows, charset_for,  # noqa: E402
                                  expected_rows, listings, page_bytes, site_names)
from support.follow_scoring import Score, score  # noqa: E402
import bench_anchors  # noqa: E402

TARGET_BYTES = 200 * 1024
ROUNDS = 15
PAGE_ROUNDS = 7


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


def cases() -> list[dict]:
    """Every listing of the own and (when present) shared fixture sites, with its bytes and expectations."""
    found = []
    for origin, sites in (("own", OWN_SITES), ("shared", SHARED_SITES)):
        for name in site_names(sites):
            site = sites / name
            for listing, language, items in listings(site):
                found.append({"origin": origin, "site": name, "listing": listing, "language": language,
                              "body": page_bytes(site, listing), "url": BASE + listing,
                              "charset": charset_for(site, listing), "expected": expected_rows(items)})
    return found


def _fmt(value: float | None) -> str:
    return "  -  " if value is None else f"{value:5.2f}"


def main() -> None:
    pages = cases()
    anchors = bench_anchors.available()
    totals, anchor_totals = Score(0, 0, 0, 0, 0), {name: Score(0, 0, 0, 0, 0) for name in anchors}
    failing, extractor_total, bare_total = [], 0.0, 0.0
    header = f"{'site':<22}{'listing':<34}{'exp':>4}{'found':>6}{'P':>7}{'R':>6}{'dates':>7}{'ratio':>7}"
    header += "".join(f"{name[:11] + ' P/R':>16}" for name in anchors)
    print(header)
    for case in pages:
        rows = as_rows(extract_listing(case["body"], case["url"], encoding=case["charset"],
                                       language=case["language"]))
        result = score(rows, case["expected"])
        totals += result
        text = case["body"].decode(case["charset"] or "utf-8", errors="replace")
        mine, bare = timed_pair(lambda: extract_listing(case["body"], case["url"], encoding=case["charset"],
                                                        language=case["language"]),
                                lambda: BeautifulSoup(text, "lxml"), rounds=PAGE_ROUNDS)
        extractor_total, bare_total = extractor_total + mine, bare_total + bare
        line = (f"{case['site'][:21]:<22}{case['listing'][:33]:<34}{result.expected:>4}{result.found:>6}"
                f"{_fmt(result.precision):>7}{_fmt(result.recall):>6}{_fmt(result.date_accuracy):>7}"
                f"{mine / bare:>7.2f}")
        for name, reader in anchors.items():
            other = score(reader(text, case["url"]), case["expected"])
            anchor_totals[name] += other
            line += f"{_fmt(other.precision):>10}/{_fmt(other.recall)}"
        print(line)
        if min(result.precision, result.recall, result.date_accuracy) < 0.9:
            failing.append(f"{case['site']}:{case['listing']}")
    html, count = big_listing()
    big_items = extract_listing(html, BASE + "/category/news/")
    big_mine, big_bare = timed_pair(lambda: extract_listing(html, BASE + "/category/news/"),
                                    lambda: BeautifulSoup(html, "lxml"))
    print()
    for name in bench_anchors.NAMES:
        if name not in anchors:
            print(f"anchor {name}: not installed, skipped (it is not a dependency; pip install {name} to compare)")
    print(f"{'overall':<22}{len(pages)} listings{'':<22}{totals.expected:>4}{totals.found:>6}"
          f"{_fmt(totals.precision):>7}{_fmt(totals.recall):>6}{_fmt(totals.date_accuracy):>7}"
          f"{extractor_total / bare_total:>7.2f}")
    for name, other in anchor_totals.items():
        print(f"anchor {name:<15}P {other.precision:.2f}  R {other.recall:.2f}  dates {other.date_accuracy:.2f}")
    print(f"listings under 0.9 on P, R or dates: {', '.join(failing) or 'none'}")
    print(f"~200 KB listing: {count} items, {len(big_items)} found; extractor {big_mine * 1000:.2f} ms, "
          f"BeautifulSoup(html, 'lxml') {big_bare * 1000:.2f} ms, ratio {big_mine / big_bare:.3f} (goal <= 1.3)")
    print(f"all fixture listings: extractor {extractor_total * 1000:.1f} ms, bare parse {bare_total * 1000:.1f} ms, "
          f"ratio {extractor_total / bare_total:.3f} (goal <= 1.3); load average {os.getloadavg()[0]:.2f}")
    figures = {
        "listings": len(pages), "sites": len({(c["origin"], c["site"]) for c in pages}),
        "precision": round(totals.precision, 4), "recall": round(totals.recall, 4),
        "date_accuracy": round(totals.date_accuracy, 4), "title_accuracy": round(
            totals.titles_right / totals.matched if totals.matched else 0.0, 4),
        "listings_below_0_9": len(failing),
        "fixture_extractor_ms_total": round(extractor_total * 1000, 2),
        "fixture_bare_bs4_lxml_ms_total": round(bare_total * 1000, 2),
        "fixture_ratio_vs_bare": round(extractor_total / bare_total, 3),
        "big_page_kb": round(len(html.encode()) / 1024, 1), "big_page_items_found": len(big_items),
        "big_page_extractor_ms_median": round(big_mine * 1000, 2),
        "big_page_bare_bs4_lxml_ms_median": round(big_bare * 1000, 2),
        "big_page_ratio_vs_bare": round(big_mine / big_bare, 3),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
    for name, other in anchor_totals.items():
        figures[f"anchor_{name}_precision"] = round(other.precision, 4)
        figures[f"anchor_{name}_recall"] = round(other.recall, 4)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
