"""Benchmark: the full-text interface (storage.fulltext) on a document-register-sized corpus.

60,000 synthetic text rows (20,000 documents x English, French and Spanish,
a title and a body, about 1,600 characters in all, words drawn with a Zipf
law from a vocabulary per language), on SQLite and on PostgreSQL when it
answers:
- indexing throughput (rows per second);
- the first page of a search (20 hits, ranked, each with a highlighted
  snippet, and the total), median over a mix of queries: one word, two
  words, a word being typed (prefix), an accented word typed without its
  accents (target <= 20 ms);
- the baseline in the same run: LIKE '%word%' on the same titles and bodies
  (first 20 by id and the total).
The machine's load average is printed with the figures.

    python bench/fulltext.py [--documents 20000] [--databases sqlite,postgresql]

Prints a table, then one JSON object with the figures as its last line.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import text  # noqa: E402

import databases  # noqa: E402 (bench/, beside this file)
from storage import fulltext  # noqa: E402
from storage.db import Database  # noqa: E402

LANGUAGES = {
    "en": ("mine clearance victim assistance stockpile destruction states parties convention meeting report "
           "article transparency cooperation universalization landmine survivors contaminated area deadline "
           "extension request committee president decision humanitarian demining treaty obligations"),
    "fr": ("déminage assistance aux victimes destruction des stocks états parties convention réunion rapport "
           "article transparence coopération universalisation mines terrestres survivants zone contaminée délai "
           "prolongation demande comité président décision humanitaire traité obligations sécurité"),
    "es": ("desminado asistencia a las víctimas destrucción de existencias estados partes convención reunión "
           "informe artículo transparencia cooperación universalización minas terrestres sobrevivientes zona "
           "contaminada plazo prórroga solicitud comité presidente decisión humanitario tratado año niños"),
}
INDEX = fulltext.FullTextIndex(name="bench_docs", source="bench_docs", language=None, snippet_fields=("body",),
                               fields=(fulltext.Field("title", "A"), fulltext.Field("body", "C")))
SYLLABLES = ["ka", "lo", "mi", "ne", "ra", "to", "su", "vi", "de", "an", "er", "on", "ti", "ca", "ul", "es"]


def vocabulary(language: str, rng: random.Random) -> list[str]:
    """4,000 invented words with the domain's words spread among ranks 30 to 1,500,
    so that a searched word is in roughly 3% to 50% of a language's documents."""
    words = sorted({"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) + language[0]
                    for _ in range(6000)})[:4000]
    rng.shuffle(words)
    for word in LANGUAGES[language].split():
        words.insert(rng.randint(30, 1500), word)
    return words


def make_rows(documents: int, seed: int = 5) -> list[tuple]:
    rng = random.Random(seed)
    rows, key = [], 0
    for language in LANGUAGES:
        words = vocabulary(language, rng)
        weights = [1 / (rank + 1) for rank in range(len(words))]
        for _ in range(documents):
            key += 1
            title = " ".join(rng.choices(words, weights, k=8)).capitalize()
            body = ". ".join(" ".join(rng.choices(words, weights, k=12)).capitalize() for _ in range(15)) + "."
            rows.append((key, language, title, body))
    return rows


QUERIES = ["mine", "déminage", "deminage", "informe", "rapport transparence", "victim assistance",
           "prolongation", "plazo prórroga", "humanit", "universaliz", "sobrevivientes", "contaminated area",
           "comite", "año", "treaty obligations", "securite", "destruction", "survivors", "niños", "mines terrestres"]


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def like_page(session, word: str):
    """The baseline: LIKE '%word%' on titles and bodies, first 20 by id, and the total."""
    pattern = f"%{word.lower()}%"
    where = "lower(title) LIKE :p OR lower(body) LIKE :p"
    total = session.execute(text(f"SELECT count(*) FROM bench_docs WHERE {where}"), {"p": pattern}).scalar()
    rows = session.execute(text(f"SELECT id, title FROM bench_docs WHERE {where} ORDER BY id LIMIT 20"),
                           {"p": pattern}).all()
    return rows, total


