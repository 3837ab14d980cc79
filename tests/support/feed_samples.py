"""Published releases for the feed tests: publishing, retracting, reading entry ids; a meeting fixture."""

from __future__ import annotations

import datetime as dt
import json
import re

import feedparser
import pytest

from comms.accounts import users as auth
from comms.meetings import service as meetings
from comms.releases import workflow
from comms.releases.service import get_release


PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
       b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00\x00IEND\xaeB`\x82")


PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


RELEASE_ID = re.compile(r"release/(\d+)$")


ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def meeting_id(runtime, users):
    with runtime.db.transaction() as session:
        meeting = meetings.create_meeting(session, title="Twenty-Second Meeting of the States Parties", kind="msp",
                                          starts_on=dt.date(2026, 12, 14), ends_on=dt.date(2026, 12, 18),
                                          timezone="Europe/Zurich")
        return meeting.id


def publish_release(runtime, users, *, headline="States Parties meet in Geneva", language="en", meeting_id=None,
                    topics=("mine-clearance",), body="The **Twenty-Second Meeting** opens today.", embargo=None,
                    translation_of=None):
    """Create, approve and publish a release in one go; returns its id."""
    with runtime.db.transaction() as session:
        officer = session.get(auth.User, users["officer"].id)
        approver = session.get(auth.User, users["approver"].id)
        raw = {"headline": headline, "body_markdown": body, "topics": list(topics), "language": language,
               "meeting_id": meeting_id, "dateline": "GENEVA", "embargo_until": embargo,
               "translation_of": translation_of, "subheadline": f"About {headline}"}
        release = workflow.create_release(session, raw, officer)
        [(request, _token)] = workflow.submit(session, "test-secret-key", release, [approver], officer)
        workflow.decide(session, release, request, "approved")
        workflow.publish(session, release, officer)
        return release.id


def retract_release(runtime, users, release_id):
    with runtime.db.transaction() as session:
        workflow.retract(session, get_release(session, release_id), session.get(auth.User, users["officer"].id),
                         "Issued in error.")


def parse(response):
    """Entries of a feed response as dicts {id, title, link, ...} (feedparser for XML, json for JSON Feed)."""
    assert response.status_code == 200, response.get_data(as_text=True)
    if response.mimetype == "application/feed+json":
        return json.loads(response.data)["items"]
    parsed = feedparser.parse(response.data)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    return parsed.entries


def release_ids(response) -> list[int]:
    """The release ids of a feed's entries, in feed order."""
    return [int(RELEASE_ID.search(entry["id"]).group(1)) for entry in parse(response)
            if RELEASE_ID.search(entry["id"])]
