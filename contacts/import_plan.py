"""The plan of an import, shared by every CSV the address book takes in (contacts,
delegations): what happens to each row, decided before anything is written, and
the report docs/design/contract.md describes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any


@dataclass
class RowOutcome:
    """What the import does with one record."""

    row: int
    action: str  # create | update | unchanged | skip | error
    email: str = ""
    name: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    message: str = ""
    data: Any = None  # the row's cleaned values (ContactInput for contacts, a dict for delegations)
    status: str | None = None
    consent_at: dt.datetime | None = None
    changes: list[str] = field(default_factory=list)
    # For an update: each changed field's value now and in the file, as text ("old -> new" in the preview).
    diff: dict[str, tuple[str, str]] = field(default_factory=dict)


@dataclass
class ImportPlan:
    """Every record's outcome, before anything is written."""

    rows: list[RowOutcome]
    source: str
    file_errors: list[str] = field(default_factory=list)

    def count(self, action: str) -> int:
        """How many rows will get ``action``."""
        return sum(1 for row in self.rows if row.action == action)

    def report(self) -> dict:
        """docs/design/contract.md's import report (plus ``unchanged`` and ``rows``)."""
        errors = [{"row": r.row, "field": f, "message": m} for r in self.rows if r.action == "error"
                  for f, m in r.errors.items()]
        errors += [{"row": r.row, "field": "email", "message": r.message} for r in self.rows if r.action == "skip"]
        return {"created": self.count("create"), "updated": self.count("update"), "skipped": self.count("skip"),
                "unchanged": self.count("unchanged"), "rejected": self.count("error"), "rows": len(self.rows),
                "errors": errors}
