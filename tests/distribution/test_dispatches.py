"""Dispatches to delegations through the release ledger, mailed to a real SMTP server (aiosmtpd):
overlapping audiences mail each focal point once, States Parties follow the treaty status of
today (a withdrawal that took effect makes an observer), suppression is respected, public
documents are linked and limited ones attached, and a contact's history lists what reached them."""

import email
import email.policy

import pytest
from sqlalchemy import select

from comms.distribution import service as ledger
from comms.distribution.dispatches import audience
from comms.distribution.dispatches import service as dispatches
from comms.distribution.models import Delivery, Dispatch, SendError
from comms.documents.models import RegisterDocument
from comms.meetings.service import Meeting
from contacts.models import Contact

from support.dispatching import PREFIX, make_document, make_meeting, make_world, plan
from support.sending import received_by, rt  # noqa: F401 (fixture)


def parsed(item):
    return email.message_from_bytes(item.data, policy=email.policy.default)


def test_overlapping_audiences_mail_each_focal_point_once(rt, smtp):
    meeting_id, world = make_meeting(rt), make_world(rt)
    # Every delegation, plus a list holding a party focal point again and a journalist.
    dispatch_id, send_id = plan(rt, meeting_id, delegations="all", list_ids=[world["list"]])
    result = ledger.run_send(rt, send_id)
    got = received_by(smtp)
    assert sorted(got) == sorted(["fp0@mission-aq.example", "alexei@mission-bv.example", "aisha@demining.example",
                                  "jo@wire.example"])
    assert all(len(ids) == 1 for ids in got.values())
    assert "fp1@mission-aq.example" not in got  # suppressed
    assert result["status"] == "done" and result["sent"] == 4
    with rt.db.transaction() as session:
        state = dispatches.dispatch_progress(session, session.get(Dispatch, dispatch_id))
    assert {k: state[k] for k in ("status", "total", "sent", "failed", "suppressed")} == \
        {"status": "done", "total": 4, "sent": 4, "failed": 0, "suppressed": 1}
    # Running the same send again mails nobody a second time.
    ledger.run_send(rt, send_id)
    assert len(smtp.received) == 4


def test_states_parties_are_those_of_today_and_observers_the_rest(rt, smtp):
    meeting_id, world = make_meeting(rt), make_world(rt)
    with rt.db.transaction() as session:
        parties = set(audience.delegation_ids(session, "states_parties", audience.today()))
        observers = set(audience.delegation_ids(session, "observers", audience.today()))
    assert world["party"] in parties and world["withdrawn"] not in parties
    assert {world["withdrawn"], world["organisation"]} <= observers and world["party"] not in observers
    _dispatch_id, send_id = plan(rt, meeting_id, delegations="states_parties")
    ledger.run_send(rt, send_id)
    assert "fp0@mission-aq.example" in received_by(smtp)
    assert not {"alexei@mission-bv.example", "aisha@demining.example"} & set(received_by(smtp))


def test_chosen_delegations_and_names_in_other_scripts(rt, smtp):
    meeting_id, world = make_meeting(rt), make_world(rt)
    _dispatch_id, send_id = plan(rt, meeting_id, subject="Note verbale — مذكرة شفوية — Вербальная нота",
                                 delegations=[world["withdrawn"], world["organisation"]])
    ledger.run_send(rt, send_id)
    messages = {item.rcpt_tos[0]: parsed(item) for item in smtp.received}
    assert sorted(messages) == ["aisha@demining.example", "alexei@mission-bv.example"]
    message = messages["alexei@mission-bv.example"]
    assert message["Subject"] == "Note verbale — مذكرة شفوية — Вербальная нота"
    assert "Алексей Иванов" in message["To"]
    assert "Dear Алексей Иванов," in message.get_body(("plain",)).get_content()
    assert message["List-Unsubscribe"].startswith("<https://press.example.org/unsubscribe/")


def test_public_documents_are_linked_and_limited_ones_attached(rt, smtp):
    meeting_id, world = make_meeting(rt), make_world(rt)
    public_id = make_document(rt, meeting_id, title="Provisional agenda", kind="provisional_agenda")
    limited_id = make_document(rt, meeting_id, title="Draft decisions", distribution="limited")
    _dispatch_id, send_id = plan(rt, meeting_id, delegations=[world["party"]], document_ids=[public_id, limited_id])
    ledger.run_send(rt, send_id)
    [item] = smtp.received
    message = parsed(item)
    with rt.db.transaction() as session:
        public_symbol = session.get(RegisterDocument, public_id).symbol
        limited_symbol = session.get(RegisterDocument, limited_id).symbol
    text = message.get_body(("plain",)).get_content()
    assert f"https://press.example.org/documents/{public_symbol}" in text
    assert public_symbol.startswith(PREFIX)
    html = message.get_body(("html",)).get_content()
    assert f'href="https://press.example.org/documents/{public_symbol}"' in html
    assert "<strong>documents</strong>" in html
    names = [part.get_filename() for part in message.iter_attachments()]
    assert names == [f"{limited_symbol.replace('/', '-')}-EN.docx"]
    assert f"/documents/{limited_symbol}" not in text  # a limited document has no public page


