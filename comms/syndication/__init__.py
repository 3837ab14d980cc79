"""Our public feeds: feed items and the feed cache (no Flask)."""

__all__ = ["cache", "items"]
