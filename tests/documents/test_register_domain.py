"""The register without the web: numbering under concurrency, text extraction of hostile files, bulk matching."""

import datetime as dt
import mmap
import resource
import threading

import pytest

from comms.meetings.service import Meeting, create_meeting
from comms.documents import bulk
from comms.documents import extract
from comms.documents import search
from comms.documents import service
from comms.documents import workflow
from comms.documents.models import RegisterDocument, RegisterFile
from support.register_samples import broken_xref_pdf, huge_page_count_pdf, javascript_pdf, make_pdf, page_bomb_pdf

PREFIX = "APLC/MSP.22/2026"


@pytest.fixture
def meeting_id(database):
    with database.transaction() as session:
        meeting = create_meeting(session, title="22MSP", kind="msp", starts_on=dt.date(2026, 12, 14),
                                 ends_on=dt.date(2026, 12, 18), symbol_prefix=PREFIX)
        return meeting.id


def test_two_officers_numbering_at_once_get_different_symbols(database, meeting_id, staff, backend):
    """Each thread has its own connection and transaction; on PostgreSQL the counter row's lock orders them."""
    if backend != "postgresql":
        pytest.skip("SQLite has one writer at a time: a transaction takes the write lock when it begins")
    threads_count = 6
    barrier, symbols, errors = threading.Barrier(threads_count), [], []

    def officer(kind):
        try:
            with database.transaction() as session:
                meeting = session.get(Meeting, meeting_id)
                barrier.wait()
                document = service.create(session, meeting, {"titles": {"en": "Report"}, "kind": kind}, staff)
                symbols.append(document.symbol)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    kinds = ["report", "information"] * (threads_count // 2)
    threads = [threading.Thread(target=officer, args=(kind,)) for kind in kinds]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    half = threads_count // 2
    assert sorted(symbols) == sorted([f"{PREFIX}/{n}" for n in range(1, half + 1)] +
                                     [f"{PREFIX}/INF.{n}" for n in range(1, half + 1)])


def test_a_symbol_taken_while_numbering_is_refused_not_duplicated(database, meeting_id, staff):
    with database.transaction() as session:
        meeting = session.get(Meeting, meeting_id)
        service.create(session, meeting, {"titles": {"en": "Given"}, "symbol": f"{PREFIX}/1"}, staff)
    with database.transaction() as session:
        meeting = session.get(Meeting, meeting_id)
        auto = service.create(session, meeting, {"titles": {"en": "Auto"}}, staff)
        assert auto.symbol == f"{PREFIX}/2"
        with pytest.raises(service.RegisterError) as refused:
            service.create(session, meeting, {"titles": {"en": "Again"}, "symbol": f"{PREFIX}/2"}, staff)
        assert refused.value.status == 409
    with database.transaction() as session:
        assert session.query(RegisterDocument).count() == 2


@pytest.mark.parametrize("make", [javascript_pdf, huge_page_count_pdf, broken_xref_pdf],
                         ids=["javascript", "huge-page-count", "broken-xref"])
def test_hostile_pdfs_neither_crash_nor_hang_extraction(make):
    result = extract.extract(make(), "application/pdf")
    assert result.status in extract.STATUSES
    assert result.pages <= extract.MAX_PAGES


def test_many_pages_are_capped():
    result = extract.extract(page_bomb_pdf(extract.MAX_PAGES + 50), "application/pdf")
    assert result.status == "text" and result.pages == extract.MAX_PAGES
    assert f"page {extract.MAX_PAGES - 1}" in result.text and f"page {extract.MAX_PAGES + 10}" not in result.text


def test_a_child_past_its_time_is_killed_and_the_file_marked_failed():
    result = extract.extract(page_bomb_pdf(50), "application/pdf", timeout=0)
    assert result == extract.Extracted("", "failed")


def test_garbage_scans_and_unsupported_types():
    assert extract.extract(b"%PDF-1.7 garbage" * 100, "application/pdf").status == "failed"
    assert extract.extract(make_pdf(""), "application/pdf").status == "no_text"
    assert extract.extract(b"PK\x03\x04junk", extract.DOCX).status == "failed"
    assert extract.extract(b"x", "application/vnd.ms-excel").status == "unsupported"


def test_bulk_upload_names_match_symbols_and_languages():
    documents = [RegisterDocument(id=1, symbol=f"{PREFIX}/1"), RegisterDocument(id=2, symbol=f"{PREFIX}/INF.1"),
                 RegisterDocument(id=3, symbol=f"{PREFIX}/1/Rev.1"), RegisterDocument(id=4, symbol=None)]
    assert bulk.match(documents, "APLC-MSP.22-2026-1-FR.pdf") == (documents[0], "fr")
    assert bulk.match(documents, "aplc-msp.22-2026-inf.1-es.docx") == (documents[1], "es")
    assert bulk.match(documents, "APLC-MSP.22-2026-1-Rev.1-EN.pdf") == (documents[2], "en")
    assert bulk.match(documents, "C:\\Users\\me\\APLC-MSP.22-2026-1_EN.pdf") == (documents[0], "en")
    assert bulk.match(documents, "APLC-MSP.22-2026-9-EN.pdf") is None
    assert bulk.match(documents, "report.pdf") is None


def test_search_reaches_public_documents_ranked_below_many_hidden_ones(database, meeting_id, staff):
    with database.transaction() as session:
        meeting = session.get(Meeting, meeting_id)
        for n in range(45):
            service.create(session, meeting, {"titles": {"en": f"Clearance clearance clearance {n}"},
                                              "distribution": "limited"}, staff)
        public = service.create(session, meeting, {"titles": {"en": "A long report that mentions clearance once, "
                                                                    "among many other words about survivors"}}, staff)
        public.files.append(RegisterFile(language="en", filename="a.pdf", stored_name="b" * 32 + ".pdf",
                                                 content_type="application/pdf", size=1, sha256="0" * 64))
        workflow.issue(session, public, staff)
        found, total = search.find(session, search.Filters(public_only=True), "clearance")
        assert [f.document.id for f in found] == [public.id] and total == 1
        everything, total = search.find(session, search.Filters(), "clearance", limit=10)
        assert len(everything) == 10 and total == 46


def test_counting_stops_past_the_cap_and_says_so(database, meeting_id, staff, monkeypatch):
    """A common word's exact count cost more than the search; past COUNT_CAP the total is a floor."""
    monkeypatch.setattr(search, "COUNT_CAP", 3)
    with database.transaction() as session:
        meeting = session.get(Meeting, meeting_id)
        for n in range(15):  # more than one ranked batch, so the count is asked for
            service.create(session, meeting, {"titles": {"en": f"Stockpile destruction report {n}"}}, staff)
        service.create(session, meeting, {"titles": {"en": "Stockpile destruction, limited"},
                                          "distribution": "limited"}, staff)
        found, total = search.find(session, search.Filters(), "stockpile", limit=2)
        assert len(found) == 2 and total == 4 and search.more_than_counted(total)
        few, total = search.find(session, search.Filters(), "limited", limit=2)
        assert len(few) == 1 and total == 1 and not search.more_than_counted(total)
        # Without words the filters are counted by the database, exactly, and one page is loaded.
        page, total = search.find(session, search.Filters(meeting_id=meeting_id), limit=5, offset=12)
        assert len(page) == 4 and total == 16
        assert len({f.document.id for f in page}) == 4


def test_extraction_works_when_the_process_already_maps_more_than_the_childs_memory_cap():
    """A web server maps well over a gigabyte of address space (threads, fonts, libraries); the probe
    saw 1.28 GB. The forked child inherits it, so its cap must be headroom above that, not an absolute
    768 MB, or every parse fails. Reserve (never touch) more than the cap here, as such a server holds."""
    reserved = mmap.mmap(-1, extract.MEMORY_BYTES + 256 * 1024 * 1024)
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            mapped = int(statm.read().split()[0]) * resource.getpagesize()
        assert mapped > extract.MEMORY_BYTES
        # The cap leaves MEMORY_BYTES of room above what the process maps (an absolute cap would be below it).
        assert extract.child_memory_limit() >= mapped + extract.MEMORY_BYTES
        # Pages of text up to the cap: enough parsing to need fresh memory in the child.
        result = extract.extract(make_pdf(*[f"Victim assistance page {n} " + "word " * 400 for n in range(extract.MAX_PAGES)]),
                                 "application/pdf")
    finally:
        reserved.close()
    assert result.status == "text" and result.pages > 50 and "Victim assistance page 49" in result.text
