"""The staff page of items from followed sources: filters (source, language, watchlist,
dates), search and pagination. Read-only: GET never changes anything."""

from __future__ import annotations

import datetime as dt
import math

from flask import Blueprint, render_template, request
from sqlalchemy import func, select

from comms.following.items import ItemFilter, matches_for, search_items
from comms.following.watchlists import all_rules
from comms.web.access import roles_required
from comms.web.context import db
from comms.web.following.shared import READERS
from feeds.follow.models import Item, Source

bp = Blueprint("items_ui", __name__, url_prefix="/staff")
PAGE_SIZE = 50
MAX_ID = 2**31 - 1


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) <= 9 and 0 < int(value) <= MAX_ID else None


def _day(value: str | None) -> dt.date | None:
    try:
        day = dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None
    # Far-off years are typing slips, and the day after 9999-12-31 does not exist.
    return day if day and 1900 <= day.year < 9999 else None


def _filter(args) -> tuple[ItemFilter, dict]:
    since, until = _day(args.get("since")), _day(args.get("until"))
    language = (args.get("language") or "").strip().lower()
    values = {
        "source": _int(args.get("source")), "q": (args.get("q") or "").strip()[:200],
        "language": language if len(language) == 2 and language.isalpha() else "",
        "flagged": args.get("flagged") in ("1", "yes", "on"), "rule": _int(args.get("rule")),
        "since": since.isoformat() if since else "", "until": until.isoformat() if until else "",
    }
    start = dt.datetime.combine(since, dt.time(), tzinfo=dt.timezone.utc) if since else None
    # "until" is a day the reader wants included: stop at the start of the next one.
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), tzinfo=dt.timezone.utc) if until else None
    flt = ItemFilter(source=values["source"], q=values["q"], since=start, until=end, language=values["language"],
                     flagged=values["flagged"], rule=values["rule"])
    return flt, values


@bp.route("/items")
@roles_required(*READERS)
def index():
    """Items, newest first, with their watchlist flags."""
    session = db()
    flt, values = _filter(request.args)
    page = _int(request.args.get("page")) or 1
    found, total = search_items(session, flt, page=page, per_page=PAGE_SIZE)
    languages = list(session.scalars(select(Item.language).group_by(Item.language).order_by(Item.language)))
    sources = list(session.scalars(select(Source).order_by(func.lower(Source.name))))
    args = {key: value for key, value in values.items() if value}
    return render_template("follow/items.html", items=found, total=total, page=page,
                           pages=max(1, math.ceil(total / PAGE_SIZE)), filters=values, args=args,
                           matches=matches_for(session, [item.id for item in found]), sources=sources,
                           languages=languages, rules=all_rules(session))
