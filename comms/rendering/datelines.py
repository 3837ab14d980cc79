"""The dateline as printed: the officer's place, and the publication date unless the officer wrote another."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from comms.rendering.labels import format_date

OFFICE_TIMEZONE = "Europe/Zurich"
# A digit means the officer wrote a date (or a year) into the dateline themselves.
_HAS_DATE = re.compile(r"\d")


def compose(text: str, published: dt.datetime | None, language: str, timezone: str | None = None) -> str:
    """``"GENEVA"`` published on 3 March becomes ``"GENEVA, 3 March 2027"`` (in the release's language and
    the meeting's zone, else Geneva's); a dateline that already carries a date, or none, stays as written."""
    place = " ".join((text or "").split())
    if not place or published is None or _HAS_DATE.search(place):
        return place
    moment = published if published.tzinfo else published.replace(tzinfo=dt.timezone.utc)
    try:
        zone = ZoneInfo(timezone or OFFICE_TIMEZONE)
    except (ZoneInfoNotFoundError, ValueError):
        zone = ZoneInfo(OFFICE_TIMEZONE)
    return f"{place.rstrip(',')}, {format_date(moment.astimezone(zone).date(), language)}"
