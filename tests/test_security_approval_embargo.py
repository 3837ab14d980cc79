"""SECURITY.md "Approval and embargo", items 19-20: the approval link page (tampered,
expired), an edit after approval through the API, and an embargo that lifts exactly once
even when two schedulers race, with the release absent everywhere until then."""

from __future__ import annotations

import datetime as dt
import threading

from sqlalchemy import func, select

from comms import approvals, auth
from comms import release_workflow as workflow
from comms.releases import get_release
from storage.audit import AuditEvent
from storage.db import utcnow
from test_api import bearer
from test_distribution import SECRET

DRAFT = {"headline": "Cluster munition remnants cleared in Lao PDR", "dateline": "GENEVA",
         "body_markdown": "Clearance **completed**."}


def _submitted(runtime, users) -> tuple[int, str]:
    with runtime.db.transaction() as session:
        officer = session.get(auth.User, users["officer"].id)
        release = workflow.create_release(session, dict(DRAFT), officer)
        [(_request, token)] = workflow.submit(session, SECRET, release, [session.get(auth.User, users["approver"].id)],
                                              officer)
        return release.id, token


def test_item_19_tampered_and_expired_approval_links_decide_nothing(client, runtime, users, monkeypatch):
    """Item 19: "an approval link is signed, expires, and works once." A link with one character
    changed and a link past its lifetime: refused on the page, and the release stays in review."""
    release_id, token = _submitted(runtime, users)
    flipped = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    assert client.get(f"/approve/{flipped}").status_code in (400, 403, 404)
    assert client.post(f"/approve/{flipped}", data={"decision": "approved"}).status_code in (400, 403, 404)
    monkeypatch.setattr(approvals, "LINK_LIFETIME", dt.timedelta(seconds=-1))
    assert client.get(f"/approve/{token}").status_code == 410
    with runtime.db.transaction() as session:
        release = get_release(session, release_id)
        assert release.status == "in_review" and release.approved_revision is None


def test_item_19_an_edit_after_approval_clears_it_and_blocks_publishing(client, token_for, users):
    """Item 19: "any content edit after approval clears it; approval is bound to one revision (a
    stale revision: 409)." Through the API: approve, edit, then publish and re-approve the old one."""
    officer, approver = bearer(token_for("officer")), bearer(token_for("approver"))
    release = client.post("/api/v1/releases", json=DRAFT, headers=officer).get_json()
    client.post(f"/api/v1/releases/{release['id']}/submit", json={"approver_ids": [users["approver"].id]},
                headers=officer)
    approved = client.post(f"/api/v1/releases/{release['id']}/approve", json={"revision": 1}, headers=approver)
    assert approved.get_json()["approved_revision"] == 1
    edited = client.patch(f"/api/v1/releases/{release['id']}", json={"body_markdown": "Clearance **not** completed."},
                          headers=officer).get_json()
    assert edited["revision"] == 2 and edited["approved_revision"] is None and edited["status"] != "approved"
    assert client.post(f"/api/v1/releases/{release['id']}/publish", json={}, headers=officer).status_code == 409
    assert client.post(f"/api/v1/releases/{release['id']}/approve", json={"revision": 1},
                       headers=approver).status_code == 409


def test_item_20_an_embargo_lifts_exactly_once_under_racing_schedulers(client, runtime, users):
    """Item 20: "Before it lifts, the release is absent from every feed, the newsroom, the public
    page, the public API and search ... After it lifts it is published exactly once." Four
    schedulers race at the lift time; exactly one publishes it, once."""
    lift = utcnow() + dt.timedelta(hours=2)
    with runtime.db.transaction() as session:
        officer, approver = (session.get(auth.User, users[r].id) for r in ("officer", "approver"))
        release = workflow.create_release(session, {**DRAFT, "embargo_until": lift}, officer)
        [(request, _token)] = workflow.submit(session, SECRET, release, [approver], officer)
        workflow.decide(session, release, request, "approved", via="staff", actor=approver)
        workflow.publish(session, release, officer)
        release_id, slug = release.id, release.slug
    public = ["/news/", "/api/v1/news", "/api/v1/news?q=Lao", "/news/?q=Lao", "/feeds/releases.rss",
              "/feeds/releases.atom", "/feeds/releases.json"]
    for url in public:
        assert "Lao PDR" not in client.get(url).get_data(as_text=True), url
    assert client.get(f"/news/{slug}?lang=en").status_code == 404
    assert workflow.publish_due(runtime, now=lift - dt.timedelta(seconds=1)) == 0

    counts, barrier = [], threading.Barrier(4)

    def scheduler():
        barrier.wait()
        counts.append(workflow.publish_due(runtime, now=lift + dt.timedelta(seconds=1)))

    threads = [threading.Thread(target=scheduler) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(counts) == [0, 0, 0, 1]
    assert workflow.publish_due(runtime, now=lift + dt.timedelta(hours=1)) == 0
    with runtime.db.transaction() as session:
        assert get_release(session, release_id).status == "published"
        lifted = session.scalar(select(func.count(AuditEvent.id)).where(
            AuditEvent.action == "release.publish", AuditEvent.actor_label == "scheduler",
            AuditEvent.object_id == str(release_id)))
    assert lifted == 1
