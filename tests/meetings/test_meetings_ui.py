"""The staff meeting pages: meetings and office holders, side events in local time, documents
(upload, refusals, email to a list), the strategy editor with versions and the President's
sign-off by emailed link, the calendar, the week page, the printable strategy, roles and CSRF."""

import datetime as dt
import email
import io
import re
from html import unescape
from pathlib import Path

import pytest
from sqlalchemy import func, select

from comms.accounts import users as auth
from comms.meetings import documents
from comms.meetings import service as meetings
from comms.meetings import strategy
from comms.accounts.approvals import ApprovalRequest
from comms.config import load_config
from contacts import lists as contact_lists
from contacts import service, suppression
from contacts.models import ContactList
from storage.audit import Actor

from support.app import base_environ
from support.web import csrf_from

SEEDER = Actor(label="seed@example.org", ip="192.0.2.1")
UPLOAD_LIMIT = 1024 * 1024
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
UTC = dt.timezone.utc


@pytest.fixture
def config(db_url, instance_path):
    """The app under test, with a 1 MB upload limit so "too large" is cheap to test."""
    return load_config(base_environ(db_url, instance_path, PRESSROOM_MAX_UPLOAD_BYTES=str(UPLOAD_LIMIT)), testing=True)


@pytest.fixture
def world(runtime, users):
    """The 22MSP-like meeting in Geneva with a President (and the approver as Co-Chair)."""
    with runtime.db.transaction() as session:
        president = auth.create_user(session, "president@example.org", "approver", name="The President",
                                     password="correct-horse-battery")
        meeting = meetings.create_meeting(session, title="Twenty-Second Meeting", kind="msp",
                                          starts_on=dt.date(2026, 10, 19), ends_on=dt.date(2026, 10, 30),
                                          timezone="Europe/Zurich", venue="CICG, Geneva", languages=["en", "fr"])
        meetings.set_office_holders(session, meeting, [(president, "president"),
                                                       (session.get(auth.User, users["approver"].id), "co_chair")])
        return {"meeting_id": meeting.id, "president_id": president.id}


def html(response) -> str:
    return response.get_data(as_text=True)


def text(response) -> str:
    """The page with entities decoded, to compare messages that quote things."""
    return unescape(html(response))


def token(client) -> str:
    """A CSRF token of the signed-in session (every staff page carries one)."""
    return csrf_from(html(client.get("/staff/meetings")))


def post(client, url, data=None, **kwargs):
    return client.post(url, data={"csrf_token": token(client), **(data or {})}, **kwargs)


def flashes(response) -> list[str]:
    return [unescape(m) for m in re.findall(r'<p class="flash flash-\w+" role="status">([^<]*)</p>', html(response))]


def outbox(runtime) -> list:
    runtime.queue.join()
    folder = runtime.config.outbox_path
    return [email.message_from_bytes(p.read_bytes()) for p in sorted(folder.glob("*.eml"))] if folder.exists() else []


def text_part(message) -> str:
    return next(p for p in message.walk() if p.get_content_type() == "text/plain").get_payload(decode=True).decode()


def count(runtime, model) -> int:
    with runtime.db.transaction() as session:
        return session.scalar(select(func.count()).select_from(model))


def meeting_form(**values) -> dict:
    form = {"title": "Intersessional Meetings", "kind": "intersessional", "starts_on": "2027-06-14",
            "ends_on": "2027-06-16", "timezone": "Europe/Zurich", "venue": "Palais des Nations",
            "languages": "en, fr, es", "description": "", "president": ""}
    form.update(values)
    return form


# --- meetings ------------------------------------------------------------------------------------------------------

def test_officer_creates_a_meeting_with_its_office_holders(client, auth_actions, runtime, users, world):
    auth_actions.as_officer()
    page = html(client.get("/staff/meetings"))
    assert "Twenty-Second Meeting" in page and "New meeting" in page and "Europe/Zurich" in page
    response = post(client, "/staff/meetings", meeting_form(president=str(world["president_id"]),
                                                             co_chairs=[str(users["approver"].id)]))
    assert response.status_code == 303
    meeting_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with runtime.db.transaction() as session:
        meeting = session.get(meetings.Meeting, meeting_id)
        assert (meeting.title, meeting.kind, meeting.starts_on, meeting.timezone, meeting.languages) == (
            "Intersessional Meetings", "intersessional", dt.date(2027, 6, 14), "Europe/Zurich", ["en", "fr", "es"])
        assert sorted((h.role, h.user.email) for h in meeting.office_holders) == [
            ("co_chair", "approver@example.org"), ("president", "president@example.org")]
    shown = client.get(f"/staff/meetings/{meeting_id}", follow_redirects=True)
    assert "Created Intersessional Meetings." in flashes(shown)
    assert "President: The President" in html(shown) and "Co-Chair: Approver Person" in html(shown)


@pytest.mark.parametrize("changes, message", [
    ({"timezone": "Mars/Olympus_Mons"}, "Unknown time zone"),
    ({"ends_on": "2027-06-01"}, "cannot end before it starts"),
    ({"starts_on": "14/06/2027"}, "start date must be a date"),
    ({"title": "  "}, "needs a title"),
    ({"languages": "english"}, "two-letter codes"),
    ({"languages": "en, zz"}, "is not an ISO 639-1 language code"),
    ({"kind": "party"}, "Unknown meeting kind"),
    ({"title": "x" * 301}, "The title is longer than 300 characters"),
    ({"venue": "x" * 301}, "The venue is longer than 300 characters"),
])
def test_a_bad_meeting_is_refused_with_a_message_and_nothing_stored(client, auth_actions, runtime, changes, message):
    auth_actions.as_officer()
    response = post(client, "/staff/meetings", meeting_form(**changes))
    assert response.status_code == 400
    # Problems are listed in one sentence ("Some fields are not valid (the title: ...)"), so case may differ.
    assert message.lower() in text(response).lower()
    assert count(runtime, meetings.Meeting) == 0


