"""The second wave's black-box probe on the programme, as regressions: the public PDF and ICS are
built once per publication and language (F1), a late request for changes blocks publishing and
every decision reaches the press office by email (F3), limited or unissued documents stay off the
public programme (F8), rooms compare without inner spaces (F11), and bilaterals, times and title
languages are checked (F12)."""

import datetime as dt
import re

import pytest
from icalendar import Calendar

from comms.accounts import users as auth
from comms.app import create_app
from comms.config import load_config
from comms.meetings.programme import signoff
from comms.meetings.service import Meeting

from support.app import base_environ
from support.meetings import MEETING, zurich
from support.participants import text_of
from support.register_samples import make_pdf, upload
from support.web import bearer, csrf_from

DAY = "2026-12-15"


def plenary(title, start, end, room="Room XIX", **extra):
    return {"track": "plenary", "title": {"en": title, "fr": f"{title} (FR)"}, "starts_at": zurich(DAY, start),
            "ends_at": zurich(DAY, end), "room": room, **extra}


def make_meeting(client, officer, holders, body=MEETING):
    response = client.post("/api/v1/meetings", json={**body, "symbol_prefix": "APLC/MSP.22/2026",
                                                     "office_holders": holders}, headers=officer)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


def publish(client, officer, approver, meeting, sessions):
    saved = client.put(f"/api/v1/meetings/{meeting}/programme", json={"sessions": sessions}, headers=officer)
    assert saved.status_code == 200, saved.get_json()
    version = saved.get_json()["version"]
    assert client.post(f"/api/v1/meetings/{meeting}/programme/submit", json={}, headers=officer).status_code == 202
    assert client.post(f"/api/v1/meetings/{meeting}/programme/approve", json={"version": version},
                       headers=approver).status_code == 200
    published = client.post(f"/api/v1/meetings/{meeting}/programme/publish", headers=officer)
    assert published.status_code == 200, published.get_json()
    return published.get_json()


@pytest.fixture
def officer(token_for):
    return bearer(token_for("officer"))


@pytest.fixture
def president(token_for):
    return bearer(token_for("approver"))


@pytest.fixture
def meeting(client, officer, users):
    return make_meeting(client, officer, [{"user_id": users["approver"].id, "role": "president"}])


def cached(runtime, suffix):
    return sorted((runtime.config.instance_path / "cache" / "programme").glob(f"programme-*{suffix}"))


def languages(paths) -> list[str]:
    """The languages of cached files (programme-{meeting}-{language}-{key}.pdf)."""
    return sorted(path.name.split("-")[2] for path in paths)


# --- F1: built once per publication and language ------------------------------------------------


def test_the_pdf_is_built_once_and_conditional_requests_and_head_never_build_it(client, runtime, officer,
                                                                                president, meeting):
    publish(client, officer, president, meeting, [plenary(f"Session {i}", f"{9 + i:02d}:00", f"{9 + i:02d}:45", f"Room {i}")
                                                  for i in range(4)])
    url = f"/meetings/{meeting}/programme.pdf"
    # Publishing queued programme.prebuild: the PDF in every language is built before anyone asks.
    runtime.queue.join()
    assert languages(cached(runtime, ".pdf")) == ["en", "es", "fr"]
    [path] = [p for p in cached(runtime, ".pdf") if p.name.split("-")[2] == "en"]
    built = path.stat()
    first = client.get(url)
    assert first.status_code == 200 and first.data.startswith(b"%PDF") and first.data == path.read_bytes()
    assert (path.stat().st_mtime_ns, path.stat().st_ino) == (built.st_mtime_ns, built.st_ino)  # served, not built
    etag = first.headers["ETag"]

    second = client.get(url)
    assert second.data == first.data and second.headers["ETag"] == etag
    assert (path.stat().st_mtime_ns, path.stat().st_ino) == (built.st_mtime_ns, built.st_ino)  # served, not rebuilt

    # Without the file, a conditional GET and a HEAD still answer from the key alone: nothing is built.
    path.unlink()
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    head = client.head(url)
    assert head.status_code == 200 and head.headers["ETag"] == etag and head.mimetype == "application/pdf"
    assert not path.exists()
    assert client.get(url).data == first.data and path.exists()  # the same bytes, built again once

    french = client.get(f"{url}?lang=fr")
    assert french.headers["ETag"] != etag and len(cached(runtime, ".pdf")) == 3

    # A new publication names new files (built ahead again); the old one of each language is dropped.
    publish(client, officer, president, meeting, [plenary("Opening", "10:00", "11:00")])
    runtime.queue.join()
    assert not path.exists() and languages(cached(runtime, ".pdf")) == ["en", "es", "fr"]
    again = client.get(url)
    assert again.headers["ETag"] != etag and again.data != first.data


