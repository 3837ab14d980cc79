"""RFC 5005 paged archives: the newest 50 entries per feed, archive pages that walk back to the
first release, stable pages, and retracted releases left out of them (docs/design/security.md item 20)."""

import datetime as dt
import json

import feedparser
from lxml import etree

from comms.accounts import users as auth
from comms.releases import workflow
from comms.releases.service import get_release
from feeds import archive

from support.feed_samples import ATOM, publish_release, release_ids, retract_release

TOTAL = 120


def publish_many(runtime, users, count, start=0):
    """``count`` published releases, each a minute after the one before; returns their ids, oldest first."""
    ids = []
    with runtime.db.transaction() as session:
        officer = session.get(auth.User, users["officer"].id)
        approver = session.get(auth.User, users["approver"].id)
        base = dt.datetime(2026, 3, 1, tzinfo=dt.timezone.utc)
        for number in range(start, start + count):
            release = workflow.create_release(session, {"headline": f"Release number {number}",
                                                        "body_markdown": f"Text {number}."}, officer)
            [(request, _token)] = workflow.submit(session, "test-secret-key", release, [approver], officer)
            workflow.decide(session, release, request, "approved")
            workflow.publish(session, release, officer)
            release.first_published_at = base + dt.timedelta(minutes=number)
            ids.append(release.id)
    return ids


def walk(client, fmt):
    """Follow prev-archive (next_url in JSON Feed) from the current feed; returns the pages' entry ids."""
    pages, url = [], f"/feeds/releases.{fmt}"
    while url:
        response = client.get(url.replace("http://localhost", ""))
        assert response.status_code == 200, url
        pages.append(release_ids(response))
        if fmt == "json":
            url = json.loads(response.data).get("next_url")
        else:
            parsed = feedparser.parse(response.data)
            url = next((link.href for link in parsed.feed.links if link.rel == "prev-archive"), None)
    return pages


def test_paging_arithmetic_covers_everything():
    for total in range(0, 260):
        current = set(range(max(0, total - archive.PAGE_SIZE) + 1, total + 1))
        covered = set()
        for number in range(1, archive.full_pages(total) + 1):
            page = archive.archive_page(number, total)
            covered |= set(range(page.offset + 1, page.offset + page.size + 1))
        assert current | covered == set(range(1, total + 1))
        assert archive.archive_page(archive.full_pages(total) + 1, total) is None


def test_archives_walk_back_to_the_first_release(client, runtime, users):
    ids = publish_many(runtime, users, TOTAL)
    for fmt in ("atom", "rss", "json"):
        pages = walk(client, fmt)
        assert pages[0] == list(reversed(ids))[:50]  # the current feed: newest 50
        assert [len(page) for page in pages] == [50, 50, 50]
        assert set().union(*map(set, pages)) == set(ids)
        assert ids[0] in pages[-1]  # the last page holds the first release
    page_one = etree.fromstring(client.get("/feeds/releases/archive/1.atom").data)
    assert page_one.find("{http://purl.org/syndication/history/1.0}archive") is not None
    rels = {link.get("rel"): link.get("href") for link in page_one.findall(f"{ATOM}link")}
    assert rels["current"] == "http://localhost/feeds/releases.atom"
    assert rels["next-archive"] == "http://localhost/feeds/releases/archive/2.atom" and "prev-archive" not in rels
    assert client.get("/feeds/releases/archive/3.atom").status_code == 404
    assert client.get("/feeds/releases/archive/0.atom").status_code == 404


def test_archive_pages_are_stable_and_drop_retracted_releases(client, runtime, users):
    ids = publish_many(runtime, users, 100)
    page_one = client.get("/feeds/releases/archive/1.atom")
    publish_many(runtime, users, 30, start=100)
    again = client.get("/feeds/releases/archive/1.atom")
    assert again.data == page_one.data and again.headers["ETag"] == page_one.headers["ETag"]
    retract_release(runtime, users, ids[10])
    after = release_ids(client.get("/feeds/releases/archive/1.atom"))
    assert ids[10] not in after and sorted(after) == sorted(ids[:50][:10] + ids[11:50])
    for fmt in ("atom", "rss", "json"):
        assert ids[10] not in {i for page in walk(client, fmt) for i in page}


def test_filtered_feeds_have_their_own_archives(client, runtime, users):
    publish_many(runtime, users, 55)
    french = publish_release(runtime, users, headline="Une seule", language="fr")
    assert release_ids(client.get("/feeds/releases.atom?lang=fr")) == [french]
    parsed = feedparser.parse(client.get("/feeds/releases.atom?lang=fr").data)
    assert not [link for link in parsed.feed.links if link.rel == "prev-archive"]
    english = feedparser.parse(client.get("/feeds/releases.atom?lang=en").data)
    [prev] = [link.href for link in english.feed.links if link.rel == "prev-archive"]
    assert prev == "http://localhost/feeds/releases/archive/1.atom?lang=en"
    with runtime.db.transaction() as session:
        assert get_release(session, french).language == "fr"
