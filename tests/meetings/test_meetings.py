"""Meetings, side events, documents, reminders and the calendar feed, without Flask."""

import datetime as dt
import io
import zipfile
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy import select

from comms.accounts import users as auth
from comms.meetings import documents
from comms.meetings import service as meetings
from comms.meetings import reminders
from comms.meetings import strategy
from feeds.ics import CalendarEntry, build_calendar
from storage.audit import Actor
from storage.db import utcnow

from support.meetings import PDF

ZURICH = ZoneInfo("Europe/Zurich")
STAFF = Actor(label="officer@example.org")


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture
def meeting_id(runtime):
    with runtime.db.transaction() as session:
        return meetings.create_meeting(session, title="Intersessional meetings", kind="intersessional",
                                       starts_on=dt.date(2026, 10, 20), ends_on=dt.date(2026, 10, 28),
                                       timezone="Europe/Zurich", venue="Geneva").id


def test_meeting_validation(runtime):
    with runtime.db.transaction() as session:
        for bad in ({"kind": "party"}, {"timezone": "Mars/Olympus"}, {"ends_on": dt.date(2026, 1, 1)}):
            with pytest.raises(meetings.MeetingError):
                meetings.create_meeting(session, **{"title": "X", "kind": "msp", "starts_on": dt.date(2026, 2, 1),
                                                    "ends_on": dt.date(2026, 2, 2), **bad})


def test_updates_bump_the_calendar_sequence(runtime, meeting_id):
    with runtime.db.transaction() as session:
        meeting = session.get(meetings.Meeting, meeting_id)
        assert meetings.update_meeting(session, meeting, {"venue": "Palais des Nations"}) == ["venue"]
        assert meetings.update_meeting(session, meeting, {"venue": "Palais des Nations"}) == []
        assert meeting.sequence == 1
        event = meetings.add_side_event(session, meeting, title="Victim assistance lunch",
                                        starts_at=dt.datetime(2026, 10, 21, 13, tzinfo=ZURICH),
                                        ends_at=dt.datetime(2026, 10, 21, 14, tzinfo=ZURICH))
        meetings.update_side_event(session, event, {"room": "Room XVII"})
        assert event.sequence == 1
        with pytest.raises(meetings.MeetingError):
            meetings.update_side_event(session, event, {"ends_at": dt.datetime(2026, 10, 21, 12, tzinfo=ZURICH)})


def test_calendar_local_times_across_a_daylight_saving_change(runtime, meeting_id):
    # Switzerland leaves summer time on 25 October 2026.
    with runtime.db.transaction() as session:
        meeting = session.get(meetings.Meeting, meeting_id)
        before = meetings.add_side_event(session, meeting, title="Before", starts_at=meetings.local_datetime(
            meeting, "2026-10-23T13:15"), ends_at=meetings.local_datetime(meeting, "2026-10-23T14:45"))
        after = meetings.add_side_event(session, meeting, title="After", starts_at=meetings.local_datetime(
            meeting, "2026-10-27T13:15"), ends_at=meetings.local_datetime(meeting, "2026-10-27T14:45"))
        assert before.starts_at.astimezone(dt.timezone.utc).hour == 11
        assert after.starts_at.astimezone(dt.timezone.utc).hour == 12
        entries = [CalendarEntry(uid=f"side-event-{e.id}@test", title=e.title, start=e.starts_at, end=e.ends_at,
                                 timezone=meeting.timezone, sequence=e.sequence) for e in (before, after)]
        entries.append(CalendarEntry(uid="meeting@test", title=meeting.title, start=meeting.starts_on,
                                     end=meeting.ends_on + dt.timedelta(days=1)))
    data = build_calendar(entries, name="ISU", stamp=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
    assert data == build_calendar(entries, name="ISU", stamp=dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc))
    parsed = {str(e["summary"]): e for e in Calendar.from_ical(data).walk("VEVENT")}
    for title in ("Before", "After"):
        start = parsed[title].decoded("dtstart")
        assert (start.hour, start.minute) == (13, 15) and str(start.tzinfo) == "Europe/Zurich"
    assert parsed["Intersessional meetings"].decoded("dtstart") == dt.date(2026, 10, 20)
    assert parsed["Intersessional meetings"].decoded("dtend") == dt.date(2026, 10, 29)
    assert b"BEGIN:VTIMEZONE" in data and b"TZID:Europe/Zurich" in data


def test_control_characters_do_not_break_the_calendar():
    entry = CalendarEntry(uid="x@test", title="Bad\x00title\x0b", start=dt.date(2026, 1, 1), end=dt.date(2026, 1, 2))
    parsed = Calendar.from_ical(build_calendar([entry], name="x", stamp=utcnow()))
    assert str(next(iter(parsed.walk("VEVENT")))["summary"]) == "Badtitle"


