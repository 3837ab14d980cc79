"""The staff agenda, programme editor and bilaterals pages: forms, errors beside their fields,
POST-redirect-GET, viewers read but cannot change (403), every form needs its CSRF token, and
confirming a bilateral from the page sends the ICS invitations."""

import email
import re
from html import unescape

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from comms.meetings.programme.models import Bilateral, ProgrammeVersion
from contacts.models import Delegation

from support.meetings import MEETING
from support.web import bearer, csrf_from

DAY = "2026-12-15"


def page_text(response) -> str:
    return unescape(response.get_data(as_text=True))


@pytest.fixture
def meeting(client, token_for, users):
    response = client.post("/api/v1/meetings", json={**MEETING, "office_holders": [
        {"user_id": users["approver"].id, "role": "president"}]}, headers=bearer(token_for("officer")))
    assert response.status_code == 201, response.get_json()
    return response.get_json()["id"]


@pytest.fixture
def delegation(runtime):
    with runtime.db.transaction() as session:
        found = session.scalars(select(Delegation).order_by(Delegation.id)).first()
        return {"id": found.id, "name": found.name}


def post_form(client, url, data, page_url=None):
    """POST with the CSRF token of the signed-in session, taken from the page the form is on."""
    token = csrf_from(client.get(page_url or url).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **data})


def count(runtime, model) -> int:
    with runtime.db.transaction() as session:
        return session.scalar(select(func.count()).select_from(model))


def session_form(**change):
    return {"track": "plenary", "title_en": "Opening of the Meeting", "title_fr": "Ouverture", "title_es": "",
            "day": DAY, "start": "10:00", "end": "13:00", "room": "Room XIX", "chair": "The President",
            "agenda_item": "", "documents": "", **change}


def test_the_agenda_page_saves_lines_and_ties_errors_to_the_field(client, auth_actions, meeting):
    url = f"/staff/meetings/{meeting}/agenda"
    auth_actions.as_officer()
    bad = post_form(client, url, {"agenda": "1 | Opening | Ouverture | Apertura\nx9 | Nonsense"})
    assert bad.status_code == 422
    body = page_text(bad)
    assert 'aria-describedby="agenda-error"' in body and 'id="agenda-error"' in body
    assert "line 2 (x9)" in body and "x9 | Nonsense" in body  # the text typed is kept
    unknown = post_form(client, url, {"agenda": "8 | Mine clearance | Déminage | | APLC/MSP.22/2026/7"})
    assert unknown.status_code == 422 and "APLC/MSP.22/2026/7 is not in this meeting's document register" in page_text(unknown)
    saved = post_form(client, url, {"agenda": "1 | Opening | Ouverture | Apertura\n11 | Article 5\n11(a) | Presentations"})
    assert saved.status_code == 303 and saved.headers["Location"].endswith(url)
    shown = page_text(client.get(url))
    assert "Saved the agenda." in shown and "11(a)." in shown and "Presentations" in shown


def test_the_programme_editor_adds_edits_and_refuses_with_the_field(client, auth_actions, runtime, meeting):
    url = f"/staff/meetings/{meeting}/programme"
    auth_actions.as_officer()
    added = post_form(client, f"{url}/sessions", session_form(), url)
    assert added.status_code == 303 and added.headers["Location"].endswith(url)
    shown = page_text(client.get(url))
    assert "Saved version 1 of the programme." in shown and "Opening of the Meeting" in shown
    assert "10:00–13:00 CET" in shown  # Geneva time in December

    backwards = post_form(client, f"{url}/sessions", session_form(title_en="Backwards", start="15:00", end="14:00"), url)
    assert backwards.status_code == 422
    body = page_text(backwards)
    assert 'id="end-error"' in body and "a session must end after it starts" in body
    assert 'value="Backwards"' in body  # the form keeps what was typed
    clash = post_form(client, f"{url}/sessions", session_form(title_en="Briefing", start="12:00", end="12:30"), url)
    assert clash.status_code == 422
    body = page_text(clash)
    assert 'id="room-error"' in body and "Opening of the Meeting" in body and "Briefing" in body
    outside = post_form(client, f"{url}/sessions", session_form(day="2026-12-20"), url)
    assert outside.status_code == 422 and 'id="start-error"' in page_text(outside)
    assert count(runtime, ProgrammeVersion) == 1  # refusals wrote nothing

    editing = page_text(client.get(f"{url}?edit=1"))
    assert "Edit session" in editing and 'value="Opening of the Meeting"' in editing
    moved = post_form(client, f"{url}/sessions", session_form(id="1", start="10:30"), url)
    assert moved.status_code == 303
    shown = page_text(client.get(url))
    assert "Saved version 2 of the programme." in shown and "10:30–13:00 CET" in shown
    removed = post_form(client, f"{url}/sessions/1/remove", {}, url)
    assert removed.status_code == 303 and "No sessions yet." in page_text(client.get(url))
    published = post_form(client, f"{url}/publish", {}, url)
    assert published.status_code == 409 and "approved" in page_text(published)


