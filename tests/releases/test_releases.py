"""Releases without Flask: revisions, approval (docs/design/security.md item 19), embargo and publication
(docs/design/security.md item 20), corrections, retraction, exactly-once publication, XSS (docs/design/security.md item 11)."""

import datetime as dt
import multiprocessing
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from comms.accounts import approvals
from comms.accounts import users as auth
from comms.meetings import service as meetings
from comms.releases import newsroom
from comms.releases import workflow
from comms.releases.service import Release, ReleaseError, get_release
from comms.rendering.formats import markdown_to_html, sanitize_html
from comms.runtime import Runtime
from storage.audit import AuditEvent
from storage.db import utcnow

SECRET = "test-secret-key"
DRAFT = {"headline": "States Parties meet in Geneva", "dateline": "GENEVA, 14 December 2026",
         "body_markdown": "The **Twenty-Second Meeting** opens today.", "topics": ["meetings"]}


@pytest.fixture
def people(runtime, users):
    with runtime.db.transaction() as session:
        meeting = meetings.create_meeting(session, title="22MSP", kind="msp", starts_on=dt.date(2026, 12, 14),
                                          ends_on=dt.date(2026, 12, 18), timezone="Europe/Zurich")
        president = auth.create_user(session, "president@example.org", "approver", name="President")
        meetings.add_office_holder(session, meeting, president, "president")
        meetings.add_office_holder(session, meeting, session.get(auth.User, users["approver"].id), "co_chair")
    return {"officer": users["officer"].id, "approver": users["approver"].id, "president": president.id,
            "meeting": meeting.id}


def user(session, people, key):
    return session.get(auth.User, people[key])


def new_release(runtime, people, **extra):
    with runtime.db.transaction() as session:
        return workflow.create_release(session, {**DRAFT, "meeting_id": people["meeting"], **extra},
                                       user(session, people, "officer")).id


def submit_and_approve(runtime, people, release_id, approver="president"):
    with runtime.db.transaction() as session:
        release = get_release(session, release_id)
        requests = workflow.submit(session, SECRET, release, [user(session, people, approver)],
                                   user(session, people, "officer"))
    with runtime.db.transaction() as session:
        release = get_release(session, release_id)
        request = approvals.request_for_token(session, SECRET, requests[0][1])
        workflow.decide(session, release, request, "approved")
        return release.status


def test_draft_review_approve_publish(runtime, people):
    release_id = new_release(runtime, people)
    assert submit_and_approve(runtime, people, release_id) == "approved"
    with runtime.db.transaction() as session:
        release = get_release(session, release_id)
        workflow.publish(session, release, user(session, people, "officer"))
        assert release.status == "published" and release.is_listed and release.slug == "states-parties-meet-in-geneva"
        found, total = newsroom.search_public(session, q="geneva")
        assert total == 1 and found[0].id == release_id


def test_unapproved_or_stale_revisions_never_publish(runtime, people):
    release_id = new_release(runtime, people)
    with runtime.db.transaction() as session:
        release = get_release(session, release_id)
        with pytest.raises(ReleaseError) as caught:
            workflow.publish(session, release, user(session, people, "officer"))
        assert caught.value.status == 409
    submit_and_approve(runtime, people, release_id)
    with runtime.db.transaction() as session:
        release = get_release(session, release_id)
        assert workflow.update_release(session, release, {"body_markdown": "Edited after approval."},
                                       user(session, people, "officer"))
        assert release.status == "draft" and release.approved_revision is None
        with pytest.raises(ReleaseError):
            workflow.publish(session, release, user(session, people, "officer"))


