"""Which self-subscribers a release reaches (no Flask). docs/design/contract.md "Subscribers".

- A *self-subscriber* is a contact who confirmed the double opt-in link of
  /subscribe (a confirmed subscription request), not someone staff added, and
  who is active and not paused: unsubscribed, bounced, suppressed and
  unconfirmed contacts have another status, so they never match.
- A release and its translations are one *family*. Of its public, unretracted
  versions a subscriber is matched with the one in their most preferred
  language; when none of their languages is public they get nothing (a
  subscriber who chose no language gets the original). Topics: a subscriber who
  chose none takes every topic; otherwise they share one with the family's
  public topics (a release without topics reaches only them).
- :func:`matching_subscriber_ids` answers for one version: the subscribers whose
  chosen version it is. That nobody receives two versions of a family is the
  ledger's part (comms.distribution), so it holds for every send.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable, Sequence

from sqlalchemy import ColumnElement, exists, or_, select
from sqlalchemy.orm import Session

from comms.releases.service import Release, translations
from contacts.models import Contact, SubscriptionRequest
from storage.db import utcnow


def self_subscribed() -> ColumnElement[bool]:
    """SQL: the contact confirmed a subscription of their own (not added by staff)."""
    return exists().where(SubscriptionRequest.contact_id == Contact.id, SubscriptionRequest.confirmed_at.is_not(None))


def public_versions(session: Session, release: Release, now: dt.datetime) -> list[Release]:
    """The versions of the release's family the public can read at ``now`` (retracted ones left out)."""
    return [item for item in translations(session, release) if item.is_public_at(now) and item.retracted_at is None]


def family_topics(versions: Iterable[Release]) -> set[str]:
    """The topics of these versions' published revisions."""
    return {topic for item in versions for topic in (item.public_topics or "").split()}


def chosen_version(languages: Sequence[str], versions: Sequence[Release]) -> Release | None:
    """The version a reader of ``languages`` (in order of preference) gets: the first public one in
    their languages, the original when they chose none, else None."""
    if not languages:
        return next((item for item in versions if item.translation_of_id is None), None)
    by_language = {item.language: item for item in versions}
    return next((by_language[code] for code in languages if code in by_language), None)


def topics_match(wanted: Iterable[str], topics: set[str]) -> bool:
    """No topic chosen means every topic; otherwise one in common."""
    wanted = set(wanted)
    return not wanted or bool(wanted & topics)


def subscribers_query(now: dt.datetime):
    """SELECT the active, unpaused self-subscribers."""
    return select(Contact).where(Contact.status == "active", self_subscribed(),
                                 or_(Contact.paused_until.is_(None), Contact.paused_until <= now))


def matching_subscriber_ids(session: Session, release: Release, now: dt.datetime | None = None) -> set[int]:
    """Ids of the self-subscribers for whom ``release`` is the version of its family to receive now
    (empty while it is not public, e.g. before its embargo lifts)."""
    now = now or utcnow()
    versions = public_versions(session, release, now)
    if release.id not in {item.id for item in versions}:
        return set()
    topics = family_topics(versions)
    matched = set()
    for contact in session.scalars(subscribers_query(now)):
        if not topics_match(contact.topics, topics):
            continue
        chosen = chosen_version(contact.languages, versions)
        if chosen is not None and chosen.id == release.id:
            matched.add(contact.id)
    return matched
