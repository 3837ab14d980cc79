"""The document register's API (docs/design/contract.md, "Document register"): symbols, workflow, chains, files, search."""

import pytest

from comms.documents import search

from support.register_samples import MEETING, make_docx, make_pdf, new, upload
from support.web import bearer

@pytest.fixture
def officer(token_for):
    return bearer(token_for("officer"))


@pytest.fixture
def meeting(client, officer):
    response = client.post("/api/v1/meetings", json=MEETING, headers=officer)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["symbol_prefix"] == "APLC/MSP.22/2026"
    return response.get_json()


def issued(client, officer, meeting, text="Texte du rapport", **body):
    document = new(client, officer, meeting, **body).get_json()
    assert upload(client, officer, document["id"], "en", make_pdf(text)).status_code == 201
    response = client.post(f"/api/v1/documents/{document['id']}/issue", headers=officer)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_symbols_are_numbered_per_series(client, officer, meeting):
    symbols = [new(client, officer, meeting, kind=kind).get_json()["symbol"]
               for kind in ("report", "information", "working_paper", "provisional_agenda", "list_of_participants",
                            "working_paper")]
    assert symbols == ["APLC/MSP.22/2026/1", "APLC/MSP.22/2026/INF.1", "APLC/MSP.22/2026/WP.1",
                       "APLC/MSP.22/2026/2", "APLC/MSP.22/2026/INF.2", "APLC/MSP.22/2026/WP.2"]


def test_given_symbol_is_kept_and_a_taken_one_is_409(client, officer, meeting):
    given = new(client, officer, meeting, symbol="APLC/MSP.22/2026/3")
    assert given.status_code == 201 and given.get_json()["symbol"] == "APLC/MSP.22/2026/3"
    again = new(client, officer, meeting, symbol="APLC/MSP.22/2026/3")
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "conflict"
    numbered = [new(client, officer, meeting).get_json()["symbol"] for _ in range(3)]
    assert numbered == ["APLC/MSP.22/2026/1", "APLC/MSP.22/2026/2", "APLC/MSP.22/2026/4"]  # 3 was given


@pytest.mark.parametrize("symbol", ["../etc/passwd", "APLC//1", "APLC/../1", "/APLC/1", "APLC/1/", "A B", "x" * 121,
                                    "APLC/%2e%2e/1", "APLC/<script>"])
def test_malformed_symbols_are_refused(client, officer, meeting, symbol):
    response = new(client, officer, meeting, symbol=symbol)
    assert response.status_code == 422, response.get_json()


def test_fields_titles_due_dates_and_statements(client, officer, meeting, runtime):
    body = {"title": {"en": "Provisional agenda", "fr": "Ordre du jour provisoire", "es": "Programa provisional"},
            "kind": "provisional_agenda", "distribution": "general", "original_language": "en",
            "agenda_items": ["1", "7(b)"], "due_days_before": 42}
    created = new(client, officer, meeting, **body).get_json()
    assert created["title"]["fr"] == "Ordre du jour provisoire" and created["agenda_items"] == ["1", "7(b)"]
    assert created["status"] == "planned" and created["due_on"] == "2026-11-02" and created["late"] is not None
    statement = new(client, officer, meeting, kind="statement", title={"en": "Statement on Article 5"},
                    author="Delegation of Peru", agenda_items=["5"], delivered_at="2026-12-15T10:30:00+01:00")
    body = statement.get_json()
    assert statement.status_code == 201 and body["symbol"] is None and body["author"] == "Delegation of Peru"
    unknown = new(client, officer, meeting, kind="statement", delegation_id=999999)
    assert unknown.status_code == 422
    for bad in ({"title": {}}, {"title": {"english": "x"}}, {"title": {"en": "a\nb"}}, {"kind": "memo"},
                {"distribution": "secret"}, {"due_days_before": 1000}, {"title": {"en": "x" * 501}}):
        assert new(client, officer, meeting, **bad).status_code == 422, bad


