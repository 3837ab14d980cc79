"""docs/design/security.md "Feeds", items 26-28: the related-sources feeds with control characters in
followed titles, byte-identical feeds from two app instances (two web hosts), and no naive
time anywhere: in the schema's column types and in what the API and feeds print."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import DateTime

from comms.app import create_app
from comms.features import load_all_models
from storage.db import Base, UTCDateTime, utcnow

from support.follow_samples import add_item, add_published_release, add_source
from support.web import bearer

HOSTILE_TITLE = "Mine\x0bclearance\x0c report\x1b from\x7f the field"


@pytest.mark.parametrize("fmt", ["rss", "atom", "json"])
def test_item_26_control_characters_in_followed_titles_leave_the_related_feed_valid(client, runtime, fmt):
    """Item 26: "Control characters (`\\x00`, `\\x0b`) in titles do not break a feed (500)." A followed
    item whose title and summary hold them (written straight to the database, as an older poller
    might have) still gives a feed that parses, with the words kept."""
    source_id = add_source(runtime, name="Partner\x0b news")
    add_item(runtime, source_id, HOSTILE_TITLE, summary="Summary\x0b with\x1b controls",
             published_at=utcnow() - dt.timedelta(hours=1))
    response = client.get(f"/feeds/related.{fmt}")
    assert response.status_code == 200
    raw = response.get_data()
    if fmt == "json":
        titles = [entry["title"] for entry in json.loads(raw)["items"]]
    else:
        root = ET.fromstring(raw)
        titles = [el.text for el in root.iter() if el.tag.rsplit("}", 1)[-1] == "title"]
    assert any(t and "report" in t and "field" in t for t in titles)
    assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]", raw)


def test_item_27_two_web_hosts_serve_identical_feed_bytes_and_etags(client, config, runtime):
    """Item 27: "Two GETs return identical bytes and ETag; `If-None-Match` gets 304; GUIDs come from
    permanent IDs and never change." Two app instances on one database (two web hosts behind a
    balancer): same bytes and ETag, one's ETag is a 304 at the other, and GUIDs name release ids."""
    release_id = add_published_release(runtime, "Stockpiles destroyed in Ukraine", "stockpiles-destroyed")
    other = create_app(config)
    try:
        first, second = client, other.test_client()
        for fmt in ("rss", "atom", "json"):
            a, b = first.get(f"/feeds/releases.{fmt}"), second.get(f"/feeds/releases.{fmt}")
            assert a.status_code == b.status_code == 200
            assert a.get_data() == b.get_data() and a.headers["ETag"] == b.headers["ETag"]
            cached = second.get(f"/feeds/releases.{fmt}", headers={"If-None-Match": a.headers["ETag"]})
            assert cached.status_code == 304 and cached.get_data() == b""
        guids = re.findall(r"<guid[^>]*>([^<]+)</guid>", first.get("/feeds/releases.rss").get_data(as_text=True))
        assert guids and all(g.endswith(f"/{release_id}") or g.endswith(f":{release_id}") for g in guids)
    finally:
        other.extensions["pressroom"].close()


def test_item_28_every_time_column_is_utc_aware_and_every_printed_time_has_a_zone(client, runtime, token_for):
    """Item 28: "Times always carry a zone; no naive datetimes anywhere." Every DateTime column of
    every model is a UTCDateTime (which refuses naive values), and every timestamp the API and the
    JSON feed print parses to an aware datetime."""
    load_all_models()
    plain = [f"{table.name}.{column.name}" for table in Base.metadata.tables.values() for column in table.columns
             if isinstance(column.type, DateTime) and not isinstance(column.type, UTCDateTime)]
    assert plain == []
    with pytest.raises((ValueError, TypeError)):
        UTCDateTime().process_bind_param(dt.datetime(2026, 1, 1, 9, 0), None)

    add_published_release(runtime, "Universalization workshop held in Nairobi", "universalization")
    source_id = add_source(runtime)
    add_item(runtime, source_id, "Partner item", published_at=utcnow())
    viewer = bearer(token_for("viewer"))
    documents = [client.get("/api/v1/news").get_json(), client.get("/api/v1/items", headers=viewer).get_json(),
                 client.get("/api/v1/sources", headers=viewer).get_json(),
                 json.loads(client.get("/feeds/releases.json").get_data())]
    stamps = re.findall(r"\d{4}-\d\d-\d\dT\d\d:\d\d[^\"']*", json.dumps(documents))
    assert len(stamps) >= 4
    for stamp in stamps:
        assert dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).tzinfo is not None, stamp