def test_the_programme_ics_is_built_once_and_answers_304_without_building(client, runtime, officer, president,
                                                                         meeting):
    publish(client, officer, president, meeting, [plenary("Opening", "10:00", "11:00")])
    url = f"/meetings/{meeting}/programme.ics"
    first = client.get(url)
    assert first.status_code == 200 and b"BEGIN:VEVENT" in first.data
    [path] = cached(runtime, ".ics")
    built = path.stat().st_mtime_ns
    assert client.get(url).data == first.data and path.stat().st_mtime_ns == built
    path.unlink()
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    assert not path.exists()
    # A side event changes what the file shows, so its key.
    client.post(f"/api/v1/meetings/{meeting}/side-events", json={
        "title": "Survivors' voices", "starts_at": "2026-12-15T13:15:00+01:00", "ends_at": "2026-12-15T14:30:00+01:00",
        "room": "Room 3"}, headers=officer)
    changed = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert changed.status_code == 200 and b"Survivors' voices" in changed.data


# --- F3: a late objection blocks publishing; decisions are emailed -------------------------------


def approval_links(smtp) -> dict[str, str]:
    links = {}
    for received in smtp.received:
        if "Approval requested" in " ".join(received.message["Subject"].split()):
            links[received.rcpt_tos[0]] = re.search(r"(/approve/\S+)", text_of(received.message)).group(1)
    return links


def decide_by_link(app, link, decision, comment=""):
    phone = app.test_client()
    review = phone.get(link)
    assert review.status_code == 200
    return phone.post(link, data={"decision": decision, "comment": comment,
                                  "csrf_token": csrf_from(review.get_data(as_text=True))})


def test_a_request_for_changes_after_an_approval_blocks_publishing_and_every_decision_is_emailed(
        db_url, instance_path, smtp, users, token_for):
    app = create_app(load_config(base_environ(db_url, instance_path, SMTP_URL=smtp.url), testing=True))
    runtime = app.extensions["pressroom"]
    try:
        client, officer = app.test_client(), bearer(token_for("officer"))
        with runtime.db.transaction() as session:
            cochair = auth.create_user(session, "cochair@example.org", "approver", name="Co-Chair Person",
                                       password="correct-horse-battery")
        meeting = make_meeting(client, officer, [{"user_id": users["approver"].id, "role": "president"},
                                                 {"user_id": cochair.id, "role": "co_chair"}])
        base = f"/api/v1/meetings/{meeting}/programme"
        assert client.put(base, json={"sessions": [plenary("Opening", "10:00", "11:00")]},
                          headers=officer).status_code == 200
        asked = client.post(f"{base}/submit", json={"approver_ids": [users["approver"].id, cochair.id]},
                            headers=officer)
        assert asked.status_code == 202
        runtime.queue.join()
        links = approval_links(smtp)
        assert set(links) == {"approver@example.org", "cochair@example.org"}

        approved = decide_by_link(app, links["approver@example.org"], "approved")
        assert approved.status_code == 200
        assert "could not be emailed" not in approved.get_data(as_text=True)
        objected = decide_by_link(app, links["cochair@example.org"], "changes_requested", "late objection")
        assert objected.status_code == 200
        assert "could not be emailed" not in objected.get_data(as_text=True)

        state = client.get(base, headers=officer).get_json()
        assert (state["status"], state["approved_version"]) == ("draft", None)
        refused = client.post(f"{base}/publish", headers=officer)
        assert refused.status_code == 409 and "changes were requested" in refused.get_json()["error"]["message"]
        # The same version cannot be sent round again to get past the objection.
        assert client.post(f"{base}/submit", json={"approver_ids": [users["approver"].id]},
                           headers=officer).status_code == 409

        runtime.queue.join()
        told = [r for r in smtp.received if r.rcpt_tos == ["officer@example.org"]]
        assert len(told) == 2
        texts = [text_of(r.message) for r in told]
        assert any("late objection" in text for text in texts)
        assert all(f"/staff/meetings/{meeting}/programme" in text for text in texts)

        # A new version clears the objection: asked again and approved, it publishes.
        assert client.put(base, json={"sessions": [plenary("Opening", "10:30", "11:30")]},
                          headers=officer).status_code == 200
        assert client.post(f"{base}/submit", json={"approver_ids": [cochair.id]}, headers=officer).status_code == 202
        with runtime.db.transaction() as session:
            _token, secret = auth.create_token(session, session.get(auth.User, cochair.id), "test")
        assert client.post(f"{base}/approve", json={"version": 2}, headers=bearer(secret)).status_code == 200
        assert client.post(f"{base}/publish", headers=officer).status_code == 200
        runtime.queue.join()
        assert len([r for r in smtp.received if r.rcpt_tos == ["officer@example.org"]]) == 3  # the API tells too
    finally:
        runtime.close()


