"""Meetings, office holders, side events, strategies, reminders and meeting documents (no Flask)."""

__all__ = ["demo", "demo_programme", "document_mail", "documents", "programme", "reminders", "service", "strategy"]
