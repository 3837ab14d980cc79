"""CSV in and out: delimiter and BOM detection, header aliases, formula neutralising.

:func:`read_table` and :func:`csv_lines` are the general part, which the
delegations' CSV (contacts.delegation_io) shares; the rest is the contacts' file.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Iterable

from contacts.errors import ContactError
from contacts.models import Contact, ContactList

COLUMNS = ["name", "email", "outlet", "role", "country", "delegation", "languages", "topics", "lists", "phones",
           "notes", "status", "consent_basis", "consent_source", "consent_at"]
HEADER_ALIASES = {
    "e-mail": "email", "e_mail": "email", "email_address": "email", "mail": "email",
    "full_name": "name", "contact": "name", "journalist": "name",
    "organisation": "outlet", "organization": "outlet", "media": "outlet", "publication": "outlet",
    "company": "outlet", "beat": "role", "title": "role", "position": "role",
    "language": "languages", "topic": "topics", "list": "lists", "phone": "phones", "telephone": "phones",
    "note": "notes", "comment": "notes", "comments": "notes", "delegation_id": "delegation",
}
# Spreadsheets run cells starting with these as formulas (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# One import is one transaction and one report: a file beyond this is refused while it is read
# (a 32 MB body of short rows would otherwise hold a request, and SQLite's write lock, for minutes).
MAX_ROWS = 100_000
_PHONE_ENTRY = re.compile(r"^\s*(?:(?P<label>[A-Za-z][\w ]{0,29}):\s*)?(?P<number>[^*]+?)\s*(?P<public>\*)?\s*$")


def neutralise(value: str) -> str:
    """Prefix a quote to a cell a spreadsheet would run as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def unneutralise(value: str) -> str:
    """Undo :func:`neutralise`, so an export imports back unchanged."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def decode(data: bytes | str) -> str:
    """Text from upload bytes: UTF-8 with or without a byte-order mark."""
    if isinstance(data, str):
        return data.lstrip("\ufeff")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ContactError("the file is not UTF-8 text; save it as CSV UTF-8 and try again") from None


def detect_delimiter(header_line: str) -> str:
    """Comma or semicolon, whichever the header row uses more (outside quotes)."""
    unquoted = re.sub(r'"[^"]*"', "", header_line)
    return ";" if unquoted.count(";") > unquoted.count(",") else ","


def _header_name(raw: str, aliases: dict[str, str]) -> str:
    key = "_".join(raw.strip().lower().replace("-", "_").split())
    return aliases.get(key, key)


def parse_phones(cell: str) -> list[dict]:
    """``work: +41 22 000 00 00*; mobile: +41 79 ...`` -> phone dicts (``*`` = public)."""
    phones = []
    for entry in cell.split(";"):
        if not entry.strip():
            continue
        match = _PHONE_ENTRY.match(entry)
        if not match:
            phones.append({"number": entry.strip()})
            continue
        phones.append({"number": match["number"].strip(), "label": (match["label"] or "work").strip(),
                       "public": bool(match["public"])})
    return phones


def format_phones(contact: Contact) -> str:
    """The phones cell of an export."""
    return "; ".join(f"{p.label}: {p.number}{'*' if p.public else ''}" for p in contact.phones)


def too_many_rows(limit: int) -> ContactError:
    """The refusal of a file with more than ``limit`` records (checked while reading, so it costs little)."""
    return ContactError(f"the file has more than {limit:,} rows: split it into several files",
                        {"file": f"at most {limit:,} rows"})


def read_table(data: bytes | str, *, columns: list[str], required: str,
               aliases: dict[str, str] | None = None, max_rows: int = MAX_ROWS) -> list[dict]:
    """Parse CSV into records of the known ``columns`` with a ``_row`` number (header = row 1).

    Cells are stripped and un-neutralised (an export imports back unchanged);
    unknown columns are ignored, blank lines skipped, and a file without the
    ``required`` column, with a column twice, not CSV, or with more than
    ``max_rows`` records raises ContactError.
    """
    text = decode(data)
    if not text.strip():
        raise ContactError("the file is empty")
    first_line = text.splitlines()[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=detect_delimiter(first_line))
    try:
        header = [_header_name(h, aliases or {}) for h in next(reader)]
    except csv.Error as exc:
        raise ContactError(f"the file is not valid CSV: {exc}") from None
    if required not in header:
        raise ContactError(f"the header row needs an '{required}' column", {required: "column missing"})
    duplicated = {h for h in header if h and header.count(h) > 1}
    if duplicated:
        raise ContactError(f"columns appear twice: {', '.join(sorted(duplicated))}")
    records = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            if len(records) >= max_rows:
                raise too_many_rows(max_rows)
            record = {"_row": reader.line_num}
            for name, cell in zip(header, cells):
                if name in columns:
                    record[name] = unneutralise(cell.strip())
            records.append(record)
    except csv.Error as exc:
        raise ContactError(f"the file is not valid CSV near line {reader.line_num}: {exc}") from None
    return records


def read_csv(data: bytes | str) -> list[dict]:
    """Parse a contacts CSV into records with a ``_row`` number (header = row 1)."""
    records = read_table(data, columns=COLUMNS, required="email", aliases=HEADER_ALIASES)
    for record in records:
        if "phones" in record:
            record["phones"] = parse_phones(record["phones"]) if record["phones"] else None
    return records


def _delegation_name(contact: Contact, delegation_names: dict[int, str] | None) -> str:
    if contact.delegation_id is None:
        return ""
    if delegation_names is not None:
        return delegation_names.get(contact.delegation_id, str(contact.delegation_id))
    return contact.delegation.name


def contact_row(contact: Contact, list_names: dict[int, str],
                delegation_names: dict[int, str] | None = None) -> list[str]:
    """One contact as CSV cells, in COLUMNS order, neutralised.

    The delegation is written by name, from ``delegation_names`` when given
    (bulk exports) or else from the contact's delegation.
    """
    values = [
        contact.name, contact.email, contact.outlet.name if contact.outlet else "", contact.role,
        contact.country or "", _delegation_name(contact, delegation_names), "; ".join(contact.languages), "; ".join(contact.topics),
        "; ".join(list_names[i] for i in contact.list_ids if i in list_names), format_phones(contact),
        contact.notes, contact.status, contact.consent_basis or "", contact.consent_source or "",
        contact.consent_at.isoformat() if contact.consent_at else "",
    ]
    return [neutralise(value) for value in values]


def csv_lines(rows: Iterable[list[str]]) -> str:
    """Rows as CSV text (comma, CRLF, minimal quoting): the export format of every file."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(rows)
    return out.getvalue()


def header_text() -> str:
    """The header row of an export."""
    return csv_lines([COLUMNS])


def rows_text(contacts: Iterable[Contact], list_names: dict[int, str],
              delegation_names: dict[int, str] | None = None) -> str:
    """Contacts as CSV rows (no header), for streaming large exports in chunks."""
    return csv_lines(contact_row(contact, list_names, delegation_names) for contact in contacts)


def write_csv(contacts: Iterable[Contact], lists: Iterable[ContactList],
              delegation_names: dict[int, str] | None = None) -> str:
    """Contacts as CSV text with the import's column names."""
    return header_text() + rows_text(contacts, {item.id: item.name for item in lists}, delegation_names)
