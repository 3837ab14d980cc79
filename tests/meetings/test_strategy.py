"""Strategies, versions and President sign-off through comms.accounts.approvals (docs/design/security.md item 19's mechanism)."""

import datetime as dt

import pytest
from sqlalchemy import select

from comms.accounts import approvals
from comms.accounts import users as auth
from comms.meetings import service as meetings
from comms.meetings import strategy
from comms.accounts.approvals import ApprovalError
from storage.audit import AuditEvent
from storage.db import utcnow

from support.strategy import CONTENT

SECRET = "test-secret-key"


@pytest.fixture
def world(runtime, users):
    with runtime.db.transaction() as session:
        president = auth.create_user(session, "president@example.org", "approver", name="The President")
        meeting = meetings.create_meeting(session, title="22MSP", kind="msp", starts_on=dt.date(2026, 12, 14),
                                          ends_on=dt.date(2026, 12, 18), timezone="Europe/Zurich", venue="Geneva")
        meetings.add_office_holder(session, meeting, president, "president")
        meetings.add_office_holder(session, meeting, session.get(auth.User, users["approver"].id), "co_chair")
        return {"meeting_id": meeting.id, "president_id": president.id, "officer_id": users["officer"].id}


def save(runtime, world, content, milestones=()):
    with runtime.db.transaction() as session:
        meeting = session.get(meetings.Meeting, world["meeting_id"])
        officer = session.get(auth.User, world["officer_id"])
        found, new = strategy.save_strategy(session, meeting, {**content, "milestones": list(milestones)}, officer)
        return found.id, found.version, new


def sign_off_link(runtime, world):
    with runtime.db.transaction() as session:
        found = strategy.get_strategy(session, session.get(meetings.Meeting, world["meeting_id"]))
        _request, token = strategy.request_sign_off(session, SECRET, found, session.get(auth.User, world["officer_id"]))
        return token


def decide_by_link(runtime, token, decision="approved", comment=""):
    with runtime.db.transaction() as session:
        request = approvals.request_for_token(session, SECRET, token)
        found = session.get(strategy.Strategy, request.subject_id)
        strategy.record_decision(session, found, request, decision, comment)
        return found.is_signed_off, found.approved_version


def test_versions_only_when_content_changes(runtime, world):
    assert save(runtime, world, CONTENT)[1:] == (1, True)
    assert save(runtime, world, CONTENT)[1:] == (1, False)
    changed = {**CONTENT, "risks": ["Bad weather"]}
    assert save(runtime, world, changed)[1:] == (2, True)
    with runtime.db.transaction() as session:
        found = session.scalar(select(strategy.Strategy))
        assert [v.version for v in found.versions] == [1, 2]
        assert found.versions[0].content["risks"] == ["Competing news on the same day"]


def test_president_signs_off_one_version_and_a_change_clears_it(runtime, world):
    save(runtime, world, CONTENT)
    token = sign_off_link(runtime, world)
    assert decide_by_link(runtime, token) == (True, 1)
    with runtime.db.transaction() as session:
        data = strategy.strategy_to_dict(session.scalar(select(strategy.Strategy)))
        assert data["approved_by"] == world["president_id"] and data["approved_version"] == 1
    save(runtime, world, {**CONTENT, "objectives": ["Something else"]})
    with runtime.db.transaction() as session:
        found = session.scalar(select(strategy.Strategy))
        assert not found.is_signed_off and strategy.strategy_to_dict(found)["approved_by"] is None


def test_links_work_once(runtime, world):
    save(runtime, world, CONTENT)
    token = sign_off_link(runtime, world)
    decide_by_link(runtime, token)
    with pytest.raises(ApprovalError) as used:
        decide_by_link(runtime, token)
    assert used.value.status == 410


def test_a_link_for_an_older_version_is_refused(runtime, world):
    save(runtime, world, CONTENT)
    token = sign_off_link(runtime, world)
    save(runtime, world, {**CONTENT, "channels": ["web"]})
    with pytest.raises(ApprovalError) as stale:
        decide_by_link(runtime, token)
    assert stale.value.status == 409
    with runtime.db.transaction() as session:
        assert not session.scalar(select(strategy.Strategy)).is_signed_off


def test_forged_and_expired_links_are_refused(runtime, world):
    save(runtime, world, CONTENT)
    token = sign_off_link(runtime, world)
    with runtime.db.transaction() as session:
        with pytest.raises(ApprovalError) as forged:
            approvals.request_for_token(session, "another-secret", token)
        assert forged.value.status == 404
        with pytest.raises(ApprovalError):
            approvals.request_for_token(session, SECRET, token[:-3] + "abc")
        request = session.scalar(select(approvals.ApprovalRequest))
        request.expires_at = utcnow() - dt.timedelta(seconds=1)
    with pytest.raises(ApprovalError) as expired:
        decide_by_link(runtime, token)
    assert expired.value.status == 410


def test_changes_requested_needs_a_comment_and_is_not_a_sign_off(runtime, world):
    save(runtime, world, CONTENT)
    token = sign_off_link(runtime, world)
    with pytest.raises(ApprovalError):
        decide_by_link(runtime, token, "changes_requested", "")
    assert decide_by_link(runtime, token, "changes_requested", "Add a message in Spanish") == (False, None)
    with runtime.db.transaction() as session:
        actions = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
        assert "approval.request" in actions and "approval.changes_requested" in actions


def test_nobody_approves_their_own_work_and_only_approvers_approve(runtime, world, users):
    with runtime.db.transaction() as session:
        officer = session.get(auth.User, users["officer"].id)
        approver = session.get(auth.User, users["approver"].id)
        with pytest.raises(ApprovalError):
            approvals.request_approval(session, SECRET, subject_type="strategy", subject_id=1, version=1,
                                       approver=officer, requested_by=approver)
        with pytest.raises(ApprovalError):
            approvals.request_approval(session, SECRET, subject_type="strategy", subject_id=1, version=1,
                                       approver=approver, requested_by=approver)


def test_bad_content_names_the_fields(runtime, world):
    with pytest.raises(strategy.StrategyError) as caught:
        save(runtime, world, {**CONTENT, "channels": ["carrier pigeon"],
                              "key_messages": [{"language": "de", "text": "Hallo"}]})
    assert set(caught.value.fields) == {"channels", "key_messages"}
    with pytest.raises(strategy.StrategyError):
        save(runtime, world, CONTENT, [{"title": "Advisory", "due_on": "soon"}])


def test_milestone_progress_is_not_a_new_version(runtime, world):
    plan = [{"title": "Media advisory", "due_on": "2026-12-01", "owner_id": world["officer_id"]}]
    save(runtime, world, CONTENT, plan)
    token = sign_off_link(runtime, world)
    decide_by_link(runtime, token)
    with runtime.db.transaction() as session:
        milestone_id = session.scalar(select(strategy.Milestone.id))
    _, version, new = save(runtime, world, CONTENT, [{**plan[0], "id": milestone_id, "status": "done"}])
    assert (version, new) == (1, False)
    _, version, new = save(runtime, world, CONTENT, [{**plan[0], "id": milestone_id, "due_on": "2026-12-02"}])
    assert (version, new) == (2, True)