def test_workflow_issue_makes_files_immutable_and_delete_is_refused(client, officer, meeting):
    document = new(client, officer, meeting).get_json()
    assert client.post(f"/api/v1/documents/{document['id']}/issue", headers=officer).status_code == 422  # no file
    first = upload(client, officer, document["id"], "en", make_pdf("first"))
    assert first.status_code == 201 and first.get_json()["status"] == "received"
    replaced = upload(client, officer, document["id"], "en", make_pdf("second"))
    assert replaced.status_code == 201
    assert replaced.get_json()["files"][0]["sha256"] != first.get_json()["files"][0]["sha256"]
    done = client.post(f"/api/v1/documents/{document['id']}/issue", headers=officer).get_json()
    assert done["status"] == "issued" and done["issued_on"]
    assert upload(client, officer, document["id"], "en", make_pdf("third")).status_code == 409
    assert upload(client, officer, document["id"], "fr", make_pdf("quatre")).status_code == 409
    patch = client.patch(f"/api/v1/documents/{document['id']}", json={"title": {"en": "New"}}, headers=officer)
    assert patch.status_code == 409
    assert client.delete(f"/api/v1/documents/{document['id']}", headers=officer).status_code == 409
    assert client.post(f"/api/v1/documents/{document['id']}/issue", headers=officer).status_code == 409
    withdrawn = client.post(f"/api/v1/documents/{document['id']}/withdraw", headers=officer).get_json()
    assert withdrawn["status"] == "withdrawn" and len(withdrawn["files"]) == 1
    assert client.delete(f"/api/v1/documents/{document['id']}", headers=officer).status_code == 409
    assert client.get(f"/api/v1/documents/{document['id']}", headers=officer).status_code == 200
    planned = new(client, officer, meeting).get_json()
    assert client.delete(f"/api/v1/documents/{planned['id']}", headers=officer).status_code == 204


def test_rev_corr_add_chain(client, officer, meeting):
    original = issued(client, officer, meeting)
    assert original["symbol"] == "APLC/MSP.22/2026/1"
    rev1 = client.post(f"/api/v1/documents/{original['id']}/revise", headers=officer)
    assert rev1.status_code == 201 and rev1.get_json()["symbol"] == "APLC/MSP.22/2026/1/Rev.1"
    assert rev1.get_json()["supersedes"] == "APLC/MSP.22/2026/1" and rev1.get_json()["status"] == "planned"
    assert client.get(f"/api/v1/documents/{original['id']}", headers=officer).get_json()["superseded_by"] == \
        "APLC/MSP.22/2026/1/Rev.1"
    # A planned Rev cannot itself be revised; once issued, its Rev is Rev.2 of the original symbol.
    assert client.post(f"/api/v1/documents/{rev1.get_json()['id']}/revise", headers=officer).status_code == 409
    upload(client, officer, rev1.get_json()["id"], "en", make_pdf("revised"))
    client.post(f"/api/v1/documents/{rev1.get_json()['id']}/issue", headers=officer)
    rev2 = client.post(f"/api/v1/documents/{rev1.get_json()['id']}/revise", headers=officer).get_json()
    assert rev2["symbol"] == "APLC/MSP.22/2026/1/Rev.2" and rev2["supersedes"] == "APLC/MSP.22/2026/1/Rev.1"
    corr = client.post(f"/api/v1/documents/{original['id']}/correct", headers=officer).get_json()
    add = client.post(f"/api/v1/documents/{original['id']}/add", json={"title": {"en": "Annex"}}, headers=officer)
    assert corr["symbol"] == "APLC/MSP.22/2026/1/Corr.1" and corr["supersedes"] is None
    assert add.get_json()["symbol"] == "APLC/MSP.22/2026/1/Add.1" and add.get_json()["title"] == {"en": "Annex"}
    corr_rev = client.post(f"/api/v1/documents/{rev1.get_json()['id']}/correct", headers=officer).get_json()
    assert corr_rev["symbol"] == "APLC/MSP.22/2026/1/Rev.1/Corr.1"


def test_roles_and_missing_objects(client, token_for, officer, meeting):
    viewer = bearer(token_for("viewer"))
    assert new(client, viewer, meeting).status_code == 403
    document = new(client, officer, meeting).get_json()
    assert client.get(f"/api/v1/documents/{document['id']}", headers=viewer).status_code == 200
    assert client.post(f"/api/v1/documents/{document['id']}/issue", headers=viewer).status_code == 403
    assert client.get("/api/v1/documents/99999999", headers=viewer).status_code == 404
    assert client.get("/api/v1/documents/99999999999999999999", headers=viewer).status_code == 404
    assert client.post("/api/v1/meetings/999999/documents", json={"title": {"en": "x"}}, headers=officer).status_code == 404
    assert client.get(f"/api/v1/documents/{document['id']}").status_code == 401