def test_stale_approval_link_is_409_and_the_author_never_approves(runtime, people, users):
    release_id = new_release(runtime, people)
    with runtime.db.transaction() as session:
        release = get_release(session, release_id)
        [(request, token)] = workflow.submit(session, SECRET, release, [user(session, people, "president")],
                                             user(session, people, "officer"))
        workflow.update_release(session, release, {"headline": "A new headline"}, user(session, people, "officer"))
    with runtime.db.transaction() as session:
        with pytest.raises(approvals.ApprovalError) as stale:
            approvals.request_for_token(session, SECRET, token)
        assert stale.value.status == 409
    with runtime.db.transaction() as session:
        release = get_release(session, release_id)
        release.author_id = people["president"]  # the president wrote this one
        with pytest.raises(ReleaseError):
            workflow.submit(session, SECRET, release, [user(session, people, "president")],
                            user(session, people, "officer"))


def test_policy_all_needs_every_approver(runtime, people):
    release_id = new_release(runtime, people, approval_policy="all")
    with runtime.db.transaction() as session:
        release = get_release(session, release_id)
        requests = workflow.submit(session, SECRET, release, workflow.default_approvers(release),
                                   user(session, people, "officer"))
        assert len(requests) == 2
    tokens = [token for _request, token in requests]
    for number, token in enumerate(tokens):
        with runtime.db.transaction() as session:
            release = get_release(session, release_id)
            workflow.decide(session, release, approvals.request_for_token(session, SECRET, token), "approved")
            assert release.status == ("in_review" if number == 0 else "approved")


def test_embargo_in_the_past_is_refused(runtime, people):
    with pytest.raises(ReleaseError) as caught:
        new_release(runtime, people, embargo_until=utcnow() - dt.timedelta(minutes=1))
    assert caught.value.status == 400


def test_embargoed_release_is_nowhere_public_until_it_lifts_then_published_once(runtime, people):
    lift = utcnow() + dt.timedelta(hours=2)
    release_id = new_release(runtime, people, embargo_until=lift)
    submit_and_approve(runtime, people, release_id)
    with runtime.db.transaction() as session:
        release = get_release(session, release_id)
        workflow.publish(session, release, user(session, people, "officer"))
        assert release.status == "scheduled" and release.publish_at == lift
        assert not release.is_public
        assert newsroom.search_public(session)[1] == 0
        assert newsroom.public_release(session, release.slug, "en") is None
    assert workflow.publish_due(runtime, lift - dt.timedelta(seconds=1)) == 0
    assert workflow.publish_due(runtime, lift + dt.timedelta(seconds=1)) == 1
    assert workflow.publish_due(runtime, lift + dt.timedelta(seconds=2)) == 0
    with runtime.db.transaction() as session:
        published = session.scalar(select(func.count()).where(AuditEvent.action == "release.publish"))
        assert published == 1


def test_correction_keeps_the_public_text_until_approved(runtime, people):
    release_id = new_release(runtime, people)
    submit_and_approve(runtime, people, release_id)
    with runtime.db.transaction() as session:
        release = get_release(session, release_id)
        workflow.publish(session, release, user(session, people, "officer"))
        workflow.update_release(session, release, {"body_markdown": "Corrected figures."},
                                user(session, people, "officer"))
        assert release.status == "draft" and release.is_listed
        assert release.public_content["body_markdown"] == DRAFT["body_markdown"]
    submit_and_approve(runtime, people, release_id)
    with runtime.db.transaction() as session:
        release = get_release(session, release_id)
        workflow.publish(session, release, user(session, people, "officer"), correction_note="Figures corrected.")
        assert release.public_content["body_markdown"] == "Corrected figures."
        assert release.updated_published_at is not None and release.correction_note == "Figures corrected."


def test_retraction_drops_from_listings_but_keeps_the_page(runtime, people):
    release_id = new_release(runtime, people)
    submit_and_approve(runtime, people, release_id)
    with runtime.db.transaction() as session:
        release = get_release(session, release_id)
        workflow.publish(session, release, user(session, people, "officer"))
        with pytest.raises(ReleaseError):
            workflow.retract(session, release, user(session, people, "officer"), "")
        workflow.retract(session, release, user(session, people, "officer"), "Issued in error.")
        assert newsroom.search_public(session)[1] == 0
        assert newsroom.public_release(session, release.slug, "en") is release


