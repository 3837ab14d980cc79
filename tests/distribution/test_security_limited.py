"""docs/design/security.md item 36: limited documents reach only delegations' focal points and staff.

A dispatch naming a limited document together with contact lists (journalists) is refused with 422 on
``document_ids``, in the API and on the staff compose page, and nothing is planned or sent; staff
downloads of files that are not public are never kept by a cache."""

import email
import email.policy

import pytest
from sqlalchemy import func, select

from comms.distribution.models import Delivery, Dispatch
from comms.documents.models import RegisterDocument

from support.dispatching import make_document, make_meeting, make_world
from support.send_pages import config  # noqa: F401 (fixture: mail to the real SMTP server)
from support.web import bearer, csrf_from, nonce_from


@pytest.fixture
def world(runtime, users, token_for):
    meeting_id = make_meeting(runtime)
    return {"meeting": meeting_id, **make_world(runtime), "officer": bearer(token_for("officer"))}


def symbol(runtime, document_id: int) -> str:
    with runtime.db.transaction() as session:
        return session.get(RegisterDocument, document_id).symbol.replace("/", "-")


def counts(runtime) -> tuple[int, int]:
    with runtime.db.transaction() as session:
        return session.scalar(select(func.count(Dispatch.id))), session.scalar(select(func.count(Delivery.id)))


def test_item_36_a_dispatch_never_carries_limited_documents_to_lists(client, auth_actions, runtime, world, smtp):
    """Item 36: limited documents with list_ids are a 422 on document_ids (API and staff page); nothing sent."""
    limited = make_document(runtime, world["meeting"], title="Draft decisions", distribution="limited")
    general = make_document(runtime, world["meeting"], title="Provisional agenda")
    url = f"/api/v1/meetings/{world['meeting']}/dispatches"
    body = {"subject": "Documents", "document_ids": [general, limited], "delegations": [world["party"]],
            "list_ids": [world["list"]]}
    response = client.post(url, headers=world["officer"], json=body)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["fields"] == {"document_ids": "limited: only to delegations"}
    assert counts(runtime) == (0, 0)

    auth_actions.as_officer()
    html = client.get(f"/staff/meetings/{world['meeting']}/dispatches").get_data(as_text=True)
    form = {"csrf_token": csrf_from(html), "form_nonce": nonce_from(html), "subject": "Documents",
            "audience": "all", "document_ids": [str(limited)], "list_ids": [str(world["list"])]}
    page = client.post(f"/staff/meetings/{world['meeting']}/dispatches", data=form)
    assert page.status_code == 422 and "limited documents go only to delegations" in page.get_data(as_text=True)
    assert counts(runtime) == (0, 0)

    # To the delegations alone it goes, attached, to focal points only; general documents may still go to lists.
    assert client.post(url, headers=world["officer"], json={**body, "list_ids": []}).status_code == 202
    assert client.post(url, headers=world["officer"], json={**body, "document_ids": [general]}).status_code == 202
    runtime.queue.join()
    attachments = {}
    for item in smtp.received:
        message = email.message_from_bytes(item.data, policy=email.policy.default)
        for recipient in item.rcpt_tos:
            attachments.setdefault(recipient, []).append([p.get_filename() for p in message.iter_attachments()])
    assert attachments["jo@wire.example"] == [[]]  # the general dispatch only, nothing attached
    assert sorted(attachments["fp0@mission-aq.example"], key=len) == [[], [f"{symbol(runtime, limited)}-EN.docx"]]


def test_item_36_staff_downloads_of_limited_files_are_never_cached(client, auth_actions, runtime, world):
    """Item 36: a limited (or unissued) register file downloaded by staff is Cache-Control: private, no-store."""
    limited = make_document(runtime, world["meeting"], title="Draft decisions", distribution="limited")
    planned = make_document(runtime, world["meeting"], title="Unissued", issue=False)
    general = make_document(runtime, world["meeting"], title="Provisional agenda")
    auth_actions.as_viewer()
    for document_id in (limited, planned):
        response = client.get(f"/staff/register/documents/{document_id}/en")
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "private, no-store"
    assert "no-store" not in client.get(f"/staff/register/documents/{general}/en").headers["Cache-Control"]
