"""Public register pages (general + issued only) and the staff register pages."""

import io
import zipfile

import pytest

from support.register_samples import MEETING, make_pdf, new, upload
from support.web import bearer, csrf_from


@pytest.fixture
def officer(token_for):
    return bearer(token_for("officer"))


@pytest.fixture
def world(client, officer):
    meeting = client.post("/api/v1/meetings", json=MEETING, headers=officer).get_json()

    def make(title, distribution="general", issue=True, languages=("es", "en", "fr", "ar"), **body):
        document = new(client, officer, meeting, title={"en": title}, distribution=distribution, **body).get_json()
        for language in languages:
            upload(client, officer, document["id"], language, make_pdf(f"{title} in {language}: mandat"))
        if issue:
            document = client.post(f"/api/v1/documents/{document['id']}/issue", headers=officer).get_json()
        return document

    report = make("Final report", kind="report", agenda_items=["12"])
    limited = make("Draft decisions", distribution="limited", kind="decision")
    planned = make("Unissued report", issue=False)
    inf = make("List of participants", kind="list_of_participants", languages=("en",))
    return {"meeting": meeting, "report": report, "limited": limited, "planned": planned, "inf": inf}


def test_public_pages_show_only_general_issued_documents(client, world):
    listing = client.get("/documents/").get_data(as_text=True)
    assert "Final report" in listing and "List of participants" in listing
    assert "Draft decisions" not in listing and "Unissued report" not in listing
    searched = client.get("/documents/", query_string={"q": "mandat"}).get_data(as_text=True)
    assert searched.count("register-hit") == 2 and "<mark>mandat</mark>" in searched
    for hidden in ("limited", "planned"):
        symbol = world[hidden]["symbol"]
        assert client.get(f"/documents/{symbol}").status_code == 404
        assert client.get(f"/documents/{symbol}/en").status_code == 404
    meeting_page = client.get(f"/meetings/{world['meeting']['id']}/documents").get_data(as_text=True)
    assert "Final report" in meeting_page and "Draft decisions" not in meeting_page
    assert meeting_page.index('id="kind-report"') < meeting_page.index('id="kind-list_of_participants"')


def test_document_page_lists_languages_in_un_order_and_the_chain(client, world, officer):
    symbol = world["report"]["symbol"]
    page = client.get(f"/documents/{symbol}").get_data(as_text=True)
    order = [page.index(f'<li lang="{code}">') for code in ("ar", "en", "fr", "es")]
    assert order == sorted(order)
    assert "Agenda items: 12" in page
    rev = client.post(f"/api/v1/documents/{world['report']['id']}/revise", headers=officer).get_json()
    assert "Superseded by" not in client.get(f"/documents/{symbol}").get_data(as_text=True)  # the Rev is not issued
    upload(client, officer, rev["id"], "en", make_pdf("revised"))
    client.post(f"/api/v1/documents/{rev['id']}/issue", headers=officer)
    page = client.get(f"/documents/{symbol}").get_data(as_text=True)
    assert f"Superseded by <a href=\"/documents/{symbol}/Rev.1\">{symbol}/Rev.1</a>" in page
    assert f"{symbol}/Rev.1" in client.get(f"/documents/{symbol}/Rev.1").get_data(as_text=True)


def test_file_download_is_an_attachment_named_after_the_symbol_with_etag_and_long_cache(client, world):
    symbol = world["report"]["symbol"]
    response = client.get(f"/documents/{symbol}/fr")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
    assert response.headers["Content-Disposition"] == "attachment; filename=APLC-MSP.22-2026-1-FR.pdf"
    sha = next(f["sha256"] for f in world["report"]["files"] if f["language"] == "fr")
    assert response.headers["ETag"] == f'"{sha}"'
    assert "max-age=31536000" in response.headers["Cache-Control"] and "public" in response.headers["Cache-Control"]
    assert client.get(f"/documents/{symbol}/fr", headers={"If-None-Match": f'"{sha}"'}).status_code == 304
    head = client.head(f"/documents/{symbol}/fr")
    assert head.status_code == 200 and head.data == b"" and head.headers["ETag"] == f'"{sha}"'
    assert client.get(f"/documents/{symbol}/ru").status_code == 404


