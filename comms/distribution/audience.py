"""Whom a send could reach, for the staff send form (no Flask): the lists, the segments
and the matching subscribers, each with the number of people it reaches, and the
count of a chosen mix before anything is written.

The rule is comms.distribution.service.create_send's (active, not paused, not already
sent this release; subscribers: one version of a release and its translations);
create_send applies it again when the send is confirmed.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from comms.distribution.service import Delivery, embargo_in_force, subscriber_recipients
from comms.releases.service import Release
from contacts.lists import resolve_segment
from contacts.models import Contact, ListMembership, Segment
from storage.db import utcnow


def segment_choices(session: Session, release: Release) -> list[dict]:
    """Every segment with the number of contacts it matches now, and whether this release may go to it."""
    embargoed = embargo_in_force(release)
    return [{"id": segment.id, "name": segment.name, "description": segment.description,
             "size": len(resolve_segment(session, segment)), "allowed": not embargoed}
            for segment in session.scalars(select(Segment).order_by(Segment.name))]


def subscriber_choice(session: Session, release: Release) -> dict:
    """The matching subscribers: how many would get this release now, and why it may not go to them."""
    if embargo_in_force(release):
        return {"size": 0, "allowed": False, "why": "subscribers get it when the embargo lifts"}
    if not release.is_public or release.retracted_at is not None:
        return {"size": 0, "allowed": False, "why": "subscribers get published releases only"}
    waiting, had = subscriber_recipients(session, release)
    return {"size": len(waiting), "allowed": True, "already": len(had), "why": ""}


def estimate(session: Session, release: Release, *, list_ids: list[int], segment_ids: list[int],
             subscribers: bool) -> dict:
    """Whom a send to this mix would reach now: ``members`` (people in the chosen audiences, each
    once), ``recipients``, ``suppressed`` (skipped: not active or paused) and ``already_received``."""
    wanted: set[int] = set()
    if list_ids:
        wanted |= set(session.scalars(select(ListMembership.contact_id).where(ListMembership.list_id.in_(list_ids))))
    for segment in session.scalars(select(Segment).where(Segment.id.in_(segment_ids or [-1]))):
        wanted |= set(resolve_segment(session, segment))
    had: set[int] = set()
    if subscribers:
        waiting, had = subscriber_recipients(session, release)
        wanted |= waiting
    already = set(session.scalars(select(Delivery.contact_id).where(Delivery.release_id == release.id)))
    now = utcnow()
    fresh = wanted - already
    rows = session.execute(select(Contact.status, Contact.paused_until).where(Contact.id.in_(fresh or {-1})))
    eligible = sum(1 for status, paused_until in rows
                   if status == "active" and (paused_until is None or paused_until <= now))
    return {"members": len(wanted | had), "recipients": eligible, "suppressed": len(fresh) - eligible,
            "already_received": len((wanted & already) | had)}
