"""Sending releases over real SMTP: the ``rt`` runtime fixture, releases, contacts and lists, and who received what."""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

import pytest

from comms.accounts import users as auth
from comms.releases import workflow
from comms.distribution.service import create_send
from comms.releases.service import get_release
from comms.runtime import Runtime
from contacts import lists, service
from storage.audit import Actor


SECRET = "test-secret-key"
STAFF = Actor(label="officer@example.org")
PRESSROOM = str(Path(sys.executable).parent / "pressroom")


@pytest.fixture
def rt(config, smtp, users):
    runtime = Runtime(config.with_overrides(smtp_url=smtp.url, base_url="https://press.example.org",
                                            mail_from="press@isu.example.org"))
    yield runtime
    runtime.close()


def make_release(rt, users, *, embargo=None, publish=True, headline="Geneva meeting opens"):
    """An approved (and by default published) release by the officer, approved by the approver."""
    with rt.db.transaction() as session:
        officer = session.get(auth.User, users["officer"].id)
        approver = session.get(auth.User, users["approver"].id)
        release = workflow.create_release(session, {"headline": headline, "dateline": "GENEVA",
                                                    "body_markdown": "Body **text**.", "embargo_until": embargo},
                                          officer)
        [(request, _token)] = workflow.submit(session, SECRET, release, [approver], officer)
        workflow.decide(session, release, request, "approved", via="staff", actor=approver)
        if publish:
            workflow.publish(session, release, officer)
        return release.id


def make_contacts(rt, count, list_names=("Wires",), trusted=False):
    with rt.db.transaction() as session:
        made = [lists.create_list(session, name, STAFF, embargo_trusted=trusted) for name in list_names]
        ids = [service.create_contact(session, {"name": f"Journalist {n}", "email": f"j{n}@news{n % 7}.example"},
                                      STAFF).id for n in range(count)]
        for item in made:
            lists.add_to_list(session, item, ids, STAFF)
        return [item.id for item in made], ids


def received_by(smtp):
    by_address = defaultdict(list)
    for item in smtp.received:
        for rcpt in item.rcpt_tos:
            by_address[rcpt].append(item.message["Message-ID"])
    return by_address


def send(rt, release_id, list_ids, **kwargs):
    with rt.db.transaction() as session:
        return create_send(session, get_release(session, release_id), list_ids=list_ids, actor=STAFF,
                           mail_from=rt.config.mail_from, **kwargs).id
