"""storage.idempotency: a key is claimed once, under concurrency too, and answers its first answer."""

import datetime as dt
import threading
import time

import pytest

from comms.platform import jobs
from storage import idempotency
from storage.db import Database, utcnow


def test_a_claimed_key_replays_its_answer_and_refuses_another_request(db_url):
    db = Database(db_url)
    digest = idempotency.fingerprint("POST", "/x", {"a": 1})
    with db.transaction() as session:
        claimed = idempotency.claim(session, "api:1", "k", digest)
        assert isinstance(claimed, idempotency.Claimed)
        idempotency.complete(session, claimed, status_code=202, body={"id": 7})
    with db.transaction() as session:
        assert idempotency.claim(session, "api:1", "k", digest) == idempotency.Replay(202, {"id": 7}, "")
        with pytest.raises(idempotency.KeyReused):
            idempotency.claim(session, "api:1", "k", idempotency.fingerprint("POST", "/x", {"a": 2}))
        # Another caller's key of the same spelling is theirs.
        assert isinstance(idempotency.claim(session, "api:2", "k", digest), idempotency.Claimed)
    # A transaction that fails gives its key back.
    with pytest.raises(RuntimeError):
        with db.transaction() as session:
            idempotency.claim(session, "api:1", "lost", digest)
            raise RuntimeError("the work failed")
    with db.transaction() as session:
        assert isinstance(idempotency.claim(session, "api:1", "lost", digest), idempotency.Claimed)
    db.dispose()


def test_racing_claims_do_the_work_once(db_url):
    """Eight threads claim one key at once, each in its own transaction: one works, seven read its answer."""
    db = Database(db_url)
    start, outcomes, lock = threading.Barrier(8), [], threading.Lock()

    def attempt(n):
        start.wait()
        with db.transaction() as session:
            found = idempotency.claim(session, "form:1", "nonce", None)
            if isinstance(found, idempotency.Claimed):
                time.sleep(0.2)  # the work, while the others wait on the key
                idempotency.complete(session, found, status_code=303, location=f"/done/{n}")
                result = ("worked", f"/done/{n}")
            else:
                result = ("replayed", found.location)
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    worked = [location for kind, location in outcomes if kind == "worked"]
    assert len(outcomes) == 8 and len(worked) == 1
    assert {location for _kind, location in outcomes} == set(worked)
    db.dispose()



def test_keys_are_forgotten_after_a_week_by_the_scheduler(runtime):
    """The request_keys table does not grow for ever: a scheduler pass (request_keys.prune) drops keys
    older than KEEP_FOR and keeps the recent ones, which still answer retries."""
    now = utcnow()
    with runtime.db.transaction() as session:
        for key, age in (("old", idempotency.KEEP_FOR + dt.timedelta(hours=1)), ("recent", dt.timedelta(days=1))):
            claimed = idempotency.claim(session, "api:1", key, None)
            claimed.row.created_at = now - age
            idempotency.complete(session, claimed, status_code=202, body={"key": key})
    jobs.load_job_modules()
    report = jobs.run_due(runtime, now=now)
    assert report.periodic["request_keys.prune"] == 1
    with runtime.db.transaction() as session:
        assert isinstance(idempotency.claim(session, "api:1", "old", None), idempotency.Claimed)
        assert idempotency.claim(session, "api:1", "recent", None) == idempotency.Replay(202, {"key": "recent"}, "")
