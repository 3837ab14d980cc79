"""Typeset A4 PDFs for printed meeting documents (the list of participants, the programme).

A :class:`PrintDocument` collects headings, paragraphs and tables, then :meth:`PrintDocument.render`
returns the PDF's bytes. It uses fpdf2 with the fonts shipped in ``comms/rendering/fonts``: Noto
Sans for Latin, Greek and Cyrillic, with per-glyph fallbacks for Arabic, Hebrew, Devanagari, Thai,
Georgian, Armenian, Ethiopic, Korean (a renamed Hangul subset of NanumGothic) and (Droid Sans
Fallback) Chinese and Japanese, so every
delegate's name prints. Text shaping (HarfBuzz, through uharfbuzz) joins Arabic letters and orders
right-to-left runs. The fonts are embedded as subsets with their Unicode maps, so the PDF's text can be
extracted again (the register searches it).

Pure: no Flask, no database.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from fpdf import FPDF, FontFace
from fpdf.enums import TableBordersLayout, XPos, YPos
from fontTools.ttLib import TTFont

__all__ = ["FONT_DIR", "PrintDocument", "TableColumn"]

FONT_DIR = Path(__file__).with_name("fonts")
_MAIN = "NotoSans"
# Fallbacks, in the order fpdf2 tries them for a glyph the main font lacks.
_FALLBACKS = (
    ("NotoSansArabic", "NotoSansArabic-Regular.ttf", "NotoSansArabic-Bold.ttf"),
    ("NotoSansHebrew", "NotoSansHebrew-Regular.ttf", None),
    ("NotoSansDevanagari", "NotoSansDevanagari-Regular.ttf", None),
    ("NotoSansThai", "NotoSansThai-Regular.ttf", None),
    ("NotoSansGeorgian", "NotoSansGeorgian-Regular.ttf", None),
    ("NotoSansArmenian", "NotoSansArmenian-Regular.ttf", None),
    ("NotoSansEthiopic", "NotoSansEthiopic-Regular.ttf", None),
    ("PressroomHangul", "PressroomHangul-Regular.ttf", None),
    ("DroidSansFallback", "DroidSansFallbackFull.ttf", None),
)
# Generous but finite: a table row or paragraph longer than this is cut with an ellipsis so one
# pathological name cannot make a page-spanning cell (fpdf2 refuses cells taller than a page).
MAX_CELL_CHARS = 600


@dataclass(frozen=True)
class TableColumn:
    """One table column: its header and its share of the text width (any positive numbers)."""

    header: str
    width: float = 1.0


@dataclass
class _Block:
    kind: str
    text: str = ""
    level: int = 1
    columns: Sequence[TableColumn] = ()
    rows: Sequence[Sequence[str]] = ()


@dataclass
class PrintDocument:
    """An A4 document under construction; ``header`` prints at the top of every page after the first.

    ``symbol`` (e.g. ``APLC/MSP.22/2026/INF.1``) and ``title`` go into the PDF's metadata and the
    running header; ``footer`` (e.g. the issue date) prints beside the page numbers.
    """

    title: str
    symbol: str = ""
    header: str = ""
    footer: str = ""
    language: str = "en"
    blocks: list[_Block] = field(default_factory=list)

    def heading(self, text: str, level: int = 1) -> "PrintDocument":
        """Add a heading (level 1 is the largest); returns the document for chaining."""
        self.blocks.append(_Block("heading", _clip(text), level=max(1, min(level, 3))))
        return self

    def paragraph(self, text: str) -> "PrintDocument":
        """Add a paragraph of plain text (line breaks kept)."""
        self.blocks.append(_Block("paragraph", _clip(text, MAX_CELL_CHARS * 10)))
        return self

    def table(self, columns: Sequence[TableColumn], rows: Sequence[Sequence[str]]) -> "PrintDocument":
        """Add a table whose header row repeats on each page it runs onto."""
        if not columns:
            raise ValueError("a table needs at least one column")
        width = len(columns)
        clean = [[_clip(str(cell)) for cell in list(row)[:width]] + [""] * (width - len(row)) for row in rows]
        self.blocks.append(_Block("table", columns=tuple(columns), rows=clean))
        return self

    def render(self, *, created: dt.datetime | None = None) -> bytes:
        """Typeset every block and return the PDF's bytes (deterministic for a given ``created``)."""
        pdf = _Pdf(self)
        pdf.set_creation_date(created or dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc))
        pdf.add_page()
        for block in self.blocks:
            if block.kind == "heading":
                pdf.set_font(_MAIN, "B", {1: 16, 2: 13, 3: 11}[block.level])
                pdf.multi_cell(0, 8 if block.level == 1 else 7, block.text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                pdf.ln(1)
            elif block.kind == "paragraph":
                pdf.set_font(_MAIN, "", 10)
                pdf.multi_cell(0, 5, block.text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
                pdf.ln(2)
            else:
                _table(pdf, block)
                pdf.ln(3)
        return bytes(pdf.output())


class _Pdf(FPDF):
    """fpdf2 with the shipped fonts, the running header and numbered footers."""

    def __init__(self, document: PrintDocument):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.document = document
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(True, margin=18)
        self.add_font(_MAIN, "", FONT_DIR / "NotoSans-Regular.ttf")
        self.add_font(_MAIN, "B", FONT_DIR / "NotoSans-Bold.ttf")
        names = []
        for name, regular, bold in _needed_fallbacks(document):
            self.add_font(name, "", FONT_DIR / regular)
            # A fallback without a bold face serves bold text in its regular weight.
            self.add_font(name, "B", FONT_DIR / (bold or regular))
            names.append(name)
        self.set_fallback_fonts(names, exact_match=False)
        self.set_text_shaping(True)
        self.set_title(document.title)
        self.set_subject(document.symbol or document.title)
        self.set_lang(document.language)
        self.set_creator("Pressroom")
        self.alias_nb_pages()

    def header(self):
        """Print the symbol and running header on every page but the first."""
        if self.page_no() == 1:
            return
        self.set_font(_MAIN, "", 8)
        self.set_text_color(90)
        self.cell(0, 5, _clip(self.document.header or self.document.title, 160), align="L")
        if self.document.symbol:
            self.set_x(self.l_margin)
            self.cell(0, 5, self.document.symbol, align="R")
        self.ln(8)
        self.set_text_color(0)

    def footer(self):
        """Print the footer text and "n / N" at the bottom of every page."""
        self.set_y(-12)
        self.set_font(_MAIN, "", 8)
        self.set_text_color(90)
        if self.document.footer:
            self.cell(0, 5, _clip(self.document.footer, 120), align="L")
            self.set_x(self.l_margin)
        self.cell(0, 5, f"{self.page_no()} / {{nb}}", align="R")
        self.set_text_color(0)


def _table(pdf: _Pdf, block: _Block) -> None:
    total = sum(max(column.width, 0.01) for column in block.columns)
    widths = tuple(max(column.width, 0.01) / total * pdf.epw for column in block.columns)
    pdf.set_font(_MAIN, "", 9)
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=5,
                   borders_layout=TableBordersLayout.HORIZONTAL_LINES,
                   headings_style=FontFace(emphasis="BOLD", fill_color=(235, 235, 235)),
                   repeat_headings=1) as table:
        heading = table.row()
        for column in block.columns:
            heading.cell(column.header)
        for values in block.rows:
            row = table.row()
            for value in values:
                row.cell(value)


def _needed_fallbacks(document: PrintDocument):
    """The fallback fonts whose glyphs this document's text uses: parsing all of them costs a second."""
    chars = set(document.title + document.symbol + document.header + document.footer)
    for block in document.blocks:
        chars.update(block.text)
        chars.update("".join(column.header for column in block.columns))
        for row in block.rows:
            chars.update("".join(row))
    missing = {ord(ch) for ch in chars} - _cmap("NotoSans-Regular.ttf")
    for name, regular, bold in _FALLBACKS:
        if missing & _cmap(regular):
            missing -= _cmap(regular)
            yield name, regular, bold


@functools.lru_cache(maxsize=None)
def _cmap(filename: str) -> frozenset[int]:
    font = TTFont(FONT_DIR / filename, lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


def _clip(text: str, limit: int = MAX_CELL_CHARS) -> str:
    text = (text or "").replace("\r\n", "\n").replace("\t", " ")
    # Control characters other than newlines have no glyph and only confuse extraction.
    text = "".join(ch for ch in text if ch == "\n" or ch >= " ")
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
