"""Issue 18 through the API: agenda, programme sessions (rooms, dates, DST), versions and
sign-off, publishing, programme.ics read back with icalendar, the PDF's text, bilaterals."""

import datetime as dt
import io

import pytest
from icalendar import Calendar
from pypdf import PdfReader

from support.meetings import MEETING, zurich
from support.web import bearer

# 2026-10-25 is the Europe/Zurich change from CEST (+02:00) to CET (+01:00).
DST_MEETING = {**MEETING, "title": "Intersessional meetings", "kind": "intersessional",
               "starts_on": "2026-10-23", "ends_on": "2026-10-27"}


def session(title, day, start, end, room="Room XIX", **extra):
    return {"track": "plenary", "title": {"en": title, "fr": f"{title} (FR)"}, "starts_at": zurich(day, start),
            "ends_at": zurich(day, end), "room": room, **extra}


@pytest.fixture
def officer(token_for):
    return bearer(token_for("officer"))


@pytest.fixture
def president(token_for):
    return bearer(token_for("approver"))


def make_meeting(client, officer, users, body=MEETING):
    response = client.post("/api/v1/meetings", json={**body, "office_holders": [
        {"user_id": users["approver"].id, "role": "president"}]}, headers=officer)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


@pytest.fixture
def meeting(client, officer, users):
    return make_meeting(client, officer, users)


def put_sessions(client, officer, meeting, sessions):
    return client.put(f"/api/v1/meetings/{meeting}/programme", json={"sessions": sessions}, headers=officer)


def approve_and_publish(client, officer, president, meeting):
    version = client.get(f"/api/v1/meetings/{meeting}/programme", headers=officer).get_json()["version"]
    assert client.post(f"/api/v1/meetings/{meeting}/programme/submit", json={}, headers=officer).status_code == 202
    approved = client.post(f"/api/v1/meetings/{meeting}/programme/approve", json={"version": version},
                           headers=president)
    assert approved.status_code == 200, approved.get_json()
    published = client.post(f"/api/v1/meetings/{meeting}/programme/publish", headers=officer)
    assert published.status_code == 200, published.get_json()
    return published.get_json()