def test_suppressed_and_unsubscribed_focal_points_get_nothing(rt, smtp):
    meeting_id, world = make_meeting(rt), make_world(rt, per_party=3)
    _dispatch_id, send_id = plan(rt, meeting_id, delegations=[world["party"]])
    ledger.run_send(rt, send_id)
    assert sorted(received_by(smtp)) == ["fp0@mission-aq.example", "fp1@mission-aq.example"]
    with rt.db.transaction() as session:
        rows = session.scalars(select(Delivery.contact_id).where(Delivery.send_id == send_id)).all()
    assert world["party_people"][-1] not in rows


def test_a_hard_bounce_suppresses_the_focal_point(rt, smtp):
    meeting_id, world = make_meeting(rt), make_world(rt)
    smtp.handler.refuse["alexei@mission-bv.example"] = "550 5.1.1 no such mailbox"
    dispatch_id, send_id = plan(rt, meeting_id, delegations="observers")
    ledger.run_send(rt, send_id)
    with rt.db.transaction() as session:
        assert session.get(Contact, world["withdrawn_people"][0]).status == "bounced"
        report = dispatches.dispatch_report(session, session.get(Dispatch, dispatch_id))
    assert report["failed"] == 1 and report["sent"] == 1


def test_a_contacts_history_lists_the_dispatches_received(rt, smtp):
    meeting_id, world = make_meeting(rt), make_world(rt)
    dispatch_id, send_id = plan(rt, meeting_id, subject="Logistics note", delegations="all")
    ledger.run_send(rt, send_id)
    with rt.db.transaction() as session:
        [entry] = dispatches.received_by(session, world["party_people"][0])
        assert dispatches.received_by(session, world["party_people"][-1]) == []  # suppressed: never planned
    assert entry["dispatch_id"] == dispatch_id and entry["subject"] == "Logistics note"
    assert entry["status"] == "sent" and entry["sent_at"] is not None
    assert entry["meeting"] == "Ninety-Ninth Meeting of the States Parties"


@pytest.mark.parametrize("data, field", [
    ({"subject": ""}, "subject"),
    ({"subject": "Agenda\r\nBcc: a@evil.example"}, "subject"),
    ({"delegations": "everyone"}, "delegations"),
    ({"delegations": [999999]}, "delegations"),
    ({"delegations": [[1]]}, "delegations"),
    ({"delegations": None, "list_ids": []}, "delegations"),
    ({"list_ids": [999999]}, "list_ids"),
    ({"document_ids": [999999]}, "document_ids"),
    ({"body_markdown": ">" * 500 + " deep"}, "body_markdown"),
])
def test_bad_input_is_refused_and_writes_nothing(rt, data, field):
    meeting_id = make_meeting(rt)
    data = {"subject": "Agenda", "delegations": "all", **data}
    with pytest.raises(SendError) as refused:
        plan(rt, meeting_id, **data)
    assert refused.value.status == 422 and field in refused.value.fields
    with rt.db.transaction() as session:
        assert session.scalars(select(Dispatch)).all() == []


def test_a_document_not_yet_issued_cannot_be_dispatched(rt):
    meeting_id = make_meeting(rt)
    draft_id = make_document(rt, meeting_id, title="Draft report", issue=False)
    with pytest.raises(SendError) as refused:
        plan(rt, meeting_id, delegations="all", document_ids=[draft_id])
    assert refused.value.fields == {"document_ids": "not issued"}
    with rt.db.transaction() as session:
        assert session.get(Meeting, meeting_id) is not None


def test_markup_in_names_and_subjects_stays_text(rt, smtp):
    """docs/design/security.md item 12: a name or subject holding markup is text in the HTML part
    and reads as typed in the text part; item 11: the body's HTML is sanitised."""
    meeting_id, world = make_meeting(rt), make_world(rt)
    with rt.db.transaction() as session:
        session.get(Contact, world["party_people"][0]).name = "<b>Bold</b> & Co"
    _dispatch_id, send_id = plan(rt, meeting_id, subject="Agenda <script>alert(1)</script> < 5 km²",
                                 body_markdown="Click [here](javascript:alert(1)) <img src=x onerror=alert(1)>",
                                 delegations=[world["party"]])
    ledger.run_send(rt, send_id)
    [item] = smtp.received
    message = parsed(item)
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; Co" in html and "<b>Bold</b>" not in html
    assert "&lt;script&gt;" in html and "<script" not in html
    assert 'href="javascript' not in html and "<img" not in html  # shown as text, never as markup
    assert "Dear <b>Bold</b> & Co," in text and "Agenda <script>alert(1)</script> < 5 km²" in text
