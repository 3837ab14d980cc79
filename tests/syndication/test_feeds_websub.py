"""WebSub: the hub is advertised in every format and told (hub.mode=publish) about every change,
through the job queue, once per change however often the workers look; a local hub stub answers."""

import http.server
import threading
import urllib.parse

import feedparser
import json
import pytest

from comms.syndication import cache as feed_cache
from comms.platform import jobs
from comms.app import create_app
from comms.config import load_config
from feeds.websub import WebSubError, publish

from support.app import base_environ
from support.feed_samples import publish_release, retract_release
from support.ports import free_port


class HubStub:
    """A tiny HTTP server recording the form posts it receives."""

    def __init__(self, status=204):
        self.posts: list[dict] = []
        self.status = status
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                form = urllib.parse.parse_qs(self.rfile.read(length).decode())
                stub.posts.append({key: values[0] for key, values in form.items()})
                self.send_response(stub.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hub"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def urls(self):
        return {post["hub.url"] for post in self.posts if post.get("hub.mode") == "publish"}


@pytest.fixture
def hub():
    stub = HubStub()
    yield stub
    stub.close()


@pytest.fixture
def hub_app(db_url, instance_path, hub):
    env = base_environ(db_url, instance_path, PRESSROOM_WEBSUB_HUB=hub.url,
                       PRESSROOM_BASE_URL="https://press.example.org")
    application = create_app(load_config(env, testing=True))
    yield application
    application.extensions["pressroom"].close()


@pytest.fixture
def hub_runtime(hub_app):
    return hub_app.extensions["pressroom"]


@pytest.fixture
def hub_users(hub_runtime):
    from comms.accounts import users as auth

    with hub_runtime.db.transaction() as session:
        return {role: auth.create_user(session, f"{role}@example.org", role, name=role) for role in
                ("officer", "approver")}


def announce(runtime):
    count = feed_cache.announce_changes(runtime)
    runtime.queue.join()
    return count


def test_every_format_advertises_the_hub(hub_app, hub):
    client = hub_app.test_client()
    atom = feedparser.parse(client.get("/feeds/releases.atom").data)
    assert {"rel": "hub", "href": hub.url} in [{"rel": l.rel, "href": l.href} for l in atom.feed.links]
    rss = client.get("/feeds/related.rss")
    assert f'<atom:link rel="hub" href="{hub.url}"/>'.encode() in rss.data
    assert json.loads(client.get("/feeds/releases.json").data)["hubs"] == [{"type": "WebSub", "url": hub.url}]
    assert f'<{hub.url}>; rel="hub"' in rss.headers["Link"]
    assert '<https://press.example.org/feeds/related.rss>; rel="self"' in rss.headers["Link"]


def test_the_hub_hears_of_every_change_once(hub_app, hub_runtime, hub_users, hub):
    assert "feeds.announce_changes" in jobs._periodic and jobs.is_registered("feeds.websub_publish")
    announce(hub_runtime)  # the first look records the current state of every feed
    hub.posts.clear()
    release_id = publish_release(hub_runtime, hub_users)
    assert announce(hub_runtime) == 1
    assert {"https://press.example.org/feeds/releases.atom", "https://press.example.org/feeds/releases.rss",
            "https://press.example.org/feeds/releases.json",
            "https://press.example.org/feeds/releases.atom?lang=en"} <= hub.urls()
    assert all(post["hub.mode"] == "publish" for post in hub.posts)
    hub.posts.clear()
    assert announce(hub_runtime) == 0 and hub.posts == []  # nothing changed
    retract_release(hub_runtime, hub_users, release_id)
    assert announce(hub_runtime) == 1 and "https://press.example.org/feeds/releases.atom" in hub.urls()


def test_a_refusing_hub_fails_the_job(hub):
    hub.status = 500
    with pytest.raises(WebSubError):
        publish(hub.url, ["https://press.example.org/feeds/releases.atom"])
    with pytest.raises(WebSubError):
        publish("file:///etc/passwd", ["https://press.example.org/feeds/releases.atom"])


def test_without_a_hub_nothing_is_announced(runtime, client):
    assert feed_cache.announce_changes(runtime) == 0
    assert b'rel="hub"' not in client.get("/feeds/releases.atom").data