def test_a_meeting_form_reports_every_problem_at_once(client, auth_actions, runtime):
    auth_actions.as_officer()
    response = post(client, "/staff/meetings", meeting_form(title="x" * 301, timezone="Mars/Olympus_Mons",
                                                            starts_on="14/06/2027", languages="en, qq"))
    assert response.status_code == 400
    page = text(response)
    for problem in ("longer than 300 characters", "unknown time zone", "start date must be a date",
                    "is not an ISO 639-1 language code"):
        assert problem in page
    assert count(runtime, meetings.Meeting) == 0


def test_only_approvers_can_hold_office(client, auth_actions, runtime, users):
    auth_actions.as_officer()
    response = post(client, "/staff/meetings", meeting_form(president=str(users["viewer"].id)))
    assert response.status_code == 400 and "choose the President among the office holders" in html(response)
    assert count(runtime, meetings.Meeting) == 0


def test_editing_a_meeting_and_its_office_holders(client, auth_actions, runtime, users, world):
    auth_actions.as_officer()
    meeting_id = world["meeting_id"]
    form = html(client.get(f"/staff/meetings/{meeting_id}/edit"))
    assert 'value="CICG, Geneva"' in form and 'value="en, fr"' in form
    # Keep the President, drop the Co-Chair, move the venue.
    response = post(client, f"/staff/meetings/{meeting_id}/edit", meeting_form(
        title="Twenty-Second Meeting", kind="msp", starts_on="2026-10-19", ends_on="2026-10-30",
        venue="Palais des Nations, Geneva", languages="en, fr", president=str(world["president_id"])))
    assert response.status_code == 303
    assert "Saved changes to venue, office holders." in flashes(client.get(response.headers["Location"]))
    with runtime.db.transaction() as session:
        meeting = session.get(meetings.Meeting, meeting_id)
        assert meeting.venue == "Palais des Nations, Geneva" and meeting.sequence == 1
        assert [(h.role, h.user_id) for h in meeting.office_holders] == [("president", world["president_id"])]
    # The Co-Chair back, and the same President again: the holders are replaced without a clash.
    response = post(client, f"/staff/meetings/{meeting_id}/edit", meeting_form(
        title="Twenty-Second Meeting", kind="msp", starts_on="2026-10-19", ends_on="2026-10-30",
        venue="Palais des Nations, Geneva", languages="en, fr", president=str(world["president_id"]),
        co_chairs=[str(users["approver"].id)]))
    assert response.status_code == 303
    with runtime.db.transaction() as session:
        meeting = session.get(meetings.Meeting, meeting_id)
        assert sorted(h.role for h in meeting.office_holders) == ["co_chair", "president"]
    unchanged = post(client, f"/staff/meetings/{meeting_id}/edit", meeting_form(
        title="Twenty-Second Meeting", kind="msp", starts_on="2026-10-19", ends_on="2026-10-30",
        venue="Palais des Nations, Geneva", languages="en, fr", president=str(world["president_id"]),
        co_chairs=[str(users["approver"].id)]))
    assert "Nothing changed." in flashes(client.get(unchanged.headers["Location"]))
    bad = post(client, f"/staff/meetings/{meeting_id}/edit", meeting_form(ends_on="2020-01-01"))
    assert bad.status_code == 400 and "cannot end before it starts" in html(bad)


# --- side events ---------------------------------------------------------------------------------------------------

def side_event(runtime, meeting_id, title):
    with runtime.db.transaction() as session:
        event = session.scalar(select(meetings.SideEvent).where(meetings.SideEvent.meeting_id == meeting_id,
                                                                meetings.SideEvent.title == title))
        return None if event is None else (event.id, event.starts_at, event.ends_at, event.sequence, event.public)


def test_side_events_are_entered_and_shown_in_local_time_across_the_dst_change(client, auth_actions, runtime, world):
    auth_actions.as_officer()
    meeting_id = world["meeting_id"]
    base = f"/staff/meetings/{meeting_id}/side-events"
    # Saturday 24 October 2026 is still summer time (CEST, UTC+2); Monday 26th is winter time (CET, UTC+1).
    before = post(client, base, {"title": "Victim assistance breakfast", "organiser": "ICBL", "room": "Room 3",
                                 "starts_at": "2026-10-24T10:00", "ends_at": "2026-10-24T11:30", "public": "yes"})
    after = post(client, base, {"title": "Clearance in Cambodia", "starts_at": "2026-10-26T10:00",
                                "ends_at": "2026-10-26T11:00"})
    assert before.status_code == after.status_code == 303
    _id, starts, ends, _seq, public = side_event(runtime, meeting_id, "Victim assistance breakfast")
    assert (starts, ends, public) == (dt.datetime(2026, 10, 24, 8, 0, tzinfo=UTC),
                                      dt.datetime(2026, 10, 24, 9, 30, tzinfo=UTC), True)
    cambodia_id, starts, _ends, sequence, public = side_event(runtime, meeting_id, "Clearance in Cambodia")
    assert starts == dt.datetime(2026, 10, 26, 9, 0, tzinfo=UTC) and public is False and sequence == 0
    page = html(client.get(f"/staff/meetings/{meeting_id}"))
    assert "10:00–11:30 CEST" in page and "10:00–11:00 CET" in page
    assert 'value="2026-10-26T10:00"' in page  # the edit form shows local time too

    # Moved to Sunday 25th at 09:00: after the clocks went back at 03:00, so 08:00 UTC.
    response = post(client, f"{base}/{cambodia_id}", {"title": "Clearance in Cambodia", "starts_at": "2026-10-25T09:00",
                                                      "ends_at": "2026-10-25T10:00", "public": "yes",
                                                      "room": "Room 1"})
    assert response.status_code == 303
    assert "Saved the side event Clearance in Cambodia." in flashes(client.get(response.headers["Location"]))
    _id, starts, _ends, sequence, public = side_event(runtime, meeting_id, "Clearance in Cambodia")
    assert starts == dt.datetime(2026, 10, 25, 8, 0, tzinfo=UTC) and sequence == 1 and public is True
    assert "09:00–10:00 CET" in html(client.get(f"/staff/meetings/{meeting_id}"))
    assert "Sunday 25 October, 09:00–10:00" in html(client.get(f"/meetings/{meeting_id}"))  # the public page

    # A refused side event goes back to the meeting's page (POST-redirect-GET): a reload shows that page again.
    wrong = post(client, f"{base}/{cambodia_id}", {"title": "Clearance in Cambodia", "starts_at": "2026-10-25T09:00",
                                                   "ends_at": "2026-10-25T08:00"})
    assert wrong.status_code == 303 and wrong.headers["Location"].endswith(f"/staff/meetings/{meeting_id}#side-event-"
                                                                           f"{cambodia_id}")
    page = html(client.get(wrong.headers["Location"]))
    assert "must end after it starts" in page and 'value="2026-10-25T08:00"' in page
    junk = post(client, base, {"title": "Junk", "starts_at": "tomorrow", "ends_at": "2026-10-25T08:00"})
    assert junk.status_code == 303
    page = html(client.get(junk.headers["Location"]))
    assert "not a date and time" in page and 'value="Junk"' in page  # the form keeps what was typed
    assert 'aria-invalid="true" aria-describedby="side-event-starts_at-error"' in page
    assert "not a date and time" not in html(client.get(junk.headers["Location"]))  # kept for one page only
    long_room = post(client, base, {"title": "Long", "room": "x" * 121, "starts_at": "2026-10-25T08:00",
                                     "ends_at": "2026-10-25T09:00"})
    assert "the room is longer than 120 characters" in html(client.get(long_room.headers["Location"]))
    assert side_event(runtime, meeting_id, "Junk") is None and side_event(runtime, meeting_id, "Long") is None

    deleted = post(client, f"{base}/{cambodia_id}/delete")
    assert deleted.status_code == 303
    assert side_event(runtime, meeting_id, "Clearance in Cambodia") is None
    assert post(client, f"{base}/{cambodia_id}/delete").status_code == 404


