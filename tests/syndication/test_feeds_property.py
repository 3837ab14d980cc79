"""docs/design/security.md item 20 for every feed variant, as a property shared with the releases issue: the
release state machine of test_releases_api (random create, edit, submit, approve, publish and
worker runs), extended with retractions, short embargoes, new headlines and translations, must
never put an unapproved, embargoed, retracted or not-yet-published release (or headline) in any
feed, nor a translation before its original's embargo lifts (docs/design/security.md item 32)."""

import datetime as dt
import itertools
import json
import re

import feedparser
import hypothesis
import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import invariant, precondition, rule

from sqlalchemy import select

from comms.accounts import users as auth
from comms.releases import workflow
from comms.releases.service import Release, get_release
from storage.db import utcnow

from support.feed_samples import meeting_id  # noqa: F401  (a fixture)
from support.release_api import DRAFT, ReleaseMachine, setup  # noqa: F401  (a fixture)

RELEASE_ID = re.compile(r"release/(\d+)$")
TRANSLATIONS = ("fr", "es", "de")
_counter = itertools.count()


def variants(meeting_id):
    """Every kind of feed document that can hold releases."""
    paths = [f"/feeds/releases.{fmt}" for fmt in ("rss", "atom", "json")]
    paths += ["/feeds/releases.atom?lang=en", "/feeds/releases.rss?topic=mine-clearance",
              f"/feeds/releases.json?meeting={meeting_id}", f"/feeds/meetings/{meeting_id}.atom",
              f"/feeds/meetings/{meeting_id}.json"]
    return paths


def expected_in(path: str, language: str) -> bool:
    """Whether a public release in ``language`` belongs in the feed at ``path`` (only ?lang= filters by language;
    translations share their original's meeting and, here, its topic)."""
    match = re.search(r"[?&]lang=(\w+)", path)
    return match is None or match.group(1) == language


def entries(response):
    assert response.status_code == 200
    if response.mimetype == "application/feed+json":
        return [(item["id"], item["title"]) for item in json.loads(response.data)["items"]]
    parsed = feedparser.parse(response.data)
    assert parsed.bozo == 0
    return [(entry.id, entry.title) for entry in parsed.entries]


