"""Bulk upload: language files matched to documents by their names (APLC-MSP.22-2026-1-FR.pdf)."""

from __future__ import annotations

import re

from comms.documents import symbols
from comms.documents.models import RegisterDocument

NAME = re.compile(r"(?P<stem>.+?)[-_ ](?P<language>[A-Za-z]{2})(?:\.[A-Za-z0-9]{1,5})?")


def match(documents: list[RegisterDocument], filename: str) -> tuple[RegisterDocument, str] | None:
    """The document and language a file's name names, if any: the symbol with '/' as '-', then -XX."""
    name = re.split(r"[\\/]", filename or "")[-1].strip()
    found = NAME.fullmatch(name)
    if not found:
        return None
    stem = found.group("stem").casefold()
    by_stem = {symbols.file_stem(d.symbol).casefold(): d for d in documents if d.symbol}
    document = by_stem.get(stem)
    return (document, found.group("language").lower()) if document is not None else None