@pytest.mark.parametrize("path", ["../../etc/passwd", "APLC/MSP.22/2026/../../../etc/passwd", "%2e%2e/%2e%2e/etc/passwd",
                                  "APLC/MSP.22/2026/1/%2e%2e/1", "APLC/MSP.22/2026/1/..%2fen", "~0", "~99999999999",
                                  "APLC%2FMSP.22%2F2026%2F1/en/../fr", "APLC/MSP.22/2026/1/EN", "APLC/MSP.22/2026/1/e"])
def test_path_tricks_answer_404(client, world, path):
    assert client.get(f"/documents/{path}").status_code == 404


def test_meeting_zip_streams_every_public_file(client, world):
    response = client.get(f"/meetings/{world['meeting']['id']}/documents.zip")
    assert response.status_code == 200 and response.is_streamed
    names = sorted(zipfile.ZipFile(io.BytesIO(response.data)).namelist())
    assert names == ["APLC-MSP.22-2026-1-AR.pdf", "APLC-MSP.22-2026-1-EN.pdf", "APLC-MSP.22-2026-1-ES.pdf",
                     "APLC-MSP.22-2026-1-FR.pdf", "APLC-MSP.22-2026-INF.1-EN.pdf"]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert archive.read("APLC-MSP.22-2026-INF.1-EN.pdf").startswith(b"%PDF") and archive.testzip() is None
    assert client.get("/meetings/999999/documents.zip").status_code == 404


def test_staff_register_table_bulk_upload_issue_and_statement(client, world, auth_actions, officer):
    meeting_id = world["meeting"]["id"]
    assert client.get(f"/staff/register/meetings/{meeting_id}").status_code == 302  # sign-in first
    auth_actions.as_viewer()
    table = client.get(f"/staff/register/meetings/{meeting_id}").get_data(as_text=True)
    assert "Draft decisions" in table and "Unissued report" in table and "Bulk upload" not in table
    assert client.post(f"/staff/register/documents/{world['planned']['id']}/issue",
                       data={"csrf_token": csrf_from(table)}).status_code == 403
    auth_actions.logout()
    auth_actions.as_officer()
    page = client.get(f"/staff/register/meetings/{meeting_id}").get_data(as_text=True)
    token = csrf_from(page)
    fresh = new(client, officer, world["meeting"], title={"en": "Annual report"}).get_json()
    stem = fresh["symbol"].replace("/", "-")
    bad = client.post(f"/staff/register/meetings/{meeting_id}/bulk", content_type="multipart/form-data", data={
        "csrf_token": token, "files": [(io.BytesIO(make_pdf("x")), f"{stem}-EN.pdf"),
                                       (io.BytesIO(make_pdf("y")), "APLC-MSP.22-2026-77-FR.pdf")]})
    assert bad.status_code == 303
    assert client.get(f"/api/v1/documents/{fresh['id']}", headers=officer).get_json()["files"] == []
    good = client.post(f"/staff/register/meetings/{meeting_id}/bulk", content_type="multipart/form-data", data={
        "csrf_token": token, "files": [(io.BytesIO(make_pdf("annual")), f"{stem}-EN.pdf"),
                                       (io.BytesIO(make_pdf("annuel")), f"{stem}-FR.pdf")]})
    assert good.status_code == 303
    got = client.get(f"/api/v1/documents/{fresh['id']}", headers=officer).get_json()
    assert [f["language"] for f in got["files"]] == ["en", "fr"] and got["status"] == "received"
    table = client.get(f"/staff/register/meetings/{meeting_id}").get_data(as_text=True)
    row = table[table.index(f'data-symbol="{fresh["symbol"]}"'):]
    row = row[:row.index("</tr>")]
    assert "<td>EN, FR</td>" in row and "<td>ES</td>" in row
    issued = client.post(f"/staff/register/documents/{fresh['id']}/issue", data={"csrf_token": token})
    assert issued.status_code == 303
    assert client.get(f"/documents/{fresh['symbol']}").status_code == 200
    statement = client.post(f"/staff/register/meetings/{meeting_id}/documents", content_type="multipart/form-data",
                            data={"csrf_token": token, "kind": "statement", "author": "Delegation of Perú",
                                  "title_en": "Statement on Article 5", "agenda_items": "5",
                                  "delivered_at": "2026-12-15T10:30", "language": "es",
                                  "original_language": "es", "file": (io.BytesIO(make_pdf("Declaración")), "s.pdf")})
    assert statement.status_code == 303
    found = client.get("/api/v1/documents", query_string={"kind": "statement"}, headers=officer).get_json()["items"]
    assert found[0]["author"] == "Delegation of Perú" and found[0]["agenda_items"] == ["5"]
    assert found[0]["delivered_at"].startswith("2026-12-15T09:30") and found[0]["files"][0]["language"] == "es"


