"""The list of participants (docs/design/contract.md): an issued {prefix}/INF.n register document whose
PDF text names the approved, listed participants, grouped by delegation kind then delegation name, heads
first; issuing again makes Rev.1; the HTML version is a public page."""

import pytest

from support.participants import PREFIX, add, delegation_id, make_meeting, pdf_text
from support.web import bearer


@pytest.fixture
def officer(token_for):
    return token_for("officer")


@pytest.fixture
def meeting(client, officer):
    return make_meeting(client, officer)


def issue(client, officer, meeting_id):
    response = client.post(f"/api/v1/meetings/{meeting_id}/list-of-participants", headers=bearer(officer))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_the_list_names_approved_listed_people_in_order(client, runtime, officer, meeting):
    m = meeting["id"]
    chile, austria = delegation_id(runtime, "CL"), delegation_id(runtime, "AT")
    unmas = delegation_id(runtime, name="United Nations Mine Action Service")
    icbl = delegation_id(runtime, name="International Campaign to Ban Landmines - Cluster Munition Coalition")
    assert unmas and icbl
    add(client, officer, m, delegation_id=chile, name="Carla Adviser", role="adviser", status="approved")
    add(client, officer, m, delegation_id=chile, name="Bruno Head", role="head", status="approved")
    add(client, officer, m, delegation_id=austria, name="Anton Alternate", role="alternate", status="approved")
    add(client, officer, m, delegation_id=unmas, name="Ursula Observer", role="observer", status="approved")
    add(client, officer, m, delegation_id=icbl, name="Nadia Campaigner", role="expert", status="approved")
    add(client, officer, m, delegation_id=chile, name="Hidden Unlisted", status="approved", listed=False)
    add(client, officer, m, delegation_id=chile, name="Pending Requested")
    add(client, officer, m, delegation_id=chile, name="Refused Declined", status="declined")

    issued = issue(client, officer, m)
    assert issued["symbol"] == f"{PREFIX}/INF.1"
    assert (issued["kind"], issued["status"], issued["participant_count"]) == ("list_of_participants", "issued", 5)
    assert [f["content_type"] for f in issued["files"]] == ["application/pdf"]
    text = pdf_text(runtime, issued["symbol"])
    for absent in ("Hidden Unlisted", "Pending Requested", "Refused Declined"):
        assert absent not in text
    order = ["States Parties", "Austria", "Anton Alternate", "Chile", "Bruno Head", "Carla Adviser",
             "International organisations", "United Nations Mine Action Service", "Ursula Observer",
             "Non-governmental organisations", "Nadia Campaigner"]
    positions = [text.index(word) for word in order]
    assert positions == sorted(positions), text

    page = client.get(f"/meetings/{m}/list-of-participants")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Bruno Head" in html and "Hidden Unlisted" not in html
    assert html.index("Bruno Head") < html.index("Carla Adviser")


def test_issuing_again_makes_rev_1_and_the_register_finds_names(client, runtime, officer, meeting):
    m = meeting["id"]
    first = add(client, officer, m, delegation_id=delegation_id(runtime, "CL"), name="Bruno Head", role="head",
                status="approved")
    original = issue(client, officer, m)
    late = add(client, officer, m, delegation_id=delegation_id(runtime, "NZ"), name="Late Comer", status="requested")
    client.patch(f"/api/v1/participants/{late['id']}", json={"status": "approved"}, headers=bearer(officer))
    revised = issue(client, officer, m)
    assert revised["symbol"] == f"{PREFIX}/INF.1/Rev.1" and revised["supersedes"] == original["symbol"]
    assert "Late Comer" in pdf_text(runtime, revised["symbol"])
    assert "Late Comer" not in pdf_text(runtime, original["symbol"])
    again = issue(client, officer, m)
    assert again["symbol"] == f"{PREFIX}/INF.1/Rev.2"
    # Each Rev supersedes the one before it.
    old = client.get(f"/api/v1/documents/{revised['id']}", headers=bearer(officer)).get_json()
    assert old["superseded_by"] == again["symbol"] and again["supersedes"] == revised["symbol"]
    # The register's search reads the PDF's text.
    found = client.get("/api/v1/documents?q=Comer", headers=bearer(officer)).get_json()
    assert {d["symbol"] for d in found["items"]} >= {revised["symbol"]}
    person = client.get(f"/api/v1/participants/{first['id']}", headers=bearer(officer)).get_json()
    assert person["listed_in"] == again["symbol"]
    latest = client.get(f"/api/v1/meetings/{m}/list-of-participants", headers=bearer(officer)).get_json()
    assert latest["symbol"] == again["symbol"]


