"""Errors the contacts package raises; each carries a readable message and fields."""

from __future__ import annotations


class ContactError(ValueError):
    """Input was refused; ``fields`` maps field names to what is wrong with them."""

    def __init__(self, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class DuplicateContact(ContactError):
    """A contact with this email already exists."""

    def __init__(self, email: str, existing_id: int):
        super().__init__("a contact with this email already exists", {"email": "already used by another contact"})
        self.existing_id = existing_id


class NotAllowed(ContactError):
    """The actor may not do this (e.g. only an admin lifts a suppression)."""


class Suppressed(ContactError):
    """The address is on the suppression list."""