def test_a_side_event_form_reports_every_problem_at_once(client, auth_actions, runtime, world):
    auth_actions.as_officer()
    meeting_id = world["meeting_id"]
    response = post(client, f"/staff/meetings/{meeting_id}/side-events",
                    {"title": "", "room": "x" * 121, "starts_at": "soon", "ends_at": "later"})
    page = html(client.get(response.headers["Location"]))
    for problem in ("a side event needs a title", "the room is longer than 120 characters", "not a date and time: &#39;soon",
                    "not a date and time: &#39;later"):
        assert problem in page
    assert page.count('aria-invalid="true"') == 4


@pytest.mark.parametrize("starts_at, ends_at, accepted", [
    ("2026-10-17T18:00", "2026-10-17T20:00", True),     # two days before the first day: the default margin
    ("2026-10-16T23:00", "2026-10-17T01:00", False),    # starts three days before
    ("2026-11-01T09:00", "2026-11-01T10:00", True),     # two days after the last day
    ("2026-11-01T23:30", "2026-11-02T00:30", False),    # ends three days after (in Geneva time)
    ("2027-10-20T09:00", "2027-10-20T10:00", False),    # a year off: a typo in the year
])
def test_side_events_fall_within_the_meetings_dates_and_a_margin(client, auth_actions, runtime, world, starts_at,
                                                                 ends_at, accepted):
    auth_actions.as_officer()
    meeting_id = world["meeting_id"]
    response = post(client, f"/staff/meetings/{meeting_id}/side-events",
                    {"title": "Reception", "starts_at": starts_at, "ends_at": ends_at})
    assert response.status_code == 303
    assert (side_event(runtime, meeting_id, "Reception") is not None) is accepted
    if not accepted:
        assert ("must fall within the meeting&#39;s dates, 2026-10-19 to 2026-10-30 (or up to 2 days around them)"
                in html(client.get(response.headers["Location"])))


def test_the_side_event_margin_is_configurable(runtime, world):
    with runtime.db.transaction() as session:
        meeting = session.get(meetings.Meeting, world["meeting_id"])
        evening_before = dict(starts_at=dt.datetime(2026, 10, 18, 17, tzinfo=UTC),
                              ends_at=dt.datetime(2026, 10, 18, 19, tzinfo=UTC))
        with pytest.raises(meetings.MeetingError, match="within the meeting's dates, 2026-10-19 to 2026-10-30$"):
            meetings.add_side_event(session, meeting, title="Eve", margin_days=0, **evening_before)
        assert meetings.add_side_event(session, meeting, title="Eve", margin_days=1, **evening_before).id
    assert load_config(base_environ("sqlite://", Path("/tmp")), testing=True).side_event_margin_days == 2
    assert load_config({**base_environ("sqlite://", Path("/tmp")), "PRESSROOM_SIDE_EVENT_MARGIN_DAYS": "0"},
                       testing=True).side_event_margin_days == 0


def test_a_get_on_a_form_address_shows_the_form_page_not_a_405(client, auth_actions, world):
    auth_actions.as_officer()
    meeting_id = world["meeting_id"]
    for method in (client.get, client.head):
        response = method(f"/staff/meetings/{meeting_id}/side-events")
        assert response.status_code == 303 and response.headers["Location"].endswith(f"/staff/meetings/{meeting_id}")
    assert client.get("/logout").status_code == 405  # outside the staff pages nothing changes


def test_dates_show_their_year_when_it_is_not_this_year():
    from comms.web.meetings.shared import day_text

    today = dt.date(2026, 12, 7)
    assert day_text(dt.date(2026, 10, 24), today) == "Sat 24 Oct"
    assert day_text(dt.date(2027, 10, 24), today) == "Sun 24 Oct 2027"
    assert day_text(dt.datetime(2025, 1, 2, 9), today, "%A %-d %B") == "Thursday 2 January 2025"


