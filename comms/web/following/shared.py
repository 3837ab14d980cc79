"""What the follower's staff pages share: roles, template filters for untrusted text, pick-ups.

Titles, summaries and links come from other sites (docs/design/security.md items 4, 9). Titles are
plain text and autoescaped; summaries are shown as their words only; a link is
rendered as a link only when it is an absolute http(s) URL, so a stored
``javascript:`` URL can never become clickable.
"""

from __future__ import annotations

import datetime as dt

from flask import Blueprint

from comms.following import pickup
from comms.following.explain import in_words
from comms.following.watch_match import html_to_text
from comms.web.context import db
from feeds.follow.urls import is_safe_link

READERS = ("officer", "approver", "viewer")
WRITERS = ("officer",)
SUMMARY_CHARACTERS = 320
STATUS_LABELS = {
    "ok": "OK",
    "failing": "failing: network or HTTP errors",
    "broken": "broken: fetched, but no items found",
    "blocked": "blocked: robots.txt or address refused",
}


def safe_href(url: str | None) -> str | None:
    """``url`` if it may be a link (absolute http or https), else None."""
    return url if is_safe_link(url) else None


def summary_text(html: str | None, limit: int = SUMMARY_CHARACTERS) -> str:
    """A summary's words, shortened on a word boundary (escaped by the template like any text)."""
    text = html_to_text(html or "")
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + "…"


def short_time(value: dt.datetime | None) -> str:
    """'2026-03-04 09:30 UTC', or '—'."""
    return value.astimezone(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC") if value else "—"


def item_date(item) -> str:
    """An item's date as the site gave it (day only when it gave no time), or 'no date'."""
    if item.published_at is None:
        return "no date"
    when = item.published_at.astimezone(dt.timezone.utc)
    return when.strftime("%Y-%m-%d %H:%M UTC") if item.published_has_time else when.strftime("%Y-%m-%d")


def release_pickups(release) -> list:
    """Items from followed sources that picked up ``release`` (for releases/_pickup.html)."""
    return pickup.pickups_for(db(), release.id)


def register_template_helpers(bp: Blueprint) -> None:
    """Make the filters and globals above available to every template of the app."""
    bp.add_app_template_filter(safe_href, "safe_href")
    bp.add_app_template_filter(summary_text, "summary_text")
    bp.add_app_template_filter(short_time, "short_time")
    bp.add_app_template_filter(item_date, "item_date")
    bp.add_app_template_filter(in_words, "fetch_error_words")
    bp.add_app_template_global(release_pickups, "release_pickups")
    bp.add_app_template_global(STATUS_LABELS, "source_status_labels")
