"""The releases API and the public newsroom: workflow, SECURITY.md 19 and 20, and a
hypothesis state machine that no sequence of calls publishes an unapproved revision
or shows an embargoed release before its time."""

import datetime as dt
import email
import re

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from comms import auth, meetings
from comms import release_workflow as workflow
from storage.db import utcnow
from test_api import bearer

DRAFT = {"headline": "Mine clearance completed in three more States", "dateline": "GENEVA, 15 December 2026",
         "body_markdown": "Three States Parties **declared** completion.", "topics": ["mine-clearance"]}


@pytest.fixture
def setup(client, runtime, users, token_for):
    with runtime.db.transaction() as session:
        meeting = meetings.create_meeting(session, title="22MSP", kind="msp", starts_on=dt.date(2026, 12, 14),
                                          ends_on=dt.date(2026, 12, 18), timezone="Europe/Zurich")
        meetings.add_office_holder(session, meeting, session.get(auth.User, users["approver"].id), "president")
        meeting_id = meeting.id
    return {"officer": bearer(token_for("officer")), "approver": bearer(token_for("approver")),
            "viewer": bearer(token_for("viewer")), "meeting": meeting_id}


def create(client, setup, **extra):
    response = client.post("/api/v1/releases", json={**DRAFT, "meeting_id": setup["meeting"], **extra},
                           headers=setup["officer"])
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def approve(client, setup, release):
    assert client.post(f"/api/v1/releases/{release['id']}/submit", json={},
                       headers=setup["officer"]).status_code == 202
    response = client.post(f"/api/v1/releases/{release['id']}/approve", json={"revision": release["revision"]},
                           headers=setup["approver"])
    assert response.status_code == 200, response.get_json()
    return response.get_json()


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


class ReleaseMachine(RuleBasedStateMachine):
    """Random sequences of API calls; the public must only ever see approved,
    unembargoed revisions."""

    client = setup = runtime = None

    def __init__(self):
        super().__init__()
        self.ids: list[int] = []
        self.approved: set[tuple[int, int]] = set()

    def _get(self, release_id):
        return self.client.get(f"/api/v1/releases/{release_id}", headers=self.setup["officer"]).get_json()

    @rule(embargo=st.booleans())
    def create(self, embargo):
        extra = {"embargo_until": (utcnow() + dt.timedelta(hours=2)).isoformat()} if embargo else {}
        response = self.client.post("/api/v1/releases", json={**DRAFT, "meeting_id": self.setup["meeting"], **extra},
                                    headers=self.setup["officer"])
        assert response.status_code == 201
        self.ids.append(response.get_json()["id"])

    @precondition(lambda self: self.ids)
    @rule(index=st.integers(0, 50), text=st.text(min_size=1, max_size=30))
    def edit(self, index, text):
        release_id = self.ids[index % len(self.ids)]
        response = self.client.patch(f"/api/v1/releases/{release_id}", json={"body_markdown": text},
                                     headers=self.setup["officer"])
        assert response.status_code in (200, 409, 422)

    @precondition(lambda self: self.ids)
    @rule(index=st.integers(0, 50))
    def submit(self, index):
        release_id = self.ids[index % len(self.ids)]
        response = self.client.post(f"/api/v1/releases/{release_id}/submit", json={}, headers=self.setup["officer"])
        assert response.status_code in (202, 409)

    @precondition(lambda self: self.ids)
    @rule(index=st.integers(0, 50), stale=st.booleans())
    def approve(self, index, stale):
        release_id = self.ids[index % len(self.ids)]
        revision = self._get(release_id)["revision"] - (1 if stale else 0)
        response = self.client.post(f"/api/v1/releases/{release_id}/approve", json={"revision": revision},
                                    headers=self.setup["approver"])
        assert response.status_code in (200, 403, 409)
        if response.status_code == 200:
            assert not stale
            self.approved.add((release_id, revision))

    @precondition(lambda self: self.ids)
    @rule(index=st.integers(0, 50))
    def publish(self, index):
        release_id = self.ids[index % len(self.ids)]
        response = self.client.post(f"/api/v1/releases/{release_id}/publish", json={}, headers=self.setup["officer"])
        assert response.status_code in (200, 409)

    @rule(hours=st.integers(0, 3))
    def worker_runs(self, hours):
        # Even a worker whose clock runs ahead must not expose an embargoed release.
        workflow.publish_due(self.runtime, utcnow() + dt.timedelta(hours=hours))

    @invariant()
    def public_sees_only_approved_and_unembargoed(self):
        if not self.ids:
            return
        public = self.client.get("/api/v1/news?per_page=200").get_json()["items"]
        # The database outlives each hypothesis example: judge only this example's releases.
        for item in (i for i in public if i["id"] in self.ids):
            assert (item["id"], item["revision"]) in self.approved
            if item["embargo_until"]:
                assert dt.datetime.fromisoformat(item["embargo_until"]) <= utcnow()
        for release_id in self.ids:
            data = self._get(release_id)
            page = self.client.get(f"/news/{data['slug']}?lang=en")
            if page.status_code == 200:
                assert data["published_revision"] is not None
                assert (release_id, data["published_revision"]) in self.approved
                assert not data["embargo_until"] or dt.datetime.fromisoformat(data["embargo_until"]) <= utcnow()


def test_no_sequence_of_calls_leaks_an_unapproved_or_embargoed_release(client, setup, runtime):
    ReleaseMachine.client, ReleaseMachine.setup, ReleaseMachine.runtime = client, setup, runtime
    machine_test = ReleaseMachine.TestCase
    machine_test.settings = settings(max_examples=15, stateful_step_count=15, deadline=None,
                                     suppress_health_check=list(HealthCheck))
    machine_test("runTest").runTest()