def test_a_side_event_of_another_meeting_is_not_found(client, auth_actions, runtime, world):
    with runtime.db.transaction() as session:
        other = meetings.create_meeting(session, title="Other", kind="other", starts_on=dt.date(2027, 1, 1),
                                        ends_on=dt.date(2027, 1, 1))
        event = meetings.add_side_event(session, other, title="Elsewhere",
                                        starts_at=dt.datetime(2027, 1, 1, 9, tzinfo=UTC),
                                        ends_at=dt.datetime(2027, 1, 1, 10, tzinfo=UTC))
        event_id = event.id
    auth_actions.as_officer()
    url = f"/staff/meetings/{world['meeting_id']}/side-events/{event_id}"
    assert post(client, url, {"title": "Hijack", "starts_at": "2027-01-01T09:00",
                              "ends_at": "2027-01-01T10:00"}).status_code == 404
    assert post(client, f"{url}/delete").status_code == 404
    assert client.get("/staff/meetings/99999").status_code == 404
    assert client.get(f"/staff/meetings/{2**70}").status_code == 404


# --- documents -----------------------------------------------------------------------------------------------------

def upload(client, meeting_id, data: bytes, filename="programme.pdf", **fields):
    form = {"title": "Provisional programme", "kind": "programme", "language": "en", "public": "yes", **fields,
            "file": (io.BytesIO(data), filename)}
    return post(client, f"/staff/meetings/{meeting_id}/documents", form, content_type="multipart/form-data")


def stored_files(runtime) -> list[Path]:
    folder = runtime.config.documents_path
    return sorted(folder.iterdir()) if folder.exists() else []


def test_uploading_a_pdf_and_another_language(client, auth_actions, runtime, world):
    auth_actions.as_officer()
    meeting_id = world["meeting_id"]
    response = upload(client, meeting_id, PDF, filename="../../Programme 22MSP.pdf")
    assert response.status_code == 303
    assert "Uploaded Provisional programme (EN, Programme 22MSP.pdf)." in flashes(
        client.get(response.headers["Location"]))
    with runtime.db.transaction() as session:
        document = session.scalar(select(documents.Document))
        document_id = document.id
        assert (document.kind, document.public, [f.language for f in document.files]) == ("programme", True, ["en"])
    assert [p.read_bytes() for p in stored_files(runtime)] == [PDF]

    french = post(client, f"/staff/meetings/{meeting_id}/documents/{document_id}/files",
                  {"language": "fr", "file": (io.BytesIO(PDF + b"fr"), "programme-fr.pdf")},
                  content_type="multipart/form-data")
    assert french.status_code == 303
    page = html(client.get(f"/staff/meetings/{meeting_id}"))
    assert "EN · Programme 22MSP.pdf" in page and "FR · programme-fr.pdf" in page
    download = client.get(f"/staff/meetings/{meeting_id}/documents/{document_id}/fr")
    assert download.status_code == 200 and download.data == PDF + b"fr"
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"].startswith("attachment")
    assert client.get(f"/staff/meetings/{meeting_id}/documents/{document_id}/es").status_code == 404
    public = client.get(f"/meetings/{meeting_id}/documents/{document_id}/en/Programme%2022MSP.pdf")
    assert public.status_code == 200 and public.data == PDF


@pytest.mark.parametrize("data, filename, message", [
    (b"<html><script>alert(1)</script></html>", "programme.pdf", "Only PDF and office documents"),
    (b"MZ\x90\x00" + b"\x00" * 200, "programme.pdf", "Only PDF and office documents"),
    (b"", "empty.pdf", "The file is empty"),
    (b"%PDF", "", "Choose a file to upload"),
    (PDF + b"0" * UPLOAD_LIMIT, "huge.pdf", "The file is larger than 1.0 MB"),
])
def test_refused_uploads_store_nothing(client, auth_actions, runtime, world, data, filename, message):
    auth_actions.as_officer()
    response = upload(client, world["meeting_id"], data, filename=filename)
    # Back to the meeting page (POST-redirect-GET): the reason shown, the form keeping the title.
    assert response.status_code == 303 and response.headers["Location"].endswith("#documents")
    page = client.get(response.headers["Location"])
    assert message in text(page)
    assert 'value="Provisional programme"' in html(page)
    assert count(runtime, documents.Document) == 0 and count(runtime, documents.DocumentFile) == 0
    assert stored_files(runtime) == []


def test_emailing_a_document_to_a_list_skips_suppressed_and_unsubscribed(client, auth_actions, runtime, world):
    with runtime.db.transaction() as session:
        press = contact_lists.create_list(session, "Geneva press corps", SEEDER)
        people = {}
        for name, address in (("Ana Lima", "ana@folha.example"), ("Ben Okafor", "ben@guardian.example"),
                              ("Chloé Martin", "chloe@letemps.example")):
            people[name] = service.create_contact(session, {"name": name, "email": address}, SEEDER)
        service.create_contact(session, {"name": "Dan Elsewhere", "email": "dan@elsewhere.example"}, SEEDER)
        contact_lists.add_to_list(session, press, [c.id for c in people.values()], SEEDER)
        suppression.suppress(session, people["Ben Okafor"], SEEDER, "asked by phone")
        suppression.unsubscribe(session, people["Chloé Martin"], SEEDER)
        press_id = press.id
    auth_actions.as_officer()
    meeting_id = world["meeting_id"]
    upload(client, meeting_id, PDF)
    upload(client, meeting_id, PDF + b"internal", title="Speaking notes", kind="statement", public="")
    with runtime.db.transaction() as session:
        ids = {d.title: d.id for d in session.scalars(select(documents.Document))}

    internal = post(client, f"/staff/meetings/{meeting_id}/documents/{ids['Speaking notes']}/email",
                    {"list_id": str(press_id)})
    assert internal.status_code == 303
    assert "Only public documents can be emailed" in html(client.get(internal.headers["Location"]))
    no_list = post(client, f"/staff/meetings/{meeting_id}/documents/{ids['Provisional programme']}/email",
                   {"list_id": ""})
    assert "Choose the list to email" in html(client.get(no_list.headers["Location"]))
    assert outbox(runtime) == []

    sent = post(client, f"/staff/meetings/{meeting_id}/documents/{ids['Provisional programme']}/email",
                {"list_id": str(press_id)})
    assert sent.status_code == 303
    assert "Queued 1 email of Provisional programme to Geneva press corps." in flashes(
        client.get(sent.headers["Location"]))
    [message] = outbox(runtime)
    assert message["To"] == "Ana Lima <ana@folha.example>"
    assert message["Subject"] == "Programme: Provisional programme (Twenty-Second Meeting)"
    link = re.search(r"http://\S+/meetings/\d+/documents/\d+/en/\S+", text_part(message)).group(0)
    assert client.get(link.replace("http://localhost", "")).data == PDF


