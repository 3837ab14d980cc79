"""The feed cache: rebuilt only when the data changes, a cheap cached path (the fast path in front
of Flask answers from memory with the app's own headers), correct with several processes."""

import datetime as dt

import pytest
from sqlalchemy import text

from comms.app import create_app
from comms.config import load_config
from comms.syndication.cache import FeedCache, FeedRequest
from comms.syndication.items import FeedSite

from support.app import base_environ
from support.feed_samples import publish_release, release_ids, retract_release

BASE = "https://press.example.org"


@pytest.fixture
def based_app(db_url, instance_path):
    application = create_app(load_config(base_environ(db_url, instance_path, PRESSROOM_BASE_URL=BASE), testing=True))
    yield application
    application.extensions["pressroom"].close()


@pytest.fixture
def based_users(based_app):
    from comms.accounts import users as auth

    with based_app.extensions["pressroom"].db.transaction() as session:
        return {role: auth.create_user(session, f"{role}@example.org", role, name=role) for role in
                ("officer", "approver")}


def stable(headers):
    return {name: value for name, value in headers.items() if name not in ("Date", "X-Request-ID", "Vary")}


def test_fast_path_answers_with_the_apps_bytes_and_headers(based_app, based_users):
    runtime, client = based_app.extensions["pressroom"], based_app.test_client()
    first_id = publish_release(runtime, based_users, headline="First")
    fast = based_app.wsgi_app
    slow = client.get("/feeds/releases.atom?lang=en")
    assert fast.answered == 0
    again = client.get("/feeds/releases.atom?lang=en")
    assert fast.answered == 1 and again.data == slow.data and stable(again.headers) == stable(slow.headers)
    for header in ("Content-Security-Policy", "X-Content-Type-Options", "ETag", "Last-Modified", "Link"):
        assert again.headers[header] == slow.headers[header]
    not_modified = client.get("/feeds/releases.atom?lang=en", headers={"If-None-Match": slow.headers["ETag"]})
    assert not_modified.status_code == 304 and not_modified.data == b"" and fast.answered == 2
    since = client.get("/feeds/releases.atom?lang=en", headers={"If-Modified-Since": slow.headers["Last-Modified"]})
    assert since.status_code == 304 and fast.answered == 3
    assert client.head("/feeds/releases.atom?lang=en").data == b"" and fast.answered == 4
    second_id = publish_release(runtime, based_users, headline="Second")
    changed = client.get("/feeds/releases.atom?lang=en", headers={"If-None-Match": slow.headers["ETag"]})
    assert changed.status_code == 200 and release_ids(changed) == [second_id, first_id] and fast.answered == 4
    retract_release(runtime, based_users, second_id)
    assert release_ids(client.get("/feeds/releases.atom?lang=en")) == [first_id]
    # A URL the app has not answered (here: an invalid filter) always goes through Flask.
    for _ in range(2):
        assert client.get("/feeds/releases.atom?lang=zz").status_code == 400
    # Readers that report subscribers go through the view, which counts them.
    client.get("/feeds/releases.atom?lang=en", headers={"User-Agent": "Feedly/1.0 (+x; 5 subscribers)"})
    with runtime.db.transaction() as session:
        assert session.execute(text("SELECT subscribers FROM feed_reach")).scalar() == 5


def test_rebuilt_only_when_the_data_changes(based_app, based_users):
    runtime, client = based_app.extensions["pressroom"], based_app.test_client()
    publish_release(runtime, based_users)
    for _ in range(3):
        for fmt in ("rss", "atom", "json"):
            client.get(f"/feeds/releases.{fmt}")
    cache = based_app.extensions["pressroom_feed_cache"]
    assert cache.builds == 3  # one per format, whatever the number of readers
    publish_release(runtime, based_users, headline="Another")
    client.get("/feeds/releases.atom")
    assert cache.builds == 4


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_a_change_made_by_another_process_shows_within_the_ttl(runtime, users):
    """Another process's commit fires no event here: the version is asked again after the TTL."""
    clock = Clock()
    cache = FeedCache(version_ttl=1.0, clock=clock)
    site, request = FeedSite(BASE, "Office"), FeedRequest("releases", "atom")
    release_id = publish_release(runtime, users)
    first = cache.get(runtime.db, site, request)
    assert b"release/%d<" % release_id in first.body
    queries = cache.version_queries
    with runtime.db.engine.begin() as connection:  # a plain connection, like another process
        connection.execute(text("UPDATE releases SET retracted_at = :now WHERE id = :id"),
                           {"now": dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
                            if runtime.db.is_sqlite else dt.datetime.now(dt.timezone.utc), "id": release_id})
    clock.now += 0.5
    assert cache.get(runtime.db, site, request).body == first.body and cache.version_queries == queries
    clock.now += 0.6
    assert b"release/%d<" % release_id not in cache.get(runtime.db, site, request).body
    assert cache.version_queries == queries + 1


def test_two_caches_agree_byte_for_byte(runtime, users):
    """Two web processes (two caches) build the same bytes, hence the same ETag."""
    publish_release(runtime, users)
    site = FeedSite(BASE, "Office")
    one, two = FeedCache(), FeedCache()
    for fmt in ("rss", "atom", "json"):
        a, b = one.get(runtime.db, site, FeedRequest("releases", fmt)), two.get(runtime.db, site,
                                                                                FeedRequest("releases", fmt))
        assert a.body == b.body and a.etag == b.etag and a.last_modified == b.last_modified
