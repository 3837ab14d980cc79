"""Marshmallow schemas for followed sources and their items in the API.

Shapes and types are checked here; the meaning of values (an http(s) URL, a
valid CSS selector, an ISO 639-1 language, a sensible interval) is checked by
comms.following.admin so the pages and the API refuse the same things.
"""

from __future__ import annotations

import datetime as dt

import marshmallow as ma

from comms.web.api.schemas import PaginationSchema
from feeds.follow.models import KINDS, STATUSES

# Times outside this range cannot be compared in UTC on every backend (year 1 with an offset overflows).
EARLIEST = dt.datetime(1900, 1, 1, tzinfo=dt.timezone.utc)
LATEST = dt.datetime(9999, 1, 1, tzinfo=dt.timezone.utc)


class SelectorsSchema(ma.Schema):
    """CSS selectors for a listing page (kind ``html``); only ``item`` is needed with the others."""

    item = ma.fields.String(allow_none=True, metadata={"example": "article.news-item"})
    title = ma.fields.String(allow_none=True, metadata={"example": "h3 a"})
    link = ma.fields.String(allow_none=True, metadata={"example": "h3 a"})
    date = ma.fields.String(allow_none=True, metadata={"example": "time"})
    summary = ma.fields.String(allow_none=True, metadata={"example": "p.teaser"})


class SourceSchema(ma.Schema):
    """docs/design/contract.md's source object."""

    id = ma.fields.Integer()
    name = ma.fields.String()
    url = ma.fields.String(metadata={"format": "uri"})
    kind = ma.fields.String(validate=ma.validate.OneOf(KINDS),
                            metadata={"description": "auto: discover a feed, else read the page as a listing"})
    selectors = ma.fields.Nested(SelectorsSchema, allow_none=True)
    language = ma.fields.String(metadata={"description": "ISO 639-1"})
    status = ma.fields.String(validate=ma.validate.OneOf(STATUSES))
    last_polled_at = ma.fields.String(allow_none=True, metadata={"format": "date-time"})
    last_error = ma.fields.String(allow_none=True)
    interval_minutes = ma.fields.Integer()
    paused = ma.fields.Boolean()
    feed_url = ma.fields.String(allow_none=True, metadata={"description": "the feed polled instead of url, if any"})
    next_poll_at = ma.fields.String(allow_none=True, metadata={"format": "date-time"})
    item_count = ma.fields.Integer(allow_none=True)
    created_at = ma.fields.String(metadata={"format": "date-time"})


class SourceInSchema(ma.Schema):
    """Fields accepted when a source is added (name and url required) or changed."""

    name = ma.fields.String(metadata={"example": "ICBL-CMC"})
    url = ma.fields.String(metadata={"example": "https://www.icblcmc.org/news", "description": "http or https"})
    kind = ma.fields.String(validate=ma.validate.OneOf(KINDS))
    selectors = ma.fields.Nested(SelectorsSchema, allow_none=True)
    language = ma.fields.String(metadata={"description": "ISO 639-1 code (or English name)", "example": "en"})
    interval_minutes = ma.fields.Integer(metadata={"description": "minutes between polls (5 to 10080)"})
    paused = ma.fields.Boolean()


class SourceQuerySchema(PaginationSchema):
    """Filters for the sources list."""

    status = ma.fields.String(validate=ma.validate.OneOf(STATUSES))


class PollResultSchema(ma.Schema):
    """What one poll did."""

    new_items = ma.fields.Integer()
    updated_items = ma.fields.Integer()
    unchanged = ma.fields.Boolean(metadata={"description": "true when the site answered 304 or nothing changed"})
    status = ma.fields.String(validate=ma.validate.OneOf(STATUSES))
    error = ma.fields.String(allow_none=True)


class ItemSchema(ma.Schema):
    """docs/design/contract.md's item object; ``summary`` is sanitised HTML, ``title`` plain text."""

    id = ma.fields.Integer()
    source_id = ma.fields.Integer()
    title = ma.fields.String()
    url = ma.fields.String()
    published_at = ma.fields.String(allow_none=True, metadata={"format": "date-time",
                                                               "description": "null when the site gave no date"})
    summary = ma.fields.String()
    language = ma.fields.String()
    first_seen_at = ma.fields.String(metadata={"format": "date-time"})


class ItemQuerySchema(PaginationSchema):
    """Filters for GET /api/v1/items."""

    source = ma.fields.Integer(validate=ma.validate.Range(min=1, max=2**31 - 1))
    q = ma.fields.String(validate=ma.validate.Length(max=200), metadata={"description": "words in title or summary"})
    since = ma.fields.AwareDateTime(validate=ma.validate.Range(min=EARLIEST, max=LATEST), metadata={"description": "RFC 3339 time with an offset: items published "
                                                             "(or, undated, first seen) at or after it"})
    language = ma.fields.String(validate=ma.validate.Length(equal=2))
    flagged = ma.fields.Boolean(metadata={"description": "only items a watchlist rule flagged"})
