"""Sends on Redis: the API queues the send on RQ and real `pressroom worker` processes
deliver it, each contact exactly once even when two workers run the same send at once
(docs/design/security.md items 23, 24)."""

import subprocess
import sys
from pathlib import Path

from rq import Queue

from comms.platform import jobs
from comms.app import create_app

from support.app import base_environ
from support.sending import make_contacts, make_release, received_by
from support.smtp_server import SMTPServer
from support.web import bearer

PRESSROOM = str(Path(sys.executable).parent / "pressroom")


def test_a_send_runs_on_rq_and_two_workers_never_mail_anyone_twice(config, users, token_for, redis_url,
                                                                     queue_name, db_url, instance_path):
    with SMTPServer() as smtp:
        app = create_app(config.with_overrides(smtp_url=smtp.url, redis_url=redis_url, queue_name=queue_name,
                                               base_url="https://press.example.org"))
        runtime = app.extensions["pressroom"]
        release_id = make_release(runtime, users)
        list_ids, contact_ids = make_contacts(runtime, 60, ("Wires", "Geneva"))
        accepted = app.test_client().post(f"/api/v1/releases/{release_id}/send", json={"list_ids": list_ids},
                                          headers=bearer(token_for("officer")))
        assert accepted.status_code == 202
        send_id = accepted.get_json()["send_id"]
        connection = runtime.redis()
        rq_queue = Queue(queue_name, connection=connection)
        assert len(rq_queue) == 1 and smtp.received == []  # queued on Redis, nothing sent in the web process
        # The same send queued twice (a retry, a double click): two workers race over one ledger.
        jobs.enqueue(runtime, "sends.run", send_id)
        env = base_environ(db_url, instance_path, REDIS_URL=redis_url, PRESSROOM_QUEUE_NAME=queue_name,
                           SMTP_URL=smtp.url, PRESSROOM_BASE_URL="https://press.example.org")
        workers = [subprocess.Popen([PRESSROOM, "worker", "--burst"], env=env, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE, text=True) for _ in range(2)]
        for process in workers:
            _out, err = process.communicate(timeout=120)
            assert process.returncode == 0, err
        assert len(rq_queue) == 0
        by_address = received_by(smtp)
        assert len(by_address) == len(contact_ids)
        assert all(len(ids) == 1 for ids in by_address.values())
        status = app.test_client().get(f"/api/v1/sends/{send_id}", headers=bearer(token_for("officer"))).get_json()
        assert (status["status"], status["sent"], status["failed"]) == ("done", 60, 0)
        rq_queue.delete(delete_jobs=True)
        connection.close()
        runtime.close()
