"""Benchmark: sending one release to 10,000 recipients through the ledger into a local
SMTP server (aiosmtpd, in a process of its own), end to end: claim, SMTP, mark sent
(targets: >= 500 messages/s; per-recipient cost <= 1/50 of a full render).

Beside it, a dispatch to --focal-points focal points of the States Parties (the
seeded States, status as of today) for a meeting, through the same ledger, the
same SMTP server and the same rate: what delegations' mail costs next to releases'.

The baseline, in the same run: a second release sent to the first --baseline
recipients with each message built the old way (stdlib EmailMessage, built and
parsed back to check its headers), through the same ledger and SMTP connection.
The full render is measured uncached (compile_email(cache=False)); the
per-recipient cost is everything compose() does for one recipient (links,
personalisation, MIME bytes).

    python bench/send.py [--recipients 10000] [--baseline 2000] [--focal-points 1000]

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

from comms.accounts import users as auth  # noqa: E402
from comms.releases import workflow  # noqa: E402
from comms.config import load_config  # noqa: E402
from comms.distribution.service import create_send, run_send  # noqa: E402
from comms.distribution.compose import composer_for  # noqa: E402
from comms.distribution.dispatches.service import create_dispatch, send_of  # noqa: E402
from comms.meetings.service import Meeting, create_meeting  # noqa: E402
from contacts import service as contact_service  # noqa: E402
from contacts.models import Delegation  # noqa: E402
from contacts.treaty_status import status_sql  # noqa: E402
from comms.platform.mail import build_message  # noqa: E402
from comms.runtime import Runtime  # noqa: E402
from contacts import csv_io, importing, lists  # noqa: E402
from support.ports import free_port  # noqa: E402  (tests/support)
from storage import migrate  # noqa: E402
from storage.audit import Actor  # noqa: E402
from sqlalchemy import select  # noqa: E402
import datetime as dt  # noqa: E402

STAFF = Actor(label="bench")
BODY = "\n\n".join(["The States Parties reviewed **progress** in mine clearance, victim assistance and "
                    "stockpile destruction, and heard from survivors. [Read more](https://example.org/more)."] * 6)


def setup(folder: Path, recipients: int, baseline: int, smtp_url: str) -> tuple[Runtime, list[int], list[int]]:
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
        few = lists.create_list(session, "Baseline", STAFF)
        from contacts.models import Contact

        lists.add_to_list(session, few, list(session.scalars(select(Contact.id).order_by(Contact.id).limit(baseline))),
                          STAFF)
        release_ids = []
        for headline in ("States Parties close their meeting", "Baseline: the same release, built the old way"):
            release = workflow.create_release(session, {"headline": headline, "dateline": "GENEVA",
                                                        "body_markdown": BODY,
                                                        "notes_to_editors": "Background on the website."}, officer)
            [(request, _token)] = workflow.submit(session, "bench", release, [approver], officer)
            workflow.decide(session, release, request, "approved", via="staff", actor=approver)
            workflow.publish(session, release, officer)
            release_ids.append(release.id)
        return runtime, release_ids, [wires.id, few.id]


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


def old_composer(runtime, release_id: int):
    """The per-message path before the MIME template: personalise, then a stdlib EmailMessage each time."""
    from comms.rendering import formats as rendering
    from comms.releases.context import release_context
    from comms.releases import service as releases
    from comms.distribution.service import message_for
    from comms.distribution.compose import links_for

    base = runtime.config.base_url
    with runtime.db.transaction() as session:
        release = session.get(releases.Release, release_id)
        context = release_context(session, release, base_url=base, office=runtime.config.office_name,
                                            revision=release.approved_revision)
        compiled = rendering.compile_email(release, context=context)
    domain = runtime.config.mail_from.rpartition("@")[2]
    list_id = f"{runtime.config.office_name} press releases <press-releases.{domain}>"

    def compose(contact, message_id):
        unsubscribe_url, preferences_url = links_for(runtime, contact)
        html, text = rendering.personalise(compiled, name=contact.name, unsubscribe_url=unsubscribe_url,
                                           preferences_url=preferences_url)
        return build_message(message_for(contact, subject=compiled.subject, text=text, html=html,
                                         message_id=message_id, unsubscribe_url=unsubscribe_url, list_id=list_id),
                             runtime.config.mail_from, runtime.config.office_name)

    return compose


def timed_send(runtime, release_id: int, list_id: int, compose=None) -> tuple[dict, float]:
    from comms.releases.service import get_release

    with runtime.db.transaction() as session:
        send_id = create_send(session, get_release(session, release_id), list_ids=[list_id], actor=STAFF,
                              mail_from=runtime.config.mail_from).id
    start = time.perf_counter()
    result = run_send(runtime, send_id, compose=compose, rate=0)
    return result, time.perf_counter() - start


def dispatch_setup(runtime, focal_points: int) -> int:
    """A meeting and ``focal_points`` focal points spread over today's States Parties; the meeting's id."""
    with runtime.db.transaction() as session:
        today = dt.date.today()
        parties = list(session.scalars(select(Delegation.id).where(status_sql(today) == "state_party")
                                       .order_by(Delegation.id)))
        for n in range(focal_points):
            contact_service.create_contact(session, {"name": f"Focal Point {n}", "email": f"fp{n}@mission{n}.example",
                                                     "delegation_id": parties[n % len(parties)]}, STAFF)
        return create_meeting(session, title="Twenty-Second Meeting of the States Parties", kind="msp",
                              starts_on=today, ends_on=today, symbol_prefix="APLC/MSP.22/2026").id


def timed_dispatch(runtime, meeting_id: int) -> tuple[dict, float]:
    """Plan a dispatch to the States Parties and run its send through the ledger at full speed."""
    with runtime.db.transaction() as session:
        dispatch = create_dispatch(session, session.get(Meeting, meeting_id),
                                   {"subject": "Information note for delegations", "body_markdown": BODY,
                                    "delegations": "states_parties"}, actor=STAFF,
                                   mail_from=runtime.config.mail_from)
        send_id = send_of(session, dispatch).id
    start = time.perf_counter()
    result = run_send(runtime, send_id, rate=0)
    return result, time.perf_counter() - start


def smtp_ceiling(port: int, message, count: int) -> float:
    """Messages per second of smtplib sending one ready message over and over to the same server:
    what the SMTP exchange and the server allow, with no ledger and no composing."""
    import smtplib

    connection = smtplib.SMTP("127.0.0.1", port)
    connection.ehlo()
    start = time.perf_counter()
    for _ in range(count):
        connection.sendmail(message.mail_from, [message.to_email], message.data)
    elapsed = time.perf_counter() - start
    connection.quit()
    return count / elapsed


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--baseline", type=int, default=2_000, help="recipients sent the old way (0: skip)")
    parser.add_argument("--focal-points", type=int, default=1_000, help="focal points a dispatch goes to (0: skip)")
    args = parser.parse_args()
    baseline = min(args.baseline, args.recipients)
    with tempfile.TemporaryDirectory() as folder, SMTPProcess() as smtp:
        runtime, (release_id, old_release_id), (list_id, few_id) = setup(Path(folder), args.recipients, baseline,
                                                                         smtp.url)
        from comms.rendering import formats as rendering
        from comms.releases.context import release_context
        from comms.releases.service import Release
        from contacts.models import Contact

        with runtime.db.transaction() as session:
            release = session.get(Release, release_id)
            context = release_context(session, release, base_url=runtime.config.base_url,
                                                office=runtime.config.office_name, revision=release.approved_revision)
            render_ms = median_ms(lambda: rendering.compile_email(release, context=context, cache=False), 50)
            sample = session.query(Contact).limit(200).all()
            session.expunge_all()
        compose, old_compose = composer_for(runtime, release_id), old_composer(runtime, release_id)
        recipient_ms = median_ms(lambda: [compose(c, "<bench@isu.example.org>") for c in sample], 20) / len(sample)
        old_recipient_ms = median_ms(lambda: [old_compose(c, "<bench@isu.example.org>").as_bytes()
                                              for c in sample], 5) / len(sample)
        result, elapsed = timed_send(runtime, release_id, list_id)
        old_result, old_elapsed = timed_send(runtime, old_release_id, few_id, old_composer(runtime, old_release_id)) \
            if baseline else ({"sent": 0}, 0.0)
        meeting_id = dispatch_setup(runtime, args.focal_points) if args.focal_points else None
        dispatch_result, dispatch_elapsed = timed_dispatch(runtime, meeting_id) if meeting_id else ({"sent": 0}, 0.0)
        ceiling_count = min(2000, args.recipients)
        ceiling = smtp_ceiling(smtp.port, compose(sample[0], "<ceiling@isu.example.org>"), ceiling_count)
        received = smtp.received() - ceiling_count
        runtime.close()
    rate = result["sent"] / elapsed
    old_rate = old_result["sent"] / old_elapsed if old_elapsed else 0.0
    print(f"send: {args.recipients:,} recipients through the ledger into aiosmtpd (own process) on 127.0.0.1")
    print(f"{'figure':<52}{'value':>12}{'target':>12}")
    print(f"{'messages sent / received by the server':<52}"
          f"{result['sent'] + old_result['sent'] + dispatch_result['sent']:>6} / {received:<5}")
    print(f"{'end-to-end messages per second':<52}{rate:>12.0f}{'>= 500':>12}")
    print(f"{'  baseline: old per-message EmailMessage path':<52}{old_rate:>12.0f}")
    print(f"{'  ceiling: smtplib resending one message, no ledger':<52}{ceiling:>12.0f}")
    dispatch_rate = dispatch_result["sent"] / dispatch_elapsed if dispatch_elapsed else 0.0
    label = f"dispatch to {dispatch_result['sent']:,} focal points, messages per second"
    print(f"{label:<52}{dispatch_rate:>12.0f}{'~ releases':>12}")
    print(f"{'full render of the release, uncached (ms, median)':<52}{render_ms:>12.2f}")
    print(f"{'per-recipient message bytes (ms, median)':<52}{recipient_ms:>12.3f}")
    print(f"{'  baseline: personalise + EmailMessage (ms)':<52}{old_recipient_ms:>12.3f}")
    print(f"{'per-recipient cost / full render':<52}{recipient_ms / render_ms:>12.3f}{'<= 0.020':>12}")
    print(json.dumps({"recipients": args.recipients, "sent": result["sent"], "received": received,
                      "messages_per_s": round(rate, 1), "send_s": round(elapsed, 2),
                      "baseline_recipients": baseline, "baseline_messages_per_s": round(old_rate, 1),
                      "ratio_vs_baseline": round(rate / old_rate, 2) if old_rate else None,
                      "smtp_ceiling_messages_per_s": round(ceiling, 1), "share_of_ceiling": round(rate / ceiling, 3),
                      "render_ms_median": round(render_ms, 3), "per_recipient_ms_median": round(recipient_ms, 4),
                      "baseline_per_recipient_ms_median": round(old_recipient_ms, 4),
                      "per_recipient_ratio_vs_render": round(recipient_ms / render_ms, 4),
                      "dispatch_focal_points": args.focal_points, "dispatch_sent": dispatch_result["sent"],
                      "dispatch_messages_per_s": round(dispatch_rate, 1), "dispatch_send_s": round(dispatch_elapsed, 2),
                      "dispatch_ratio_vs_release": round(dispatch_rate / rate, 2) if dispatch_rate else None}))


if __name__ == "__main__":
    main()