# --- the strategy --------------------------------------------------------------------------------------------------

def strategy_form(client, meeting_id, **changes) -> dict:
    """The editor's fields as the page has them, with ``changes`` applied (like a person typing)."""
    page = html(client.get(f"/staff/meetings/{meeting_id}/strategy"))
    form = {"base_version": re.search(r'name="base_version" value="(\d+)"', page).group(1)}
    for name, value in re.findall(r'<textarea name="([^"]+)"[^>]*>([^<]*)</textarea>', page):
        form[name] = unescape(value)
    for name, value in re.findall(r'<input name="(m-\d+-[a-z_]+)" value="([^"]*)"', page):
        form[name] = unescape(value)
    for name, value in re.findall(r'<input type="(?:hidden|date)" name="(m-\d+-[a-z_]+)" value="([^"]*)"', page):
        form[name] = value
    for name, body in re.findall(r'<select name="(m-\d+-[a-z_]+)">(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        form[name] = chosen.group(1) if chosen else ""
    form["channels"] = re.findall(r'name="channels" value="([^"]+)" checked', page)
    form["audiences"] = re.findall(r'name="audiences" value="([^"]+)" checked', page)
    form.update(changes)
    return form


def load_strategy(runtime, meeting_id) -> dict:
    with runtime.db.transaction() as session:
        found = strategy.get_strategy(session, session.get(meetings.Meeting, meeting_id))
        return {**strategy.strategy_to_dict(found), "signed_off": found.is_signed_off}


def write_first_version(client, runtime, world, users):
    with runtime.db.transaction() as session:
        press_id = contact_lists.create_list(session, "Geneva press corps", SEEDER).id
    meeting_id = world["meeting_id"]
    form = strategy_form(
        client, meeting_id, objectives="Show the progress on clearance\nWelcome the new States Parties\n",
        key_messages_en="Every mine cleared saves lives.\nThe Convention works.",
        key_messages_fr="Chaque mine retirée sauve des vies.",
        audiences=[f"list:{press_id}"], audience_text="Regional radio in Latin America",
        channels=["press_release", "press_conference"], spokespersons="The President\nThe ISU Director",
        risks="Competing news on the same day",
        **{"m-0-title": "Media advisory out", "m-0-due_on": "2026-10-12", "m-0-owner_id": str(users["officer"].id),
           "m-1-title": "Press conference", "m-1-due_on": "2026-10-19", "m-1-status": "planned"})
    return post(client, f"/staff/meetings/{meeting_id}/strategy", form), press_id


def test_the_strategy_editor_saves_versions(client, auth_actions, runtime, users, world):
    auth_actions.as_officer()
    meeting_id = world["meeting_id"]
    page = html(client.get(f"/staff/meetings/{meeting_id}/strategy"))
    assert page.count("New milestone") == 3  # three empty rows to add milestones
    assert 'name="key_messages_en"' in page and 'name="key_messages_fr"' in page
    response, press_id = write_first_version(client, runtime, world, users)
    assert response.status_code == 303
    assert "Saved version 1 of the strategy." in flashes(client.get(response.headers["Location"]))
    saved = load_strategy(runtime, meeting_id)
    assert saved["version"] == 1
    assert saved["objectives"] == ["Show the progress on clearance", "Welcome the new States Parties"]
    assert [(m["language"], m["text"]) for m in saved["key_messages"]] == [
        ("en", "Every mine cleared saves lives."), ("en", "The Convention works."),
        ("fr", "Chaque mine retirée sauve des vies.")]
    assert saved["audiences"] == [{"type": "list", "id": press_id, "name": "Geneva press corps"},
                                  {"type": "text", "name": "Regional radio in Latin America"}]
    assert saved["channels"] == ["press_release", "press_conference"]
    assert [(m["title"], m["due_on"], m["owner_id"]) for m in saved["milestones"]] == [
        ("Media advisory out", dt.date(2026, 10, 12), users["officer"].id),
        ("Press conference", dt.date(2026, 10, 19), None)]

    # The page shows it back; saving it unchanged makes no version.
    again = post(client, f"/staff/meetings/{meeting_id}/strategy", strategy_form(client, meeting_id))
    assert "The content did not change: still version 1." in flashes(client.get(again.headers["Location"]))[0]
    # Progress on a milestone is tracking, not content.
    form = strategy_form(client, meeting_id)
    row = next(k[:-6] for k, v in form.items() if k.endswith("-title") and v == "Media advisory out")
    post(client, f"/staff/meetings/{meeting_id}/strategy", {**form, f"{row}-status": "done"})
    saved = load_strategy(runtime, meeting_id)
    assert saved["version"] == 1 and saved["milestones"][0]["status"] == "done"
    first_id = saved["milestones"][0]["id"]
    # Reordered key messages and a removed milestone are new content; existing rows keep their id.
    form = strategy_form(client, meeting_id, key_messages_en="The Convention works.\nEvery mine cleared saves lives.")
    other_row = next(k[:-6] for k, v in form.items() if k.endswith("-title") and v == "Press conference")
    changed = post(client, f"/staff/meetings/{meeting_id}/strategy", {**form, f"{other_row}-remove": "yes"})
    assert "Saved version 2 of the strategy." in flashes(client.get(changed.headers["Location"]))
    saved = load_strategy(runtime, meeting_id)
    assert [m["text"] for m in saved["key_messages"]][:2] == ["The Convention works.",
                                                               "Every mine cleared saves lives."]
    assert [m["id"] for m in saved["milestones"]] == [first_id]


@pytest.mark.parametrize("changes, message", [
    ({"m-0-title": "Advisory", "m-0-due_on": ""}, "milestone 1: needs a due date"),
    ({"m-1-title": "", "m-1-due_on": "2026-10-01"}, "milestone 2: needs a title"),
    ({"channels": ["carrier_pigeon"]}, "unknown channels"),
    ({"key_messages_de": "Jede Mine zählt."}, "language 'de' is not one of the meeting's"),
    ({"audiences": ["list:987654"]}, "no list or segment"),
    ({"m-0-title": "Advisory", "m-0-due_on": "2026-10-01", "m-0-owner_id": "987654"}, "no user 987654"),
    ({"m-0-title": "x" * 301, "m-0-due_on": "2026-10-01"}, "The title of milestone 1 is longer than 300 characters"),
])
def test_a_bad_strategy_is_refused_with_a_message(client, auth_actions, runtime, world, changes, message):
    auth_actions.as_officer()
    meeting_id = world["meeting_id"]
    response = post(client, f"/staff/meetings/{meeting_id}/strategy",
                    strategy_form(client, meeting_id, objectives="Keep this text", **changes))
    assert response.status_code == 400
    assert message in text(response)
    assert "Keep this text" in html(response)  # nothing typed is lost
    with runtime.db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(strategy.StrategyVersion)) == 0


