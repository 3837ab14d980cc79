"""Press releases: revisions, workflow, files, the newsroom"s queries, the render context (no Flask)."""

__all__ = ["context", "demo", "desk", "files", "followers", "newsroom", "service", "workflow"]
