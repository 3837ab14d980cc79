"""A contact's history on their page: one list of typed entries, newest first.

Each kind of thing that happens to a contact comes from its own source: the
contact's own events (created, updated, suppressed, merged: contacts.history) and
every release and every dispatch (documents and notes to delegations) the delivery
ledger sent them. A new kind slots in as one more source in :data:`SOURCES`
returning :class:`Entry` rows; the page renders entries by kind.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable

from flask import url_for
from sqlalchemy.orm import Session

from comms.distribution import report as delivery_report
from comms.distribution.dispatches.service import received_by
from contacts.history import events_for

# Entries per source on the page (each source is newest first, so the merge keeps the newest).
LIMIT = 200


@dataclass(frozen=True)
class Entry:
    """One line of a contact's history: when, its kind, who did it and what it names."""

    at: dt.datetime
    kind: str  # "event" (what staff or the system did), "release" (a release sent), "dispatch" (one received)
    what: str  # a short label: the event's kind, or "release sent"
    actor: str = ""
    details: dict = field(default_factory=dict)  # for "event": the event's recorded details
    title: str = ""  # for "release": the headline
    link: str = ""  # the staff page the entry names, if any
    status: str = ""  # for "release": the delivery's status (sent, failed, pending, sending)
    reference: str = ""  # for "release": the Message-ID


def contact_events(session: Session, contact_id: int) -> list[Entry]:
    """The contact's own events."""
    return [Entry(at=event.at, kind="event", what=event.kind, actor=event.actor_label, details=dict(event.details or {}))
            for event in events_for(session, contact_id, LIMIT)]


def releases_sent(session: Session, contact_id: int) -> list[Entry]:
    """Each release the delivery ledger holds for the contact."""
    return [Entry(at=row["at"], kind="release", what="release sent" if row["status"] == "sent" else "release "
                  + {"pending": "waiting", "sending": "sending"}.get(row["status"], row["status"]),
                  title=row["headline"], status=row["status"], reference=row["message_id"],
                  details={"language": row["language"], "send": row["send_id"]},
                  link=url_for("releases_ui.show", release_id=row["release_id"]))
            for row in delivery_report.releases_sent_to(session, contact_id, LIMIT)]


def dispatches_received(session: Session, contact_id: int) -> list[Entry]:
    """Each dispatch to delegations the ledger holds for the contact (as a focal point or list member)."""
    return [Entry(at=row["sent_at"] or row["created_at"], kind="dispatch",
                  what="dispatch received" if row["status"] == "sent" else f"dispatch {row['status']}",
                  title=row["subject"], status=row["status"], details={"meeting": row["meeting"]},
                  link=url_for("dispatches_ui.show", dispatch_id=row["dispatch_id"]))
            for row in received_by(session, contact_id, LIMIT)]


SOURCES: list[Callable[[Session, int], list[Entry]]] = [contact_events, releases_sent, dispatches_received]


def history(session: Session, contact_id: int) -> list[Entry]:
    """Every source's entries for the contact, newest first."""
    entries = [entry for source in SOURCES for entry in source(session, contact_id)]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)