# --- F8: only public documents on the public programme ------------------------------------------


def document(client, officer, meeting, symbol, distribution="general", issue=True):
    made = client.post(f"/api/v1/meetings/{meeting}/documents", json={
        "symbol": symbol, "kind": "working_paper", "title": {"en": symbol}, "distribution": distribution},
        headers=officer)
    assert made.status_code == 201, made.get_json()
    if issue:
        assert upload(client, officer, made.get_json()["id"], "en", make_pdf(symbol)).status_code == 201
        assert client.post(f"/api/v1/documents/{made.get_json()['id']}/issue", headers=officer).status_code == 200


def test_limited_and_unissued_documents_stay_off_the_public_programme(client, officer, president, meeting):
    document(client, officer, meeting, "APLC/MSP.22/2026/1")
    document(client, officer, meeting, "APLC/MSP.22/2026/WP.1", distribution="limited")
    document(client, officer, meeting, "APLC/MSP.22/2026/2", issue=False)
    cited = ["APLC/MSP.22/2026/1", "APLC/MSP.22/2026/WP.1", "APLC/MSP.22/2026/2"]
    publish(client, officer, president, meeting, [plenary("Opening", "10:00", "11:00", documents=cited)])

    page = client.get(f"/en/meetings/{meeting}/programme").get_data(as_text=True)
    assert "APLC/MSP.22/2026/1<" in page
    assert "WP.1" not in page and "APLC/MSP.22/2026/2" not in page
    events = Calendar.from_ical(client.get(f"/meetings/{meeting}/programme.ics").data).walk("VEVENT")
    [description] = [str(e["DESCRIPTION"]) for e in events]
    assert "APLC/MSP.22/2026/1" in description and "WP.1" not in description and "2026/2" not in description
    one = client.get(f"/meetings/{meeting}/programme/1.ics").get_data(as_text=True)
    assert "WP.1" not in one and "2026/1" in one
    # Staff keep the whole list.
    assert client.get(f"/api/v1/meetings/{meeting}/programme", headers=officer).get_json()["sessions"][0][
        "documents"] == cited


# --- F11 and F12: rooms, bilaterals, naive times, languages, ICS growth --------------------------


def test_a_room_spelled_with_two_spaces_is_the_same_room_and_is_stored_normalised(client, officer, meeting):
    clash = client.put(f"/api/v1/meetings/{meeting}/programme", json={"sessions": [
        plenary("Opening", "10:00", "11:00", "Room XIX"), plenary("Briefing", "10:30", "11:30", "Room  XIX")]},
        headers=officer)
    assert clash.status_code == 422 and clash.get_json()["error"]["fields"] == {"sessions[1].room": "room already taken"}
    saved = client.put(f"/api/v1/meetings/{meeting}/programme", json={"sessions": [
        plenary("Opening", "10:00", "11:00", " Room \u00a0 XIX ")]}, headers=officer)
    assert saved.get_json()["sessions"][0]["room"] == "Room XIX"


def test_bilaterals_fall_within_the_meeting_and_its_margin(client, officer, meeting, users, runtime):
    delegation = client.get("/api/v1/delegations?per_page=1", headers=officer).get_json()["items"][0]["id"]
    body = {"delegation_id": delegation, "office_holder_id": users["approver"].id, "topic": "Article 5"}
    url = f"/api/v1/meetings/{meeting}/bilaterals"
    far = client.post(url, json={**body, "starts_at": "2020-12-29T10:10:00+01:00",
                                 "ends_at": "2020-12-29T10:40:00+01:00"}, headers=officer)
    assert far.status_code == 422 and "starts_at" in far.get_json()["error"]["fields"]
    margin = runtime.config.side_event_margin_days
    last = dt.date.fromisoformat(MEETING["ends_on"]) + dt.timedelta(days=margin)
    beyond = client.post(url, json={**body, "starts_at": zurich((last + dt.timedelta(days=1)).isoformat(), "10:00"),
                                    "ends_at": zurich((last + dt.timedelta(days=1)).isoformat(), "10:30")},
                         headers=officer)
    assert beyond.status_code == 422
    inside = client.post(url, json={**body, "starts_at": zurich(last.isoformat(), "10:00"),
                                    "ends_at": zurich(last.isoformat(), "10:30")}, headers=officer)
    assert inside.status_code == 201, inside.get_json()
    moved = client.post(f"/api/v1/bilaterals/{inside.get_json()['id']}/propose", json={
        "starts_at": "2027-03-01T10:00:00+01:00", "ends_at": "2027-03-01T10:30:00+01:00"}, headers=officer)
    assert moved.status_code == 422


