"""A send whose worker was killed finishes by itself: claims expire, the scheduler
queues the send again, nobody is skipped or mailed twice (docs/design/security.md item 23)."""

import datetime as dt
import os
import signal
import subprocess
import time

from sqlalchemy import select, update

from comms.distribution import service as distribution
from comms.platform import jobs
from comms.distribution.service import CLAIM_LEASE, Delivery, Send
from comms.distribution.recovery import ClaimHeartbeat, resume_stalled
from storage.db import utcnow

from support.app import base_environ
from support.sending import PRESSROOM, make_contacts, make_release, received_by, rt, send  # noqa: F401 (fixtures)


def _age_claims(rt, send_id, by=CLAIM_LEASE + dt.timedelta(seconds=5)):
    """Move the send's claims back in time, as if the lease had passed."""
    with rt.db.transaction() as session:
        for delivery in session.scalars(select(Delivery).where(Delivery.send_id == send_id,
                                                               Delivery.claimed_at.is_not(None))):
            delivery.claimed_at = delivery.claimed_at - by


def test_a_killed_worker_is_replaced_by_the_scheduler(rt, smtp, users, db_url, instance_path):
    release_id = make_release(rt, users)
    _lists, contact_ids = make_contacts(rt, 40)
    send_id = send(rt, release_id, _lists)
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
    # Its claims are still fresh: the scheduler must not start a second sender yet.
    assert jobs.run_due(rt).periodic["sends.resume_stalled"] == 0
    _age_claims(rt, send_id)
    report = jobs.run_due(rt)
    assert report.periodic["sends.resume_stalled"] == 1
    rt.queue.join()
    assert jobs.run_due(rt).periodic["sends.resume_stalled"] == 0  # done: nothing left to resume
    got = received_by(smtp)
    assert len(got) == len(contact_ids)  # nobody skipped
    assert all(len(set(ids)) == 1 for ids in got.values())  # never a second, different message
    assert sum(len(ids) - 1 for ids in got.values()) <= 1  # at most the one in flight, same Message-ID
    with rt.db.transaction() as session:
        assert session.get(Send, send_id).status == "done"


def test_the_heartbeat_keeps_a_live_workers_claims_and_only_its_own(rt, users):
    release_id = make_release(rt, users)
    list_ids, _ = make_contacts(rt, 6)
    send_id = send(rt, release_id, list_ids)
    with rt.db.transaction() as session:
        session.get(Send, send_id).status = "running"
    mine = distribution._claim_batch(rt, send_id, "host:1:1", size=3)
    theirs = distribution._claim_batch(rt, send_id, "host:2:1", size=3)
    assert len(mine) == len(theirs) == 3
    _age_claims(rt, send_id)
    assert ClaimHeartbeat(rt, send_id, "host:1:1").renew() == 3
    with rt.db.transaction() as session:
        fresh = {d.claimed_by: d.claimed_at > utcnow() - CLAIM_LEASE
                 for d in session.scalars(select(Delivery).where(Delivery.send_id == send_id))}
    assert fresh == {"host:1:1": True, "host:2:1": False}
    # One live claim means someone is sending: the send is not stalled.
    assert resume_stalled(rt) == 0


def test_retries_that_come_due_after_the_run_are_resumed(rt, smtp, users):
    release_id = make_release(rt, users)
    list_ids, contact_ids = make_contacts(rt, 2)
    send_id = send(rt, release_id, list_ids)
    with rt.db.transaction() as session:  # a run ended with both rows waiting to retry after an SMTP 4xx
        session.get(Send, send_id).status = "running"
        session.execute(update(Delivery).where(Delivery.send_id == send_id)
                        .values(attempts=1, claimed_at=utcnow() - 2 * CLAIM_LEASE,
                                next_attempt_at=utcnow() + dt.timedelta(minutes=5)))
    assert resume_stalled(rt) == 0  # the retry is not due yet
    with rt.db.transaction() as session:
        session.execute(update(Delivery).where(Delivery.send_id == send_id)
                        .values(next_attempt_at=utcnow() - dt.timedelta(seconds=1)))
    assert resume_stalled(rt) == 1
    rt.queue.join()
    assert sorted(received_by(smtp)) == sorted(f"j{n}@news{n % 7}.example" for n in range(len(contact_ids)))
    assert resume_stalled(rt) == 0  # done: nothing to resume, at this tick or any later one
    with rt.db.transaction() as session:
        assert session.get(Send, send_id).status == "done"
