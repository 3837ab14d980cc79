"""Benchmark: a day's work on a scaled-out Pressroom (PostgreSQL, Redis, two web processes,
two workers), then the same day with one worker SIGKILLed midway and restarted.

Each phase gets a scratch PostgreSQL database on 127.0.0.1:5432 (dropped at the
end), an RQ queue of its own on Redis 127.0.0.1:6379, an aiosmtpd sink in its
own process that records (recipient, Message-ID, Subject) of every message, and
the fixture sites served on 127.0.0.1. `pressroom db upgrade` and the CLI make
an officer, an approver (the meeting's President) and their tokens; two
`gunicorn 'comms.app:create_app()'` processes and two `pressroom worker`
processes run the day, driven through the API on both web ports in turn:
an embargo-trusted list, the contacts imported as CSV, the sources, then the
releases created, approved, published (every other one under an embargo that
the workers' scheduler lifts during the run) and sent to the list. The bench
waits for every send, every embargo and two polls of every source, then checks
(bench/cluster_verify.py): no email lost or duplicated, each release published
exactly once, no duplicate followed items.

    .venv/bin/python bench/cluster.py [--contacts 5000 --releases 20 --sources 50]

In the second phase the killed worker's send must be finished by the workers
themselves (comms/distribution/recovery.py: claims renewed by a heartbeat, the
``sends.resume_stalled`` finder queues a send again once its claims are older
than the lease); the bench gives up after --stall-seconds without progress and
prints the stalled sends.

The baseline, in the same run, is the first phase: the killed phase must give
the same verdicts at a comparable rate. Prints a table, then one JSON object
(with ``ok``) as its last line. Exit status 0 when ``ok``, 1 otherwise, 2 when
PostgreSQL or Redis do not answer.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine  # noqa: E402

import cluster_verify as verify  # noqa: E402
from cluster_day import Api, drop_default_sources, prepare, publish_and_send  # noqa: E402
from cluster_procs import (REDIS_URL, FixtureSites, ScratchPostgres, SmtpSink, environment, free_port,  # noqa: E402
                           postgres_problem, pressroom, pressroom_parallel, redis_problem, start_gunicorn,
                           start_worker, wait_healthy)
from cluster_watch import Watch, log  # noqa: E402
from comms.distribution.service import CLAIM_LEASE  # noqa: E402

OFFICER, APPROVER = "officer@isu.example.org", "president@isu.example.org"


def drop_queue(name: str) -> None:
    """Remove the phase's RQ queue and its jobs from Redis."""
    from redis import Redis
    from rq import Queue

    connection = Redis.from_url(REDIS_URL)
    try:
        Queue(name, connection=connection).delete(delete_jobs=True)
    finally:
        connection.close()


