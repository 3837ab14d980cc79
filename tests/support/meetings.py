"""Meeting samples shared by the meeting, API and field tests."""

from __future__ import annotations


# A minimal PDF: documents are checked by content, not by name.
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


MEETING = {"title": "Twenty-Second Meeting of the States Parties", "kind": "msp", "starts_on": "2026-12-14",
           "ends_on": "2026-12-18", "timezone": "Europe/Zurich", "venue": "CICG, Geneva", "languages": ["en", "fr"]}