class FeedMachine(ReleaseMachine):
    """The release machine, plus retraction and headlines, judged through the feeds."""

    def __init__(self):
        super().__init__()
        self.headlines: dict[tuple[int, int], str] = {}
        self.languages: dict[int, str] = {}

    def _remember(self, release_id):
        data = self._get(release_id)
        self.headlines[(release_id, data["revision"])] = data["headline"]

    @precondition(lambda self: self.ids)
    @rule(index=st.integers(0, 50), stale=st.booleans())
    def approve(self, index, stale):
        # As the releases machine's rule, except that revision 0 (stale before any edit) is invalid input (422).
        release_id = self.ids[index % len(self.ids)]
        revision = self._get(release_id)["revision"] - (1 if stale else 0)
        response = self.client.post(f"/api/v1/releases/{release_id}/approve", json={"revision": revision},
                                    headers=self.setup["approver"])
        assert response.status_code in ((200, 403, 409) if revision >= 1 else (409, 422))
        if response.status_code == 200:
            assert not stale
            self.approved.add((release_id, revision))

    @rule(seconds=st.sampled_from([1, 3]))
    def create_short_embargo(self, seconds):
        extra = {"embargo_until": (utcnow() + dt.timedelta(seconds=seconds)).isoformat(),
                 "headline": f"Embargoed headline {next(_counter)}"}
        response = self.client.post("/api/v1/releases", json={**DRAFT, "meeting_id": self.setup["meeting"], **extra},
                                    headers=self.setup["officer"])
        assert response.status_code == 201
        self.ids.append(response.get_json()["id"])

    @precondition(lambda self: self.ids)
    @rule(index=st.integers(0, 50))
    def new_headline(self, index):
        release_id = self.ids[index % len(self.ids)]
        response = self.client.patch(f"/api/v1/releases/{release_id}",
                                     json={"headline": f"Draft headline {next(_counter)}"},
                                     headers=self.setup["officer"])
        assert response.status_code in (200, 409, 422)

    @precondition(lambda self: self.ids)
    @rule(index=st.integers(0, 50))
    def submit_approve_publish(self, index):
        # The happy path in one step, so that examples reach published (and embargoed) states often.
        release_id = self.ids[index % len(self.ids)]
        self.client.post(f"/api/v1/releases/{release_id}/submit", json={}, headers=self.setup["officer"])
        revision = self._get(release_id)["revision"]
        approved = self.client.post(f"/api/v1/releases/{release_id}/approve", json={"revision": revision},
                                    headers=self.setup["approver"])
        if approved.status_code == 200:
            self.approved.add((release_id, revision))
        response = self.client.post(f"/api/v1/releases/{release_id}/publish", json={}, headers=self.setup["officer"])
        assert response.status_code in (200, 409)

    @precondition(lambda self: self.ids)
    @rule(index=st.integers(0, 50), language=st.sampled_from(TRANSLATIONS), embargo=st.booleans())
    def translate(self, index, language, embargo):
        # A translation of any release (the API links it to the original), with or without an embargo of its own.
        extra = {"embargo_until": (utcnow() + dt.timedelta(seconds=2)).isoformat()} if embargo else {}
        response = self.client.post("/api/v1/releases", json={
            **DRAFT, "headline": f"Translated headline {next(_counter)}", "language": language,
            "translation_of": self.ids[index % len(self.ids)], **extra}, headers=self.setup["officer"])
        assert response.status_code in (201, 409)  # 409: that language exists already
        if response.status_code == 201:
            self.ids.append(response.get_json()["id"])

    @precondition(lambda self: self.ids)
    @rule(index=st.integers(0, 50))
    def retract(self, index):
        release_id = self.ids[index % len(self.ids)]
        response = self.client.post(f"/api/v1/releases/{release_id}/retract", json={"note": "Issued in error"},
                                    headers=self.setup["officer"])
        assert response.status_code in (200, 409)

    def _states(self):
        """What the public may see, per release of this example: {id: headline of the public revision}."""
        allowed = {}
        for release_id in self.ids:
            data = self._get(release_id)
            self.headlines.setdefault((release_id, data["revision"]), data["headline"])
            self.languages[release_id] = data["language"]
            published = data["published_revision"]
            embargoes = [data["embargo_until"]]
            if data["translation_of"]:  # a translation also waits for its original's embargo
                embargoes.append(self._get(data["translation_of"])["embargo_until"])
            if (published is None or data["first_published_at"] is None or data["status"] == "retracted"
                    or any(e and dt.datetime.fromisoformat(e) > utcnow() for e in embargoes)):
                continue
            assert (release_id, published) in self.approved
            allowed[release_id] = self.headlines.get((release_id, published))
        return allowed

    @invariant()
    def feeds_show_only_what_is_public(self):
        if not self.ids:
            return
        before = self._states()  # may grow while we look (an embargo lifting), never shrink
        seen = {path: entries(self.client.get(path)) for path in variants(self.setup["meeting"])}
        after = self._states()
        for path, found in seen.items():
            mine = {int(RELEASE_ID.search(guid).group(1)): title for guid, title in found
                    if RELEASE_ID.search(guid) and int(RELEASE_ID.search(guid).group(1)) in self.ids}
            assert set(mine) <= set(after), (path, mine, after)
            assert {rid for rid in before if expected_in(path, self.languages[rid])} <= set(mine), (path, mine, before)
            for release_id, title in mine.items():
                expected = after[release_id]
                if expected is not None:
                    assert title == expected, (path, title, expected)