def test_viewers_read_the_pages_but_cannot_change_them(client, auth_actions, runtime, meeting, delegation):
    auth_actions.as_viewer()
    base = f"/staff/meetings/{meeting}"
    for url in (f"{base}/agenda", f"{base}/programme", f"{base}/bilaterals"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "<textarea" not in response.get_data(as_text=True), url
    token = csrf_from(client.get(f"{base}/programme").get_data(as_text=True))
    for url, data in [(f"{base}/agenda", {"agenda": "1 | Opening"}), (f"{base}/programme/sessions", session_form()),
                      (f"{base}/programme/submit", {}), (f"{base}/programme/publish", {}),
                      (f"{base}/bilaterals", {"delegation_id": delegation["id"], "topic": "x"}),
                      (f"{base}/bilaterals/availability/1", {"windows": ""})]:
        assert client.post(url, data={"csrf_token": token, **data}).status_code == 403, url
    assert count(runtime, ProgrammeVersion) == 0 and count(runtime, Bilateral) == 0


def test_every_programme_form_needs_a_csrf_token(client, auth_actions, runtime, meeting, users, delegation):
    auth_actions.as_officer()
    base = f"/staff/meetings/{meeting}"
    for url, data in [(f"{base}/agenda", {"agenda": "1 | Opening"}), (f"{base}/programme/sessions", session_form()),
                      (f"{base}/programme/submit", {}),
                      (f"{base}/bilaterals", {"delegation_id": delegation["id"], "office_holder_id": users["approver"].id,
                                              "topic": "Clearance"}),
                      (f"{base}/bilaterals/availability/{users['approver'].id}", {"windows": f"{DAY} 13:00-15:00"})]:
        assert client.post(url, data=data).status_code == 400, url
    assert count(runtime, ProgrammeVersion) == 0 and count(runtime, Bilateral) == 0


def invitations(runtime):
    runtime.queue.join()
    found = []
    for path in sorted(runtime.config.outbox_path.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes())
        part = next((p for p in message.walk() if p.get_content_type() == "text/calendar"), None)
        if part is not None:
            found.append(Calendar.from_ical(part.get_payload(decode=True)))
    return found


def test_the_bilaterals_page_requests_proposes_confirms_cancels_and_keeps_notes(client, auth_actions, runtime,
                                                                             meeting, users, delegation):
    url = f"/staff/meetings/{meeting}/bilaterals"
    president = users["approver"]
    auth_actions.as_officer()
    assert f'href="{url}"' in client.get(f"/staff/meetings/{meeting}").get_data(as_text=True)
    bad_window = post_form(client, f"{url}/availability/{president.id}", {"windows": "tomorrow afternoon"}, url)
    assert bad_window.status_code == 422
    assert f'id="availability-{president.id}-windows-error"' in page_text(bad_window)
    saved = post_form(client, f"{url}/availability/{president.id}", {"windows": f"{DAY} 13:00-15:00"}, url)
    assert saved.status_code == 303 and "13:00–15:00" in page_text(client.get(url))

    request = {"delegation_id": str(delegation["id"]), "office_holder_id": str(president.id),
               "topic": "Article 5 extension", "attendees": "Ambassador\nDeputy head"}
    no_topic = post_form(client, url, {**request, "topic": ""}, url)
    assert no_topic.status_code == 422 and 'id="request-topic-error"' in page_text(no_topic)
    outside = post_form(client, url, {**request, "day": DAY, "start": "16:00", "end": "16:30"}, url)
    assert outside.status_code == 422 and 'id="request-starts_at-error"' in page_text(outside)
    made = post_form(client, url, request, url)
    assert made.status_code == 303
    shown = page_text(client.get(url))
    assert f"Recorded the request from {delegation['name']}." in shown and "Deputy head" in shown
    with runtime.db.transaction() as session:
        bilateral_id = session.scalar(select(Bilateral.id))

    proposed = post_form(client, f"{url}/{bilateral_id}/propose",
                         {"day": DAY, "start": "13:30", "end": "14:00", "room": "President's office"}, url)
    assert proposed.status_code == 303
    confirmed = post_form(client, f"{url}/{bilateral_id}/confirm", {}, url)
    assert confirmed.status_code == 303
    assert "invitations sent" in page_text(client.get(url))
    (calendar,) = {str(c["METHOD"]): c for c in invitations(runtime)}.values()
    assert str(calendar["METHOD"]) == "REQUEST"

    noted = post_form(client, f"{url}/{bilateral_id}/notes", {"notes": "Agreed to report in June."}, url)
    assert noted.status_code == 303 and "Agreed to report in June." in page_text(client.get(url))
    cancelled = post_form(client, f"{url}/{bilateral_id}/cancel", {}, url)
    assert cancelled.status_code == 303 and "cancelled" in page_text(client.get(url))
    again = post_form(client, f"{url}/{bilateral_id}/cancel", {}, url)
    assert again.status_code == 409 and "already cancelled" in page_text(again)
    assert client.head(url).status_code == 200 and client.head(url).data == b""
    assert post_form(client, f"{url}/99999999999999999999/confirm", {}, url).status_code == 404


def approval_link(runtime) -> str:
    runtime.queue.join()
    for path in sorted(runtime.config.outbox_path.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes())
        if "Approval requested" in " ".join(message["Subject"].split()):
            path.unlink()
            body = next(p for p in message.walk() if p.get_content_type() == "text/plain")
            return re.search(r"http://localhost(/approve/\S+)", body.get_payload(decode=True).decode()).group(1)
    raise AssertionError("no approval request in the outbox")


def test_the_programme_approval_link_is_bound_to_its_version_and_works_once(app, client, auth_actions, runtime,
                                                                          meeting, users):
    """SECURITY items 19 and 33 for the programme: the emailed link approves one version, once;
    a newer version withdraws it (409); publishing needs that approval."""
    url = f"/staff/meetings/{meeting}/programme"
    auth_actions.as_officer()
    post_form(client, f"{url}/sessions", session_form(), url)
    asked = post_form(client, f"{url}/submit", {"approver_ids": str(users["approver"].id)}, url)
    assert asked.status_code == 303
    stale_link = approval_link(runtime)
    post_form(client, f"{url}/sessions", session_form(id="1", start="10:30"), url)  # version 2
    president = app.test_client()  # the President's phone: no session
    assert president.get(stale_link).status_code == 409
    post_form(client, f"{url}/submit", {"approver_ids": str(users["approver"].id)}, url)
    link = approval_link(runtime)
    review = president.get(link)
    assert review.status_code == 200 and "10:30–13:00" in page_text(review)
    assert president.post(link, data={"decision": "approved"}).status_code == 400  # no CSRF token
    done = president.post(link, data={"decision": "approved", "csrf_token": csrf_from(review.get_data(as_text=True))})
    assert done.status_code == 200 and "Approved" in page_text(done)
    assert president.get(link).status_code == 410  # used once
    published = post_form(client, f"{url}/publish", {}, url)
    assert published.status_code == 303
    assert "Published version 2" in page_text(client.get(url))


def test_the_bilaterals_page_takes_non_latin_names_and_refuses_huge_input(client, auth_actions, runtime, meeting,
                                                                         users, delegation):
    url = f"/staff/meetings/{meeting}/bilaterals"
    president = users["approver"]
    auth_actions.as_officer()
    request = {"delegation_id": str(delegation["id"]), "office_holder_id": str(president.id),
               "topic": "تمديد المادة 5", "attendees": "Нгуен Тхи Лан\n王小明\nMaría José Núñez"}
    made = post_form(client, url, request, url)
    assert made.status_code == 303
    shown = page_text(client.get(url))
    assert "تمديد المادة 5" in shown and "Нгуен Тхи Лан, 王小明, María José Núñez" in shown
    huge = post_form(client, url, {**request, "topic": "x" * 5000}, url)
    assert huge.status_code == 422 and 'id="request-topic-error"' in page_text(huge)
    crowd = post_form(client, url, {**request, "attendees": "\n".join(f"Delegate {i}" for i in range(31))}, url)
    assert crowd.status_code == 422 and 'id="request-attendees-error"' in page_text(crowd)
    windows = "\n".join(f"{DAY} 13:00-13:30" for _ in range(201))
    assert post_form(client, f"{url}/availability/{president.id}", {"windows": windows}, url).status_code == 422
    assert count(runtime, Bilateral) == 1
    assert client.head(url).status_code == 200
