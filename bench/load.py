"""Benchmark: public pages, feeds and API reads under load (loopback only, <= 60 s of load).

Data: 1,000 published releases (one in ten with a photo, one in ten with a PDF,
one in twenty with a French version, six meetings with side events) made
directly with the comms functions in this process, 100,000 contacts through the
bulk import path, and 300 followed items. Then `gunicorn -w 2
'comms.app:create_app()'` (SQLite by default, a scratch PostgreSQL database with
--database postgres) gets a closed-loop mix from bench/loadgen.py: /news/ and
its pages, /news/{slug}?lang=en, /feeds/releases.rss|atom|json and
/feeds/related.atom (with and without If-None-Match; some as a feed reader that
reports subscribers), /calendar.ics, /api/v1/releases?page=N and
/api/v1/contacts?page=N&q=...

Goal: no errors; p95 under 100 ms for the cached feeds and the newsroom pages.
The baseline, in the same run and at the same concurrency: /healthz alone (the
floor of gunicorn, Flask and one database round trip). Each group is also run
alone with one client, so a slow group is told apart from one that only waits
behind it (sync workers serve one request at a time).

    .venv/bin/python bench/load.py [--database sqlite|postgres] [--seconds 40] [--concurrency 4]

Prints a table, then one JSON object (with ``ok``) as its last line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
import os
import random
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))

import requests  # noqa: E402
from sqlalchemy import delete, select  # noqa: E402

from cluster_procs import (ScratchPostgres, environment, free_port, postgres_problem, start_gunicorn,  # noqa: E402
                           wait_healthy)
from comms.accounts import users as auth  # noqa: E402
from comms.meetings import service as meetings
from comms.releases import files as release_files
from comms.releases import workflow  # noqa: E402
from comms.config import load_config  # noqa: E402
from comms.runtime import Runtime  # noqa: E402
from contacts import csv_io, importing  # noqa: E402
from contacts.models import Topic  # noqa: E402
from feeds.follow.models import Item, Source, host_key  # noqa: E402
from loadgen import Target, format_report, run_load  # noqa: E402
from storage import migrate  # noqa: E402
from storage.audit import Actor  # noqa: E402

STAFF = Actor(label="bench")
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
       b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
BODY = ("The States Parties reviewed **progress** in mine clearance, victim assistance and stockpile destruction "
        "in {place}, and heard from survivors. [Read more](https://example.org/more/{n}).\n\n"
        "- {n} square kilometres released\n- new assistance programmes\n\n> We are closer than ever to a world "
        "free of anti-personnel mines.")
PLACES = ["Angola", "Cambodia", "Colombia", "Croatia", "Iraq", "Sri Lanka", "Ukraine", "Zimbabwe", "Senegal", "Peru"]
FEEDS = ["/feeds/releases.rss", "/feeds/releases.atom", "/feeds/releases.json", "/feeds/related.atom"]
READER_UA = "Feedly/1.0 (+http://www.feedly.com/fetcher.html; 42 subscribers)"
GOAL_P95_MS = 100.0
GOAL_GROUPS = ("news index", "news page", "feeds", "feeds 304")
GROUPS = ("news index", "news page", "feeds", "feeds 304", "calendar", "api releases", "api contacts")


def bench_contacts():
    """bench/contacts.py's CSV maker (loaded by path: its module name would shadow the contacts package)."""
    spec = importlib.util.spec_from_file_location("bench_contacts", BENCH / "contacts.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _approve_and_publish(session, release, officer, approver, secret: str, published_at: dt.datetime) -> None:
    [(request, _token)] = workflow.submit(session, secret, release, [approver], officer)
    workflow.decide(session, release, request, "approved", via="staff", actor=approver)
    workflow.publish(session, release, officer)
    release.first_published_at = published_at  # spread over the past, as a real archive is


def build(runtime: Runtime, releases: int, contacts: int) -> dict:
    """Users, meetings, releases, contacts and items; returns what the load needs (token, slugs...)."""
    secret, now = runtime.config.secret_key, dt.datetime.now(dt.timezone.utc)
    with runtime.db.transaction() as session:
        session.execute(delete(Source))  # the real sites migrations seed: never polled from a bench
        officer = auth.create_user(session, "officer@isu.example.org", "officer")
        approver = auth.create_user(session, "president@isu.example.org", "approver")
        token = auth.create_token(session, officer, "load")[1]
        topics = list(session.scalars(select(Topic.slug)))
        meeting_ids = []
        for year in range(6):
            starts = dt.date(2021 + year, 11, 20)
            meeting = meetings.create_meeting(session, title=f"Meeting of the States Parties {2021 + year}",
                                              kind="msp", starts_on=starts, ends_on=starts + dt.timedelta(days=4),
                                              timezone="Europe/Zurich", venue="Geneva")
            for hour in (9, 13, 16):
                start = dt.datetime.combine(starts, dt.time(hour), tzinfo=dt.timezone.utc)
                meetings.add_side_event(session, meeting, title=f"Side event at {hour}h", starts_at=start,
                                        ends_at=start + dt.timedelta(hours=1), organiser="ISU")
            meeting_ids.append(meeting.id)
        officer_id, approver_id = officer.id, approver.id
    made, slugs, n = 0, [], 0
    while made < releases:
        with runtime.db.transaction() as session:
            officer, approver = session.get(auth.User, officer_id), session.get(auth.User, approver_id)
            for _ in range(100):
                if made >= releases:
                    break
                n += 1
                when = now - dt.timedelta(hours=7 * (releases - n) + 1)
                fields = {"headline": f"States Parties review progress in {PLACES[n % 10]}, update {n}",
                          "dateline": "GENEVA", "body_markdown": BODY.format(place=PLACES[n % 10], n=n),
                          "notes_to_editors": "The Convention's Implementation Support Unit is based in Geneva.",
                          "topics": [topics[n % len(topics)]] if topics else [],
                          "meeting_id": meeting_ids[n % len(meeting_ids)]}
                release = workflow.create_release(session, fields, officer)
                if n % 10 in (1, 6):  # attachments are content: attached before approval
                    kind, data = ("photo", PNG) if n % 10 == 1 else ("pdf", PDF)
                    release_files.attach(session, release, runtime.config.documents_path, kind=kind,
                                         filename=f"release-{n}.{'png' if kind == 'photo' else 'pdf'}", data=data,
                                         caption="Delegates in the plenary", max_bytes=10**6, editor=officer)
                _approve_and_publish(session, release, officer, approver, secret, when)
                slugs.append(release.slug)
                made += 1
                if n % 20 == 0 and made < releases:
                    french = workflow.create_release(session, {**fields, "language": "fr", "translation_of":
                                                               release.id, "headline": f"Progrès, mise à jour {n}"},
                                                     officer)
                    _approve_and_publish(session, french, officer, approver, secret, when)
                    made += 1
    contacts_module = bench_contacts()
    with runtime.db.transaction() as session:
        plan = importing.plan_import(session, csv_io.read_csv(contacts_module.make_csv(contacts).encode()))
        importing.apply_import(session, plan, STAFF)
    with runtime.db.transaction() as session:
        url = "https://www.example.org/news"
        source = Source(name="Partner news", url=url, host=host_key(url), language="en", paused=True)
        session.add(source)
        session.flush()
        for k in range(300):
            link = f"https://www.example.org/news/{k}"
            session.add(Item(source_id=source.id, url=link, url_key=link, guid=link, title=f"Partner news item {k}",
                             summary="<p>A partner reports progress.</p>", language="en", content_hash=str(k),
                             published_at=now - dt.timedelta(hours=k), first_seen_at=now - dt.timedelta(hours=k)))
    return {"token": token, "slugs": slugs, "words": [w.lower()[:4] for w in contacts_module.LAST]}


def targets(base: str, data: dict, seed: int = 5, count: int = 6000) -> list[Target]:
    """The request mix, shuffled; feeds' ETags are read first for the conditional requests."""
    etags = {path: requests.get(base + path, timeout=30).headers.get("ETag") for path in FEEDS}
    auth_header = (("Authorization", f"Bearer {data['token']}"),)
    rng = random.Random(seed)

    def feed(conditional: bool) -> Target:
        path = rng.choice(FEEDS)
        headers = (("User-Agent", READER_UA),) if rng.random() < 0.2 else ()
        if conditional:
            return Target("feeds 304", path, headers + (("If-None-Match", etags[path]),), frozenset({304}))
        return Target("feeds", path, headers)

    makers = [
        (12, lambda: Target("news index", "/news/" if rng.random() < 0.5 else f"/news/?page={rng.randint(2, 40)}")),
        (28, lambda: Target("news page", f"/news/{rng.choice(data['slugs'])}?lang=en")),
        (12, lambda: feed(False)),
        (16, lambda: feed(True)),
        (6, lambda: Target("calendar", "/calendar.ics")),
        (13, lambda: Target("api releases", f"/api/v1/releases?page={rng.randint(1, 20)}", auth_header)),
        (13, lambda: Target("api contacts", f"/api/v1/contacts?page={rng.randint(1, 5)}"
                                            f"&q={quote(rng.choice(data['words']))}", auth_header)),
    ]
    weights = [w for w, _ in makers]
    return [rng.choices(makers, weights)[0][1]() for _ in range(count)]


def main() -> int:
    """Build the data, serve it, load it; the exit status says whether the goal was met."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--releases", type=int, default=1000)
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=30.0, help="the mixed load, measured (all load <= 60 s)")
    parser.add_argument("--concurrency", type=int, default=4, help="clients, each waiting for its answer")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    args = parser.parse_args()
    baseline_s, warmup_s, solo_s = 4.0, 3.0, 2.0
    if args.seconds + warmup_s + baseline_s + 1 + len(GROUPS) * (solo_s + 0.5) > 60:
        parser.error("--seconds: the whole load (baseline and warm-ups included) must stay within 60 s")
    work = Path(tempfile.mkdtemp(prefix="pressroom-load-"))
    database = web = None
    try:
        if args.database == "postgres":
            problem = postgres_problem()
            if problem:
                print(problem, file=sys.stderr)
                print(json.dumps({"ok": False, "skipped": problem}))
                return 2
            database = ScratchPostgres("pressroom_load")
            url = database.url
        else:
            url = f"sqlite:///{work / 'load.db'}"
        port = free_port()
        settings = {"DATABASE_URL": url, "SECRET_KEY": uuid.uuid4().hex, "PRESSROOM_INSTANCE_PATH": str(work),
                    "PRESSROOM_BASE_URL": f"http://127.0.0.1:{port}", "PRESSROOM_LOG_LEVEL": "WARNING"}
        started = time.perf_counter()
        runtime = Runtime(load_config(settings))
        migrate.upgrade(runtime.db.engine)
        data = build(runtime, args.releases, args.contacts)
        runtime.close()
        setup_s = time.perf_counter() - started
        web = wait_healthy(start_gunicorn("web", environment(**settings), port, args.workers, work), port)
        base = f"http://127.0.0.1:{port}"
        floor = run_load(base, [Target("baseline /healthz", "/healthz")], concurrency=args.concurrency,
                         seconds=baseline_s, warmup=1.0)
        mix = targets(base, data)
        # Each group alone, one client at a time: what a request costs without queueing behind others.
        solo = {group: run_load(base, [t for t in mix if t.group == group], concurrency=1, seconds=solo_s,
                                warmup=0.5).summary()[group] for group in GROUPS}
        report = run_load(base, mix, concurrency=args.concurrency, seconds=args.seconds, warmup=warmup_s)
    finally:
        if web is not None:
            web.stop()
        if database is not None:
            database.drop()
        shutil.rmtree(work, ignore_errors=True)
    summary, floor_row = report.summary(), floor.summary()["baseline /healthz"]
    missed = [g for g in GOAL_GROUPS if g in summary and (summary[g]["p95_ms"] or 0) >= GOAL_P95_MS]
    totals = report.totals()
    errors = totals["errors"] + floor_row["errors"] + sum(row["errors"] for row in solo.values())
    ok = errors == 0 and not missed and all(g in summary for g in GOAL_GROUPS)
    print(f"load: {args.releases:,} releases, {args.contacts:,} contacts, {args.database}, gunicorn -w {args.workers} --threads 4, "
          f"{args.concurrency} clients, {report.seconds:.0f} s measured (data built in {setup_s:.0f} s); "
          f"machine load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(format_report(report, {g: GOAL_P95_MS for g in GOAL_GROUPS}))
    print(f"{'baseline: /healthz alone':<24}{floor_row['requests']:>9}{floor_row['requests_per_s']:>9}"
          f"{floor_row['errors']:>8}{floor_row['p50_ms']:>9.1f}{floor_row['p95_ms']:>9.1f}{floor_row['p99_ms']:>9.1f}")
    print("each group alone, one client (no queueing): p50 / p95 ms")
    print("  " + "; ".join(f"{g} {row['p50_ms']} / {row['p95_ms']}" for g, row in solo.items()))
    if missed:
        print(f"p95 goal missed by: {', '.join(missed)}")
    for name, row in summary.items():
        for sample in row["error_samples"]:
            print(f"error in {name}: {sample}")
    print(json.dumps({"ok": ok, "database": args.database, "load_average_1m": round(os.getloadavg()[0], 1),
                      "releases": args.releases, "contacts": args.contacts,
                      "gunicorn_workers": args.workers, "concurrency": args.concurrency,
                      "measured_s": round(report.seconds, 1), "setup_s": round(setup_s, 1),
                      "goal_p95_ms": GOAL_P95_MS, "goal_missed": missed, "totals": totals,
                      "baseline_healthz": {k: floor_row[k] for k in ("requests_per_s", "p50_ms", "p95_ms", "p99_ms",
                                                                     "errors")},
                      "groups": {name: {k: v for k, v in row.items() if k != "error_samples"}
                                 for name, row in summary.items()},
                      "alone_one_client": {g: {k: row[k] for k in ("p50_ms", "p95_ms", "errors")}
                                           for g, row in solo.items()}}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
