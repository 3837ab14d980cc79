"""The releases API and the public newsroom: workflow, docs/design/security.md items 19 and 20, and a
hypothesis state machine that no sequence of calls publishes an unapproved revision
or shows an embargoed release before its time."""

import datetime as dt
import email
import re

from hypothesis import HealthCheck, settings

from comms.accounts import users as auth
from comms.meetings import service as meetings
from comms.releases import workflow
from storage.db import utcnow

from support.release_api import DRAFT, ReleaseMachine, approve, create, setup  # noqa: F401 (setup: a fixture)


def test_workflow_through_the_api(client, setup, runtime):
    release = create(client, setup)
    assert (release["status"], release["revision"], release["url"]) == ("draft", 1, None)
    assert client.post(f"/api/v1/releases/{release['id']}/publish", json={},
                       headers=setup["officer"]).status_code == 409
    patched = client.patch(f"/api/v1/releases/{release['id']}", json={"subheadline": "A milestone"},
                           headers=setup["officer"]).get_json()
    assert patched["revision"] == 2
    submitted = client.post(f"/api/v1/releases/{release['id']}/submit", json={}, headers=setup["officer"])
    assert submitted.status_code == 202 and submitted.get_json()["status"] == "in_review"
    runtime.queue.join()
    [mail] = runtime.config.outbox_path.glob("*.eml")
    assert b"approver@example.org" in mail.read_bytes()
    stale = client.post(f"/api/v1/releases/{release['id']}/approve", json={"revision": 1}, headers=setup["approver"])
    assert stale.status_code == 409
    approved = client.post(f"/api/v1/releases/{release['id']}/approve", json={"revision": 2},
                           headers=setup["approver"]).get_json()
    assert approved["status"] == "approved" and approved["approved_revision"] == 2
    published = client.post(f"/api/v1/releases/{release['id']}/publish", json={}, headers=setup["officer"]).get_json()
    assert published["status"] == "published" and published["url"].endswith("lang=en")
    page = client.get(f"/news/{published['slug']}?lang=en")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<strong>declared</strong>" in html and "About the Convention" in html
    assert 'property="og:title"' in html and '"@type": "NewsArticle"' in html
    news = client.get("/api/v1/news").get_json()
    assert news["total"] == 1 and news["items"][0]["headline"] == DRAFT["headline"]


def test_the_author_never_approves(client, setup, token_for, runtime, users):
    with runtime.db.transaction() as session:
        session.get(auth.User, users["officer"].id).role = "admin"  # an admin may do everything... but not this
    release = create(client, setup)
    client.post(f"/api/v1/releases/{release['id']}/submit", json={"approver_ids": [users["approver"].id]},
                headers=setup["officer"])
    response = client.post(f"/api/v1/releases/{release['id']}/approve", json={"revision": 1},
                           headers=setup["officer"])
    assert response.status_code == 403


def test_approval_link_on_the_page(client, setup, runtime):
    release = create(client, setup)
    client.post(f"/api/v1/releases/{release['id']}/submit", json={}, headers=setup["officer"])
    runtime.queue.join()
    [path] = runtime.config.outbox_path.glob("*.eml")
    message = email.message_from_bytes(path.read_bytes())
    text = next(p for p in message.walk() if p.get_content_type() == "text/plain").get_payload(decode=True).decode()
    link = re.search(r"http://localhost(/approve/\S+)", text).group(1)
    page = client.get(link)
    assert page.status_code == 200 and DRAFT["headline"] in page.get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    assert client.post(link, data={"csrf_token": csrf, "decision": "approved"}).status_code == 200
    assert client.get(f"/api/v1/releases/{release['id']}", headers=setup["officer"]).get_json()["status"] == "approved"
    assert client.post(link, data={"csrf_token": csrf, "decision": "approved"}).status_code == 410


def test_embargo_rules(client, setup):
    past = client.post("/api/v1/releases", json={**DRAFT, "embargo_until": "2020-01-01T00:00:00+00:00"},
                       headers=setup["officer"])
    assert past.status_code == 400
    lift = (utcnow() + dt.timedelta(hours=3)).replace(microsecond=0)
    release = create(client, setup, embargo_until=lift.isoformat())
    approve(client, setup, release)
    scheduled = client.post(f"/api/v1/releases/{release['id']}/publish", json={}, headers=setup["officer"]).get_json()
    assert scheduled["status"] == "scheduled"
    assert dt.datetime.fromisoformat(scheduled["publish_at"]) == lift
    # Before it lifts: not in the newsroom, the page, the public API or search.
    assert release["headline"] not in client.get("/news/").get_data(as_text=True)
    assert client.get(f"/news/{release['slug']}?lang=en").status_code == 404
    assert client.get("/api/v1/news?q=clearance").get_json()["total"] == 0
    assert client.get("/news/?q=clearance").get_data(as_text=True).count(release["headline"]) == 0


def test_staff_preview_of_unpublished(client, setup, auth_actions):
    release = create(client, setup)
    assert client.get(f"/news/{release['slug']}?lang=en").status_code == 404
    auth_actions.as_viewer()
    preview = client.get(f"/news/{release['slug']}?lang=en")
    assert preview.status_code == 200 and "Preview for staff" in preview.get_data(as_text=True)
    assert preview.headers["Cache-Control"] == "private, no-store"


def test_translations_have_hreflang_alternates(client, setup):
    original = create(client, setup)
    french = client.post("/api/v1/releases", json={**DRAFT, "headline": "Déminage achevé", "language": "fr",
                                                   "translation_of": original["id"]}, headers=setup["officer"])
    assert french.status_code == 201 and french.get_json()["slug"] == original["slug"]
    duplicate = client.post("/api/v1/releases", json={**DRAFT, "language": "fr", "translation_of": original["id"]},
                            headers=setup["officer"])
    assert duplicate.status_code == 409
    for release in (original, french.get_json()):
        approve(client, setup, release)
        client.post(f"/api/v1/releases/{release['id']}/publish", json={}, headers=setup["officer"])
    html = client.get(f"/news/{original['slug']}?lang=fr").get_data(as_text=True)
    assert 'hreflang="en"' in html and 'hreflang="fr"' in html and "Déminage achevé" in html


def test_retraction_and_xss(client, setup):
    release = create(client, setup, body_markdown='Hi <img src=x onerror="alert(1)"> [x](javascript:alert(1))')
    approve(client, setup, release)
    client.post(f"/api/v1/releases/{release['id']}/publish", json={}, headers=setup["officer"])
    html = client.get(f"/news/{release['slug']}?lang=en").get_data(as_text=True)
    assert "<img" not in html.split('class="release-body"')[1] and 'href="javascript' not in html
    retracted = client.post(f"/api/v1/releases/{release['id']}/retract", json={"note": "Issued in error"},
                            headers=setup["officer"])
    assert retracted.get_json()["status"] == "retracted"
    assert client.get("/api/v1/news").get_json()["total"] == 0
    page = client.get(f"/news/{release['slug']}?lang=en")
    assert page.status_code == 200 and "Retracted" in page.get_data(as_text=True)


def test_no_sequence_of_calls_leaks_an_unapproved_or_embargoed_release(client, setup, runtime):
    ReleaseMachine.client, ReleaseMachine.setup, ReleaseMachine.runtime = client, setup, runtime
    machine_test = ReleaseMachine.TestCase
    machine_test.settings = settings(max_examples=15, stateful_step_count=15, deadline=None,
                                     suppress_health_check=list(HealthCheck))
    machine_test("runTest").runTest()
