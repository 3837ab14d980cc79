"""Files written beside a database transaction: kept when it commits, removed when it rolls back.

A stored upload is written to disk before its row is committed. If the transaction then fails (the
next file of a bulk upload is refused, the database is down), the row goes and the file would stay,
an orphan nobody can reach. A file a transaction replaces must, the other way round, stay on disk
until the new row is committed. :func:`written` and :func:`replaced` note such paths on the session;
its commit or rollback does the rest.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session

__all__ = ["replaced", "written"]

_KEY = "pending_files"


def written(session: Session, path: Path | str) -> None:
    """``path`` was just written for this transaction: remove it if the transaction rolls back."""
    _pending(session)["written"].append(Path(path))


def replaced(session: Session, path: Path | str) -> None:
    """``path`` is superseded in this transaction: remove it once the transaction commits."""
    _pending(session)["replaced"].append(Path(path))


def _pending(session: Session) -> dict[str, list[Path]]:
    # Begin the transaction now if the session has not: a rollback of no transaction fires nothing.
    session.connection()
    pending = session.info.get(_KEY)
    if pending is None:
        pending = session.info[_KEY] = {"written": [], "replaced": []}
        event.listen(session, "after_commit", _committed)
        # "soft": it also fires when the session had not reached the database yet.
        event.listen(session, "after_soft_rollback", _rolled_back)
    return pending


def _committed(session: Session) -> None:
    pending = session.info.get(_KEY)
    if pending:
        _remove(pending["replaced"])
        pending["written"].clear()


def _rolled_back(session: Session, previous_transaction) -> None:
    pending = session.info.get(_KEY)
    # A savepoint's rollback leaves the outer transaction going: its files wait for that one.
    if pending and not session.in_transaction():
        _remove(pending["written"])
        pending["replaced"].clear()


def _remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
    paths.clear()
