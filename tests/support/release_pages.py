"""The staff release pages: a meeting whose President approves (``world``), form data and helpers
that post with a CSRF token."""

from __future__ import annotations

import datetime as dt
import io
from html import unescape

import pytest
from sqlalchemy import func, select

from comms.accounts import users as auth
from comms.meetings import service as meetings
from comms.releases.service import Release

from support.web import csrf_from


BODY = "Three States Parties **declared** completion of mine clearance."


@pytest.fixture
def world(runtime, users):
    """A meeting in Geneva whose President is the approver."""
    with runtime.db.transaction() as session:
        meeting = meetings.create_meeting(session, title="Twenty-Second Meeting", kind="msp",
                                          starts_on=dt.date(2026, 12, 14), ends_on=dt.date(2026, 12, 18),
                                          timezone="Europe/Zurich", languages=["en", "fr", "es"])
        meetings.add_office_holder(session, meeting, session.get(auth.User, users["approver"].id), "president")
        return {"meeting_id": meeting.id}


def html(response) -> str:
    return response.get_data(as_text=True)


def text(response) -> str:
    return unescape(html(response))


def token(client) -> str:
    return csrf_from(html(client.get("/staff/releases")))


def post(client, url, data=None, **kwargs):
    return client.post(url, data={"csrf_token": token(client), **(data or {})}, **kwargs)


def form(world=None, **extra) -> dict:
    data = {"headline": "Mine clearance completed in three more States", "subheadline": "A milestone",
            "dateline": "GENEVA, 15 December 2026", "body_markdown": BODY,
            "quote-0-text": "This is a great day for the Convention.", "quote-0-speaker": "The President",
            "quote-1-text": "", "quote-1-speaker": "", "notes_to_editors": "The ISU is in *Geneva*.",
            "media_contacts": "press@example.org", "topics": ["mine-clearance"], "language": "en",
            "meeting_id": str(world["meeting_id"]) if world else "", "embargo_until": "", "approval_policy": "any",
            "action": "save"}
    data.update(extra)
    return data


def release_count(runtime) -> int:
    with runtime.db.transaction() as session:
        return session.scalar(select(func.count()).select_from(Release))


def load(runtime, release_id: int) -> dict:
    with runtime.db.transaction() as session:
        release = session.get(Release, release_id)
        return {"status": release.status, "revision": release.revision, "approved": release.approved_revision,
                "published": release.published_revision, "content": release.content(),
                "embargo": release.embargo_until, "publish_at": release.publish_at, "slug": release.slug,
                "translation_of": release.translation_of_id, "language": release.language,
                "meeting_id": release.meeting_id, "policy": release.approval_policy}


PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
       b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")


def upload(client, release_id, kind, data, name, caption=""):
    page = client.get(f"/staff/releases/{release_id}")
    token = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    return client.post(f"/staff/releases/{release_id}/files", data={
        "csrf_token": token, "kind": kind, "caption": caption, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data")
