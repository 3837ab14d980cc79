"""Dispatches: documents and notes emailed to delegations' focal points through the release ledger (no Flask)."""

__all__ = ["audience", "compose", "note", "service"]