class Phase:
    """One day's run on a fresh database, queue, sink and set of processes."""

    def __init__(self, name: str, args, work: Path, sites: FixtureSites):
        self.name, self.args, self.sites = name, args, sites
        self.work = work / name
        self.work.mkdir()
        self.processes: list = []
        self.workers: list = []
        self.database = self.sink = self.engine = None
        self.queue = f"pressroom-cluster-{uuid.uuid4().hex[:10]}"

    def start(self) -> tuple[dict, list[str]]:
        """Database, sink, users, tokens and the two web processes; returns the env and web bases."""
        self.database = ScratchPostgres("pressroom_cluster")
        self.sink = SmtpSink(self.work / "received.tsv")
        ports = [free_port(), free_port()]
        env = environment(DATABASE_URL=self.database.url, REDIS_URL=REDIS_URL, PRESSROOM_QUEUE_NAME=self.queue,
                          SMTP_URL=self.sink.url, SECRET_KEY=uuid.uuid4().hex, PRESSROOM_LOG_LEVEL="WARNING",
                          PRESSROOM_INSTANCE_PATH=str(self.work / "instance"),
                          PRESSROOM_BASE_URL=f"http://127.0.0.1:{ports[0]}",
                          PRESSROOM_MAIL_FROM="press@isu.example.org",
                          PRESSROOM_FOLLOW_ALLOWED_NETWORKS="127.0.0.0/8",
                          PRESSROOM_SCHEDULER_INTERVAL=self.args.scheduler_interval,
                          PRESSROOM_SEND_RATE=self.args.send_rate)
        pressroom(env, "db", "upgrade")
        _officer_id, approver_id = pressroom_parallel(
            env, ["users", "create", OFFICER, "--role", "officer", "--name", "Media Officer"],
            ["users", "create", APPROVER, "--role", "approver", "--name", "President of the Meeting"])
        self.approver_id = int(approver_id)
        self.env = env
        # The web processes boot while the tokens are made: each start pays for loading the app.
        self.processes = [start_gunicorn(f"web-{n}", env, port, self.args.web_workers, self.work)
                          for n, port in enumerate(ports, 1)]
        self.officer, self.approver = pressroom_parallel(env, ["tokens", "create", OFFICER],
                                                         ["tokens", "create", APPROVER])
        for process, port in zip(self.processes, ports):
            wait_healthy(process, port)
        self.engine = create_engine(self.database.url)
        return env, [f"http://127.0.0.1:{port}" for port in ports]

    def start_workers(self) -> None:
        """The two `pressroom worker` processes."""
        self.workers = [start_worker(f"worker-{n}", self.env, self.work) for n in (1, 2)]

    def kill_and_restart_first_worker(self) -> None:
        """SIGKILL worker 1 mid-send (no clean-up runs), then start a new one in its place."""
        victim = self.workers[0]
        log(f"SIGKILL worker-1 (pid {victim.pid})")
        victim.kill_hard()
        victim.log.close()
        self.workers[0] = start_worker("worker-1-restarted", self.env, self.work)
        log(f"worker-1 restarted (pid {self.workers[0].pid})")

    def run(self, kill: bool) -> dict:
        """The day, the waits and the verdicts."""
        args = self.args
        started = time.monotonic()
        _env, bases = self.start()
        api = Api(bases)
        drop_default_sources(api, self.officer)
        self.start_workers()
        day, meeting_id = prepare(api, self.officer, self.approver_id, args.contacts,
                                  self.sites.sources()[:args.sources])
        log(f"{self.name}: {args.contacts} contacts imported, {len(day.source_ids)} sources; publishing and sending")
        publish_and_send(api, day, self.officer, self.approver, meeting_id, args.releases, args.embargo_seconds,
                         time.monotonic)
        api.close()
        marks = {"setup_s": day.first_send_at - started, "day_s": time.monotonic() - started}
        expected = args.contacts * args.releases
        watch = Watch(self.engine, self.sink)
        sends = watch.wait_sends(day.send_ids, expected, kill_at=expected // 3 if kill else None,
                                 kill=self.kill_and_restart_first_worker, stall_seconds=args.stall_seconds,
                                 timeout=args.timeout)
        send_s = sends["finished_at"] - day.first_send_at
        stalled_state = watch.stalled_state(day.send_ids) if sends["stalled"] else []
        if stalled_state:
            log(f"{self.name}: STALLED sends (no progress for {args.stall_seconds:.0f} s): {stalled_state}")
        marks["sends_done_s"] = time.monotonic() - started
        lifted = watch.wait_published(day.release_ids, args.embargo_seconds + 120)
        marks["embargoes_lifted_s"] = time.monotonic() - started
        watch.wait_polled(None, args.timeout)
        marks["first_polls_s"] = time.monotonic() - started
        second_round = watch.make_all_sources_due()
        watch.wait_polled(second_round, args.timeout)
        marks["second_polls_s"] = time.monotonic() - started
        time.sleep(1)  # a poll that just stamped last_polled_at commits its items with it; let it land
        self.sink.stop()
        with self.engine.connect() as conn:
            numbers = {release_id: n for n, release_id in enumerate(day.release_ids, 1)}
            mail = verify.check_mail(conn, self.sink.records(), numbers)
            publication = verify.check_publication(conn, day.embargoed_ids, day.release_ids)
            items = verify.check_items(conn, second_round)
        ok = lifted and verify.verdict(mail, publication, items, expected_messages=expected,
                                       stalled=sends["stalled"])
        if kill and sends["killed_at_received"] is None:
            ok = False  # the sends finished before a third had arrived: nothing was killed midway
        return {"phase": self.name, "ok": ok, "wall_s": round(time.monotonic() - started, 1),
                "send_s": round(send_s, 1), "expected_messages": expected,
                "messages_per_s": round(mail["ledger_sent"] / send_s, 1) if send_s > 0 else None,
                **mail, **publication, **items, "stalled": sends["stalled"], "stalled_sends": stalled_state,
                "killed_at_received": sends["killed_at_received"], "api_calls_per_web": list(day.api_calls.values()),
                "timeline_s": {k: round(v, 1) for k, v in marks.items()}}

    def stop(self) -> None:
        """Stop every process, drop the database and the queue."""
        for process in self.workers + self.processes:
            process.stop()
        if self.sink is not None:
            self.sink.stop()
        if self.engine is not None:
            self.engine.dispose()
        if self.database is not None:
            self.database.drop()
        drop_queue(self.queue)