def run(url: str, rows: list[tuple]) -> dict:
    db = Database(url)
    with db.engine.begin() as connection:
        connection.execute(text("CREATE TABLE bench_docs (id integer PRIMARY KEY, language varchar(8), "
                                "title text, body text)"))
        connection.execute(text("INSERT INTO bench_docs VALUES (:id, :language, :title, :body)"),
                           [dict(zip(("id", "language", "title", "body"), row)) for row in rows])
        fulltext.create_index(connection, INDEX)
    started = time.perf_counter()
    with db.engine.begin() as connection:
        fulltext.index_rows(connection, INDEX, (fulltext.Entry(key, {"title": title, "body": body}, language)
                                                for key, language, title, body in rows), new=True)
    index_s = time.perf_counter() - started
    if db.url.get_backend_name() == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text(f"VACUUM ANALYZE {INDEX.table}"))  # what autovacuum does after a bulk load
            connection.execute(text("VACUUM ANALYZE bench_docs"))
    session = db.session(read_mostly=True)
    totals, snippets = [], 0
    for q in QUERIES:  # warm caches once, as a running server would have them
        found = fulltext.search(session, INDEX, q)
        totals.append(found.total)
        snippets += sum(1 for hit in found.hits if hit.snippet.marked)
        like_page(session, q.split()[0])
    search_ms = statistics.median(median_ms(lambda q=q: fulltext.search(session, INDEX, q), 5) for q in QUERIES)
    like_ms = statistics.median(median_ms(lambda q=q: like_page(session, q.split()[0]), 3) for q in QUERIES)
    session.close()
    db.dispose()
    return {"index_rows_per_s": len(rows) / index_s, "search_ms_median": search_ms, "like_scan_ms_median": like_ms,
            "matches_median": statistics.median(totals), "matches_max": max(totals), "hits_with_marked_snippet": snippets}



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=20_000, help="documents per language")
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    rows = make_rows(args.documents)
    results = databases.run_on_each(args.databases.split(","), lambda url: run(url, rows))
    load = os.getloadavg()
    chars = statistics.mean(len(row[2]) + len(row[3]) for row in rows)
    print(f"full-text: {len(rows):,} rows ({args.documents:,} documents x {len(LANGUAGES)} languages, "
          f"{chars:,.0f} characters each), {len(QUERIES)} queries; load average {load[0]:.2f} {load[1]:.2f} "
          f"{load[2]:.2f} on {os.cpu_count()} CPUs")
    print(f"{'database':<12}{'index rows/s':>14}{'search ms':>11}{'target':>8}{'LIKE scan ms':>14}{'ratio':>7}"
          f"{'matches':>9}{'max':>7}{'marked':>8}")
    figures: dict[str, float | int] = {"rows": len(rows), "load_avg_1min": round(load[0], 2), "cpus": os.cpu_count()}
    for name, r in results.items():
        ratio = r["like_scan_ms_median"] / r["search_ms_median"]
        print(f"{name:<12}{r['index_rows_per_s']:>14,.0f}{r['search_ms_median']:>11.1f}{'<= 20':>8}"
              f"{r['like_scan_ms_median']:>14.1f}{ratio:>6.1f}x{r['matches_median']:>9.0f}{r['matches_max']:>7}"
              f"{r['hits_with_marked_snippet']:>8}")
        figures[f"{name}_index_rows_per_s"] = round(r["index_rows_per_s"])
        figures[f"{name}_search_ms_median"] = round(r["search_ms_median"], 2)
        figures[f"{name}_like_scan_ms_median"] = round(r["like_scan_ms_median"], 2)
        figures[f"{name}_like_over_fulltext_ratio"] = round(ratio, 1)
        figures[f"{name}_matches_median"] = r["matches_median"]
        figures[f"{name}_matches_max"] = r["matches_max"]
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