def test_non_latin_names_print_and_extract(client, runtime, officer, meeting):
    names = ["Нурлан Абдрахманов", "王小明", "Ἀλέξανδρος Παππάς", "José Ñúñez-Çelik"]
    for name in names:
        add(client, officer, meeting["id"], delegation_id=delegation_id(runtime, "KZ"), name=name, status="approved")
    text = pdf_text(runtime, issue(client, officer, meeting["id"])["symbol"])
    for name in names:
        assert name in text


def test_an_empty_list_and_a_meeting_without_prefix(client, runtime, officer):
    empty = make_meeting(client, officer)
    assert "No participant is listed yet." in pdf_text(runtime, issue(client, officer, empty["id"])["symbol"])
    bare = make_meeting(client, officer, symbol_prefix="", title="Informal lunch")
    response = client.post(f"/api/v1/meetings/{bare['id']}/list-of-participants", headers=bearer(officer))
    assert response.status_code == 422 and "symbol_prefix" in response.get_json()["error"]["fields"]
    assert client.get(f"/meetings/{bare['id']}/list-of-participants").status_code == 404
    assert client.post("/api/v1/meetings/4242/list-of-participants", headers=bearer(officer)).status_code == 404


def test_the_issued_list_gives_its_dates_as_the_documents_api_does(client, officer, meeting):
    """Probe F12: POST (and GET) .../list-of-participants answered issued_on as an HTTP date
    ("Mon, 07 Dec 2026 00:00:00 GMT"); it is YYYY-MM-DD, the register document's own value."""
    issued = issue(client, officer, meeting["id"])
    document = client.get(f"/api/v1/documents/{issued['id']}", headers=bearer(officer)).get_json()
    assert issued["issued_on"] == document["issued_on"] and len(issued["issued_on"]) == 10
    assert issued["issued_on"][4] == "-" and issued["issued_on"][7] == "-"
    assert issued["participant_count"] == 0 and issued["html_url"].endswith("/list-of-participants")
    latest = client.get(f"/api/v1/meetings/{meeting['id']}/list-of-participants", headers=bearer(officer)).get_json()
    assert latest["issued_on"] == document["issued_on"]


def test_a_retry_with_the_same_idempotency_key_issues_nothing_more(client, runtime, officer, meeting):
    """An issued document is kept for good: a client retrying the issue with its Idempotency-Key gets the
    first answer again (INF.1) instead of a Rev.1; a new key issues the revision; a bad key is a 422."""
    m = meeting["id"]
    add(client, officer, m, delegation_id=delegation_id(runtime, "CL"), name="Bruno Head", role="head",
        status="approved")
    url = f"/api/v1/meetings/{m}/list-of-participants"
    headers = {**bearer(officer), "Idempotency-Key": "lop-7c1e"}
    first = client.post(url, headers=headers)
    again = client.post(url, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true" and "Idempotent-Replayed" not in first.headers
    assert again.get_json() == first.get_json() and first.get_json()["symbol"] == f"{PREFIX}/INF.1"
    latest = client.get(url, headers=bearer(officer)).get_json()
    assert latest["symbol"] == f"{PREFIX}/INF.1"  # no revision was issued by the retry
    revised = client.post(url, headers={**bearer(officer), "Idempotency-Key": "lop-8d2f"})
    assert revised.status_code == 201 and revised.get_json()["symbol"] == f"{PREFIX}/INF.1/Rev.1"
    bad = client.post(url, headers={**bearer(officer), "Idempotency-Key": "has spaces"})
    assert bad.status_code == 422 and bad.get_json()["error"]["fields"] == {"Idempotency-Key": "invalid"}
