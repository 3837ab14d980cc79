"""The printed-document helper: every script prints and can be read back, pages carry their header
and numbers, bad input is clipped rather than breaking the layout."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from comms.rendering.pdf import FONT_DIR, MAX_CELL_CHARS, PrintDocument, TableColumn

NAMES = {
    "Latin": "Ana María Núñez", "Cyrillic": "Владимир Петров", "Greek": "Ἀριστοτέλης",
    "Chinese": "李小龙", "Japanese": "大谷翔平", "Korean": "김민준", "Devanagari": "राम",
    "Georgian": "ნინო", "Armenian": "Ջոն", "Ethiopic": "ሰላም", "Thai": "สมชาย",
}
# Right-to-left words come back in visual order, so each word is looked for on its own.
RTL_WORDS = {"Arabic": ("محمد", "الله"), "Hebrew": ("דוד", "כהן")}


def _text(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def _document(rows):
    document = PrintDocument(title="List of participants", symbol="APLC/MSP.22/2026/INF.1",
                             header="Twenty-second Meeting of the States Parties", footer="Issued 7 December 2026")
    document.heading("Twenty-second Meeting of the States Parties").paragraph("Geneva, 1-5 December 2026")
    document.heading("States Parties", 2)
    document.table([TableColumn("Delegation", 1), TableColumn("Name", 1.5), TableColumn("Role", 1)], rows)
    return document


def test_every_script_prints_and_reads_back():
    rows = [[script, name, "Head of delegation"] for script, name in NAMES.items()]
    rows += [[script, " ".join(words), "Adviser"] for script, words in RTL_WORDS.items()]
    reader, text = _text(_document(rows).render())
    for script, name in NAMES.items():
        assert name in text, script
    for script, words in RTL_WORDS.items():
        for word in words:
            assert word in text, script
    assert reader.metadata.title == "List of participants"
    assert reader.metadata.subject == "APLC/MSP.22/2026/INF.1"


def test_long_tables_run_onto_numbered_pages_with_headers_repeated():
    rows = [[f"Delegation {i:03d}", f"Person {i:03d}", "Expert"] for i in range(300)]
    reader, _ = _text(_document(rows).render())
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) > 3
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=0.5)  # A4 portrait
    for number, page in enumerate(pages, start=1):
        assert f"{number} / {len(pages)}" in page
        assert "Issued 7 December 2026" in page
        assert "Delegation Name Role" in page  # the heading row repeats
    assert "APLC/MSP.22/2026/INF.1" in pages[1] and "APLC/MSP.22/2026/INF.1" not in pages[0].split("\n")[0]
    everything = "\n".join(pages)
    assert all(f"Person {i:03d}" in everything for i in range(300))


def test_only_the_fallback_fonts_a_document_uses_are_embedded():
    latin = PdfReader(io.BytesIO(_document([["X", "Ana Núñez", "Head"]]).render()))
    korean = PdfReader(io.BytesIO(_document([["X", "김민준", "Head"]]).render()))

    def fonts(reader):
        return {str(font["/BaseFont"]) for page in reader.pages
                for font in page["/Resources"]["/Font"].values()}

    assert not any("Hangul" in name for name in fonts(latin))
    assert any("Hangul" in name for name in fonts(korean))


def test_output_is_deterministic_for_a_given_creation_time():
    assert _document([["A", "B", "C"]]).render() == _document([["A", "B", "C"]]).render()


def test_huge_cells_control_characters_and_ragged_rows_are_clipped_not_fatal():
    long_word = "x" * 20_000
    rows = [["Delegation", long_word, "Head"], ["Only one cell"], ["A\x00B\x07C", "Tab\there", "Line\r\nbreak", "extra"]]
    reader, text = _text(_document(rows).render())
    assert "…" in text
    assert text.count("x") < MAX_CELL_CHARS + 50
    assert "ABC" in text and "Only one cell" in text and "extra" not in text


def test_a_table_needs_columns():
    with pytest.raises(ValueError):
        PrintDocument(title="t").table([], [["a"]])


def test_the_fonts_ship_with_their_licences():
    assert (FONT_DIR / "OFL.txt").read_text().count("SIL Open Font License") >= 1
    assert "Apache License" in (FONT_DIR / "APACHE-2.0-NOTICE.txt").read_text()
