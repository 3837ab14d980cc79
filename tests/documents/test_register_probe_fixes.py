"""The wave-2 probe's register findings, each with the behaviour that replaced it:
F5 every public document of a meeting on its page and in its zip (not the newest 50);
F9 no symbol ends in a language code, and /documents/X/fr is always the French file of X;
F10 symbols are unique whatever their case, in the application and in the database;
F12 file and title languages are ISO 639-1 codes."""

import io
import zipfile

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from comms.documents import service as register
from comms.documents import workflow
from comms.documents.models import RegisterDocument
from comms.meetings.service import Meeting
from comms.web.documents import pages

from support.dispatching import STAFF, make_document, make_meeting
from support.register_samples import make_docx, make_pdf, new, upload
from support.web import bearer


@pytest.fixture
def officer(token_for):
    return bearer(token_for("officer"))


@pytest.fixture
def meeting(runtime):
    return {"id": make_meeting(runtime)}


def test_the_meeting_page_and_zip_hold_every_public_document_past_50(client, runtime, meeting):
    """F5: with 56 public documents the page listed 50 and the zip held 50; now all 56, and the count."""
    made = [make_document(runtime, meeting["id"], title=f"Paper {n}") for n in range(56)]
    make_document(runtime, meeting["id"], title="Confidential paper", distribution="limited")
    with runtime.db.transaction() as session:
        symbols = [session.get(RegisterDocument, i).symbol for i in made]
    page = client.get(f"/meetings/{meeting['id']}/documents").get_data(as_text=True)
    assert all(f">{symbol}</a>" in page for symbol in symbols)
    assert 'data-total="56"' in page and "56 documents" in page and "Confidential paper" not in page
    response = client.get(f"/meetings/{meeting['id']}/documents.zip")
    names = zipfile.ZipFile(io.BytesIO(response.get_data())).namelist()
    assert sorted(names) == sorted(f"{symbol.replace('/', '-')}-EN.docx" for symbol in symbols)


def test_a_zip_streams_its_documents_a_batch_at_a_time(client, runtime, meeting, monkeypatch):
    """F5: the zip reads its documents in batches (pages.ZIP_BATCH), not all at once, and misses none."""
    monkeypatch.setattr(pages, "ZIP_BATCH", 3)
    made = [make_document(runtime, meeting["id"], title=f"Paper {n}") for n in range(7)]
    names = zipfile.ZipFile(io.BytesIO(client.get(f"/meetings/{meeting['id']}/documents.zip").get_data())).namelist()
    assert len(names) == len(made) == len(set(names))


@pytest.mark.parametrize("symbol", ["PROBE/2/fr", "PROBE/2/FR", "PROBE/2/es", "X/ar"])
def test_a_symbol_ending_in_a_language_code_is_refused(client, officer, meeting, symbol):
    """F9: PROBE/2/fr would be the French file of PROBE/2: 422, nothing written."""
    response = new(client, officer, meeting, symbol=symbol)
    assert response.status_code == 422 and response.get_json()["error"]["fields"] == {"symbol": "invalid"}
    assert new(client, officer, meeting, symbol="PROBE/2").status_code == 201
    assert new(client, officer, meeting, symbol="PROBE/2/Rev.1").status_code == 201  # not a language


def _issued(runtime, meeting_id, symbol, language):
    """An issued general document with one file, inserted as an older version might have (no symbol rule)."""
    with runtime.db.transaction() as session:
        document = RegisterDocument(meeting_id=meeting_id, meeting=session.get(Meeting, meeting_id), symbol=symbol,
                                    kind="other", titles={"en": f"Document {symbol}"}, agenda_items=[],
                                    status="planned", distribution="general", original_language="en")
        session.add(document)
        session.flush()
        register.add_file(session, document, runtime.config.documents_path, language=language, filename="a.docx",
                          data=make_docx(f"text of {symbol} in {language}"), max_bytes=10_000_000, actor=STAFF,
                          trusted=True)
        workflow.issue(session, document, STAFF)
        return document.id


def test_a_file_url_is_never_shadowed_by_an_older_symbol_ending_in_a_language(client, runtime, meeting):
    """F9: an existing document PROBE/2/fr no longer takes /documents/PROBE/2/fr from PROBE/2's French file;
    its own page moves to /documents/~id, and every link on the pages leads where it says."""
    base = _issued(runtime, meeting["id"], "PROBE/2", "fr")
    older = _issued(runtime, meeting["id"], "PROBE/2/fr", "en")
    file = client.get("/documents/PROBE/2/fr")
    assert file.status_code == 200 and "PROBE-2-FR.docx" in file.headers["Content-Disposition"]
    assert 'href="/documents/PROBE/2/fr"' in client.get("/documents/PROBE/2").get_data(as_text=True)
    assert client.get("/documents/PROBE/2/fr/en").status_code == 404
    page = client.get(f"/documents/~{older}")
    assert page.status_code == 200 and "Document PROBE/2/fr" in page.get_data(as_text=True)
    assert client.get(f"/documents/~{older}/en").status_code == 200
    assert client.get(f"/documents/~{base}").status_code == 404  # a usable symbol is its only address
    listing = client.get(f"/meetings/{meeting['id']}/documents").get_data(as_text=True)
    assert f'href="/documents/~{older}"' in listing and 'href="/documents/PROBE/2"' in listing


def test_symbols_are_unique_whatever_their_case(client, runtime, officer, meeting):
    """F10: aplc/msp.22/2026/1 beside APLC/MSP.22/2026/1 was a 201; it is a 409, on create and in the database."""
    first = new(client, officer, meeting, symbol="TEST/MSP.1/7").get_json()
    response = new(client, officer, meeting, symbol="test/msp.1/7")
    assert response.status_code == 409 and response.get_json()["error"]["fields"] == {"symbol": "taken"}
    with runtime.db.transaction() as session:
        assert session.scalars(select(RegisterDocument.symbol)).all() == [first["symbol"]]
    # The unique index on upper(symbol) refuses what skips the application's check (a concurrent insert).
    with pytest.raises(IntegrityError):
        with runtime.db.transaction() as session:
            session.add(RegisterDocument(meeting_id=meeting["id"], symbol="Test/Msp.1/7", kind="other", titles={},
                                         agenda_items=[], status="planned"))
            session.flush()


def test_file_and_title_languages_are_iso_639_1(client, officer, meeting):
    """F12: a file in "xx" (served as ...-XX.pdf) and a title in "xx" were accepted; both are 422."""
    document = new(client, officer, meeting).get_json()
    response = upload(client, officer, document["id"], "xx", make_pdf("unknown language"))
    assert response.status_code == 422 and "language" in response.get_json()["error"]["fields"]
    assert upload(client, officer, document["id"], "fr", make_pdf("français")).status_code == 201
    response = new(client, officer, meeting, title={"en": "Report", "xx": "Rapport"})
    assert response.status_code == 422 and "title" in response.get_json()["error"]["fields"]
    patched = client.patch(f"/api/v1/documents/{document['id']}", headers=officer, json={"original_language": "zz"})
    assert patched.status_code == 422
