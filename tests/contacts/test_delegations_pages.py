"""Staff pages for delegations: the list filtered by kind "as of" a day and searched, a delegation's
page (mission, focal points, participation, dispatches received and bilaterals),
corrections by officers and admins, and the CSV import's row report before anything is written."""

import io

from sqlalchemy import select

from contacts.models import Delegation

from support.participants import add, delegation_id, make_meeting
from support.web import csrf_from


def test_the_list_filters_by_kind_as_of_a_day_and_searches(client, auth_actions):
    auth_actions.as_viewer()
    page = client.get("/staff/delegations?kind=state_party&on=2024-01-01")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "164 delegations" in html and "1 January 2024" in html
    after = client.get("/staff/delegations?kind=state_party&on=2025-12-27&q=Estonia").get_data(as_text=True)
    assert "0 delegations" in after
    found = client.get("/staff/delegations?q=Allemagne").get_data(as_text=True)
    assert "Germany" in found and "1 delegation;" in found
    assert client.get("/staff/delegations?on=not-a-date").status_code == 400
    assert client.get("/staff/delegations?kind=empire").status_code == 400
    assert 'href="/staff/delegations"' in client.get("/staff/").get_data(as_text=True)


def test_a_delegation_page_shows_mission_focal_points_participation_dispatches_and_bilaterals(
        client, runtime, auth_actions, token_for):
    officer = token_for("officer")
    meeting = make_meeting(client, officer)
    chile = delegation_id(runtime, "CL")
    add(client, officer, meeting["id"], delegation_id=chile, name="Ana Morales", status="approved")
    auth_actions.as_viewer()
    html = client.get(f"/staff/delegations/{chile}").get_data(as_text=True)
    assert "Permanent mission" in html and "Focal points" in html
    assert "Twenty-Second Meeting of the States Parties" in html and "1 approved of 1 registered" in html
    assert 'id="dispatches-received"' in html and 'id="bilateral-meetings"' in html
    assert "Correct this delegation" not in html  # viewers read only
    assert client.get("/staff/delegations/999999").status_code == 404
    assert client.get("/staff/delegations/99999999999999999999999").status_code == 404


def test_officers_correct_and_admins_alone_touch_treaty_fields(client, runtime, auth_actions):
    chile = delegation_id(runtime, "CL")
    auth_actions.as_viewer()
    page = client.get(f"/staff/delegations/{chile}")
    assert client.post(f"/staff/delegations/{chile}", data={
        "name": "Chile", "csrf_token": csrf_from(page.get_data(as_text=True))}).status_code == 403
    auth_actions.logout()
    auth_actions.as_officer()
    page = client.get(f"/staff/delegations/{chile}").get_data(as_text=True)
    assert "Treaty status (admins)" not in page
    saved = client.post(f"/staff/delegations/{chile}", data={
        "name": "Chile", "name_fr": "Chili", "name_es": "Chile", "mission_address": "Genève",
        "mission_email": "geneva@chile.example", "mission_phone": "", "notes": "", "csrf_token": csrf_from(page)},
        follow_redirects=True)
    assert saved.status_code == 200 and "mission_email" in saved.get_data(as_text=True)
    bad = client.post(f"/staff/delegations/{chile}", data={"name": "Chile", "mission_email": "nope",
                                                           "csrf_token": csrf_from(page)})
    assert bad.status_code == 400 and "mission_email" in bad.get_data(as_text=True)
    auth_actions.logout()
    auth_actions.as_admin()
    page = client.get(f"/staff/delegations/{chile}").get_data(as_text=True)
    assert "Treaty status (admins)" in page
    with runtime.db.transaction() as session:
        assert session.get(Delegation, chile).mission_email == "geneva@chile.example"


def test_csv_import_preview_then_confirm(client, runtime, auth_actions):
    auth_actions.as_officer()
    form = client.get("/staff/delegations/import").get_data(as_text=True)
    data = "name,kind\r\nSurvivor Voices,ngo\r\nBad Kind,empire\r\n".encode()
    preview = client.post("/staff/delegations/import", data={
        "kind": "delegations", "csrf_token": csrf_from(form), "file": (io.BytesIO(data), "delegations.csv")},
        content_type="multipart/form-data")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Nothing has been saved yet" in html and "kind: must be one of" in html
    with runtime.db.transaction() as session:
        assert session.scalar(select(Delegation).where(Delegation.name == "Survivor Voices")) is None
    confirmed = client.post("/staff/delegations/import", data={
        "kind": "delegations", "confirm": "yes", "data": data.decode(), "csrf_token": csrf_from(html)},
        follow_redirects=True)
    assert "1 created" in confirmed.get_data(as_text=True) and "1 rejected" in confirmed.get_data(as_text=True)
    with runtime.db.transaction() as session:
        assert session.scalar(select(Delegation).where(Delegation.name == "Survivor Voices")).kind == "ngo"
    empty = client.post("/staff/delegations/import", data={"kind": "delegations", "csrf_token": csrf_from(html)})
    assert empty.status_code == 400
    exported = client.get("/staff/delegations/export.csv")
    assert exported.status_code == 200 and "Survivor Voices" in exported.get_data(as_text=True)
    auth_actions.logout()
    auth_actions.as_viewer()
    assert client.get("/staff/delegations/import").status_code == 403
    assert client.get("/staff/delegations/focal-points.csv").status_code == 403