ROWS = [("wall time (s)", "wall_s"), ("sending time (s)", "send_s"), ("messages per second", "messages_per_s"),
        ("messages expected", "expected_messages"), ("received by the SMTP server", "received"),
        ("ledger rows sent", "ledger_sent"), ("ledger rows not sent", "ledger_unsent"), ("lost", "lost"),
        ("duplicates (two Message-IDs)", "duplicates"), ("unknown Message-IDs", "unknown_message_ids"),
        ("redeliveries (same Message-ID)", "redeliveries"), ("ledger rows claimed again", "rows_claimed_again"),
        ("embargoed releases", "embargoed"),
        ("embargoes lifted exactly once", "embargo_lifts_once"),
        ("releases not published once", "publish_events_not_one"),
        ("followed items", "items"), ("duplicate items", "duplicate_items"),
        ("items created by the second polls", "items_created_by_second_poll"),
        ("sources polled twice", "sources_polled_twice"), ("worker killed at received", "killed_at_received"),
        ("stalled", "stalled"), ("ok", "ok")]


def print_table(results: list[dict], args) -> None:
    """One column per phase."""
    print(f"cluster: {args.contacts:,} contacts x {args.releases} releases, {args.sources} sources; "
          "PostgreSQL + Redis, 2 gunicorn web processes, 2 pressroom workers")
    print(f"{'figure':<40}" + "".join(f"{r['phase']:>18}" for r in results))
    for label, key in ROWS:
        print(f"{label:<40}" + "".join(f"{str(r.get(key)):>18}" for r in results))
    for result in results:
        for stalled in result["stalled_sends"]:
            print(f"STALLED in {result['phase']}: send {stalled['send_id']} (release {stalled['release_id']}) is "
                  f"{stalled['status']}: {stalled['pending']} rows pending, {stalled['sending']} claimed by "
                  f"{stalled['claimed_by']} since {stalled['oldest_claim']}; not resumed within --stall-seconds")


def main() -> int:
    """Run the phases; the exit status says whether every verdict held."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=5000)
    parser.add_argument("--releases", type=int, default=20)
    parser.add_argument("--sources", type=int, default=50)
    parser.add_argument("--phases", default="normal,killed", help="normal, killed, or both (comma-separated)")
    parser.add_argument("--web-workers", type=int, default=1, help="gunicorn workers per web process")
    parser.add_argument("--scheduler-interval", type=float, default=1.0)
    parser.add_argument("--send-rate", type=float, default=0.0, help="PRESSROOM_SEND_RATE (0: unthrottled)")
    parser.add_argument("--embargo-seconds", type=float, default=20.0, help="embargoes lift this long after creation")
    parser.add_argument("--stall-seconds", type=float, default=CLAIM_LEASE.total_seconds() + 120,
                        help="give up on sends after this long without progress (default: claim lease + 2 min)")
    parser.add_argument("--timeout", type=float, default=1800.0, help="longest wait for any one stage")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs, received.tsv)")
    args = parser.parse_args()
    for problem in (postgres_problem(), redis_problem()):
        if problem:
            print(problem, file=sys.stderr)
            print(json.dumps({"ok": False, "skipped": problem}))
            return 2
    work = Path(tempfile.mkdtemp(prefix="pressroom-cluster-"))
    sites = FixtureSites(work, args.sources)
    results = []
    try:
        for name in [p.strip() for p in args.phases.split(",") if p.strip()]:
            phase = Phase(name, args, work, sites)
            try:
                results.append(phase.run(kill=name == "killed"))
            finally:
                phase.stop()
    finally:
        sites.stop()
        if args.keep:
            log(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print_table(results, args)
    ok = bool(results) and all(r["ok"] for r in results)
    print(json.dumps({"ok": ok, "contacts": args.contacts, "releases": args.releases, "sources": args.sources,
                      "site_fixtures": sites.origin, "phases": results}, default=str))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
