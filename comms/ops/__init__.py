"""Operations: backup and restore of a Pressroom site (no Flask)."""

__all__ = ["archive", "backup", "backup_postgres", "restore"]