def test_first_wave_multipart_upload_still_answers(client, officer, meeting):
    from io import BytesIO
    response = client.post(f"/api/v1/meetings/{meeting['id']}/documents", headers=officer,
                           data={"title": "Programme", "kind": "programme", "language": "en",
                                 "file": (BytesIO(make_pdf("Programme")), "programme.pdf")},
                           content_type="multipart/form-data")
    assert response.status_code == 201 and response.get_json()["title"] == "Programme"


def test_files_are_checked_by_content(client, officer, meeting):
    document = new(client, officer, meeting).get_json()
    assert upload(client, officer, document["id"], "en", b"<html><script>x</script>", "evil.pdf").status_code == 422
    assert upload(client, officer, document["id"], "english", make_pdf("x")).status_code == 422
    assert upload(client, officer, document["id"], "en", b"").status_code == 422
    docx = upload(client, officer, document["id"], "fr", make_docx("Déclaration sur le déminage"), "a.docx")
    assert docx.status_code == 201 and docx.get_json()["files"][0]["text"] == "text"


def test_search_finds_words_inside_pdfs_in_fr_and_es_with_accents_folded(client, officer, meeting):
    report = new(client, officer, meeting, title={"en": "Final report"}).get_json()
    upload(client, officer, report["id"], "fr", make_pdf("Le déminage humanitaire progresse à Ayacucho."))
    upload(client, officer, report["id"], "es", make_pdf("La remoción de minas en Perú avanzó este año."))
    upload(client, officer, report["id"], "en", make_pdf(""))  # a scan: no text
    other = new(client, officer, meeting, title={"en": "Programme"}).get_json()
    upload(client, officer, other["id"], "en", make_pdf("Coffee break in the lobby"))

    def found(q, **params):
        response = client.get("/api/v1/documents", query_string={"q": q, **params}, headers=officer)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    for q in ("deminage", "DÉMINAGE", "ayacucho", "remocion", "perú", "peru", "ano"):
        result = found(q)
        assert [i["symbol"] for i in result["items"]] == [report["symbol"]], q
    assert "<mark>" in found("deminage")["items"][0]["snippet"]
    assert found("lobby")["items"][0]["id"] == other["id"]
    assert found("lobby", kind="report")["items"] == []
    assert found("avanzó", language="es")["total"] == 1 and found("avanzó", language="ru")["total"] == 0
    assert found("deminage")["total_capped"] is False
    files = found("", meeting=meeting["id"])["items"]
    assert {f["language"]: f["text"] for f in next(i for i in files if i["id"] == report["id"])["files"]}["en"] == "no_text"
    assert client.get("/api/v1/documents", query_string={"q": "x" * 600}, headers=officer).status_code == 422


def test_non_latin_titles_and_oversized_input(client, officer, meeting):
    created = new(client, officer, meeting, title={"ar": "تقرير عن إزالة الألغام", "zh": "关于排雷的报告", "ru": "Доклад"})
    assert created.status_code == 201
    for q, expected in (("الألغام", 1), ("排雷", 1), ("доклад", 1), ("mines", 0)):
        result = client.get("/api/v1/documents", query_string={"q": q}, headers=officer).get_json()
        assert result["total"] == expected, q
    many = new(client, officer, meeting, title={f"a{chr(97 + i % 26)}{chr(97 + i // 26 % 26)}": "x" for i in range(500)})
    assert many.status_code == 422
    deep = new(client, officer, meeting, agenda_items=[["1"] * 3] * 2)
    assert deep.status_code == 422
    assert new(client, officer, meeting, agenda_items=["1"] * 51).status_code == 422


def test_a_count_past_the_cap_is_a_floor_marked_as_such(client, officer, meeting, monkeypatch):
    monkeypatch.setattr(search, "COUNT_CAP", 2)
    for n in range(5):
        assert new(client, officer, meeting, title={"en": f"Survivors report {n}"}).status_code == 201
    result = client.get("/api/v1/documents", query_string={"q": "survivors", "per_page": 1}, headers=officer).get_json()
    assert len(result["items"]) == 1
    assert result["total"] == 2 and result["total_capped"] is True