def test_a_save_over_someone_elses_newer_version_is_refused(client, auth_actions, runtime, users, world):
    auth_actions.as_officer()
    meeting_id = world["meeting_id"]
    stale = strategy_form(client, meeting_id, objectives="My version")
    write_first_version(client, runtime, world, users)
    response = post(client, f"/staff/meetings/{meeting_id}/strategy", stale)
    assert response.status_code == 409 and "Someone saved version 1" in html(response)
    assert "My version" in html(response) and 'name="base_version" value="1"' in html(response)
    assert load_strategy(runtime, meeting_id)["objectives"][0] == "Show the progress on clearance"


def test_sign_off_by_the_emailed_link_and_a_later_edit_clears_it(app, client, auth_actions, runtime, users, world):
    auth_actions.as_officer()
    meeting_id = world["meeting_id"]
    nothing = post(client, f"/staff/meetings/{meeting_id}/strategy/sign-off")
    assert nothing.status_code == 400 and "Write the strategy before asking for sign-off" in html(nothing)
    write_first_version(client, runtime, world, users)
    asked = post(client, f"/staff/meetings/{meeting_id}/strategy/sign-off")
    assert asked.status_code == 303
    editor = client.get(asked.headers["Location"])
    assert "Sign-off requested from The President (version 1)." in flashes(editor)
    assert "sign-off requested" in html(editor) and "pending" in html(editor)

    [message] = outbox(runtime)
    assert message["To"] == "The President <president@example.org>"
    assert message["Subject"] == "Approval requested: Communication strategy: Twenty-Second Meeting"
    link = re.search(r"http://localhost(/approve/\S+)", text_part(message)).group(1)

    president = app.test_client()  # the President's phone: no session
    review = president.get(link)
    assert review.status_code == 200
    assert "Show the progress on clearance" in html(review) and "Chaque mine retirée sauve des vies." in html(review)
    missing_csrf = president.post(link, data={"decision": "approved"})
    assert missing_csrf.status_code == 400
    done = president.post(link, data={"decision": "approved", "csrf_token": csrf_from(html(review))})
    assert done.status_code == 200 and "Approved" in html(done)
    assert load_strategy(runtime, meeting_id)["signed_off"] is True

    page = html(client.get(f"/staff/meetings/{meeting_id}"))
    assert "Signed off by The President on" in page and "approved" in page
    assert "Ask the President to sign off" not in html(client.get(f"/staff/meetings/{meeting_id}/strategy"))

    edited = post(client, f"/staff/meetings/{meeting_id}/strategy",
                  strategy_form(client, meeting_id, risks="Competing news on the same day\nStrike at the venue"))
    assert flashes(client.get(edited.headers["Location"])) == [
        "Saved version 2 of the strategy. The President's sign-off was cleared. Sign-off was asked again from "
        "The President (version 2)."]
    # As a revised release goes back to its approvers, the changed strategy goes back to the President.
    asked_again = [m for m in outbox(runtime) if "version 2" in text_part(m)]
    assert [m["To"] for m in asked_again] == ["The President <president@example.org>"]
    new_link = re.search(r"http://localhost(/approve/\S+)", text_part(asked_again[0])).group(1)
    assert "What changed since version 1, which you last saw" in html(president.get(new_link))
    saved = load_strategy(runtime, meeting_id)
    assert (saved["version"], saved["signed_off"], saved["approved_version"]) == (2, False, None)
    page = html(client.get(f"/staff/meetings/{meeting_id}"))
    # v1's request stays listed; v2 is out for sign-off again.
    assert "Signed off by" not in page and "approved" in page and "pending" in page
    assert president.get(link).status_code == 410  # used once


def test_a_new_version_withdraws_a_pending_link(app, client, auth_actions, runtime, users, world):
    auth_actions.as_officer()
    meeting_id = world["meeting_id"]
    write_first_version(client, runtime, world, users)
    post(client, f"/staff/meetings/{meeting_id}/strategy/sign-off")
    [message] = outbox(runtime)
    link = re.search(r"http://localhost(/approve/\S+)", text_part(message)).group(1)
    edited = post(client, f"/staff/meetings/{meeting_id}/strategy",
                  strategy_form(client, meeting_id, objectives="Something else"))
    assert "The sign-off link sent earlier no longer works" in flashes(client.get(edited.headers["Location"]))[0]
    assert app.test_client().get(link).status_code == 409
    assert "superseded" in html(client.get(f"/staff/meetings/{meeting_id}"))


