"""Waiting for a cluster run's background work, and killing a worker midway.

Reads the scratch database with plain SQL and counts what the SMTP sink has
received; progress goes to stderr so the bench's table stays readable.
"""

from __future__ import annotations

import datetime as dt
import sys
import time

from sqlalchemy import text


def log(message: str) -> None:
    """One progress line on stderr."""
    print(f"[cluster {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def now_utc() -> dt.datetime:
    """The current time, aware, in UTC."""
    return dt.datetime.now(dt.timezone.utc)


class Watch:
    """Polls the database and the sink until work is done, stalls or times out."""

    def __init__(self, engine, sink, poll_seconds: float = 0.5):
        self.engine, self.sink, self.poll_seconds = engine, sink, poll_seconds

    def delivery_counts(self, send_ids: list[int]) -> dict[str, int]:
        """Ledger rows of these sends by status."""
        with self.engine.connect() as conn:
            return dict(conn.execute(text("SELECT status, count(*) FROM deliveries WHERE send_id = ANY(:ids) "
                                          "GROUP BY status"), {"ids": send_ids}).all())

    def sends_done(self, send_ids: list[int]) -> int:
        """How many of these sends say they are done."""
        with self.engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM sends WHERE id = ANY(:ids) AND status = 'done'"),
                                {"ids": send_ids}).scalar()

    def wait_sends(self, send_ids: list[int], expected: int, *, kill_at: int | None, kill, stall_seconds: float,
                   timeout: float) -> dict:
        """Wait until every send is done. ``kill()`` runs once ``kill_at`` recipients were received.

        Stops early when nothing moved (neither the ledger nor the sink) for
        ``stall_seconds``: that is a stalled send, reported, not waited for forever.
        """
        started = last_move = time.monotonic()
        last_key, killed_at, next_note = None, None, started + 15
        while True:
            received = self.sink.count()
            counts = self.delivery_counts(send_ids)
            done = self.sends_done(send_ids)
            if kill_at is not None and killed_at is None and received >= kill_at:
                killed_at = received
                kill()
            key = (received, counts.get("sent", 0), counts.get("failed", 0), done)
            if key != last_key:
                last_key, last_move = key, time.monotonic()
            pending = counts.get("pending", 0) + counts.get("sending", 0)
            if done == len(send_ids) and pending == 0:
                return {"finished_at": time.monotonic(), "stalled": False, "killed_at_received": killed_at}
            if time.monotonic() >= next_note:
                log(f"sends {done}/{len(send_ids)} done; ledger {counts}; sink received {received} of {expected}")
                next_note = time.monotonic() + 15
            if time.monotonic() - last_move > stall_seconds or time.monotonic() - started > timeout:
                return {"finished_at": time.monotonic(), "stalled": True, "killed_at_received": killed_at}
            time.sleep(self.poll_seconds)

    def stalled_state(self, send_ids: list[int]) -> list[dict]:
        """Every send not done: its status and ledger rows left pending or claimed (and by whom)."""
        with self.engine.connect() as conn:
            rows = conn.execute(text(
                "SELECT s.id, s.status, s.release_id, d.status, count(d.id), min(d.claimed_at), "
                "string_agg(DISTINCT d.claimed_by, ', ') FROM sends s LEFT JOIN deliveries d ON d.send_id = s.id "
                "AND d.status IN ('pending', 'sending') WHERE s.id = ANY(:ids) AND (s.status <> 'done' "
                "OR d.id IS NOT NULL) GROUP BY s.id, s.status, s.release_id, d.status ORDER BY s.id"),
                {"ids": send_ids}).all()
        state: dict[int, dict] = {}
        for send_id, status, release_id, row_status, count, oldest_claim, claimed_by in rows:
            entry = state.setdefault(send_id, {"send_id": send_id, "release_id": release_id, "status": status,
                                               "pending": 0, "sending": 0, "claimed_by": None,
                                               "oldest_claim": None})
            if row_status:
                entry[row_status] = count
            if row_status == "sending":
                entry["claimed_by"] = claimed_by
                entry["oldest_claim"] = oldest_claim.isoformat() if oldest_claim else None
        return list(state.values())

    def wait_published(self, release_ids: list[int], timeout: float) -> bool:
        """Wait until every release is published; False on timeout."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.engine.connect() as conn:
                published = conn.execute(text("SELECT count(*) FROM releases WHERE id = ANY(:ids) "
                                              "AND status = 'published'"), {"ids": release_ids}).scalar()
            if published == len(release_ids):
                return True
            time.sleep(self.poll_seconds)
        return False

    def wait_polled(self, after: dt.datetime | None, timeout: float) -> int:
        """Wait until every source was polled (since ``after`` when given); returns how many were."""
        deadline = time.monotonic() + timeout
        clause = "last_polled_at >= :after" if after else "last_polled_at IS NOT NULL"
        polled = total = 0
        while time.monotonic() < deadline:
            with self.engine.connect() as conn:
                total = conn.execute(text("SELECT count(*) FROM follow_sources")).scalar()
                polled = conn.execute(text(f"SELECT count(*) FROM follow_sources WHERE {clause}"),
                                      {"after": after}).scalar()
            if polled == total:
                return polled
            time.sleep(self.poll_seconds)
        log(f"only {polled} of {total} sources were polled within {timeout:.0f} s")
        return polled

    def make_all_sources_due(self) -> dt.datetime:
        """Start the second round of polls: every source due now (as if its interval had passed)."""
        at = now_utc()
        with self.engine.begin() as conn:
            conn.execute(text("UPDATE follow_sources SET next_poll_at = :at"), {"at": at})
        return at
