"""The information note for delegations: the draft fills in the meeting's dates, venue,
registration link and deadline, documents, side-event rules and contacts; issuing it makes the
meeting's next INF document (issued, its Word file searchable) and dispatches it; the officer's
page does the same, and a refused audience writes nothing."""

import datetime as dt
import io

import docx
import pytest
from sqlalchemy import func, select

from comms.distribution import service as ledger
from comms.distribution.dispatches import note
from comms.distribution.dispatches import service as dispatches
from comms.distribution.models import Dispatch, SendError
from comms.documents.models import RegisterDocument
from comms.documents import service as register
from comms.meetings.service import Meeting, SideEvent

from support.dispatching import PREFIX, STAFF, make_document, make_meeting, make_world
from support.send_pages import config  # noqa: F401 (fixture: mail to the real SMTP server)
from support.sending import received_by, rt  # noqa: F401 (fixture)
from support.web import csrf_from, nonce_from


def test_the_draft_is_filled_in_from_the_meeting(rt):
    meeting_id = make_meeting(rt)
    make_document(rt, meeting_id, title="Provisional agenda", kind="provisional_agenda")
    make_document(rt, meeting_id, title="Limited draft", distribution="limited")
    with rt.db.transaction() as session:
        meeting = session.get(Meeting, meeting_id)
        session.add(SideEvent(meeting_id=meeting_id, title="Victim assistance in practice", organiser="ICBL-CMC",
                              room="Room XXIV", starts_at=dt.datetime(2026, 12, 15, 12, 0, tzinfo=dt.timezone.utc),
                              ends_at=dt.datetime(2026, 12, 15, 13, 0, tzinfo=dt.timezone.utc)))
        session.flush()
        session.refresh(meeting)
        text = note.draft(session, meeting, base_url="https://press.example.org", office="ISU press office",
                          contact_email="isu@apminebanconvention.example")
    assert "14 December 2026 to 18 December 2026" in text and "Palais des Nations, Geneva" in text
    assert f"https://press.example.org/meetings/{meeting_id}/register" in text
    assert "by **23 November 2026**" in text  # three weeks before the opening
    assert f"{PREFIX}/1: Provisional agenda (https://press.example.org/documents/{PREFIX}/1)" in text
    assert "Limited draft" not in text
    assert "side event" in text and "Victim assistance in practice (ICBL-CMC), 15 December 13:00, Room XXIV" in text
    assert "ISU press office: isu@apminebanconvention.example" in text


def test_issuing_makes_the_next_inf_document_and_dispatches_it(rt, smtp):
    meeting_id, world = make_meeting(rt), make_world(rt)
    with rt.db.transaction() as session:
        meeting = session.get(Meeting, meeting_id)
        text = note.draft(session, meeting, base_url="https://press.example.org", office="ISU",
                          contact_email="isu@example.org")
        document, dispatch = note.issue_and_dispatch(
            session, meeting, text + "\nЯзыки: English, français, español\n", delegations="states_parties",
            list_ids=[], actor=STAFF, storage_path=rt.config.documents_path, max_bytes=10_000_000,
            mail_from=rt.config.mail_from)
        symbol, document_id, dispatch_id = document.symbol, document.id, dispatch.id
        send_id = dispatches.send_of(session, dispatch).id
        assert document.status == "issued" and document.kind == "information"
        [stored] = document.files
        path = register.file_path(rt.config.documents_path, stored)
    assert symbol == f"{PREFIX}/INF.1"
    words = "\n".join(p.text for p in docx.Document(io.BytesIO(path.read_bytes())).paragraphs)
    assert "Information note for delegations" in words and "Языки: English, français, español" in words
    ledger.run_send(rt, send_id)
    [item] = smtp.received
    assert item.rcpt_tos == ["fp0@mission-aq.example"]
    assert item.message["Subject"].startswith(symbol) or symbol in str(item.message["Subject"])
    with rt.db.transaction() as session:
        assert session.get(Dispatch, dispatch_id).document_ids == [document_id]
        # General distribution and issued: the public register shows it, and the email links it.
        assert session.get(RegisterDocument, document_id).public
        second = note.issue_note(session, session.get(Meeting, meeting_id), "A second note.", actor=STAFF,
                                 storage_path=rt.config.documents_path, max_bytes=10_000_000)
        assert second.symbol == f"{PREFIX}/INF.2"


def test_a_refused_audience_issues_nothing(rt):
    meeting_id = make_meeting(rt)
    with rt.db.transaction() as session:
        meeting = session.get(Meeting, meeting_id)
        with pytest.raises(SendError):
            note.issue_and_dispatch(session, meeting, "Note", delegations=[999999], list_ids=[], actor=STAFF,
                                    storage_path=rt.config.documents_path, max_bytes=10_000_000,
                                    mail_from=rt.config.mail_from)
    with rt.db.transaction() as session:
        assert session.scalar(select(func.count(RegisterDocument.id))) == 0
    folder = rt.config.documents_path
    assert not folder.exists() or not any(folder.iterdir())  # no file stored either


def test_the_officer_edits_issues_and_dispatches_the_note_from_its_page(client, auth_actions, runtime, users, smtp):
    meeting_id, _world = make_meeting(runtime), make_world(runtime)
    auth_actions.as_officer()
    page = client.get(f"/staff/meetings/{meeting_id}/information-note")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and f"/meetings/{meeting_id}/register" in html
    form = {"csrf_token": csrf_from(html), "form_nonce": nonce_from(html),
            "body_markdown": "# Information note\n\nEdited by the officer.", "audience": "nobody"}
    assert client.post(f"/staff/meetings/{meeting_id}/information-note", data=form).status_code == 422
    response = client.post(f"/staff/meetings/{meeting_id}/information-note", data={**form, "audience": "all"})
    assert response.status_code == 303
    runtime.queue.join()
    assert sorted(received_by(smtp)) == ["aisha@demining.example", "alexei@mission-bv.example",
                                         "fp0@mission-aq.example"]
    body = smtp.received[0].message.get_payload()[0].get_payload(decode=True).decode()
    assert "Edited by the officer." in body and f"{PREFIX}/INF.1" in body
