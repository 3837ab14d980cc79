"""The public feeds over HTTP: formats that parse, validator rules, conditional GET,
content types (docs/design/security.md items 14, 26, 27), filters that are never echoed, enclosures,
corrections, retraction (docs/design/security.md item 20), meeting feeds, related news and OPML."""

import datetime as dt
import json
import re

import pytest
from email.utils import parsedate_to_datetime
from lxml import etree
from sqlalchemy import select

from comms.accounts import approvals
from comms.accounts import users as auth
from comms.meetings import documents
from comms.meetings import service as meetings
from comms.releases import files as release_files
from comms.releases import workflow
from comms.releases.service import ReleaseRevision, get_release
from feeds.follow.models import Item, Source
from storage.audit import Actor
from storage.db import utcnow

from support.feed_samples import ATOM, PDF, PNG, meeting_id, parse, publish_release, release_ids, retract_release  # noqa: F401

FORMATS = ("rss", "atom", "json")
XML_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml", "json": "application/feed+json"}
RFC822 = re.compile(r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$")
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


# --- helpers shared by the feed tests --------------------------------------------------------------------------------


def correct_release(runtime, users, release_id, changes, note="Figures corrected."):
    with runtime.db.transaction() as session:
        release = get_release(session, release_id)
        officer = session.get(auth.User, users["officer"].id)
        workflow.update_release(session, release, changes, officer)
        [(request, _token)] = workflow.submit(session, "test-secret-key", release,
                                              [session.get(auth.User, users["approver"].id)], officer)
        workflow.decide(session, release, request, "approved")
        workflow.publish(session, release, officer, correction_note=note)


def check_json_feed(document: dict) -> None:
    """JSON Feed 1.1's required fields and types."""
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    assert isinstance(document["title"], str) and document["title"]
    assert isinstance(document["items"], list)
    assert document["feed_url"].startswith("http") and document["home_page_url"].startswith("http")
    for item in document["items"]:
        assert isinstance(item["id"], str) and item["id"]
        assert "content_html" in item or "content_text" in item
        for key in ("date_published", "date_modified"):
            if key in item:
                assert RFC3339.match(item[key]), item[key]
        for attachment in item.get("attachments", []):
            assert attachment["url"].startswith("http") and attachment["mime_type"]
    assert len({item["id"] for item in document["items"]}) == len(document["items"])


# --- the tests -------------------------------------------------------------------------------------------------------

def test_every_format_parses_and_follows_the_validator_rules(client, runtime, users, meeting_id):
    first = publish_release(runtime, users, headline="Mine clearance completed", meeting_id=meeting_id)
    second = publish_release(runtime, users, headline="Stockpiles destroyed", topics=("stockpile-destruction",))
    for fmt in FORMATS:
        response = client.get(f"/feeds/releases.{fmt}")
        assert response.mimetype == XML_TYPES[fmt] and response.headers["X-Content-Type-Options"] == "nosniff"
        assert release_ids(response) == [second, first]  # newest first
        if fmt == "json":
            check_json_feed(json.loads(response.data))
            continue
        root = etree.fromstring(response.data)
        if fmt == "rss":
            channel = root.find("channel")
            first_child_link = channel.find(f"{ATOM}link")
            assert first_child_link.get("rel") == "self" and first_child_link.get("href").endswith("/feeds/releases.rss")
            assert channel.findtext("link").endswith("/news/")  # feedgen's last link() call: the alternate
            dates = [channel.findtext("lastBuildDate")] + [i.findtext("pubDate") for i in channel.iter("item")]
            assert all(RFC822.match(d) for d in dates), dates
            guids = [g.text for g in channel.iter("guid")]
            assert all(g.get("isPermaLink") == "false" for g in channel.iter("guid"))
            links = [i.findtext("link") for i in channel.iter("item")]
            assert channel.find("image").findtext("url").startswith("http://")
        else:
            feed_links = [(link.get("rel"), link.get("href")) for link in root.findall(f"{ATOM}link")]
            assert feed_links[0][0] == "self" and feed_links[-1][0] == "alternate"
            dates = [root.findtext(f"{ATOM}updated")] + [e.text for e in root.iter(f"{ATOM}updated", f"{ATOM}published")]
            assert all(RFC3339.match(d) for d in dates), dates
            guids = [e.findtext(f"{ATOM}id") for e in root.iter(f"{ATOM}entry")]
            links = [link.get("href") for e in root.iter(f"{ATOM}entry") for link in e.findall(f"{ATOM}link")]
            assert root.findtext(f"{ATOM}icon").startswith("http") and root.findtext(f"{ATOM}logo").startswith("http")
        assert len(set(guids)) == len(guids) == 2
        assert all(link.startswith("http://") for link in links)
        assert guids[0] == f"tag:localhost,2026:release/{second}"


def test_updated_is_the_newest_entry_not_the_clock(client, runtime, users):
    release_id = publish_release(runtime, users)
    with runtime.db.transaction() as session:
        published = get_release(session, release_id).first_published_at.replace(microsecond=0)
    atom = etree.fromstring(client.get("/feeds/releases.atom").data)
    assert dt.datetime.fromisoformat(atom.findtext(f"{ATOM}updated")) == published
    rss = etree.fromstring(client.get("/feeds/releases.rss").data)
    assert parsedate_to_datetime(rss.find("channel").findtext("lastBuildDate")) == published
    empty = etree.fromstring(client.get("/feeds/releases.atom?lang=fr").data)
    assert empty.findtext(f"{ATOM}updated") == "2026-01-01T00:00:00+00:00"  # fixed, never now()


def test_identical_bytes_etag_and_conditional_get(client, runtime, users):
    publish_release(runtime, users)
    for fmt in FORMATS:
        one, two = client.get(f"/feeds/releases.{fmt}"), client.get(f"/feeds/releases.{fmt}")
        assert one.data == two.data and one.headers["ETag"] == two.headers["ETag"]
        assert not one.headers["ETag"].startswith("W/")  # strong
        assert "max-age=" in one.headers["Cache-Control"] and "public" in one.headers["Cache-Control"]
        not_modified = client.get(f"/feeds/releases.{fmt}", headers={"If-None-Match": one.headers["ETag"]})
        assert not_modified.status_code == 304 and not_modified.data == b""
        since = client.get(f"/feeds/releases.{fmt}", headers={"If-Modified-Since": one.headers["Last-Modified"]})
        assert since.status_code == 304
        other = client.get(f"/feeds/releases.{fmt}", headers={"If-None-Match": '"something-else"'})
        assert other.status_code == 200 and other.data == one.data


def test_a_change_changes_the_bytes_and_retraction_drops_the_entry(client, runtime, users):
    first = publish_release(runtime, users, headline="First")
    before = client.get("/feeds/releases.atom")
    second = publish_release(runtime, users, headline="Second")
    after = client.get("/feeds/releases.atom", headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200 and release_ids(after) == [second, first]
    retract_release(runtime, users, second)
    retracted = client.get("/feeds/releases.atom", headers={"If-Modified-Since": after.headers["Last-Modified"],
                                                             "If-None-Match": after.headers["ETag"]})
    assert retracted.status_code == 200 and release_ids(retracted) == [first]
    # Last-Modified never goes backwards when an entry leaves (If-Modified-Since stays safe).
    assert parsedate_to_datetime(retracted.headers["Last-Modified"]) >= parsedate_to_datetime(
        after.headers["Last-Modified"])
    for fmt in FORMATS:
        assert second not in release_ids(client.get(f"/feeds/releases.{fmt}"))


def test_embargoed_release_is_absent_until_it_lifts(client, runtime, users):
    lift = utcnow() + dt.timedelta(hours=2)
    release_id = publish_release(runtime, users, embargo=lift)
    workflow.publish_due(runtime, lift + dt.timedelta(seconds=1))  # a worker whose clock runs ahead
    with runtime.db.transaction() as session:
        assert get_release(session, release_id).published_revision is not None
    for fmt in FORMATS:
        assert release_ids(client.get(f"/feeds/releases.{fmt}")) == []
    with runtime.db.transaction() as session:
        get_release(session, release_id).embargo_until = utcnow() - dt.timedelta(seconds=1)  # time passes
    assert release_ids(client.get("/feeds/releases.atom")) == [release_id]


def test_corrections_update_the_same_entry(client, runtime, users):
    release_id = publish_release(runtime, users, headline="Twelve States cleared")
    with runtime.db.transaction() as session:  # published an hour ago, corrected now
        release = get_release(session, release_id)
        release.first_published_at -= dt.timedelta(hours=1)
    first = parse(client.get("/feeds/releases.atom"))[0]
    correct_release(runtime, users, release_id, {"headline": "Thirteen States cleared"})
    with runtime.db.transaction() as session:
        workflow.update_release(session, get_release(session, release_id), {"headline": "Unapproved draft"},
                                session.get(auth.User, users["officer"].id))
    [entry] = parse(client.get("/feeds/releases.atom"))
    assert entry.id == first.id and entry.title == "Thirteen States cleared"
    assert entry.updated_parsed > first.updated_parsed and entry.published == first.published
    [item] = parse(client.get("/feeds/releases.json"))
    assert item["date_modified"] > item["date_published"] and item["title"] == "Thirteen States cleared"
    assert "Unapproved draft" not in client.get("/feeds/releases.rss").get_data(as_text=True)


def test_photo_and_pdf_are_enclosures(client, runtime, users):
    release_id = publish_release(runtime, users)
    with runtime.db.transaction() as session:
        release = get_release(session, release_id)
        for kind, data, name in (("photo", PNG, "plenary.png"), ("pdf", PDF, "release.pdf")):
            release_files.attach(session, release, runtime.config.documents_path, kind=kind, filename=name, data=data,
                                 caption="Delegates" if kind == "photo" else "", max_bytes=10**6,
                                 editor=session.get(auth.User, users["officer"].id))
    # Attachments are content: the feeds show them once the revision naming them is approved and published.
    [entry] = parse(client.get("/feeds/releases.atom"))
    assert entry.get("enclosures", []) == []
    correct_release(runtime, users, release_id, {}, note="Photo and PDF added.")
    [entry] = parse(client.get("/feeds/releases.atom"))
    enclosures = {e.type: e for e in entry.enclosures}
    assert set(enclosures) == {"image/png", "application/pdf"}
    assert int(enclosures["application/pdf"].length) == len(PDF)
    for enclosure in enclosures.values():
        download = client.get(enclosure.href.replace("http://localhost", ""))
        assert download.status_code == 200 and download.data in (PNG, PDF)
    [rss_item] = parse(client.get("/feeds/releases.rss"))
    assert rss_item.enclosures[0].type == "application/pdf"  # RSS allows one: the PDF
    [item] = parse(client.get("/feeds/releases.json"))
    assert {a["mime_type"] for a in item["attachments"]} == {"image/png", "application/pdf"}
    assert item["image"].endswith("plenary.png?lang=en")


@pytest.mark.parametrize("query", ["lang=<script>alert(1)</script>", "topic=<img src=x onerror=alert(1)>",
                                   "meeting=1%3Cscript%3E", "lang=xx", "topic=no-such-topic", "meeting=999999"])
def test_bad_filters_are_400_and_never_echoed(client, query):
    response = client.get(f"/feeds/releases.atom?{query}")
    text = response.get_data(as_text=True)
    assert response.status_code == 400 and response.mimetype == "text/plain"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "<" not in text and "alert" not in text and "xx" not in text and "no-such-topic" not in text
    assert "999999" not in text


def test_filters_and_unknown_parameters(client, runtime, users, meeting_id):
    english = publish_release(runtime, users, headline="In English", meeting_id=meeting_id)
    french = publish_release(runtime, users, headline="En français", language="fr", translation_of=english,
                             topics=("stockpile-destruction",))
    assert release_ids(client.get("/feeds/releases.atom?lang=fr")) == [french]
    assert release_ids(client.get("/feeds/releases.json?topic=mine-clearance")) == [english]
    assert release_ids(client.get(f"/feeds/releases.rss?meeting={meeting_id}")) == [french, english]  # translations share it
    feed = client.get("/feeds/releases.atom?lang=fr&utm_source=<b>x</b>")
    assert b"utm_source" not in feed.data and b"<b>x" not in feed.data
    root = etree.fromstring(feed.data)
    assert root.findtext(f"{ATOM}title").startswith("Communiqués de presse")
    assert root.find(f"{ATOM}link").get("href").endswith("/feeds/releases.atom?lang=fr")


def test_control_characters_in_titles_do_not_break_feeds(client, runtime, users, backend):
    release_id = publish_release(runtime, users, headline="Clean headline")
    bad = "Bad\x0b title\x1f here" + ("" if backend == "postgresql" else "\x00")
    with runtime.db.transaction() as session:
        release = get_release(session, release_id)
        revision = session.scalar(select(ReleaseRevision).where(ReleaseRevision.release_id == release_id))
        revision.content = {**revision.content, "headline": bad, "subheadline": "Sub\x0b"}
        source = Source(name="Monitor\x0b", url="https://monitor.example/", kind="feed", created_at=utcnow(),
                        updated_at=utcnow())
        session.add(source)
        session.flush()
        session.add(Item(source_id=source.id, url="https://monitor.example/a", url_key="monitor.example/a",
                         title="Item\x0b title", summary="<p>x\x0b</p>", first_seen_at=utcnow(), updated_at=utcnow()))
        assert release.id
    for path in ("/feeds/releases", "/feeds/related"):
        for fmt in FORMATS:
            response = client.get(f"{path}.{fmt}")
            assert response.status_code == 200
            assert b"\x0b" not in response.data and b"\x00" not in response.data and b"\\u000b" not in response.data
            [entry] = parse(response)
            assert entry["title"] in ("Bad title here", "Item title")


def test_meeting_feed_has_its_releases_and_public_documents(client, runtime, users, meeting_id):
    release_id = publish_release(runtime, users, meeting_id=meeting_id)
    publish_release(runtime, users, headline="Not about this meeting")
    actor = Actor(label="officer@example.org")
    with runtime.db.transaction() as session:
        meeting = session.get(meetings.Meeting, meeting_id)
        public = documents.create_document(session, meeting, title="Provisional programme", kind="programme",
                                           public=True, actor=actor)
        documents.add_file(session, public, runtime.config.documents_path, language="en", filename="programme.pdf",
                           data=PDF, actor=actor)
        internal = documents.create_document(session, meeting, title="Internal notes", kind="other", public=False,
                                             actor=actor)
        documents.add_file(session, internal, runtime.config.documents_path, language="en", filename="notes.pdf",
                           data=PDF, actor=actor)
        public_id = public.id
    response = client.get(f"/feeds/meetings/{meeting_id}.atom")
    entries = parse(response)
    ids = {entry.id for entry in entries}
    assert ids == {f"tag:localhost,2026:release/{release_id}", f"tag:localhost,2026:document/{public_id}"}
    document = next(e for e in entries if "document/" in e.id)
    assert document.title == "Provisional programme" and document.enclosures[0].type == "application/pdf"
    assert client.get(document.enclosures[0].href.replace("http://localhost", "")).data == PDF
    assert b"Internal notes" not in response.data
    assert client.get("/feeds/meetings/999999.atom").status_code == 404


def test_related_feed_names_its_sources_and_sanitises_them(client, runtime):
    with runtime.db.transaction() as session:
        source = Source(name="Landmine Monitor", url="https://monitor.example/", feed_url="https://monitor.example/rss",
                        kind="feed", language="en", created_at=utcnow(), updated_at=utcnow())
        session.add(source)
        session.flush()
        session.add(Item(source_id=source.id, url="https://monitor.example/report", url_key="monitor.example/report",
                         title="<script>alert(1)</script> Report 2026", published_at=utcnow(),
                         summary='<p>Casualties <a href="/data">fell</a><img src=x onerror=alert(1)></p>',
                         first_seen_at=utcnow(), updated_at=utcnow()))
        session.add(Item(source_id=source.id, url="javascript:alert(1)", url_key="javascript", title="Bad link",
                         first_seen_at=utcnow() - dt.timedelta(minutes=5), updated_at=utcnow()))
    atom = client.get("/feeds/related.atom")
    [first, second] = parse(atom)
    assert first.author == "Landmine Monitor" and first.source.title == "Landmine Monitor"
    assert first.link == "https://monitor.example/report"
    assert "onerror" not in first.content[0].value and 'href="https://monitor.example/data"' in first.content[0].value
    assert second.link == "https://monitor.example/"  # never a javascript: link
    assert b"javascript:" not in atom.data
    rss = parse(client.get("/feeds/related.rss"))
    assert rss[0].source.href == "https://monitor.example/rss"
    items = parse(client.get("/feeds/related.json"))
    assert items[0]["authors"] == [{"name": "Landmine Monitor", "url": "https://monitor.example/"}]
    assert items[0]["title"] == "<script>alert(1)</script> Report 2026"  # plain text, JSON-escaped, never markup
    check_json_feed(json.loads(client.get("/feeds/related.json").data))


def test_sources_opml_lists_followed_sources(client, runtime):
    with runtime.db.transaction() as session:
        session.add(Source(name="ICBL & CMC", url="https://icbl.example/", feed_url="https://icbl.example/feed",
                           kind="feed", created_at=utcnow(), updated_at=utcnow()))
        session.add(Source(name="GICHD", url="https://gichd.example/news", kind="html", created_at=utcnow(),
                           updated_at=utcnow()))
    response = client.get("/feeds/sources.opml")
    assert response.status_code == 200 and response.mimetype == "text/x-opml"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    root = etree.fromstring(response.data)
    outlines = {o.get("text"): o for o in root.iter("outline")}
    assert outlines["ICBL & CMC"].get("xmlUrl") == "https://icbl.example/feed"
    assert outlines["GICHD"].get("type") == "link" and outlines["GICHD"].get("url") == "https://gichd.example/news"
    again = client.get("/feeds/sources.opml", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_newsroom_pages_link_their_feeds_and_the_feeds_page_lists_them(client, runtime, users, meeting_id):
    publish_release(runtime, users, headline="Linked", language="en")
    for path in ("/news/", "/news/linked?lang=en", "/feeds/"):
        html = client.get(path).get_data(as_text=True)
        head = html.split("</head>")[0]
        alternates = re.findall(r'<link rel="alternate" type="([^"]+)"[^>]*href="([^"]+)"', head)
        assert ("application/atom+xml", "http://localhost/feeds/releases.atom") in alternates
        assert ("application/rss+xml", "http://localhost/feeds/releases.rss") in alternates
    assert ("application/atom+xml", "http://localhost/feeds/releases.atom?lang=en") in re.findall(
        r'<link rel="alternate" type="([^"]+)"[^>]*href="([^"]+)"', client.get("/news/linked?lang=en").get_data(
            as_text=True))
    page = client.get("/feeds/").get_data(as_text=True)
    assert "/feeds/releases.json?lang=fr" in page and f"/feeds/meetings/{meeting_id}.atom" in page
    assert "/feeds/sources.opml" in page and "topic=mine-clearance" in page and "prev-archive" in page


def test_approval_requests_never_leak_into_feeds(client, runtime, users):
    with runtime.db.transaction() as session:
        officer = session.get(auth.User, users["officer"].id)
        release = workflow.create_release(session, {"headline": "Approved but not published"}, officer)
        [(request, _token)] = workflow.submit(session, "test-secret-key", release,
                                              [session.get(auth.User, users["approver"].id)], officer)
        workflow.decide(session, release, request, "approved")
        assert session.scalar(select(approvals.ApprovalRequest.id)) is not None
    for fmt in FORMATS:
        assert b"Approved but not published" not in client.get(f"/feeds/releases.{fmt}").data
