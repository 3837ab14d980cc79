"""DomainError: the one base for refusals the domain raises (no Flask).

A domain function that refuses its input raises a DomainError (or a subclass)
with a message for people, the offending ``fields`` (field name -> message) and
the HTTP ``status`` it stands for. The web layer maps it to a response once for
pages and once for the API (comms.web.errors); the CLI prints the message.
"""

from __future__ import annotations

__all__ = ["DomainError"]


class DomainError(ValueError):
    """A refusal: ``message`` for people, ``fields`` per input field, ``status`` for HTTP."""

    status = 422

    def __init__(self, message: str, status: int | None = None, fields: dict | None = None):
        super().__init__(message)
        self.message = message
        self.status = self.status if status is None else status
        self.fields = dict(fields or {})

    def __str__(self) -> str:
        return self.message
