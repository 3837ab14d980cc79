"""Benchmark: following 500 sources end to end (goal: a second, all-304 poll in <= 5 s, parsing nothing).

Copies of the fixture sites (../shared/fixtures/sites, or tests/follow_sites on a
fresh clone) are served by tests/support/follow_server.py, one port per copy, and one
source per copy is added with no selectors (kind "auto": discovery, robots.txt,
feeds or listing pages, dedupe, alerts). Both polls run the way
`pressroom follow poll` does: due sources claimed, hosts polled in parallel.

The baseline, in the same run: plain GETs of the same 500 documents with
requests and nothing else (no guard, robots.txt, database or parsing), on the
same number of threads. That is the floor a follower cannot beat.

    python bench/follow.py [--sources 500] [--threads 4]

Prints a table, then one JSON object with the figures as its last line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import ipaddress
import json
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402
from sqlalchemy import delete, func, select  # noqa: E402

from comms.following import jobs as follow_jobs  # noqa: E402
from comms.config import load_config  # noqa: E402
from comms.runtime import Runtime  # noqa: E402
from comms.features import load_all_models  # noqa: E402
from feeds.follow import extract  # noqa: E402
from feeds.follow.models import Item, Source, host_key  # noqa: E402
from feeds.follow.reading import charset_of  # noqa: E402
from storage import migrate  # noqa: E402

SHARED_SITES = ROOT.parent / "shared" / "fixtures" / "sites"
OWN_SITES = ROOT / "tests" / "follow_sites"


def build_root(target: Path, sources: int) -> list[tuple[str, dict]]:
    """Copy the fixture sites into ``target`` until there are ``sources`` site copies."""
    originals = SHARED_SITES if SHARED_SITES.exists() else OWN_SITES
    sites = sorted(p for p in originals.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))
    made = []
    for index in range(sources):
        original = sites[index % len(sites)]
        name = f"{original.name}-{index:04d}"
        shutil.copytree(original, target / name, copy_function=shutil.copyfile)
        made.append((name, json.loads((original / "_site.json").read_text("utf-8"))))
    return made


def start_server(root: Path, work: Path) -> tuple[subprocess.Popen, dict]:
    ports = work / "ports.json"
    process = subprocess.Popen([sys.executable, str(ROOT / "tests" / "support" / "follow_server.py"), str(root),
                                "--ports-file", str(ports)], stdout=subprocess.DEVNULL)
    for _ in range(1200):
        if ports.exists():
            return process, json.loads(ports.read_text())
        time.sleep(0.05)
    process.terminate()
    raise SystemExit("the site server did not start")


def poll_all(runtime, threads: int, now: dt.datetime) -> tuple[float, list]:
    follow_jobs.IN_PROCESS_THREADS = threads
    started = time.perf_counter()
    results = follow_jobs.poll_due_now(runtime, now)
    return time.perf_counter() - started, results


def baseline(urls: list[str], threads: int) -> tuple[float, list]:
    """Plain requests GETs of the same documents: the floor. Returns (seconds, responses)."""
    def get(url):
        with requests.Session() as session:
            response = session.get(url, timeout=30)
            return url, response.content, response.headers.get("Content-Type")

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as executor:
        fetched = list(executor.map(get, urls))
    return time.perf_counter() - started, fetched


def parse_rate(fetched: list) -> tuple[float, int]:
    """Documents per second through the extractor alone (one thread, no network or waits)."""
    started = time.perf_counter()
    for url, body, content_type in fetched:
        if extract.looks_like_feed(body, content_type):
            extract.extract_feed(body, url, content_type)
        else:
            extract.extract_listing(body, url, encoding=charset_of(content_type))
    return len(fetched) / (time.perf_counter() - started), len(fetched)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=500)
    parser.add_argument("--threads", type=int, default=follow_jobs.IN_PROCESS_THREADS)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="pressroom-bench-follow-"))
    root = work / "root"
    root.mkdir()
    server = None
    try:
        sites = build_root(root, args.sources)
        server, urls = start_server(root, work)
        config = load_config({"DATABASE_URL": f"sqlite:///{work / 'bench.db'}", "SECRET_KEY": "bench",
                              "PRESSROOM_INSTANCE_PATH": str(work / "instance")},
                             follow_allowed_networks=(ipaddress.ip_network("127.0.0.0/8"),))
        load_all_models()
        runtime = Runtime(config)
        migrate.upgrade(runtime.db.engine)
        with runtime.db.transaction() as session:
            session.execute(delete(Source))  # the seeded real sites: never polled from a benchmark
            for name, meta in sites:
                url = urls[name] + meta["listing"]
                session.add(Source(name=name, url=url, host=host_key(url), language=meta.get("language", "en")))
        now = dt.datetime.now(dt.timezone.utc)
        first_s, first = poll_all(runtime, args.threads, now)
        second_s, second = poll_all(runtime, args.threads, now + dt.timedelta(hours=2))
        with runtime.db.transaction() as session:
            stored = session.scalar(select(func.count(Item.id)))
            documents = [s.feed_url or s.url for s in session.scalars(select(Source))]
        floor_s, fetched = baseline(documents, args.threads)
        parser_rate, _count = parse_rate(fetched)
        runtime.close()
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)

    ok = sum(r.status == "ok" for r in first)
    first_parsed, second_parsed = sum(r.parsed for r in first), sum(r.parsed for r in second)
    not_modified = sum(r.unchanged for r in second)
    second_requests = sum(r.requests for r in second)
    print(f"{'sources (copies of the fixture sites)':<52}{args.sources:>12}")
    print(f"{'threads (hosts polled at once)':<52}{args.threads:>12}")
    print(f"{'first poll: wall time (s)':<52}{first_s:>12.2f}")
    print(f"{'first poll: sources ok / items stored':<52}{ok:>6} / {stored:<5}")
    print(f"{'first poll: documents parsed':<52}{first_parsed:>12}")
    print(f"{'first poll: documents parsed per second (wall)':<52}{first_parsed / first_s:>12.1f}")
    print(f"{'feeds and listing pages parsed per second (parser)':<52}{parser_rate:>12.1f}")
    print(f"{'second poll: wall time (s)':<52}{second_s:>12.2f}{'<= 5':>12}")
    print(f"{'second poll: 304s / requests / documents parsed':<52}{not_modified:>4} / {second_requests} / {second_parsed}")
    print(f"{'  baseline: bare GETs of the same documents (s)':<52}{floor_s:>12.2f}")
    print(f"{'second poll / bare GETs':<52}{second_s / floor_s:>12.2f}")
    print(json.dumps({"sources": args.sources, "threads": args.threads, "first_poll_s": round(first_s, 2),
                      "first_ok_sources": ok, "items_stored": stored, "first_parsed_documents": first_parsed,
                      "parsed_per_s": round(first_parsed / first_s, 1),
                      "parser_pages_per_s": round(parser_rate, 1), "second_poll_s": round(second_s, 2),
                      "second_not_modified": not_modified, "second_requests": second_requests,
                      "second_parsed_documents": second_parsed, "baseline_bare_gets_s": round(floor_s, 2),
                      "ratio_vs_bare_gets": round(second_s / floor_s, 2)}))


if __name__ == "__main__":
    main()