def test_sign_off_needs_a_president_who_is_not_the_requester(client, auth_actions, runtime, users, world):
    auth_actions.as_officer()
    meeting_id = world["meeting_id"]
    write_first_version(client, runtime, world, users)
    with runtime.db.transaction() as session:
        meeting = session.get(meetings.Meeting, meeting_id)
        meetings.set_office_holders(session, meeting, [])
    refused = post(client, f"/staff/meetings/{meeting_id}/strategy/sign-off")
    assert refused.status_code == 400 and "This meeting has no President to sign off" in html(refused)
    with runtime.db.transaction() as session:
        meeting = session.get(meetings.Meeting, meeting_id)
        meetings.set_office_holders(session, meeting, [(session.get(auth.User, users["viewer"].id), "president")])
    refused = post(client, f"/staff/meetings/{meeting_id}/strategy/sign-off")
    assert refused.status_code == 422 and "cannot approve (needs the approver role)" in html(refused)
    assert count(runtime, ApprovalRequest) == 0 and outbox(runtime) == []


# --- calendar, week, print -----------------------------------------------------------------------------------------

def test_calendar_month_and_list_views(client, auth_actions, runtime, users, world):
    auth_actions.as_officer()
    meeting_id = world["meeting_id"]
    write_first_version(client, runtime, world, users)
    # Just after midnight in Geneva on Tuesday 20 October: still the 19th in UTC.
    post(client, f"/staff/meetings/{meeting_id}/side-events", {
        "title": "Night owls' briefing", "starts_at": "2026-10-20T00:30", "ends_at": "2026-10-20T01:30"})
    grid = client.get("/staff/calendar?month=2026-10")
    assert grid.status_code == 200
    page = html(grid)
    assert "October 2026" in page and page.count("Twenty-Second Meeting</span>") >= 12  # every day it runs
    assert "Night owls&#39; briefing" in page and "Media advisory out" in page and "Press conference" in page
    assert "month=2026-09" in page and "month=2026-11" in page

    listed = html(client.get("/staff/calendar?month=2026-10&view=list"))
    days = re.split(r"<h2>", listed)
    tuesday = next(day for day in days if day.startswith("Tuesday 20 October"))
    assert "00:30" in tuesday and "Night owls&#39; briefing" in tuesday
    monday = next(day for day in days if day.startswith("Monday 12 October"))
    assert "Media advisory out" in monday
    assert "month=2026-11&amp;view=list" in listed

    empty = html(client.get("/staff/calendar?month=2027-03&view=list"))
    assert "Nothing planned in March 2027." in empty
    for bad in ("2026-13", "October", "0000-01", "2026-1"):
        assert client.get(f"/staff/calendar?month={bad}").status_code == 400
    assert client.get("/staff/calendar").status_code == 200


def test_the_week_page(client, auth_actions, runtime, users):
    today = dt.date.today()
    monday = today - dt.timedelta(days=today.weekday())
    with runtime.db.transaction() as session:
        president = auth.create_user(session, "president@example.org", "approver", name="The President")
        officer = session.get(auth.User, users["officer"].id)
        meeting = meetings.create_meeting(session, title="Meeting this week", kind="msp", starts_on=monday,
                                          ends_on=monday + dt.timedelta(days=6), timezone="America/Bogota")
        meetings.add_office_holder(session, meeting, president, "president")
        later = meetings.create_meeting(session, title="Meeting next year", kind="other",
                                        starts_on=today + dt.timedelta(days=300),
                                        ends_on=today + dt.timedelta(days=301))
        meetings.add_side_event(session, meeting, title="Side event this week",
                                starts_at=dt.datetime.combine(monday + dt.timedelta(days=1), dt.time(15), UTC),
                                ends_at=dt.datetime.combine(monday + dt.timedelta(days=1), dt.time(16), UTC))
        strategy.save_strategy(session, meeting, {"objectives": ["Be heard"], "milestones": [
            {"title": "Overdue advisory", "due_on": today - dt.timedelta(days=10), "owner_id": officer.id},
            {"title": "Done long ago", "due_on": today - dt.timedelta(days=10), "owner_id": officer.id,
             "status": "done"},
            {"title": "My task this week", "due_on": monday + dt.timedelta(days=6), "owner_id": officer.id,
             "status": "in_progress"},
            {"title": "Colleague's task this week", "due_on": monday, "owner_id": users["admin"].id},
            {"title": "Next month's task", "due_on": today + dt.timedelta(days=40), "owner_id": officer.id},
        ]}, officer)
        strategy.save_strategy(session, later, {"objectives": ["Later"]}, officer)
    auth_actions.as_officer()
    page = html(client.get("/staff/week"))
    sections = dict(re.findall(r'<section class="card[^"]*" id="([a-z-]+)">(.*?)</section>', page, re.S))
    assert "Overdue advisory" in sections["mine"] and "overdue" in sections["mine"]
    assert "My task this week" in sections["mine"]
    assert "Done long ago" not in sections["mine"] and "Next month&#39;s task" not in sections["mine"]
    assert "Colleague&#39;s task this week" not in sections["mine"]
    assert "My task this week" in sections["everyone"] and "Colleague&#39;s task this week" in sections["everyone"]
    assert "Overdue advisory" not in sections["everyone"]
    assert "Side event this week" in sections["side-events"] and "Meeting this week" in sections["meetings"]
    assert "Meeting this week" in sections["waiting"] and "Meeting next year" in sections["waiting"]
    assert "not signed off" in sections["waiting"]

    following = html(client.get(f"/staff/week?start={(monday + dt.timedelta(days=9)).isoformat()}"))
    sections = dict(re.findall(r'<section class="card[^"]*" id="([a-z-]+)">(.*?)</section>', following, re.S))
    assert "Week of" in following and "Colleague&#39;s task this week" not in sections["everyone"]
    for bad in ("someday", "0001-01-01", "9999-12-31", "2026-02-30"):
        assert client.get(f"/staff/week?start={bad}").status_code == 400
    dashboard = html(client.get("/staff/"))
    assert 'href="/staff/week"' in dashboard and 'href="/staff/calendar"' in dashboard


