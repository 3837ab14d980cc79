"""Sending releases by email: the ledger, composing, recovery, bounces, the delivery report (no Flask)."""

__all__ = ["bounces", "models", "compose", "recovery", "report", "service"]
