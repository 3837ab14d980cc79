"""Small real PDFs and office files for the register's tests, made with fpdf2 and python-docx."""

from __future__ import annotations

from io import BytesIO

import io

import docx
from fpdf import FPDF


def make_pdf(*pages: str) -> bytes:
    """A PDF with one page per text (Latin-1 text: the core fonts' range)."""
    pdf = FPDF()
    pdf.set_font("Helvetica", size=12)
    for text in pages or ("",):
        pdf.add_page()
        if text:
            pdf.multi_cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def make_docx(text: str) -> bytes:
    """A Word document holding ``text``."""
    document = docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def javascript_pdf() -> bytes:
    """A PDF that asks to run JavaScript when opened."""
    body = make_pdf("Harmless text beside a script")
    return body.replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert\\(1\\)) >>", 1)


def huge_page_count_pdf() -> bytes:
    """A PDF whose page tree claims two billion pages."""
    return make_pdf("one real page").replace(b"/Count 1", b"/Count 2000000000", 1)


def broken_xref_pdf() -> bytes:
    """A PDF whose cross-reference table points nowhere."""
    data = make_pdf("text behind a broken table")
    start = data.rfind(b"startxref")
    return data[:start] + b"startxref\n999999999\n%%EOF\n"


def page_bomb_pdf(pages: int = 2000) -> bytes:
    """A real PDF with many pages (only the first MAX_PAGES are read)."""
    return make_pdf(*(f"page {n}" for n in range(pages)))


MEETING = {"title": "Twenty-Second Meeting of the States Parties", "kind": "msp", "starts_on": "2026-12-14",
           "ends_on": "2026-12-18", "timezone": "Europe/Zurich", "languages": ["en", "fr", "es"],
           "symbol_prefix": "APLC/MSP.22/2026"}


def new(client, officer, meeting, **body):
    """Create a register document in ``meeting`` through the API (title defaults to "Report")."""
    body.setdefault("title", {"en": "Report"})
    return client.post(f"/api/v1/meetings/{meeting['id']}/documents", json=body, headers=officer)


def upload(client, officer, document_id, language, data, name="file.pdf"):
    """Upload one language file of a register document through the API."""
    return client.post(f"/api/v1/documents/{document_id}/files", headers=officer,
                       data={"language": language, "file": (BytesIO(data), name)}, content_type="multipart/form-data")
