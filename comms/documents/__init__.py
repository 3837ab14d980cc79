"""The document register: official documents by symbol, in every language (issue 16; no Flask).

models (tables), symbols (symbol syntax and numbering), service (records,
files), workflow (planned, received, issued, withdrawn; Rev/Corr/Add), bulk
(language files matched by name), serialise (the API's shape), feed (issued
documents in the meeting feeds), extract (text from PDF and office files, in a child
process), search (full-text over storage.fulltext), verify (re-hashing the
stored files), migrate_first_wave (first-wave documents into the register),
demo (the 22MSP's documents).
"""

__all__ = ["bulk", "demo", "extract", "feed", "models", "search", "serialise", "service", "symbols", "verify",
           "workflow"]