# Each property test drives dozens of sequences through HTTP (60-70 s on an idle machine); on a
# CI machine running six shards, with other jobs beside it, one took over the default 300 s.
@pytest.mark.timeout(900)
def test_no_sequence_of_calls_leaks_into_any_feed(client, setup, runtime):  # noqa: F811
    FeedMachine.client, FeedMachine.setup, FeedMachine.runtime = client, setup, runtime
    machine_test = FeedMachine.TestCase
    machine_test.settings = settings(max_examples=12, stateful_step_count=12, deadline=None, database=None,
                                     suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    machine_test("runTest").runTest()


# --- The same property, driven directly through the workflow (many more steps per second) ----------------------------

# Publishing and early workers weighted up: most interesting states need them.
OPERATIONS = st.lists(st.tuples(
    st.sampled_from(["create", "create_embargoed", "create_embargoed", "translate", "translate", "publish", "publish",
                     "publish", "correct", "draft_edit", "retract", "worker_ahead", "worker_ahead", "time_passes"]),
    st.integers(0, 5)), min_size=3, max_size=12)


def _public_now(session, ids):
    """Independent of the code under test: published, past the embargo (a translation: its original's too),
    not retracted; {id: (public headline, language)}."""
    now = utcnow()
    allowed = {}
    for release in session.scalars(select(Release).where(Release.id.in_(ids))):
        embargoes = [release.embargo_until]
        if release.translation_of_id:  # a translation waits for its original's embargo too
            embargoes.append(session.get(Release, release.translation_of_id).embargo_until)
        if (release.published_revision is not None and release.first_published_at is not None
                and release.retracted_at is None and all(e is None or e <= now for e in embargoes)):
            allowed[release.id] = (release.content(release.published_revision)["headline"], release.language)
    return allowed


def _apply(runtime, users, ids, operation, index):
    if operation == "worker_ahead":  # a worker whose clock runs ahead must not expose anything early
        workflow.publish_due(runtime, utcnow() + dt.timedelta(hours=3))
        return
    with runtime.db.transaction() as session:
        officer = session.get(auth.User, users["officer"].id)
        approver = session.get(auth.User, users["approver"].id)
        if operation.startswith("create"):
            embargo = utcnow() + dt.timedelta(hours=2) if operation == "create_embargoed" else None
            release = workflow.create_release(session, {"headline": f"Headline {next(_counter)}", "topics": [
                "mine-clearance"], "embargo_until": embargo}, officer)
            ids.append(release.id)
            return
        if not ids:
            return
        release = get_release(session, ids[index % len(ids)])
        if operation == "translate":  # a translation with no embargo of its own, approved and published at once
            root = release.translation_of_id or release.id
            taken = set(session.scalars(select(Release.language).where(
                (Release.id == root) | (Release.translation_of_id == root))))
            language = next((code for code in TRANSLATIONS if code not in taken), None)
            if language is not None:
                release = workflow.create_release(session, {
                    "headline": f"Headline {next(_counter)}", "topics": ["mine-clearance"], "language": language,
                    "translation_of": root}, officer)
                ids.append(release.id)
                operation = "publish"
        if operation == "time_passes":
            if release.embargo_until is not None:
                release.embargo_until = utcnow() - dt.timedelta(seconds=1)
                if release.status == "scheduled":
                    release.publish_at = release.embargo_until
        elif operation == "retract" and release.published_revision is not None:
            workflow.retract(session, release, officer, "Issued in error.")
        elif operation in ("correct", "draft_edit") and release.status != "retracted":
            workflow.update_release(session, release, {"headline": f"Headline {next(_counter)}"}, officer)
        if operation in ("publish", "correct") and release.status == "draft":
            [(request, _token)] = workflow.submit(session, "test-secret-key", release, [approver], officer)
            workflow.decide(session, release, request, "approved")
            workflow.publish(session, release, officer)
    if operation == "time_passes":
        workflow.publish_due(runtime)


# Each property test drives dozens of sequences through HTTP (60-70 s on an idle machine); on a
# CI machine running six shards, with other jobs beside it, one took over the default 300 s.
@pytest.mark.timeout(900)
def test_random_publish_embargo_retract_sequences_never_leak(client, runtime, users, meeting_id):
    @hypothesis.given(operations=OPERATIONS)
    # No shrinking: a failure is reported as found (shrinking through HTTP takes minutes).
    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None,
              phases=[Phase.explicit, Phase.generate])
    def run(operations):
        ids: list[int] = []
        for operation, index in operations:
            _apply(runtime, users, ids, operation, index)
            with runtime.db.transaction() as session:
                before = _public_now(session, ids)
            seen = {path: entries(client.get(path)) for path in variants(meeting_id)[:5]}
            with runtime.db.transaction() as session:
                after = _public_now(session, ids)
            for path, found in seen.items():
                mine = {int(RELEASE_ID.search(guid).group(1)): title for guid, title in found
                        if RELEASE_ID.search(guid) and int(RELEASE_ID.search(guid).group(1)) in ids}
                wanted = {rid for rid, (_headline, language) in before.items() if expected_in(path, language)}
                assert wanted <= set(mine) <= set(after), (path, operations, mine, after)
                assert all(title == after[rid][0] for rid, title in mine.items()), (path, mine, after)

    run()
