"""Files written beside a transaction follow it: a rollback removes new files, a commit removes replaced ones."""

from __future__ import annotations

from storage import pending_files


def test_rollback_removes_written_files_and_keeps_replaced_ones(database, tmp_path):
    new, old = tmp_path / "new.pdf", tmp_path / "old.pdf"
    new.write_bytes(b"new"), old.write_bytes(b"old")
    session = database.session()
    try:
        pending_files.written(session, new)
        pending_files.replaced(session, old)
        session.rollback()
        assert not new.exists() and old.exists()
        # The session is used again: nothing noted before touches the next transaction.
        again = tmp_path / "again.pdf"
        again.write_bytes(b"again")
        pending_files.written(session, again)
        session.commit()
        assert again.exists() and old.exists()
    finally:
        session.close()


def test_commit_removes_replaced_files_and_keeps_written_ones(database, tmp_path):
    new, old = tmp_path / "new.pdf", tmp_path / "old.pdf"
    new.write_bytes(b"new"), old.write_bytes(b"old")
    session = database.session()
    try:
        pending_files.written(session, new)
        pending_files.replaced(session, old)
        session.commit()
        assert new.exists() and not old.exists()
        session.rollback()
        assert new.exists()
    finally:
        session.close()
