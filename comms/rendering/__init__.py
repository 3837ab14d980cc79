"""Rendering releases as a web page, an email and plain text: pure, imports no domain package (no Flask)."""

__all__ = ["diffing", "document", "email_cache", "emails", "formats", "labels", "limits", "richtext", "text_layout", "worker"]