def test_meeting_atom_feed_carries_newly_issued_documents(client, world, officer):
    feed_url = f"/feeds/meetings/{world['meeting']['id']}.atom"
    atom = client.get(feed_url).get_data(as_text=True)
    assert "APLC/MSP.22/2026/1 · Final report" in atom and "/documents/APLC/MSP.22/2026/1/fr" in atom
    assert "Draft decisions" not in atom and "Unissued report" not in atom
    upload(client, officer, world["planned"]["id"], "en", make_pdf("now final"))
    client.post(f"/api/v1/documents/{world['planned']['id']}/issue", headers=officer)
    assert f"{world['planned']['symbol']} · Unissued report" in client.get(feed_url).get_data(as_text=True)


def test_a_refused_bulk_upload_leaves_no_file_on_disk(client, world, auth_actions, officer):
    """All or nothing, on disk too: the first file was stored before the second was refused."""
    folder = client.application.extensions["pressroom"].config.documents_path
    auth_actions.as_officer()
    meeting_id = world["meeting"]["id"]
    token = csrf_from(client.get(f"/staff/register/meetings/{meeting_id}").get_data(as_text=True))
    fresh = new(client, officer, world["meeting"], title={"en": "Annual report"}).get_json()
    stem = fresh["symbol"].replace("/", "-")
    before = sorted(p.name for p in folder.iterdir())
    refused = client.post(f"/staff/register/meetings/{meeting_id}/bulk", content_type="multipart/form-data", data={
        "csrf_token": token, "files": [(io.BytesIO(make_pdf("annual")), f"{stem}-EN.pdf"),
                                       (io.BytesIO(b"MZ not a document at all"), f"{stem}-FR.pdf")]})
    assert refused.status_code == 303
    assert client.get(f"/api/v1/documents/{fresh['id']}", headers=officer).get_json()["files"] == []
    assert sorted(p.name for p in folder.iterdir()) == before


def test_public_register_pages_speak_french_and_spanish(client, world):
    listing = client.get("/fr/documents/", query_string={"q": "mandat"}).get_data(as_text=True)
    assert "Documents officiels" in listing and "2 documents" in listing and "Rapport" in listing
    assert 'href="/fr/documents/' in listing  # links stay in French
    symbol = world["report"]["symbol"]
    page = client.get(f"/es/documents/{symbol}").get_data(as_text=True)
    assert "Versiones lingüísticas" in page and "Informe" in page and "publicado el" in page
    assert "Original: Inglés" in page
    meeting = client.get(f"/fr/meetings/{world['meeting']['id']}/documents").get_data(as_text=True)
    assert "Télécharger tous les documents (zip)" in meeting and "Liste des participants" in meeting
    english = client.get("/documents/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Official documents" in english and "List of participants" in english
