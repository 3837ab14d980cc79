"""What happens after each poll of a followed source (no Flask).

comms.following.jobs calls :func:`after_poll` once per poll. It tells every admin
when a source has just turned ``broken`` (the site changed and extraction finds
nothing), runs the watchlists over the new and changed items, and records which
items pick up one of our published releases. Each step is independent: a
failing alert is logged and never stops the others or the poller.
"""

from __future__ import annotations

import logging

from sqlalchemy import select

from comms.rendering import emails
from comms.platform import jobs
from comms.accounts.users import User
from comms.following import pickup
from comms.following.explain import in_words
from comms.following import watch_alerts
from comms.following import watchlists
from feeds.follow.models import Source

log = logging.getLogger("pressroom.follow")

BROKEN_SUBJECT = "Followed source broken: {name}"


def source_page_url(runtime, source_id: int) -> str:
    """The staff page of a source, absolute when PRESSROOM_BASE_URL is set."""
    return f"{runtime.config.base_url}/staff/sources/{source_id}"


def _admins(session) -> list[User]:
    return list(session.scalars(select(User).where(User.role == "admin", User.active.is_(True)).order_by(User.id)))


def notify_broken(runtime, source_id: int, error: str | None) -> int:
    """Email every active admin that source ``source_id`` is broken; returns how many were queued."""
    with runtime.db.transaction() as session:
        source = session.get(Source, source_id)
        if source is None:
            return 0
        name, url = source.name, source.url
        last_error = error or getattr(source, "last_error", None) or "the page was fetched but no items were found"
        admins = [(admin.email, admin.display_name) for admin in _admins(session)]
    link = source_page_url(runtime, source_id)
    subject = BROKEN_SUBJECT.format(name=name)[:200]
    for email, display_name in admins:
        text, html = emails.render("source_broken", to_name=display_name, office=runtime.config.office_name,
                                   source_name=name, source_url=url, error=last_error, error_words=in_words(last_error),
                                   link=link)
        jobs.enqueue(runtime, "mail.send", email, subject, text, html, display_name)
    return len(admins)


def _changed_item_ids(result) -> list[int]:
    ids = list(getattr(result, "new_item_ids", None) or [])
    # A changed item can newly match a rule (its summary grew); matching is idempotent.
    ids += [i for i in (getattr(result, "updated_item_ids", None) or []) if i not in ids]
    return ids


def after_poll(runtime, result) -> None:
    """Alerts for one poll result (comms.following.jobs calls this after every poll)."""
    if result.status == "broken" and result.previous_status != "broken":
        try:
            notify_broken(runtime, result.source_id, result.error)
        except Exception:
            log.exception("could not email admins about broken source %s", result.source_id)
    item_ids = _changed_item_ids(result)
    if not item_ids:
        return

    try:
        new_matches = watchlists.match_items(runtime.db, item_ids)
        watch_alerts.notify_immediately(runtime, new_matches)
    except Exception:
        log.exception("watchlists failed for source %s", result.source_id)
    try:
        pickup.match_items(runtime, item_ids)
    except Exception:
        log.exception("pick-up matching failed for source %s", result.source_id)