@pytest.mark.parametrize("payload", [
    '<img src=x onerror="alert(1)">', '<a href="javascript:alert(1)">x</a>', "<svg><script>alert(1)</script></svg>",
    "[click](javascript:alert(1))", '<iframe src="https://evil.example"></iframe>',
    "![x](javascript:alert(1))", '<a href="jav&#x09;ascript:alert(1)">x</a>',
])
def test_xss_payloads_are_stripped(payload):
    for html in (markdown_to_html(f"Hello {payload} world"), sanitize_html(f"<p>Hello {payload} world</p>")):
        assert dangerous_parts(html) == [], html


class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, list]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))


def dangerous_parts(html: str) -> list:
    """Elements or attributes that could run script, as a browser would parse them."""
    parser = _Elements()
    parser.feed(html)
    bad = []
    for tag, attrs in parser.found:
        if tag in ("script", "iframe", "svg", "object", "embed", "style"):
            bad.append(tag)
        for name, value in attrs:
            if name.startswith("on") or (name in ("href", "src") and value and
                                         "".join(value.split()).lower().startswith(("javascript:", "data:"))):
                bad.append(f"{tag}[{name}]")
    return bad


def _publish_due_in_process(db_url, instance_path, barrier, results, moment):
    from comms.config import load_config

    from support.app import base_environ

    rt = Runtime(load_config(base_environ(db_url, instance_path)))
    barrier.wait()
    results.put(workflow.publish_due(rt, moment))
    rt.close()


def test_two_workers_publish_each_due_release_exactly_once(runtime, people, db_url, instance_path):
    lift = utcnow() + dt.timedelta(hours=1)
    ids = []
    for number in range(8):
        release_id = new_release(runtime, people, headline=f"Release {number}", embargo_until=lift)
        submit_and_approve(runtime, people, release_id)
        with runtime.db.transaction() as session:
            release = get_release(session, release_id)
            workflow.publish(session, release, user(session, people, "officer"))
        ids.append(release_id)
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    moment = lift + dt.timedelta(seconds=1)
    processes = [context.Process(target=_publish_due_in_process, args=(db_url, instance_path, barrier, results,
                                                                         moment)) for _ in range(2)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=120)
        assert process.exitcode == 0
    assert sum(results.get(timeout=5) for _ in processes) == 8
    with runtime.db.transaction() as session:
        assert all(get_release(session, i).status == "published" for i in ids)
        assert session.scalar(select(func.count()).where(AuditEvent.action == "release.publish")) == 8


def test_a_late_second_approval_never_changes_a_published_release(runtime, people):
    release_id = new_release(runtime, people)
    with runtime.db.transaction() as session:
        release = get_release(session, release_id)
        requests = workflow.submit(session, SECRET, release, workflow.default_approvers(release),
                                   user(session, people, "officer"))
    first, second = (token for _request, token in requests)
    with runtime.db.transaction() as session:
        release = get_release(session, release_id)
        workflow.decide(session, release, approvals.request_for_token(session, SECRET, first), "approved")
        workflow.publish(session, release, user(session, people, "officer"))
    with runtime.db.transaction() as session:
        with pytest.raises(approvals.ApprovalError) as late:
            approvals.request_for_token(session, SECRET, second)
        assert late.value.status == 409
        assert get_release(session, release_id).status == "published"


def test_unknown_meeting_and_unchanged_past_embargo(runtime, people):
    with runtime.db.transaction() as session:
        with pytest.raises(ReleaseError):
            workflow.create_release(session, {**DRAFT, "meeting_id": 9999}, user(session, people, "officer"))
    release_id = new_release(runtime, people, embargo_until=utcnow() + dt.timedelta(seconds=2))
    with runtime.db.transaction() as session:
        release = get_release(session, release_id)
        release.embargo_until = utcnow() - dt.timedelta(minutes=1)  # it passed since
        same = release.embargo_until
        workflow.update_release(session, release, {"embargo_until": same, "subheadline": "x"},
                                user(session, people, "officer"))
        assert release.revision == 2
