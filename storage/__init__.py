"""Persistence shared by every Pressroom package: engine, sessions, Base, audit log.

Nothing here knows about Flask or about the packages above it; they hand in a
database URL and get sessions back.
"""

from storage.db import Base, Database, UTCDateTime, utcnow

__all__ = ["Base", "Database", "UTCDateTime", "utcnow"]
