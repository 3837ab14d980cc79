"""Benchmark: contacts at scale (issue 3 targets).

At 100,000 contacts, per database (SQLite, and PostgreSQL when it answers):
- importing a 100,000-row CSV through the same code as the API (target <= 20 s);
- a filtered search (text + country + language + topic), first page with its
  total, median of many queries (target <= 50 ms);
- a text-only search through the full-text index, first page with its total
  (target <= 10 ms), beside the LIKE scan that served it before (same queries,
  same page, same total): the baseline.
Other baselines measured in the same run: parsing the CSV alone, and reading
the first page of contacts with no filter at all. The machine's load average
is printed with the figures (the machine may be shared).

    python bench/contacts.py [--rows 100000] [--databases sqlite,postgresql]

Prints a table, then one JSON object with the figures as its last line.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import func, select  # noqa: E402

from contacts import csv_io, importing  # noqa: E402
from contacts.models import Contact  # noqa: E402
from contacts.search import ContactFilter, matching_ids, search  # noqa: E402
from contacts.vocab import fold  # noqa: E402
import databases  # noqa: E402 (bench/, beside this file)
from storage import migrate  # noqa: E402
from storage.audit import Actor  # noqa: E402
from storage.db import Database  # noqa: E402

FIRST = ["Ana", "Marta", "Paul", "Émilie", "Kofi", "Grace", "Omar", "Li", "Olena", "Sofia", "Jonas", "Amina",
         "Diego", "Leila", "Priya", "Kenji", "Sarah", "Youssef", "Lucía", "Thomas", "Nadia", "Ingrid", "Chloé", "Ali"]
LAST = ["García", "Martin", "Durand", "Mensah", "Okafor", "Haddad", "Wei", "Kovalenko", "Bianchi", "Meier",
        "Diallo", "Ramírez", "Karimi", "Raman", "Watanabe", "O'Connor", "Saleh", "Fernández", "Becker", "Petrova",
        "Johansson", "Laurent", "Rezaei", "Nowak", "Silva", "Costa", "Mendoza", "Tremblay", "Alaoui", "Bekele"]
COUNTRIES = ["CH", "FR", "ES", "CO", "MX", "AR", "GB", "US", "DE", "IT", "NG", "GH", "KE", "SN", "EG", "LB", "JO",
             "PK", "IN", "VN", "KH", "JP", "UA", "PL", "SE", "FI", "BE", "CA", "BR", "MZ"]
LANGUAGES = ["en", "fr", "es", "ar", "ru", "zh", "de", "pt"]
TOPICS = ["universalization", "mine-clearance", "stockpile-destruction", "victim-assistance",
          "cooperation-assistance", "transparency-reporting", "meetings"]
STAFF = Actor(label="bench")


def make_csv(rows: int, seed: int = 7) -> str:
    rng = random.Random(seed)
    outlets = [f"{rng.choice(['Daily', 'Evening', 'Weekly', 'Radio', 'Wire'])} {rng.choice(LAST)} {n}"
               for n in range(500)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["name", "email", "outlet", "role", "country", "languages", "topics"])
    for n in range(rows):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        writer.writerow([f"{first} {last}", f"{first[:1].lower()}.{n}@press{n % 997}.example", rng.choice(outlets),
                         "Correspondent", rng.choice(COUNTRIES), "; ".join(rng.sample(LANGUAGES, rng.randint(1, 2))),
                         "; ".join(rng.sample(TOPICS, rng.randint(1, 3)))])
    return out.getvalue()


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def like_conditions(q: str) -> list:
    """The text search as it was before the full-text index: LIKE '%word%' per word."""
    return [Contact.search_text.like("%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%",
                                     escape="\\") for word in fold(q).split()]


def like_ids(session, q: str) -> list[int]:
    return list(session.scalars(select(Contact.id).where(*like_conditions(q))))


def like_scan(session, q: str, per_page: int = 50) -> tuple[list, int]:
    """A first page and the total, as contacts.search.search gives them, by LIKE scan."""
    conditions = like_conditions(q)
    total = session.scalar(select(func.count(Contact.id)).where(*conditions))
    page = session.scalars(select(Contact).where(*conditions).order_by(Contact.search_text, Contact.id).limit(per_page))
    return list(page), total


def run(database_url: str, data: str, rows: int) -> dict:
    db = Database(database_url)
    migrate.upgrade(db.engine)
    started = time.perf_counter()
    with db.transaction() as session:
        plan = importing.plan_import(session, csv_io.read_csv(data.encode()))
        report = importing.apply_import(session, plan, STAFF)
    import_s = time.perf_counter() - started
    assert report["created"] == rows, report
    rng = random.Random(11)
    filters = [ContactFilter(q=rng.choice(LAST).lower()[:4], country=rng.choice(COUNTRIES),
                             language=rng.choice(LANGUAGES[:4]), topic=rng.choice(TOPICS)) for _ in range(25)]
    session = db.session(read_mostly=True)
    hits = []
    for flt in filters:  # warm caches once, as a running server would have them
        hits.append(search(session, flt)[1])
    search_ms = statistics.median(median_ms(lambda f=flt: search(session, f), 5) for flt in filters)
    words = [f.q for f in filters[:10]]
    for q in words:  # the index finds every contact LIKE found (and words' beginnings only)
        assert set(like_ids(session, q)) <= set(matching_ids(session, ContactFilter(q=q))), q
    text_only_ms = statistics.median(median_ms(lambda q=q: search(session, ContactFilter(q=q)), 5) for q in words)
    like_ms = statistics.median(median_ms(lambda q=q: like_scan(session, q), 5) for q in words)
    text_hits = statistics.median(search(session, ContactFilter(q=q))[1] for q in words)
    baseline_ms = median_ms(lambda: list(session.scalars(select(Contact).order_by(Contact.id).limit(50))), 25)
    session.close()
    db.dispose()
    return {"import_s": import_s, "search_ms_median": search_ms, "text_only_search_ms_median": text_only_ms,
            "like_scan_ms_median": like_ms, "text_only_matches_median": text_hits,
            "first_page_baseline_ms_median": baseline_ms, "matches_median": statistics.median(hits)}



def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    data = make_csv(args.rows)
    parse_s = min(timeit_parse(data) for _ in range(3))
    results = databases.run_on_each(args.databases.split(","), lambda url: run(url, data, args.rows))
    load = os.getloadavg()
    print(f"contacts: {args.rows:,} rows; parsing the CSV alone takes {parse_s:.2f} s (baseline); "
          f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs")
    print(f"{'database':<12}{'import s':>10}{'target':>8}{'search ms':>11}{'target':>8}{'text-only ms':>14}"
          f"{'target':>8}{'LIKE scan ms':>14}{'ratio':>7}{'text hits':>11}{'baseline ms':>13}{'matches':>9}")
    figures: dict[str, float | int] = {"rows": args.rows, "csv_parse_s": round(parse_s, 3),
                                       "load_avg_1min": round(load[0], 2), "cpus": os.cpu_count()}
    for name, r in results.items():
        ratio = r["like_scan_ms_median"] / r["text_only_search_ms_median"]
        print(f"{name:<12}{r['import_s']:>10.2f}{'<= 20':>8}{r['search_ms_median']:>11.1f}{'<= 50':>8}"
              f"{r['text_only_search_ms_median']:>14.1f}{'<= 10':>8}{r['like_scan_ms_median']:>14.1f}"
              f"{ratio:>6.1f}x{r['text_only_matches_median']:>11.0f}{r['first_page_baseline_ms_median']:>13.2f}"
              f"{r['matches_median']:>9.0f}")
        figures[f"{name}_import_s"] = round(r["import_s"], 2)
        figures[f"{name}_search_ms_median"] = round(r["search_ms_median"], 2)
        figures[f"{name}_text_only_search_ms_median"] = round(r["text_only_search_ms_median"], 2)
        figures[f"{name}_like_scan_ms_median"] = round(r["like_scan_ms_median"], 2)
        figures[f"{name}_like_over_fulltext_ratio"] = round(ratio, 1)
        figures[f"{name}_first_page_baseline_ms_median"] = round(r["first_page_baseline_ms_median"], 3)
        figures[f"{name}_import_ratio_vs_parse"] = round(r["import_s"] / parse_s, 1)
    print(json.dumps(figures))


def timeit_parse(data: str) -> float:
    start = time.perf_counter()
    sum(1 for _ in csv.reader(io.StringIO(data)))
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