def test_the_printable_strategy(client, auth_actions, runtime, users, world):
    auth_actions.as_officer()
    meeting_id = world["meeting_id"]
    empty = html(client.get(f"/staff/meetings/{meeting_id}/strategy/print"))
    assert "No strategy has been written yet." in empty
    write_first_version(client, runtime, world, users)
    page = html(client.get(f"/staff/meetings/{meeting_id}/strategy/print"))
    assert "Twenty-Second Meeting" in page and "version 1" in page and "Draft: version 1 is not signed off yet." in page
    assert "Show the progress on clearance" in page and "Media advisory out" in page
    assert "President: The President" in page and "<form" not in page.split('<main id="main">')[1]
    css = client.get("/static/style.css").get_data(as_text=True)
    meetings_css = css.split("/* Meetings */")[1]
    assert "@media print" in meetings_css and "size: A4" in meetings_css


def test_pages_have_no_inline_script_or_style_and_escape_what_people_typed(client, auth_actions, runtime, users,
                                                                           world):
    with runtime.db.transaction() as session:
        meeting = session.get(meetings.Meeting, world["meeting_id"])
        meetings.update_meeting(session, meeting, {"venue": "<script>alert('venue')</script>"})
    auth_actions.as_officer()
    meeting_id = world["meeting_id"]
    write_first_version(client, runtime, world, users)
    post(client, f"/staff/meetings/{meeting_id}/side-events", {
        "title": "<img src=x onerror=alert(1)>", "starts_at": "2026-10-20T12:00", "ends_at": "2026-10-20T13:00"})
    for url in ("/staff/meetings", f"/staff/meetings/{meeting_id}", f"/staff/meetings/{meeting_id}/edit",
                f"/staff/meetings/{meeting_id}/strategy", f"/staff/meetings/{meeting_id}/strategy/print",
                "/staff/calendar?month=2026-10", "/staff/calendar?month=2026-10&view=list", "/staff/week", "/staff/"):
        response = client.get(url)
        assert response.status_code == 200, url
        page = html(response)
        assert "<script" not in page and " style=" not in page and "onerror=alert" not in page.replace(
            "&lt;img src=x onerror=alert(1)&gt;", ""), url


# --- roles and CSRF -------------------------------------------------------------------------------------------------

def every_post(world, document_id, event_id) -> list[tuple[str, dict]]:
    meeting = f"/staff/meetings/{world['meeting_id']}"
    return [
        ("/staff/meetings", meeting_form()),
        (f"{meeting}/edit", meeting_form()),
        (f"{meeting}/side-events", {"title": "X", "starts_at": "2026-10-20T12:00", "ends_at": "2026-10-20T13:00"}),
        (f"{meeting}/side-events/{event_id}", {"title": "X", "starts_at": "2026-10-20T12:00",
                                               "ends_at": "2026-10-20T13:00"}),
        (f"{meeting}/side-events/{event_id}/delete", {}),
        (f"{meeting}/documents", {"title": "X", "kind": "other", "language": "en"}),
        (f"{meeting}/documents/{document_id}/files", {"language": "fr"}),
        (f"{meeting}/documents/{document_id}/email", {"list_id": "1"}),
        (f"{meeting}/strategy", {"objectives": "Take over"}),
        (f"{meeting}/strategy/sign-off", {}),
    ]


def seed_event_and_document(runtime, world) -> tuple[int, int]:
    with runtime.db.transaction() as session:
        meeting = session.get(meetings.Meeting, world["meeting_id"])
        event = meetings.add_side_event(session, meeting, title="Briefing",
                                        starts_at=dt.datetime(2026, 10, 20, 10, tzinfo=UTC),
                                        ends_at=dt.datetime(2026, 10, 20, 11, tzinfo=UTC))
        document = documents.create_document(session, meeting, title="Programme", kind="programme", public=True,
                                             actor=SEEDER)
        contact_lists.create_list(session, "Press", SEEDER)
        strategy.save_strategy(session, meeting, {"objectives": ["Be heard in Geneva"], "milestones": [
            {"title": "Advisory out", "due_on": dt.date(2026, 10, 12)}]}, session.scalar(select(auth.User)))
        return document.id, event.id


@pytest.mark.parametrize("role", ["viewer", "approver"])
def test_viewers_and_approvers_read_but_cannot_change(client, auth_actions, runtime, world, role):
    document_id, event_id = seed_event_and_document(runtime, world)
    auth_actions.as_role(role)
    meeting = f"/staff/meetings/{world['meeting_id']}"
    for url in ("/staff/meetings", meeting, f"{meeting}/strategy", f"{meeting}/strategy/print", "/staff/calendar",
                "/staff/week"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Save strategy" not in html(response) and "Add a side event" not in html(response)
        assert "New meeting" not in html(response) and "Upload a document" not in html(response)
    assert "Be heard in Geneva" in html(client.get(f"{meeting}/strategy"))  # read, not a form
    assert client.get(f"{meeting}/edit").status_code == 403
    for url, data in every_post(world, document_id, event_id):
        assert post(client, url, data).status_code == 403, url
    assert count(runtime, meetings.Meeting) == 1 and count(runtime, meetings.SideEvent) == 1
    assert count(runtime, strategy.StrategyVersion) == 1 and count(runtime, ContactList) == 1
    assert count(runtime, ApprovalRequest) == 0


def test_every_form_needs_a_csrf_token(client, auth_actions, runtime, world):
    document_id, event_id = seed_event_and_document(runtime, world)
    auth_actions.as_officer()
    for url, data in every_post(world, document_id, event_id):
        response = client.post(url, data=data)
        assert response.status_code == 400, url
        assert "This form has expired" in html(response)
    assert count(runtime, meetings.Meeting) == 1 and count(runtime, meetings.SideEvent) == 1
    assert count(runtime, strategy.StrategyVersion) == 1 and count(runtime, ApprovalRequest) == 0


def test_signed_out_people_are_sent_to_sign_in(client, world):
    for url in ("/staff/meetings", f"/staff/meetings/{world['meeting_id']}", "/staff/calendar", "/staff/week",
                f"/staff/meetings/{world['meeting_id']}/strategy/print"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
