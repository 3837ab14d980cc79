"""The programme's public files (the A4 PDF, programme.ics) built once and kept on disk (no Flask).

Typesetting a 500-session PDF costs seconds of CPU, and anyone may ask for it, so a file is
built once for what it shows and then served from disk. What it shows is named by a key: a
digest of everything the file is made from (the meeting's calendar fields, the published
version and its time, the public side events, the language, the renderer's version and
whatever the caller adds). The key is the file's ETag too, so a conditional request or a
HEAD is answered from the key alone, before anything is built.

Several web processes may share the folder: a file is written to a temporary name and
renamed into place (readers see the whole file or none), and a lock per key lets one
process build while the others wait for its file instead of typesetting it again.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Callable

from comms.meetings.programme.models import Programme
from comms.meetings.service import Meeting

# Raise when the PDF or ICS layout changes: files built by the old code are then built again.
RENDERER_VERSION = "1"


def file_key(kind: str, meeting: Meeting, programme: Programme | None, language: str, extra=()) -> str:
    """The digest naming one file: ``kind`` (pdf, ics), the meeting, its publication, public side
    events and ``language``, plus ``extra`` (anything else the file shows, JSON-serialisable)."""
    events = sorted((event.id, event.sequence, event.updated_at.isoformat() if event.updated_at else "")
                    for event in meeting.side_events if event.public)
    parts = {"kind": kind, "renderer": RENDERER_VERSION, "meeting": meeting.id, "language": language,
             "meeting_sequence": meeting.sequence,
             "meeting_updated": meeting.updated_at.isoformat() if meeting.updated_at else "",
             "version": programme.published_version if programme else None,
             "published_at": programme.published_at.isoformat() if programme and programme.published_at else "",
             "side_events": events, "extra": list(extra)}
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def cache_path(folder: Path, kind: str, meeting: Meeting, language: str, key: str) -> Path:
    """Where the file for ``key`` is kept: ``{folder}/programme-{meeting}-{language}-{key}.{kind}``."""
    return Path(folder) / f"programme-{meeting.id}-{language}-{key[:40]}.{kind}"


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def _write_atomically(path: Path, body: bytes) -> None:
    fd, partial = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(body)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(partial, path)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


def _drop_older(path: Path) -> None:
    """Remove this meeting's earlier files of the same language and kind, and their locks (their keys
    are stale: nothing will ask for them again)."""
    prefix = path.name[:path.name.rindex("-") + 1]
    for old in [*path.parent.glob(f"{prefix}*{path.suffix}"), *path.parent.glob(f".{prefix}*{path.suffix}.lock")]:
        if old.name not in (path.name, f".{path.name}.lock"):
            old.unlink(missing_ok=True)


def cached_file(path: Path, build: Callable[[], bytes]) -> bytes:
    """The file at ``path``, built by ``build`` only when no process has built it yet."""
    found = _read(path)
    if found is not None:
        return found
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.parent / f".{path.name}.lock", "a+b") as lock:
        # Whoever holds the lock builds; the others wait here and then find its file.
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        try:
            found = _read(path)
            if found is not None:
                return found
            body = build()
            _write_atomically(path, body)
            _drop_older(path)
            return body
        finally:
            # The lock file stays (unlinking it could let a waiter and a newcomer build at once).
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)