@pytest.mark.parametrize("field", ["starts_at", "ends_at"])
def test_api_times_without_an_offset_are_refused_naming_the_field(client, officer, meeting, users, field):
    naive = {**plenary("Opening", "10:00", "11:00"), field: f"{DAY}T10:30:00"}
    refused = client.put(f"/api/v1/meetings/{meeting}/programme", json={"sessions": [naive]}, headers=officer)
    assert refused.status_code == 422
    assert "offset" in refused.get_json()["error"]["fields"][f"sessions[0].{field}"]
    delegation = client.get("/api/v1/delegations?per_page=1", headers=officer).get_json()["items"][0]["id"]
    slot = {"starts_at": zurich(DAY, "13:00"), "ends_at": zurich(DAY, "13:30"), field: f"{DAY}T13:15"}
    bilateral = client.post(f"/api/v1/meetings/{meeting}/bilaterals", json={
        "delegation_id": delegation, "office_holder_id": users["approver"].id, "topic": "Article 5", **slot},
        headers=officer)
    assert bilateral.status_code == 422 and field in bilateral.get_json()["error"]["fields"]


def test_title_languages_must_be_iso_639_1(client, officer, meeting):
    unknown = client.put(f"/api/v1/meetings/{meeting}/programme", json={"sessions": [
        {**plenary("Opening", "10:00", "11:00"), "title": {"en": "Opening", "xx": "T"}}]}, headers=officer)
    assert unknown.status_code == 422 and "xx" in unknown.get_json()["error"]["fields"]["sessions[0].title"]
    agenda = client.put(f"/api/v1/meetings/{meeting}/agenda", json={"items": [
        {"number": "1", "title": {"zz": "Opening"}}]}, headers=officer)
    assert agenda.status_code == 422 and "items[0].title" in agenda.get_json()["error"]["fields"]


def test_the_ics_keeps_cancellations_only_while_useful():
    now = dt.datetime(2026, 12, 20, tzinfo=dt.timezone.utc)

    def gone(index, day):
        return {"id": index, "starts_at": f"{day}T09:00:00+00:00", "ends_at": f"{day}T10:00:00+00:00"}

    old = [gone(i, "2026-10-01") for i in range(5)]
    recent = [gone(100 + i, "2026-12-15") for i in range(signoff.MAX_CANCELLED + 10)]
    kept = signoff.kept_cancellations(old + recent, now)
    assert len(kept) == signoff.MAX_CANCELLED
    assert kept[-1]["id"] == recent[-1]["id"] and all(item["id"] >= 110 for item in kept)


def test_republishing_re_created_sessions_does_not_grow_the_ics_without_bound(client, officer, president, meeting,
                                                                               runtime):
    for round_ in range(3):
        # Sessions sent without ids are new sessions: the previous ones are cancelled.
        publish(client, officer, president, meeting, [plenary(f"Round {round_} #{i}", f"{9 + i:02d}:00", f"{9 + i:02d}:30",
                                                              f"Room {i}") for i in range(3)])
    with runtime.db.transaction() as session:
        programme = signoff.find_programme(session, session.get(Meeting, meeting))
        assert len(programme.cancelled) == 6
        programme.cancelled = [dict(item, ends_at="2026-01-01T10:00:00+00:00") for item in programme.cancelled]
    publish(client, officer, president, meeting, [plenary("Final", "10:00", "11:00")])
    events = Calendar.from_ical(client.get(f"/meetings/{meeting}/programme.ics").data).walk("VEVENT")
    # The long-past cancellations are dropped; the three just cancelled stay so calendars remove them.
    assert sorted(str(e["STATUS"]) for e in events) == ["CANCELLED"] * 3 + ["CONFIRMED"]
