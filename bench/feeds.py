"""Benchmark: building feeds, and serving a cached feed under gunicorn (target: >= 80 % of a bare endpoint).

1. Build time of feeds.build for 50, 500 and 5,000 entries in each format (RSS,
   Atom, JSON Feed), from FeedItems shaped like real releases; and the cost of a
   cache miss in the app (50 releases read from SQLite, articles rendered).
2. Serving: Pressroom under gunicorn on 127.0.0.1 (2 workers, gthread, keep-alive)
   with 50 published releases, against a bare Flask app returning the same bytes
   under the same gunicorn settings (the baseline). A Python load generator (2
   processes x 8 threads = 16 keep-alive connections, http.client) runs for 10 s
   per case: plain GETs (200) and conditional GETs (If-None-Match: 304).

    python bench/feeds.py [--seconds 10] [--connections 16]

Prints a table, then one JSON object with the figures as its last line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from comms.accounts import users as auth  # noqa: E402
from comms.syndication import cache as feed_cache
from comms.releases import workflow  # noqa: E402
from comms.config import load_config  # noqa: E402
from comms.syndication.items import FeedSite  # noqa: E402
from comms.runtime import Runtime  # noqa: E402
from support.ports import free_port  # noqa: E402  (tests/support)
from feeds.build import FORMATS, Enclosure, FeedInfo, FeedItem, build_feed  # noqa: E402
from loadgen import throughput  # noqa: E402  (bench/loadgen.py, beside this file)
from storage import migrate  # noqa: E402

BODY = "\n\n".join(["The States Parties reviewed **progress** in mine clearance, victim assistance and "
                    "stockpile destruction, and heard from survivors. [Read more](https://example.org/more)."] * 5)
HTML = "".join(f"<p>Paragraph {n}: the States Parties reviewed <strong>progress</strong> in mine clearance, "
               f"victim assistance and stockpile destruction.</p>" for n in range(6))
BARE_APP = '''
import hashlib, os
from flask import Flask, Response, request
BODY = open(os.environ["BARE_FEED_FILE"], "rb").read()
ETAG = hashlib.sha256(BODY).hexdigest()[:40]
def create():
    app = Flask("bare")
    @app.route("/feeds/releases.atom")
    def feed():
        response = Response(BODY, content_type="application/atom+xml; charset=utf-8")
        response.set_etag(ETAG)
        return response.make_conditional(request)
    return app
'''


# --- 1. build times --------------------------------------------------------------------------------------------------

def synthetic(count: int) -> tuple[FeedInfo, list[FeedItem]]:
    start = dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)
    info = FeedInfo(id="tag:press.example.org,2026:feeds/releases", title="Press releases",
                    home_url="https://press.example.org/news/",
                    self_urls={fmt: f"https://press.example.org/feeds/releases.{fmt}" for fmt in FORMATS},
                    empty_updated=start, subtitle="Press releases from the office", author_name="Press office",
                    icon_url="https://press.example.org/static/feeds/icon.png",
                    logo_url="https://press.example.org/static/feeds/logo.png")
    items = [FeedItem(id=f"tag:press.example.org,2026:release/{n}", url=f"https://press.example.org/news/r-{n}?lang=en",
                      title=f"States Parties meet in Geneva, release {n}", published=start + dt.timedelta(hours=n),
                      summary="The Twenty-Second Meeting of the States Parties opens today.", content_html=HTML,
                      author_name="Press office", categories=("meetings", "mine-clearance"), language="en",
                      enclosures=(Enclosure(f"https://press.example.org/news/r-{n}/files/pdf/r.pdf?lang=en", 123456,
                                            "application/pdf"),)) for n in range(count, 0, -1)]
    return info, items


def build_times() -> dict[str, float]:
    figures = {}
    for count in (50, 500, 5000):
        info, items = synthetic(count)
        for fmt in FORMATS:
            runs = 5 if count < 5000 else 2
            samples = []
            for _ in range(runs):
                started = time.perf_counter()
                build_feed(fmt, info, items)
                samples.append((time.perf_counter() - started) * 1000)
            figures[f"build_{fmt}_{count}_ms"] = round(statistics.median(samples), 2)
    return figures


# --- 2. serving ------------------------------------------------------------------------------------------------------

def seed(folder: Path, count: int) -> dict[str, str]:
    env = {"PRESSROOM_INSTANCE_PATH": str(folder), "SECRET_KEY": "bench", "PRESSROOM_ENV": "testing",
           "DATABASE_URL": f"sqlite:///{folder / 'pressroom.db'}", "PRESSROOM_LOG_LEVEL": "WARNING"}
    runtime = Runtime(load_config(env))
    migrate.upgrade(runtime.db.engine)
    with runtime.db.transaction() as session:
        officer = auth.create_user(session, "officer@example.org", "officer", name="Officer")
        approver = auth.create_user(session, "approver@example.org", "approver", name="Approver")
        for number in range(count):
            release = workflow.create_release(session, {"headline": f"States Parties meet, release {number}",
                                                        "body_markdown": BODY, "topics": ["meetings"]}, officer)
            [(request, _token)] = workflow.submit(session, "bench", release, [approver], officer)
            workflow.decide(session, release, request, "approved")
            workflow.publish(session, release, officer)
    site = FeedSite("http://127.0.0.1", "Press office")
    session = runtime.db.session()
    samples = []
    for _ in range(3):
        started = time.perf_counter()
        feed_cache.build_document(session, site, feed_cache.FeedRequest("releases", "atom"))
        samples.append((time.perf_counter() - started) * 1000)
    session.close()
    runtime.close()
    env["miss_ms"] = str(statistics.median(samples))
    return env


def start_gunicorn(app: str, port: int, env: dict, cwd: Path) -> subprocess.Popen:
    command = [sys.executable, "-m", "gunicorn", "--workers", "2", "--worker-class", "gthread", "--threads", "4",
               "--keep-alive", "30", "--bind", f"127.0.0.1:{port}", "--log-level", "warning", app]
    process = subprocess.Popen(command, cwd=cwd, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/feeds/releases.atom")
            connection.getresponse().read()
            connection.close()
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"gunicorn did not start: {process.stderr.read().decode()[-2000:]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    figures = build_times()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = seed(folder, 50)
        miss_ms = float(env.pop("miss_ms"))
        app_port, bare_port = free_port(), free_port()
        env["PRESSROOM_BASE_URL"] = f"http://127.0.0.1:{app_port}"
        app = start_gunicorn("comms.app:create_app()", app_port, env, ROOT)
        try:
            connection = http.client.HTTPConnection("127.0.0.1", app_port)
            connection.request("GET", "/feeds/releases.atom")
            response = connection.getresponse()
            body, etag = response.read(), response.getheader("ETag")
            (folder / "feed.atom").write_bytes(body)
            (folder / "bare_feed_app.py").write_text(BARE_APP)
            bare = start_gunicorn("bare_feed_app:create()", bare_port, {"BARE_FEED_FILE": str(folder / "feed.atom")},
                                  folder)
            try:
                cases = {}
                for name, port, headers in (("app_200", app_port, {}), ("bare_200", bare_port, {}),
                                            ("app_304", app_port, {"If-None-Match": etag}),
                                            ("bare_304", bare_port, {"If-None-Match": etag})):
                    cases[name] = throughput(port, "/feeds/releases.atom", headers, args.seconds,
                                             args.connections)
            finally:
                bare.terminate()
                bare.wait(10)
        finally:
            app.terminate()
            app.wait(10)
    entries = body.count(b"<entry")
    print(f"feeds: build times (feeds.build, synthetic releases) and serving a {entries}-entry Atom feed "
          f"({len(body):,} bytes)")
    print(f"{'figure':<58}{'value':>12}")
    for count in (50, 500, 5000):
        for fmt in FORMATS:
            print(f"{f'build {fmt} with {count:,} entries (ms, median)':<58}{figures[f'build_{fmt}_{count}_ms']:>12.2f}")
    print(f"{'cache miss: 50 releases from SQLite, rendered (ms, median)':<58}{miss_ms:>12.1f}")
    print(f"gunicorn 2 workers x 4 threads, {args.connections} keep-alive connections, {args.seconds:.0f} s per case")
    for name, (rate, errors) in cases.items():
        print(f"{f'{name} requests/s' + (f' ({errors} errors)' if errors else ''):<58}{rate:>12.0f}")
    ratio_200 = cases["app_200"][0] / cases["bare_200"][0]
    ratio_304 = cases["app_304"][0] / cases["bare_304"][0]
    print(f"{'ratio vs bare endpoint, 200 (goal >= 0.8)':<58}{ratio_200:>12.2f}")
    print(f"{'ratio vs bare endpoint, 304 (goal >= 0.8)':<58}{ratio_304:>12.2f}")
    figures.update({"cache_miss_50_ms": round(miss_ms, 1), "feed_bytes": len(body), "entries": entries,
                    "connections": args.connections, "seconds_per_case": args.seconds,
                    **{f"{name}_requests_per_s": round(rate, 1) for name, (rate, _e) in cases.items()},
                    "errors": sum(e for _r, e in cases.values()),
                    "ratio_vs_bare_200": round(ratio_200, 3), "ratio_vs_bare_304": round(ratio_304, 3)})
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
