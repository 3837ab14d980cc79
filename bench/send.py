"""Benchmark: sending one release to 10,000 recipients through the ledger into a local
SMTP server (aiosmtpd), end to end (issue 6 targets: >= 500 messages/s; per-recipient
cost <= 1/50 of a full render).

    python bench/send.py [--recipients 10000]

Prints a table, then one JSON object with the figures as its last line.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from comms import auth  # noqa: E402
from comms import release_workflow as workflow  # noqa: E402
from comms.config import load_config  # noqa: E402
from comms.distribution import create_send, run_send  # noqa: E402
from comms.distribution_compose import composer_for  # noqa: E402
from comms.runtime import Runtime  # noqa: E402
from contacts import csv_io, importing, lists  # noqa: E402
from conftest import free_port  # noqa: E402
from storage import migrate  # noqa: E402
from storage.audit import Actor  # noqa: E402

STAFF = Actor(label="bench")
BODY = "\n\n".join(["The States Parties reviewed **progress** in mine clearance, victim assistance and "
                    "stockpile destruction, and heard from survivors. [Read more](https://example.org/more)."] * 6)


def setup(folder: Path, recipients: int, smtp_url: str) -> tuple[Runtime, int, int]:
    env = {"PRESSROOM_INSTANCE_PATH": str(folder), "SECRET_KEY": "bench", "SMTP_URL": smtp_url,
           "PRESSROOM_BASE_URL": "https://press.example.org", "PRESSROOM_MAIL_FROM": "press@isu.example.org"}
    runtime = Runtime(load_config(env))
    migrate.upgrade(runtime.db.engine)
    rows = "name,email,lists\r\n" + "".join(f"Journalist {n},j{n}@news{n % 50}.example,Wires\r\n"
                                             for n in range(recipients))
    with runtime.db.transaction() as session:
        officer = auth.create_user(session, "officer@isu.example.org", "officer")
        approver = auth.create_user(session, "president@isu.example.org", "approver")
        wires = lists.create_list(session, "Wires", STAFF)
        importing.apply_import(session, importing.plan_import(session, csv_io.read_csv(rows)), STAFF)
        release = workflow.create_release(session, {"headline": "States Parties close their meeting",
                                                    "dateline": "GENEVA", "body_markdown": BODY,
                                                    "notes_to_editors": "Background on the website."}, officer)
        [(request, _token)] = workflow.submit(session, "bench", release, [approver], officer)
        workflow.decide(session, release, request, "approved", via="staff", actor=approver)
        workflow.publish(session, release, officer)
        return runtime, release.id, wires.id


SERVER = """
import asyncio, signal, sys
from aiosmtpd.controller import Controller
count = 0
class Counter:
    async def handle_DATA(self, server, session, envelope):
        global count
        count += 1
        return "250 OK"
signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})  # wait for it below instead of dying
controller = Controller(Counter(), hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
signal.sigwait({signal.SIGTERM})
controller.stop()
print(count, flush=True)
"""


class SMTPProcess:
    """aiosmtpd in a process of its own, so it does not share the sender's interpreter."""

    def __enter__(self):
        import subprocess

        self.port = free_port()
        self.url = f"smtp://127.0.0.1:{self.port}"
        self.process = subprocess.Popen([sys.executable, "-c", SERVER, str(self.port)], stdout=subprocess.PIPE,
                                        text=True)
        assert self.process.stdout.readline().strip() == "ready"
        return self

    def received(self) -> int:
        import signal

        self.process.send_signal(signal.SIGTERM)
        return int(self.process.stdout.readline().strip())

    def __exit__(self, *exc):
        if self.process.poll() is None:
            self.process.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, SMTPProcess() as smtp:
        runtime, release_id, list_id = setup(Path(folder), args.recipients, smtp.url)
        render_times = []
        for _ in range(5):
            start = time.perf_counter()
            compose = composer_for(runtime, release_id)
            render_times.append(time.perf_counter() - start)
        with runtime.db.transaction() as session:
            from contacts.models import Contact

            sample = session.query(Contact).limit(200).all()
        per_recipient = []
        for contact in sample:
            start = time.perf_counter()
            compose(contact, "<bench@isu.example.org>")
            per_recipient.append(time.perf_counter() - start)
        with runtime.db.transaction() as session:
            from comms.releases import get_release

            send_id = create_send(session, get_release(session, release_id), list_ids=[list_id], actor=STAFF,
                                  mail_from=runtime.config.mail_from).id
        start = time.perf_counter()
        result = run_send(runtime, send_id, rate=0)
        elapsed = time.perf_counter() - start
        received = smtp.received()
        runtime.close()
    render_ms = statistics.median(render_times) * 1000
    recipient_ms = statistics.median(per_recipient) * 1000
    rate = result["sent"] / elapsed
    print(f"send: {args.recipients:,} recipients through the ledger into aiosmtpd (own process) on 127.0.0.1")
    print(f"{'figure':<44}{'value':>12}{'target':>12}")
    print(f"{'messages sent / received by the server':<44}{result['sent']:>6} / {received:<5}")
    print(f"{'end-to-end messages per second':<44}{rate:>12.0f}{'>= 500':>12}")
    print(f"{'full render of the release (ms, median)':<44}{render_ms:>12.2f}")
    print(f"{'per-recipient composition (ms, median)':<44}{recipient_ms:>12.3f}")
    print(f"{'per-recipient cost / full render':<44}{recipient_ms / render_ms:>12.3f}{'<= 0.020':>12}")
    print(json.dumps({"recipients": args.recipients, "sent": result["sent"], "received": received,
                      "messages_per_s": round(rate, 1), "send_s": round(elapsed, 2),
                      "render_ms_median": round(render_ms, 3), "per_recipient_ms_median": round(recipient_ms, 4),
                      "per_recipient_ratio_vs_render": round(recipient_ms / render_ms, 4)}))


if __name__ == "__main__":
    main()
