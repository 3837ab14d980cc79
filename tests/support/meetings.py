"""Meeting samples shared by the meeting, API and field tests."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


# A minimal PDF: documents are checked by content, not by name.
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


MEETING = {"title": "Twenty-Second Meeting of the States Parties", "kind": "msp", "starts_on": "2026-12-14",
           "ends_on": "2026-12-18", "timezone": "Europe/Zurich", "venue": "CICG, Geneva", "languages": ["en", "fr"]}


def zurich(day: str, clock: str) -> str:
    """A wall-clock time in Geneva (the test meetings' zone) as the API's RFC 3339 text with its offset."""
    return dt.datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=ZoneInfo("Europe/Zurich")).isoformat()
