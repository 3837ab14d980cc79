"""Releases through the API: a draft, the ``setup`` fixture (a meeting, officer and approver tokens),
create and approve helpers, and the state machine the property tests extend."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from comms.accounts import users as auth
from comms.meetings import service as meetings
from comms.releases import workflow
from storage.db import utcnow

from support.web import bearer


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
            page = self.client.get(f"/news/{data['slug']}?lang={data['language']}")  # translations share the slug
            if page.status_code == 200:
                assert data["published_revision"] is not None
                assert (release_id, data["published_revision"]) in self.approved
                assert not data["embargo_until"] or dt.datetime.fromisoformat(data["embargo_until"]) <= utcnow()
