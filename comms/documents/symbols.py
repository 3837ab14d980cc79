"""Symbols: their syntax, the series they number, and the next free number (safe under concurrency).

``APLC/MSP.22/2026/11`` is the 11th document of the 22nd Meeting of the States
Parties; ``.../INF.3`` an information document, ``.../WP.2`` a working paper,
and ``.../11/Rev.1``, ``/Corr.1``, ``/Add.1`` a revision, corrigendum and addendum.
"""

from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from comms.documents.models import RegisterDocument, SymbolCounter
from comms.meetings.languages import ISO_639_1

MAX_SYMBOL = 120
# Parts separated by single slashes; letters, digits, dots and hyphens; no part of dots only.
_PART = r"[A-Za-z0-9](?:[A-Za-z0-9.\-]*[A-Za-z0-9])?"
SYMBOL = re.compile(rf"{_PART}(?:/{_PART})*")
PREFIX = re.compile(rf"(?:{_PART}(?:/{_PART}){{0,5}})?")
SERIES_BY_KIND = {"information": "INF.", "list_of_participants": "INF.", "working_paper": "WP."}
RELATION_WORDS = {"rev": "Rev", "corr": "Corr", "add": "Add"}


class SymbolError(ValueError):
    """A symbol is malformed (422) or taken (409)."""

    def __init__(self, message: str, status: int = 422):
        super().__init__(message)
        self.message, self.status = message, status


def check_symbol(symbol: str) -> str:
    """The symbol, stripped, if well formed; SymbolError otherwise.

    No empty parts, no '..' and nothing but letters, digits, dots and hyphens
    between slashes, so a symbol in a URL can never walk a path.
    """
    symbol = (symbol or "").strip()
    if len(symbol) > MAX_SYMBOL or not SYMBOL.fullmatch(symbol) or ".." in symbol:
        raise SymbolError(f"a symbol is parts of letters, digits, dots and hyphens separated by '/', "
                          f"at most {MAX_SYMBOL} characters (e.g. APLC/MSP.22/2026/1)")
    return symbol


def check_new_symbol(symbol: str) -> str:
    """A symbol a new document may take: well formed and not ending in a language code (422 otherwise)."""
    symbol = check_symbol(symbol)
    if ends_in_language(symbol):
        last = symbol.rsplit("/", 1)[-1]
        raise SymbolError(f"a symbol may not end in a language code ({last}): /documents/{symbol} would be "
                          f"the {last.lower()} file of {symbol.rsplit('/', 1)[0]}")
    return symbol


def ends_in_language(symbol: str) -> bool:
    """True when the symbol's last part (after a slash) is an ISO 639-1 code, in any case.

    ``/documents/{symbol}/{language}`` is a document's file, so a symbol such as PROBE/2/fr would
    name the French file of PROBE/2: such symbols are refused, and the pages address the few that
    may predate the rule by id (docs/register.md).
    """
    head, slash, last = (symbol or "").rpartition("/")
    return bool(slash and head) and last.lower() in ISO_639_1


def is_symbol(text: str) -> bool:
    """True when ``text`` is a well-formed symbol (for URLs: anything else is 404)."""
    try:
        check_symbol(text)
    except SymbolError:
        return False
    return True


def check_prefix(prefix: str) -> str:
    """A meeting's symbol prefix, stripped and checked ('' allowed)."""
    prefix = (prefix or "").strip()
    if len(prefix) > 100 or not PREFIX.fullmatch(prefix) or ".." in prefix:
        raise SymbolError("a symbol prefix looks like APLC/MSP.22/2026")
    return prefix


def series_for(prefix: str, kind: str) -> str:
    """The series a new document of ``kind`` is numbered in: ``{prefix}/``, ``{prefix}/INF.``..."""
    return f"{prefix}/{SERIES_BY_KIND.get(kind, '')}"


def symbol_taken(session: Session, symbol: str) -> bool:
    """True when a document already has this symbol, in any case (symbols are unique case-insensitively)."""
    return session.scalar(select(RegisterDocument.id)
                          .where(func.upper(RegisterDocument.symbol) == symbol.upper()).limit(1)) is not None


def _bump(session: Session, series: str) -> int:
    """Take the next number of a series in one atomic statement.

    INSERT ... ON CONFLICT DO UPDATE ... RETURNING locks the counter's row until
    the transaction ends, so two officers numbering at once on PostgreSQL wait
    for each other and get different numbers; SQLite has one writer at a time.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(SymbolCounter).values(series=series, last=1)
    statement = statement.on_conflict_do_update(index_elements=[SymbolCounter.series],
                                                set_={"last": SymbolCounter.last + 1})
    return session.execute(statement.returning(SymbolCounter.last)).scalar_one()


def next_symbol(session: Session, series: str) -> str:
    """The next free symbol in a series: numbers taken by given symbols are skipped."""
    for _ in range(10_000):
        candidate = f"{series}{_bump(session, series)}"
        if not symbol_taken(session, candidate):
            return candidate
    raise SymbolError(f"no free number in the series {series}", 409)


def related_symbol(session: Session, base_symbol: str, relation: str) -> tuple[str, int]:
    """``{base}/Rev.{n}`` (or Corr, Add) with the next free n, and n."""
    series = f"{base_symbol}/{RELATION_WORDS[relation]}."
    symbol = next_symbol(session, series)
    return symbol, int(symbol[len(series):])


def file_stem(symbol: str) -> str:
    """A symbol as a file name stem: APLC/MSP.22/2026/1 -> APLC-MSP.22-2026-1."""
    return symbol.replace("/", "-")
