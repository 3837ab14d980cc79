"""Syndication both ways: building feeds and following other sites (no Flask)."""
