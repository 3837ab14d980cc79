"""Benchmark: the document register's search and text extraction.

20,000 issued documents with 3 language files each (EN, FR, ES: 60,000 texts,
the corpus of bench/fulltext.py) in the register's own tables, migrated with
Alembic, on SQLite and on PostgreSQL when it answers:
- the first page of a public search (comms.documents.search.find: 20
  documents, ranked, each with a highlighted snippet), median over a mix of
  queries (target <= 20 ms), with LIKE '%word%' on the same titles and texts
  (first 20 public documents and the total) beside it as the baseline;
- text extraction throughput in pages per second, on synthetic PDFs made here
  with fpdf2 (read in this process, and through the child process uploads use).
The 60,000 texts are written straight into the tables, as extraction at upload
would have left them: extracting 60,000 PDFs would measure nothing more.

    python bench/documents.py [--documents 20000] [--pdfs 40] [--databases sqlite,postgresql]

Prints a table, then one JSON object with the figures as its last line.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import importlib.util
import json
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fpdf import FPDF  # noqa: E402
from sqlalchemy import text  # noqa: E402

from comms.documents import extract  # noqa: E402
from comms.documents import search
from comms.documents.models import INDEX  # noqa: E402
import databases  # noqa: E402 (bench/, beside this file)
from storage import fulltext, migrate  # noqa: E402
from storage.db import Database  # noqa: E402

_spec = importlib.util.spec_from_file_location("bench_fulltext", Path(__file__).with_name("fulltext.py"))
corpus = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(corpus)
CHUNK = 5000


def fill(db: Database, rows: list[tuple], documents: int) -> float:
    """One meeting, ``documents`` issued documents, a file and a text per row; returns indexing seconds."""
    now = dt.datetime.now(dt.timezone.utc)
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO meetings (id, title, kind, starts_on, ends_on, timezone, venue, languages, "
                          "description, symbol_prefix, sequence, created_at, updated_at) VALUES (1, '22MSP', 'msp', "
                          "'2026-12-14', '2026-12-18', 'UTC', '', '[\"en\", \"fr\", \"es\"]', '', 'APLC/MSP.22/2026', "
                          "0, :now, :now)"), {"now": now})
        titles: dict[int, dict] = {}
        for key, language, title, _body in rows:
            titles.setdefault((key - 1) % documents + 1, {})[language] = title
        conn.execute(text(
            "INSERT INTO register_documents (id, meeting_id, symbol, kind, titles, distribution, original_language, "
            "agenda_items, status, issued_on, issued_at, author, created_at, updated_at) VALUES (:id, 1, :symbol, "
            "'report', :titles, :distribution, 'en', '[]', 'issued', '2026-11-01', :now, '', :now, :now)"),
            [{"id": d, "symbol": f"APLC/MSP.22/2026/{d}", "titles": json.dumps(t), "now": now,
              "distribution": "limited" if d % 10 == 0 else "general"} for d, t in titles.items()])
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start:start + CHUNK]
            conn.execute(text(
                "INSERT INTO register_files (document_id, language, filename, stored_name, content_type, size, "
                "sha256, text_status, pages, uploaded_at) VALUES (:d, :l, 'f.pdf', :n, 'application/pdf', :s, :h, "
                "'text', 1, :now)"),
                [{"d": (key - 1) % documents + 1, "l": language, "n": f"{uuid.uuid4().hex}.pdf", "s": len(body),
                  "h": hashlib.sha256(body.encode()).hexdigest(), "now": now} for key, language, _t, body in chunk])
            conn.execute(text("INSERT INTO register_texts (id, document_id, language, body) VALUES (:k, :d, :l, :b)"),
                         [{"k": key, "d": (key - 1) % documents + 1, "l": language, "b": body}
                          for key, language, _t, body in chunk])
    started = time.perf_counter()
    with db.engine.begin() as conn:
        fulltext.index_rows(conn, INDEX, (fulltext.Entry(key, {"title": title, "symbol": f"APLC/MSP.22/2026/{(key - 1) % documents + 1}", "body": body}, language)
                                          for key, language, title, body in rows), new=True)
    return time.perf_counter() - started


def like_page(session, word: str):
    """The baseline: LIKE '%word%' on titles and texts of public documents, first 20 by id, and the total."""
    pattern = f"%{word.lower()}%"
    where = ("d.status = 'issued' AND d.distribution = 'general' AND "
             "(lower(CAST(d.titles AS text)) LIKE :p OR lower(t.body) LIKE :p)")
    base = f"FROM register_documents d JOIN register_texts t ON t.document_id = d.id WHERE {where}"
    total = session.execute(text(f"SELECT count(DISTINCT d.id) {base}"), {"p": pattern}).scalar()
    rows = session.execute(text(f"SELECT DISTINCT d.id {base} ORDER BY d.id LIMIT 20"), {"p": pattern}).all()
    return rows, total


def run(url: str, rows: list[tuple], documents: int) -> dict:
    db = Database(url)
    migrate.upgrade(db.engine)
    index_s = fill(db, rows, documents)
    if db.url.get_backend_name() == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            for table in (INDEX.table, "register_texts", "register_documents", "register_files"):
                connection.execute(text(f"VACUUM ANALYZE {table}"))
    session = db.session(read_mostly=True)
    public = search.Filters(public_only=True)
    totals, marked = [], 0
    for q in corpus.QUERIES:  # warm caches once, as a running server would have them
        found, total = search.find(session, public, q)
        totals.append(total)
        marked += sum(1 for f in found if f.snippet is not None and f.snippet.marked)
        like_page(session, q.split()[0])
    search_ms = statistics.median(corpus.median_ms(lambda q=q: search.find(session, public, q), 5)
                                  for q in corpus.QUERIES)
    like_ms = statistics.median(corpus.median_ms(lambda q=q: like_page(session, q.split()[0]), 3)
                                for q in corpus.QUERIES)
    session.close()
    db.dispose()
    return {"index_rows_per_s": len(rows) / index_s, "search_ms_median": search_ms, "like_scan_ms_median": like_ms,
            "found_median": statistics.median(totals), "results_with_marked_snippet": marked}


def make_pdfs(rows: list[tuple], count: int, pages: int = 5) -> list[bytes]:
    """Synthetic PDFs: ``pages`` pages of the corpus's text each (Latin-1, the core fonts' range)."""
    made = []
    for n in range(count):
        pdf = FPDF()
        pdf.set_font("Helvetica", size=10)
        for p in range(pages):
            pdf.add_page()
            pdf.multi_cell(0, 5, rows[(n * pages + p) % len(rows)][3].encode("latin-1", "replace").decode("latin-1"))
        made.append(bytes(pdf.output()))
    return made


def extraction(pdfs: list[bytes]) -> dict:
    started = time.perf_counter()
    pages = sum(extract.extract_here(pdf, "application/pdf").pages for pdf in pdfs)
    here = pages / (time.perf_counter() - started)
    started = time.perf_counter()
    pages_child = sum(extract.extract(pdf, "application/pdf").pages for pdf in pdfs)
    child = pages_child / (time.perf_counter() - started)
    return {"pages": pages, "pages_per_s": here, "pages_per_s_child": child}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=20_000, help="documents (each in EN, FR and ES)")
    parser.add_argument("--pdfs", type=int, default=40, help="synthetic 5-page PDFs to extract")
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    rows = corpus.make_rows(args.documents)
    results = databases.run_on_each(args.databases.split(","), lambda url: run(url, rows, args.documents))
    pdf = extraction(make_pdfs(rows, args.pdfs))
    load = os.getloadavg()
    print(f"register: {args.documents:,} documents x 3 languages ({len(rows):,} texts, 1 in 10 limited), "
          f"{len(corpus.QUERIES)} queries; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
          f"on {os.cpu_count()} CPUs")
    print(f"{'database':<12}{'index rows/s':>14}{'search ms':>11}{'target':>8}{'LIKE scan ms':>14}{'ratio':>7}"
          f"{'found':>8}{'marked':>8}")
    figures: dict[str, float | int] = {"documents": args.documents, "texts": len(rows),
                                       "load_avg_1min": round(load[0], 2), "cpus": os.cpu_count()}
    for name, r in results.items():
        ratio = r["like_scan_ms_median"] / r["search_ms_median"]
        print(f"{name:<12}{r['index_rows_per_s']:>14,.0f}{r['search_ms_median']:>11.1f}{'<= 20':>8}"
              f"{r['like_scan_ms_median']:>14.1f}{ratio:>6.1f}x{r['found_median']:>8.0f}"
              f"{r['results_with_marked_snippet']:>8}")
        figures[f"{name}_index_rows_per_s"] = round(r["index_rows_per_s"])
        figures[f"{name}_search_ms_median"] = round(r["search_ms_median"], 2)
        figures[f"{name}_like_scan_ms_median"] = round(r["like_scan_ms_median"], 2)
        figures[f"{name}_like_over_fulltext_ratio"] = round(ratio, 1)
    print(f"extraction: {pdf['pages']} pages from {args.pdfs} PDFs: {pdf['pages_per_s']:.0f} pages/s in process, "
          f"{pdf['pages_per_s_child']:.0f} pages/s through the child process (one per file)")
    figures["extraction_pages_per_s"] = round(pdf["pages_per_s"], 1)
    figures["extraction_pages_per_s_child"] = round(pdf["pages_per_s_child"], 1)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
