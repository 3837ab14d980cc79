"""Housekeeping for the request keys that make dispatches exactly-once (storage.idempotency)."""

from __future__ import annotations

import datetime as dt

from comms.platform.jobs import periodic
from storage import idempotency
from storage.db import utcnow


@periodic("request_keys.prune")
def prune_request_keys(runtime, now: dt.datetime | None = None) -> int:
    """Delete request keys past idempotency.KEEP_FOR (one indexed DELETE); returns how many went."""
    with runtime.db.transaction() as session:
        return idempotency.prune(session, now or utcnow())