@pytest.mark.parametrize("uploaded, kept", [
    ("Draft agenda 2026.pdf", "Draft agenda 2026.pdf"),
    ("Ordre du jour  provisoire (FR).pdf", "Ordre du jour  provisoire (FR).pdf"),  # a double space stays
    ("Report of the President, v2.1 [final].pdf", "Report of the President, v2.1 [final].pdf"),
    ("Ébauche d'ordre du jour.pdf", "Ébauche d'ordre du jour.pdf"),
    ("Программа\u00a0работы.pdf", "Программа работы.pdf"),  # a no-break space is a space
    ("tab\there\nline.pdf", "tab here line.pdf"),
    ("../../etc/passwd.pdf", "passwd.pdf"),
    ('a"b<c>|d?*:e;`$.pdf', "a_b_c_d_e.pdf"),
    ("nul\x00byte.pdf", "nulbyte.pdf"),
    ("...hidden.pdf", "hidden.pdf"),
])
def test_uploaded_file_names_keep_their_spaces(uploaded, kept):
    assert documents.safe_filename(uploaded, "pdf") == kept


def test_documents_are_checked_by_content(runtime, meeting_id, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("documents")
    with runtime.db.transaction() as session:
        meeting = session.get(meetings.Meeting, meeting_id)
        document = documents.create_document(session, meeting, title="Programme", kind="programme", public=True,
                                             actor=STAFF)
        pdf = documents.add_file(session, document, tmp_path, language="en", filename="../../etc/passwd.pdf",
                                 data=PDF, actor=STAFF)
        assert pdf.filename == "passwd.pdf" and pdf.content_type == "application/pdf"
        assert (tmp_path / pdf.stored_name).read_bytes() == PDF
        word = documents.add_file(session, document, tmp_path, language="fr", filename="programme.exe",
                                  data=docx_bytes(), actor=STAFF)
        assert word.filename == "programme.docx"
        with pytest.raises(documents.DocumentError, match="only PDF and office"):
            documents.add_file(session, document, tmp_path, language="es", filename="programme.pdf",
                               data=b"MZ\x90\x00 this is a Windows program", actor=STAFF)
        with pytest.raises(documents.DocumentError, match="only PDF and office"):
            documents.add_file(session, document, tmp_path, language="es", filename="x.pdf",
                               data=b"<html><script>alert(1)</script></html>", actor=STAFF)
        with pytest.raises(documents.DocumentError, match="larger than"):
            documents.add_file(session, document, tmp_path, language="es", filename="big.pdf",
                               data=PDF + b"0" * 2_000_000, max_bytes=1_000_000, actor=STAFF)
        with pytest.raises(documents.DocumentError, match="two-letter"):
            documents.add_file(session, document, tmp_path, language="../x", filename="a.pdf", data=PDF, actor=STAFF)
        replaced = documents.add_file(session, document, tmp_path, language="en", filename="v2.pdf", data=PDF,
                                      actor=STAFF)
        assert sorted(f.language for f in document.files) == ["en", "fr"]
        # The replaced file is kept on disk (the register may name it); only the record changes.
        assert pdf.stored_name not in [f.stored_name for f in document.files]
        assert (tmp_path / pdf.stored_name).exists() and (tmp_path / replaced.stored_name).exists()
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted([pdf.stored_name, replaced.stored_name,
                                                                     word.stored_name])


def test_reminders_are_sent_once(runtime, meeting_id, users):
    now = dt.datetime(2026, 10, 19, 9, tzinfo=dt.timezone.utc)
    with runtime.db.transaction() as session:
        meeting = session.get(meetings.Meeting, meeting_id)
        officer = session.get(auth.User, users["officer"].id)
        strategy.save_strategy(session, meeting, {"objectives": ["x"], "milestones": [
            {"title": "Media advisory out", "due_on": "2026-10-20", "owner_id": officer.id},
            {"title": "Far away", "due_on": "2026-11-30", "owner_id": officer.id},
            {"title": "Already done", "due_on": "2026-10-20", "owner_id": officer.id, "status": "done"},
        ]}, officer)
    assert reminders.remind_due_milestones(runtime, now) == 1
    assert reminders.remind_due_milestones(runtime, now + dt.timedelta(hours=1)) == 0
    sent = sorted(runtime.config.outbox_path.glob("*.eml"))
    assert len(sent) == 1 and b"Media advisory out" in sent[0].read_bytes()
    with runtime.db.transaction() as session:
        reminded = session.scalars(select(strategy.Milestone).where(strategy.Milestone.reminder_sent_at.is_not(None)))
        assert [m.title for m in reminded] == ["Media advisory out"]