def read_ics(client, meeting):
    response = client.get(f"/meetings/{meeting}/programme.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    return calendar, {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def test_agenda_with_sub_items_titles_and_documents(client, officer, meeting, token_for):
    made = client.post(f"/api/v1/meetings/{meeting}/documents", json={
        "symbol": "APLC/MSP.22/2026/3", "kind": "working_paper", "title": {"en": "Article 5"}}, headers=officer)
    assert made.status_code == 201, made.get_json()
    items = [{"number": "11", "title": {"en": "Article 5 requests", "fr": "Demandes au titre de l'article 5"},
              "documents": ["APLC/MSP.22/2026/3"]},
             {"number": "11(a)", "title": {"en": "Presentations", "es": "Presentaciones"}, "documents": []}]
    saved = client.put(f"/api/v1/meetings/{meeting}/agenda", json={"items": items}, headers=officer)
    assert saved.status_code == 200, saved.get_json()
    read = client.get(f"/api/v1/meetings/{meeting}/agenda", headers=bearer(token_for("viewer"))).get_json()
    assert [i["number"] for i in read["items"]] == ["11", "11(a)"]
    assert read["items"][0]["title"]["fr"] == "Demandes au titre de l'article 5"
    assert read["items"][0]["documents"] == ["APLC/MSP.22/2026/3"]
    bad = client.put(f"/api/v1/meetings/{meeting}/agenda", json={"items": [{"number": "x1", "title": "?"}]},
                     headers=officer)
    assert bad.status_code == 422 and "items[0].number" in bad.get_json()["error"]["fields"]
    orphan = client.put(f"/api/v1/meetings/{meeting}/agenda",
                        json={"items": [{"number": "4(b)", "title": "Sub-item without its item"}]}, headers=officer)
    assert orphan.status_code == 422
    assert client.put(f"/api/v1/meetings/{meeting}/agenda", json={"items": items},
                      headers=bearer(token_for("viewer"))).status_code == 403


def test_one_room_cannot_hold_two_sessions_at_once(client, officer, meeting):
    clash = put_sessions(client, officer, meeting, [session("Opening", "2026-12-14", "10:00", "13:00"),
                                                     session("Briefing", "2026-12-14", "12:00", "12:30")])
    assert clash.status_code == 422
    message = clash.get_json()["error"]["message"]
    assert "Opening" in message and "Briefing" in message and "Room XIX" in message
    beside = put_sessions(client, officer, meeting, [session("Opening", "2026-12-14", "10:00", "13:00"),
                                                      session("Briefing", "2026-12-14", "12:00", "12:30", "Room 2")])
    assert beside.status_code == 200, beside.get_json()


def test_a_session_clashing_with_a_side_event_room_is_refused_and_side_events_join_their_track(
        client, officer, meeting):
    client.post(f"/api/v1/meetings/{meeting}/side-events", json={
        "title": "Survivors' voices", "starts_at": "2026-12-15T13:15:00+01:00", "ends_at": "2026-12-15T14:30:00+01:00",
        "room": "Room 3"}, headers=officer)
    clash = put_sessions(client, officer, meeting, [session("Lunch briefing", "2026-12-15", "13:00", "14:00", "Room 3")])
    assert clash.status_code == 422 and "Survivors' voices" in clash.get_json()["error"]["message"]
    saved = put_sessions(client, officer, meeting, [session("Opening", "2026-12-14", "10:00", "13:00")]).get_json()
    side = [s for s in saved["sessions"] if s["track"] == "side_event"]
    assert [s["title"]["en"] for s in side] == ["Survivors' voices"]
    # Putting the read-back programme again does not enter the side event twice.
    again = put_sessions(client, officer, meeting, saved["sessions"]).get_json()
    assert again["version"] == saved["version"]
    assert len([s for s in again["sessions"] if s["track"] == "side_event"]) == 1


@pytest.mark.parametrize("change,field", [
    ({"starts_at": "2026-12-20T10:00+01:00", "ends_at": "2026-12-20T11:00+01:00"}, "sessions[0].starts_at"),
    ({"ends_at": "2026-12-14T09:00+01:00"}, "sessions[0].ends_at"),
    ({"track": "lunch"}, "sessions[0].track"),
    ({"title": {"en": ""}}, "sessions[0].title"),
    ({"starts_at": "tomorrow"}, "sessions[0].starts_at"),
    ({"speakers": [999999]}, "sessions[0].speakers"),
    ({"documents": ["../../etc/passwd"]}, "sessions[0].documents"),
    ({"title": {"en": "Line\nbreak"}}, "sessions[0].title"),
])
def test_bad_sessions_are_refused_with_the_field(client, officer, meeting, change, field):
    response = put_sessions(client, officer, meeting, [{**session("Opening", "2026-12-14", "10:00", "13:00"), **change}])
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


def test_huge_and_deeply_nested_input_is_refused(client, officer, meeting):
    nested = {"a": None}
    for _ in range(200):
        nested = {"a": nested}
    deep = put_sessions(client, officer, meeting, [{**session("Opening", "2026-12-14", "10:00", "13:00"),
                                                    "title": nested}])
    assert 400 <= deep.status_code < 500
    many = put_sessions(client, officer, meeting, [session(f"S{i}", "2026-12-14", "10:00", "10:30", f"R{i}")
                                                   for i in range(501)])
    assert many.status_code == 422


def test_sessions_across_the_zurich_dst_change_keep_their_local_times(client, officer, president, users):
    meeting = make_meeting(client, officer, users, DST_MEETING)
    saved = put_sessions(client, officer, meeting, [session("Before the change", "2026-10-24", "10:00", "12:00"),
                                                     session("After the change", "2026-10-26", "10:00", "12:00")])
    assert saved.status_code == 200, saved.get_json()
    starts = {s["title"]["en"]: s["starts_at"] for s in saved.get_json()["sessions"]}
    assert starts["Before the change"].startswith("2026-10-24T08:00:00")  # CEST, UTC+2
    assert starts["After the change"].startswith("2026-10-26T09:00:00")  # CET, UTC+1
    approve_and_publish(client, officer, president, meeting)
    calendar, events = read_ics(client, meeting)
    assert {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")} == {"Europe/Zurich"}
    local = sorted((e["DTSTART"].dt.isoformat(), e["DTSTART"].params.get("TZID")) for e in events.values())
    assert local == [("2026-10-24T10:00:00+02:00", "Europe/Zurich"), ("2026-10-26T10:00:00+01:00", "Europe/Zurich")]
    page = client.get(f"/en/meetings/{meeting}/programme").get_data(as_text=True)
    assert page.count("10:00–12:00") == 2


def test_publish_needs_approval_and_a_stale_version_is_a_conflict(client, officer, president, meeting, token_for):
    put_sessions(client, officer, meeting, [session("Opening", "2026-12-14", "10:00", "13:00")])
    refused = client.post(f"/api/v1/meetings/{meeting}/programme/publish", headers=officer)
    assert refused.status_code == 409
    submitted = client.post(f"/api/v1/meetings/{meeting}/programme/submit", json={}, headers=officer)
    assert submitted.status_code == 202 and submitted.get_json()["status"] == "in_review"
    assert client.post(f"/api/v1/meetings/{meeting}/programme/publish", headers=officer).status_code == 409
    # The officer changes the sessions: version 2; an approval of version 1 is stale.
    put_sessions(client, officer, meeting, [session("Opening", "2026-12-14", "10:00", "12:30")])
    stale = client.post(f"/api/v1/meetings/{meeting}/programme/approve", json={"version": 1}, headers=president)
    assert stale.status_code == 409
    assert client.post(f"/api/v1/meetings/{meeting}/programme/approve", json={"version": 2},
                       headers=bearer(token_for("viewer"))).status_code == 403
    assert client.post(f"/api/v1/meetings/{meeting}/programme/approve", json={"version": 2},
                       headers=president).status_code == 409  # nothing was asked of the President for version 2
    published = approve_and_publish(client, officer, president, meeting)
    assert published["status"] == "published" and published["published_version"] == 2
    assert client.post(f"/api/v1/meetings/{meeting}/programme/publish", headers=officer).status_code == 409


def test_request_changes_sends_the_programme_back_to_draft(client, officer, president, meeting):
    put_sessions(client, officer, meeting, [session("Opening", "2026-12-14", "10:00", "13:00")])
    client.post(f"/api/v1/meetings/{meeting}/programme/submit", json={}, headers=officer)
    back = client.post(f"/api/v1/meetings/{meeting}/programme/request-changes",
                       json={"version": 1, "comment": "Start at 10:30"}, headers=president)
    assert back.status_code == 200 and back.get_json()["status"] == "draft"
    assert client.post(f"/api/v1/meetings/{meeting}/programme/publish", headers=officer).status_code == 409


def test_submit_only_to_office_holders(client, officer, meeting, users):
    put_sessions(client, officer, meeting, [session("Opening", "2026-12-14", "10:00", "13:00")])
    response = client.post(f"/api/v1/meetings/{meeting}/programme/submit",
                           json={"approver_ids": [users["viewer"].id]}, headers=officer)
    assert response.status_code == 422 and "approver_ids" in response.get_json()["error"]["fields"]


def test_ics_uids_are_stable_sequence_rises_on_change_and_every_event_has_an_organizer(
        client, officer, president, meeting):
    put_sessions(client, officer, meeting, [session("Opening", "2026-12-14", "10:00", "13:00"),
                                            session("Mine clearance", "2026-12-15", "10:00", "13:00")])
    approve_and_publish(client, officer, president, meeting)
    calendar, first = read_ics(client, meeting)
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert all(str(e["ORGANIZER"]).startswith("mailto:") for e in first.values())
    assert {int(e["SEQUENCE"]) for e in first.values()} == {0}
    sessions = client.get(f"/api/v1/meetings/{meeting}/programme", headers=officer).get_json()["sessions"]
    moved = [dict(s, starts_at="2026-12-15T15:00:00+01:00", ends_at="2026-12-15T18:00:00+01:00")
             if s["title"]["en"] == "Mine clearance" else s for s in sessions]
    put_sessions(client, officer, meeting, moved)
    approve_and_publish(client, officer, president, meeting)
    _calendar, second = read_ics(client, meeting)
    assert set(second) == set(first)
    by_title = {str(e["SUMMARY"]): int(e["SEQUENCE"]) for e in second.values()}
    assert by_title == {"Opening": 0, "Mine clearance": 1}
    dispatch = client.post(f"/api/v1/meetings/{meeting}/programme/dispatch", json={}, headers=officer)
    assert dispatch.status_code == 202
    assert "Moved: Mine clearance" in dispatch.get_json()["text"]
    assert "15:00-18:00" in dispatch.get_json()["text"]
    # One session's own file has the same UID and SEQUENCE.
    key = next(s["id"] for s in sessions if s["title"]["en"] == "Mine clearance")
    one = Calendar.from_ical(client.get(f"/meetings/{meeting}/programme/{key}.ics").data)
    (event,) = one.walk("VEVENT")
    assert str(event["UID"]) in second and int(event["SEQUENCE"]) == 1 and "ORGANIZER" in event


def test_the_meetings_calendar_gives_every_event_an_organizer(client, officer, meeting):
    client.post(f"/api/v1/meetings/{meeting}/side-events", json={
        "title": "Lunch", "starts_at": "2026-12-15T13:00:00+01:00", "ends_at": "2026-12-15T14:00:00+01:00"},
        headers=officer)
    calendar = Calendar.from_ical(client.get("/calendar.ics").data)
    events = calendar.walk("VEVENT")
    assert len(events) == 2 and all(str(e["ORGANIZER"]).startswith("mailto:") for e in events)


def test_the_programme_pdf_reads_back(client, officer, president, meeting):
    put_sessions(client, officer, meeting, [session("Opening of the Meeting", "2026-12-14", "10:00", "13:00"),
                                            session("Assistance aux victimes", "2026-12-15", "15:00", "17:30", "Room VII",
                                                    track="victim_assistance")])
    approve_and_publish(client, officer, president, meeting)
    response = client.get(f"/meetings/{meeting}/programme.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=1)
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Opening of the Meeting" in text and "Room VII" in text and "10:00" in text and "Europe/Zurich" in text
    french = PdfReader(io.BytesIO(client.get(f"/meetings/{meeting}/programme.pdf?lang=fr").data))
    assert "Séance" in " ".join(page.extract_text() for page in french.pages)


def test_the_public_page_by_day_and_track_in_three_languages(client, officer, president, meeting):
    put_sessions(client, officer, meeting, [session("Opening", "2026-12-14", "10:00", "13:00")])
    before = client.get(f"/en/meetings/{meeting}/programme").get_data(as_text=True)
    assert "not been published" in before and "Opening" not in before  # drafts stay private
    approve_and_publish(client, officer, president, meeting)
    english = client.get(f"/en/meetings/{meeting}/programme").get_data(as_text=True)
    assert "Opening" in english and "10:00–13:00" in english and "Plenary" in english
    redirect = client.get(f"/meetings/{meeting}/programme?lang=fr")
    assert redirect.status_code == 302 and redirect.headers["Location"].endswith(f"/fr/meetings/{meeting}/programme")
    french = client.get(f"/fr/meetings/{meeting}/programme").get_data(as_text=True)
    assert "Opening (FR)" in french and "Plénière" in french
    spanish = client.get(f"/es/meetings/{meeting}/programme").get_data(as_text=True)
    assert "Programa" in spanish
    assert client.get(f"/meetings/{meeting}/programme?lang=xx").status_code == 400
    assert client.get("/meetings/999999/programme").status_code == 404
    assert client.head(f"/meetings/{meeting}/programme.ics").status_code == 200


def test_now_and_next_during_the_meeting(client, officer, president, users):
    now = dt.datetime.now(dt.timezone.utc).replace(second=0, microsecond=0)
    today = now.date()
    meeting = make_meeting(client, officer, users, {**MEETING, "timezone": "UTC",
                                                    "starts_on": (today - dt.timedelta(days=1)).isoformat(),
                                                    "ends_on": (today + dt.timedelta(days=1)).isoformat()})
    at = lambda hours: (now + dt.timedelta(hours=hours)).isoformat()
    put_sessions(client, officer, meeting, [
        {"track": "plenary", "title": {"en": "Running"}, "starts_at": at(-1), "ends_at": at(1), "room": "A"},
        {"track": "plenary", "title": {"en": "Coming"}, "starts_at": at(2), "ends_at": at(3), "room": "A"}])
    approve_and_publish(client, officer, president, meeting)
    page = client.get(f"/en/meetings/{meeting}/programme").get_data(as_text=True)
    assert 'session-now' in page and 'session-next' in page
    assert page.index("session-now") < page.index("Running") < page.index("session-next") < page.index("Coming")


def test_a_programme_waiting_for_the_president_is_on_their_dashboard(client, officer, president, meeting,
                                                                    auth_actions):
    put_sessions(client, officer, meeting, [session("Opening", "2026-12-14", "10:00", "13:00")])
    client.post(f"/api/v1/meetings/{meeting}/programme/submit", json={}, headers=officer)
    auth_actions.as_approver()
    page = client.get("/staff/").get_data(as_text=True)
    panel = page.split('id="waiting-for-me"')[1].split("</section>")[0]
    assert "Programmes" in panel and f'href="/staff/meetings/{meeting}/programme"' in panel and "Version 1" in panel
    assert client.post(f"/api/v1/meetings/{meeting}/programme/approve", json={"version": 1},
                       headers=president).status_code == 200
    panel = client.get("/staff/").get_data(as_text=True).split('id="waiting-for-me"')[1].split("</section>")[0]
    assert "Programme:" not in panel
