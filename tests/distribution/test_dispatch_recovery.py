"""A dispatch whose worker is killed mid-send finishes through the shared ledger's recovery:
the scheduler queues its send again once the claims expire, nobody is skipped and nobody gets
a second, different message (docs/design/security.md item 23)."""

import datetime as dt
import os
import signal
import subprocess
import time

from sqlalchemy import select

from comms.distribution.models import CLAIM_LEASE, Delivery, Send
from comms.platform import jobs

from contacts import delegations, service

from support.app import base_environ
from support.dispatching import ADMIN, STAFF, make_meeting, plan
from support.sending import PRESSROOM, received_by, rt  # noqa: F401 (fixture)


def focal_points(rt, count: int) -> int:
    """A State Party with ``count`` focal points; its id."""
    with rt.db.transaction() as session:
        state = delegations.create_delegation(session, {"name": "Antarctica", "kind": "state_party", "country": "AQ",
                                                        "joined_on": "2001-03-01", "joined_by": "ratification"}, ADMIN)
        for n in range(count):
            service.create_contact(session, {"name": f"Focal Point {n}", "email": f"fp{n}@mission{n % 5}.example",
                                             "delegation_id": state.id}, STAFF)
        return state.id


def test_a_killed_dispatch_worker_is_resumed_without_duplicates(rt, smtp, users, db_url, instance_path):
    meeting_id = make_meeting(rt)
    state_id = focal_points(rt, 40)
    dispatch_id, send_id = plan(rt, meeting_id, delegations=[state_id])
    env = {"PATH": os.environ["PATH"], **base_environ(db_url, instance_path, SMTP_URL=smtp.url,
                                                        PRESSROOM_SEND_RATE="25",
                                                        PRESSROOM_MAIL_FROM="press@isu.example.org")}
    worker = subprocess.Popen([PRESSROOM, "sends", "run", str(send_id)], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(smtp.received) < 10 and time.monotonic() < deadline:
        time.sleep(0.01)
    worker.send_signal(signal.SIGKILL)
    worker.wait(timeout=30)
    assert 10 <= len(smtp.received) < 40
    assert jobs.run_due(rt).periodic["sends.resume_stalled"] == 0  # its claims are still fresh
    with rt.db.transaction() as session:  # as if the lease had passed
        for delivery in session.scalars(select(Delivery).where(Delivery.send_id == send_id,
                                                               Delivery.claimed_at.is_not(None))):
            delivery.claimed_at = delivery.claimed_at - CLAIM_LEASE - dt.timedelta(seconds=5)
    assert jobs.run_due(rt).periodic["sends.resume_stalled"] == 1
    rt.queue.join()
    got = received_by(smtp)
    assert len(got) == 40  # nobody skipped
    assert all(len(set(ids)) == 1 for ids in got.values())  # never a second, different message
    assert sum(len(ids) - 1 for ids in got.values()) <= 1  # at most the one in flight, same Message-ID
    with rt.db.transaction() as session:
        send = session.get(Send, send_id)
        assert send.status == "done" and send.dispatch_id == dispatch_id
