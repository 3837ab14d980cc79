"""docs/design/security.md "Approval and embargo", items 19-20: the approval link page (tampered,
expired), an edit after approval through the API, and an embargo that lifts exactly once
even when two schedulers race, with the release absent everywhere until then. Items 32-33
(added after the second probe): attachments are content and wait for approval, a translation
waits for its original's embargo, and who may approve is checked when a link is used (never
an approver who lost access, never someone who edited the revision)."""

from __future__ import annotations

import datetime as dt
import email
import io
import re
import threading

import feedparser
import pytest
from sqlalchemy import func, select

from comms.accounts import approvals
from comms.accounts import users as auth
from comms.meetings import service as meetings
from comms.meetings import strategy
from comms.releases import workflow
from comms.releases.service import get_release
from contacts import lists
from storage.audit import Actor, AuditEvent
from storage.db import utcnow

from support.feed_samples import PDF, PNG
from support.sending import SECRET
from support.strategy import CONTENT as STRATEGY
from support.web import bearer, csrf_from

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


# --- Added after the second black-box probe: items 32 and 33 ----------------------------------------------------------

OTHER_PNG = PNG + b"\x00"  # still a PNG to the type check; other bytes, another digest


def _upload(client, release_id, kind, data, name, caption=""):
    page = client.get(f"/staff/releases/{release_id}").get_data(as_text=True)
    return client.post(f"/staff/releases/{release_id}/files", data={
        "csrf_token": csrf_from(page), "kind": kind, "caption": caption, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data")


def _approve_and_publish(runtime, users, release_id) -> None:
    with runtime.db.transaction() as session:
        officer, approver = (session.get(auth.User, users[r].id) for r in ("officer", "approver"))
        release = get_release(session, release_id)
        [(request, _token)] = workflow.submit(session, SECRET, release, [approver], officer)
        workflow.decide(session, release, request, "approved", via="staff", actor=approver)
        workflow.publish(session, release, officer)


def _public_photo(client, slug) -> tuple[str, str]:
    """What the public sees of the photo: og:image on the page, and the Atom enclosure."""
    page = client.get(f"/news/{slug}?lang=en").get_data(as_text=True)
    og_image = re.search(r'<meta property="og:image" content="([^"]*)"', page)
    [entry] = feedparser.parse(client.get("/feeds/releases.atom").data).entries
    enclosures = sorted(e.href for e in entry.get("enclosures", []))
    return (og_image.group(1) if og_image else ""), " ".join(enclosures) + " | " + page


def test_item_32_a_new_photo_caption_or_pdf_waits_for_approval(client, runtime, users, auth_actions):
    """Item 32: "Attachments, captions ... are content: changing one makes a revision that needs
    approval." On a published release with a photo, the staff upload form replaces the photo
    and caption and adds a PDF: each is a new revision, sent back to draft, while the public
    page, og:image, the feeds and the public file URLs keep the published revision's photo
    and caption until the new revision is approved and republished."""
    with runtime.db.transaction() as session:
        release = workflow.create_release(session, dict(DRAFT), session.get(auth.User, users["officer"].id))
        release_id, slug = release.id, release.slug
    auth_actions.as_officer()
    assert _upload(client, release_id, "photo", PNG, "plenary.png", "Delegates in the plenary").status_code == 303
    _approve_and_publish(runtime, users, release_id)
    og_image, seen = _public_photo(client, slug)
    assert og_image.endswith("/files/photo/plenary.png?lang=en") and "Delegates in the plenary" in seen

    assert _upload(client, release_id, "photo", OTHER_PNG, "cleared.png", "Land released to farmers").status_code == 303
    assert _upload(client, release_id, "pdf", PDF, "release.pdf").status_code == 303
    staff_page = client.get(f"/staff/releases/{release_id}").get_data(as_text=True)
    auth_actions.logout()

    og_image, seen = _public_photo(client, slug)
    assert og_image.endswith("/files/photo/plenary.png?lang=en") and "Delegates in the plenary" in seen
    assert "cleared.png" not in seen and "Land released" not in seen and "release.pdf" not in seen
    assert client.get(f"/news/{slug}/files/photo/plenary.png?lang=en").data == PNG
    for url in (f"/news/{slug}/files/photo/cleared.png?lang=en", f"/news/{slug}/files/pdf/release.pdf?lang=en",
                f"/news/{slug}/files/photo/cleared.png?lang=en&rev=4"):
        assert client.get(url).status_code == 404, url
    assert "cleared.png" in staff_page and "the public page keeps the files of revision 2" in staff_page
    with runtime.db.transaction() as session:  # 1: the text, 2: the photo (published), 3 and 4: the uploads
        release = get_release(session, release_id)
        assert (release.revision, release.published_revision, release.approved_revision, release.status) == (
            4, 2, None, "draft")

    _approve_and_publish(runtime, users, release_id)
    og_image, seen = _public_photo(client, slug)
    assert og_image.endswith("/files/photo/cleared.png?lang=en") and "Land released to farmers" in seen
    assert "release.pdf" in seen and "Delegates in the plenary" not in seen
    assert client.get(f"/news/{slug}/files/photo/cleared.png?lang=en").data == OTHER_PNG


def test_item_32_an_attachment_takes_a_scheduled_release_back_to_draft(client, runtime, users, auth_actions):
    """Item 32, scheduled under embargo: a photo attached after approval sends the release back to
    draft, so nothing (text or photo) goes public when the embargo lifts without a new approval."""
    lift = utcnow() + dt.timedelta(hours=2)
    with runtime.db.transaction() as session:
        officer = session.get(auth.User, users["officer"].id)
        release_id = workflow.create_release(session, {**DRAFT, "embargo_until": lift}, officer).id
    _approve_and_publish(runtime, users, release_id)
    auth_actions.as_officer()
    assert _upload(client, release_id, "photo", PNG, "late.png").status_code == 303
    auth_actions.logout()
    with runtime.db.transaction() as session:
        release = get_release(session, release_id)
        assert (release.status, release.approved_revision, release.publish_at) == ("draft", None, None)
    assert workflow.publish_due(runtime, now=lift + dt.timedelta(seconds=1)) == 0
    assert client.get(f"/news/{slug_of(runtime, release_id)}/files/photo/late.png?lang=en").status_code == 404


def _csrf(client) -> str:
    """A CSRF token for this client's session (the approval page's form carries the same one)."""
    return csrf_from(client.get("/login").get_data(as_text=True))


def slug_of(runtime, release_id) -> str:
    with runtime.db.transaction() as session:
        return get_release(session, release_id).slug


def test_item_32_a_translation_is_never_public_before_its_originals_embargo(client, runtime, users, token_for):
    """Item 32: "a translation is never public before its original's embargo." A French version
    with no embargo of its own, approved and published while the English original is
    embargoed, waits (scheduled) for the English embargo. Even a French version already marked
    published (as older versions did) stays out of the page, the canonical link and og:url, the
    newsroom, search, the public API and every feed, and goes only to embargo-trusted lists;
    once the embargo lifts both are public, each exactly once."""
    lift = utcnow() + dt.timedelta(hours=2)
    officer = bearer(token_for("officer"))
    with runtime.db.transaction() as session:
        author = session.get(auth.User, users["officer"].id)
        english = workflow.create_release(session, {**DRAFT, "embargo_until": lift}, author)
        english_id, slug = english.id, english.slug
    _approve_and_publish(runtime, users, english_id)
    french = client.post("/api/v1/releases", json={
        "headline": "Restes d'armes à sous-munitions dégagés au Laos", "body_markdown": "Dégagement terminé.",
        "language": "fr", "translation_of": english_id}, headers=officer).get_json()
    assert french["slug"] == slug
    _approve_and_publish(runtime, users, french["id"])
    state = client.get(f"/api/v1/releases/{french['id']}", headers=officer).get_json()
    assert state["status"] == "scheduled" and state["url"] is None
    assert dt.datetime.fromisoformat(state["publish_at"]) == lift

    def hidden():
        for language in ("fr", "en", "es"):
            assert client.get(f"/news/{slug}?lang={language}").status_code == 404
        for url in ("/news/", "/news/?lang=fr", "/news/?q=Laos", "/api/v1/news", "/api/v1/news?lang=fr",
                    "/api/v1/news?q=Laos", "/feeds/releases.rss", "/feeds/releases.atom", "/feeds/releases.json",
                    "/feeds/releases.atom?lang=fr", "/feeds/releases.json?lang=es"):
            body = client.get(url).get_data(as_text=True)
            assert "sous-munitions" not in body and "municiones" not in body and "Lao PDR" not in body, url
            assert f"/news/{slug}" not in body, url

    hidden()
    assert workflow.publish_due(runtime, now=lift - dt.timedelta(seconds=1)) == 0
    spanish = client.post("/api/v1/releases", json={
        "headline": "Restos de municiones en racimo despejados en Laos", "language": "es",
        "translation_of": english_id}, headers=officer).get_json()
    with runtime.db.transaction() as session:  # published at once, as older versions of Pressroom did
        release = get_release(session, spanish["id"])
        release.status, release.published_revision, release.approved_revision = "published", 1, 1
        release.first_published_at = utcnow()
    hidden()
    with runtime.db.transaction() as session:
        list_id = lists.create_list(session, "Everyone", Actor(label="test")).id
    sent = client.post(f"/api/v1/releases/{spanish['id']}/send", json={"list_ids": [list_id]}, headers=officer)
    assert sent.status_code == 409 and "embargo" in sent.get_json()["error"]["message"]

    with runtime.db.transaction() as session:  # time passes: the embargo lifts
        for release_id in (english_id, french["id"]):
            release = get_release(session, release_id)
            release.publish_at = utcnow() - dt.timedelta(seconds=1)
        get_release(session, english_id).embargo_until = utcnow() - dt.timedelta(seconds=1)
    assert workflow.publish_due(runtime) == 2
    page = client.get(f"/news/{slug}?lang=fr").get_data(as_text=True)
    assert "Laos" in page and f'hreflang="en" href="http://localhost/news/{slug}?lang=en"' in page
    assert "munitions" in client.get("/feeds/releases.atom?lang=fr").get_data(as_text=True)
    assert client.get(f"/news/{slug}?lang=es").status_code == 200


def test_item_33_a_link_stops_working_when_its_approver_loses_access(client, runtime, users):
    """Item 33: "Approval links are checked against the approver's account and role at the moment
    of use." The approver is deactivated, then demoted to viewer, after the link was sent: the
    link page and the decision are refused and the release stays in review. With the role given
    back the same link works. A strategy sign-off link (same mechanism) likewise."""
    release_id, token = _submitted(runtime, users)

    def set_access(**changes):
        with runtime.db.transaction() as session:
            auth.update_user(session, session.get(auth.User, users["approver"].id),
                             actor=session.get(auth.User, users["admin"].id), **changes)

    for change in ({"active": False}, {"active": True, "role": "viewer"}):
        set_access(**change)
        assert client.get(f"/approve/{token}").status_code == 403, change
        refused = client.post(f"/approve/{token}", data={"decision": "approved", "csrf_token": _csrf(client)})
        assert refused.status_code == 403 and "no longer" in refused.get_data(as_text=True), change
        with runtime.db.transaction() as session:
            release = get_release(session, release_id)
            assert release.status == "in_review" and release.approved_revision is None
    set_access(role="approver")
    approved = client.post(f"/approve/{token}", data={"decision": "approved", "csrf_token": _csrf(client)})
    assert approved.status_code == 200
    with runtime.db.transaction() as session:
        assert get_release(session, release_id).approved_revision == 1

    with runtime.db.transaction() as session:
        meeting = meetings.create_meeting(session, title="22MSP", kind="msp", starts_on=dt.date(2026, 12, 14),
                                          ends_on=dt.date(2026, 12, 18), timezone="Europe/Zurich")
        meetings.add_office_holder(session, meeting, session.get(auth.User, users["approver"].id), "president")
        officer = session.get(auth.User, users["officer"].id)
        found, _new = strategy.save_strategy(session, meeting, {**STRATEGY, "milestones": []}, officer)
        _request, sign_off = strategy.request_sign_off(session, SECRET, found, officer)
        strategy_id = found.id
    set_access(role="viewer")
    assert client.post(f"/approve/{sign_off}", data={"decision": "approved", "csrf_token": _csrf(client)}
                       ).status_code == 403
    with runtime.db.transaction() as session:
        assert not session.get(strategy.Strategy, strategy_id).is_signed_off


def test_item_33_nobody_approves_a_revision_they_edited(client, runtime, users, token_for, auth_actions):
    """Item 33: "nobody approves a revision they edited." An admin (who holds the approver role)
    edits an officer's release: submitting it to the admin is refused, and a request addressed
    to them anyway decides nothing through the API, the staff page or the link."""
    officer, admin = bearer(token_for("officer")), bearer(token_for("admin"))
    release = client.post("/api/v1/releases", json=DRAFT, headers=officer).get_json()
    edited = client.patch(f"/api/v1/releases/{release['id']}", json={"body_markdown": "Clearance **done**."},
                          headers=admin).get_json()
    assert edited["revision"] == 2
    only_admin = client.post(f"/api/v1/releases/{release['id']}/submit",
                             json={"approver_ids": [users["admin"].id]}, headers=officer)
    assert only_admin.status_code == 422 and "edit" in only_admin.get_json()["error"]["message"]
    both = client.post(f"/api/v1/releases/{release['id']}/submit",
                       json={"approver_ids": [users["admin"].id, users["approver"].id]}, headers=officer)
    assert [r["approver_id"] for r in both.get_json()["requests"]] == [users["approver"].id]
    with runtime.db.transaction() as session:  # a request for the editor anyway (e.g. made before the edit rule)
        _request, token = approvals.request_approval(
            session, SECRET, subject_type=workflow.SUBJECT, subject_id=release["id"], version=2,
            approver=session.get(auth.User, users["admin"].id),
            requested_by=session.get(auth.User, users["officer"].id))

    by_api = client.post(f"/api/v1/releases/{release['id']}/approve", json={"revision": 2}, headers=admin)
    assert by_api.status_code == 403
    assert by_api.get_json()["error"]["message"] == "nobody approves a revision they edited"
    auth_actions.as_admin()
    page = client.get(f"/staff/releases/{release['id']}").get_data(as_text=True)
    assert "Approve revision 2" not in page
    by_page = client.post(f"/staff/releases/{release['id']}/decide", data={
        "csrf_token": csrf_from(page), "revision": "2", "decision": "approved"})
    assert by_page.status_code == 403
    auth_actions.logout()
    assert client.post(f"/approve/{token}", data={"decision": "approved", "csrf_token": _csrf(client)}
                       ).status_code == 403
    with runtime.db.transaction() as session:
        assert get_release(session, release["id"]).approved_revision is None
    approved = client.post(f"/api/v1/releases/{release['id']}/approve", json={"revision": 2},
                           headers=bearer(token_for("approver")))
    assert approved.status_code == 200 and approved.get_json()["approved_revision"] == 2


def test_item_33_a_president_who_edited_the_strategy_cannot_sign_it_off(runtime, users):
    """Item 33 for strategies (they share the approval check): the President, an admin, edits the
    strategy; asking them to sign off that version is refused, and so is a link made anyway."""
    with runtime.db.transaction() as session:
        admin, officer = (session.get(auth.User, users[r].id) for r in ("admin", "officer"))
        meeting = meetings.create_meeting(session, title="22MSP", kind="msp", starts_on=dt.date(2026, 12, 14),
                                          ends_on=dt.date(2026, 12, 18), timezone="Europe/Zurich")
        meetings.add_office_holder(session, meeting, admin, "president")
        found, _new = strategy.save_strategy(session, meeting, {**STRATEGY, "milestones": []}, admin)
        with pytest.raises(strategy.StrategyError, match="edited"):
            strategy.request_sign_off(session, SECRET, found, officer)
        request, _token = approvals.request_approval(session, SECRET, subject_type=strategy.SUBJECT,
                                                     subject_id=found.id, version=1, approver=admin,
                                                     requested_by=officer)
        with pytest.raises(approvals.ApprovalError, match="edited"):
            strategy.record_decision(session, found, request, "approved")
        assert not found.is_signed_off


def test_item_19_a_used_link_decides_nothing_more_and_only_says_what_was_decided(client, runtime, users):
    """Item 19: "works once." Used again (GET, HEAD or POST), the link answers 410 with the decision,
    its approver and time, and a second POST changes nothing."""
    release_id, token = _submitted(runtime, users)
    review = client.get(f"/approve/{token}")
    done = client.post(f"/approve/{token}", data={"decision": "changes_requested", "comment": "Shorter.",
                                                  "csrf_token": csrf_from(review.get_data(as_text=True))})
    assert done.status_code == 200
    again = client.post(f"/approve/{token}", data={"decision": "approved",
                                                   "csrf_token": csrf_from(review.get_data(as_text=True))})
    assert again.status_code == 410 and "Changes requested (version 1) by Approver Person on" in \
        again.get_data(as_text=True)
    assert client.head(f"/approve/{token}").status_code == 410
    with runtime.db.transaction() as session:
        release = get_release(session, release_id)
        assert release.status == "draft" and release.approved_revision is None


def test_item_21_the_decision_email_carries_no_injected_header(client, runtime, users):
    """Item 21: header injection in names and subjects. An approver whose name and comment hold
    "\\r\\nBcc:" lines: the decision email has one recipient and no Bcc header."""
    with runtime.db.transaction() as session:
        session.get(auth.User, users["approver"].id).name = "Eve\r\nBcc: spy@evil.example"
    release_id, token = _submitted(runtime, users)
    review = client.get(f"/approve/{token}")
    client.post(f"/approve/{token}", data={"decision": "changes_requested", "comment": "x\r\nBcc: spy@evil.example",
                                           "csrf_token": csrf_from(review.get_data(as_text=True))})
    runtime.queue.join()
    messages = [email.message_from_bytes(p.read_bytes()) for p in runtime.config.outbox_path.glob("*.eml")]
    decisions = [m for m in messages if str(m["Subject"]).startswith("Changes requested: ")]
    assert len(decisions) == 1 and release_id
    assert decisions[0]["Bcc"] is None and decisions[0]["To"] == "Officer Person <officer@example.org>"
