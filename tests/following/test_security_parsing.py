"""docs/design/security.md "Parsing what others publish", items 8-10: hostile feeds and pages through a
whole poll against a real local HTTP server, and what staff then see; a hypothesis property
that the date a poll stores is unknown or plausible, never the poll's own clock."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from feeds.follow.poll import poll_source

from support.follow_server import SiteServers
from support.follow_support import add_source, items, listing_html, settings, write_site
from support.html_checks import assert_inert

POLL_TIME = dt.datetime(2026, 3, 10, 12, 34, 56, tzinfo=dt.timezone.utc)


@pytest.fixture
def site(tmp_path):
    """A writable site folder served on 127.0.0.1; yields (folder, base URL, servers)."""
    root = tmp_path / "root"
    folder = write_site(root, "site", {"robots.txt": "User-agent: *\nAllow: /\n"})
    with SiteServers(root, tmp_path / "log.jsonl") as servers:
        yield folder, servers.urls["site"], servers


def test_item_08_a_remote_dtd_and_parameter_entities_cause_no_outbound_request(database, site):
    """Item 8: "XXE (`SYSTEM "file:///etc/passwd"`), remote DTDs, billion laughs: no file read, no
    outbound request, bounded memory." A feed naming a DTD and an external parameter entity on the
    same server: neither is ever requested, and nothing from /etc/passwd is stored."""
    folder, base, servers = site
    (folder / "evil.dtd").write_text('<!ENTITY % all "<!ENTITY leak SYSTEM \'file:///etc/passwd\'>">', "utf-8")
    (folder / "feed.xml").write_text(
        f'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "{base}/evil.dtd" [<!ENTITY % remote SYSTEM "{base}/param.dtd">'
        '%remote;]><rss version="2.0"><channel><title>t</title><link>http://x/</link><description>d</description>'
        f'<item><title>Treaty news &leak;</title><link>{base}/news/1</link><guid>{base}/news/1</guid></item>'
        f'<item><title>Another treaty item</title><link>{base}/news/2</link><guid>{base}/news/2</guid></item>'
        '</channel></rss>', "utf-8")
    source_id = add_source(database, base + "/feed.xml", kind="feed")
    poll_source(database, source_id, settings=settings())
    paths = {r["path"] for r in servers.requests()}
    assert "/feed.xml" in paths and not paths & {"/evil.dtd", "/param.dtd"}
    assert all("root:" not in i.title + i.summary for i in items(database, source_id))


def test_item_09_hostile_titles_and_summaries_are_inert_on_the_staff_items_page(client, runtime, auth_actions,
                                                                                 site):
    """Item 9: "Titles and summaries from other sites are untrusted: sanitise (nh3) or escape before
    any page, feed or email shows them. feedparser does not sanitise text/plain." A text/plain
    Atom summary and an escaped-HTML RSS title, polled for real, then shown to staff."""
    folder, base, _servers = site
    (folder / "feed.xml").write_text(
        '<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>urn:x</id>'
        '<updated>2025-01-01T00:00:00Z</updated>'
        f'<entry><title type="html">&lt;img src=x onerror=alert(1)&gt;Landmine report</title>'
        f'<link href="{base}/news/1"/><id>urn:1</id><updated>2025-01-01T00:00:00Z</updated>'
        '<summary type="text">&lt;script&gt;alert(2)&lt;/script&gt;&lt;a href="javascript:alert(3)"&gt;x&lt;/a&gt;'
        '</summary></entry></feed>', "utf-8")
    source_id = add_source(runtime.db, base + "/feed.xml", kind="feed")
    assert poll_source(runtime.db, source_id, settings=settings()).new_items == 1
    auth_actions.as_viewer()
    page = client.get("/staff/items").get_data(as_text=True)
    assert "Landmine report" in page
    assert_inert(page, allow_scripts_from_self=True)


@pytest.mark.parametrize("shown", ["MEST", "12/06/13", "0200-01-01", "31 February 2016", "2999-01-01", "",
                                   # Hijri dates are recognised and refused, never read as Gregorian days.
                                   "٢٥ رمضان ١٤٤٥ هـ", "1446/04/19هـ", "15 Ramadan 1445 AH", "السبت ١٩ ربيع الآخر ١٤٤٦هـ"])
def test_item_10_unclear_dates_on_a_listing_are_stored_as_unknown(database, site, shown):
    """Item 10: "Dates: "2016/6/29 15:07", "MEST", two-digit years, none at all: stored as unknown,
    never a silent "now" or the year 200." Through a whole poll of a listing showing them."""
    folder, base, _servers = site
    page = listing_html([("Unclearly dated statement on stockpiles", "/news/1", "x"),
                         ("Clearly dated statement on clearance", "/news/2", "2025-02-03")]).replace(
        '<time datetime="x">x</time>', f"<time>{shown}</time>")
    (folder / "news").mkdir(exist_ok=True)
    (folder / "news" / "index.html").write_text(page, "utf-8")
    source_id = add_source(database, base + "/news/", kind="html")
    poll_source(database, source_id, settings=settings(), now=POLL_TIME)
    dates = {i.url.rsplit("/", 1)[-1]: i.published_at for i in items(database, source_id)}
    assert dates["1"] is None and dates["2"].date() == dt.date(2025, 2, 3)


DATE_TEXTS = st.one_of(
    st.builds(lambda y, m, d, sep: f"{y}{sep}{m}{sep}{d}", st.integers(0, 3000), st.integers(0, 13),
              st.integers(0, 32), st.sampled_from(["-", "/", ".", " "])),
    st.builds(lambda d, m, y, z: f"{d} {m} {y} {z}", st.integers(0, 40),
              st.sampled_from(["January", "juin", "Mär", "Dec", "13"]), st.integers(0, 3000),
              st.sampled_from(["", "10:00", "MEST", "+0200", "UTC"])),
    st.builds(lambda d, m, y, z: f"{d} {m} {y}{z}", st.integers(0, 40),
              st.sampled_from(["رمضان", "ربيع الآخر", "Shawwal", "أبريل", "апреля", "四月", "١٢"]),
              st.integers(0, 3000), st.sampled_from(["", " هـ", " AH", "م", " г.", "\u200f"])),
    st.text(alphabet="0123456789/-.: TZMESabc٠١٢٣٤٥年月日", max_size=25))


@hsettings(max_examples=30, deadline=None, derandomize=True,
           suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(shown=DATE_TEXTS)
def test_item_10_a_polled_date_is_unknown_or_plausible_and_never_the_poll_time(database, site, shown):
    """Item 10: "... stored as unknown, never a silent "now" or the year 200." Property over the
    follower end: whatever a listing shows as its date, the stored published_at is None or between
    1990 and the day after the poll, and never the poll's own clock."""
    folder, base, _servers = site
    slug = abs(hash(shown)) % 10**9
    page = listing_html([("Statement on article five deadlines", f"/n{slug}/1", "x"),
                         ("Clearly dated statement on clearance", f"/n{slug}/2", "2025-02-03")]).replace(
        '<time datetime="x">x</time>', f"<time>{shown}</time>")
    (folder / f"n{slug}").mkdir(exist_ok=True)
    (folder / f"n{slug}" / "index.html").write_text(page, "utf-8")
    source_id = add_source(database, f"{base}/n{slug}/", kind="html")
    poll_source(database, source_id, settings=settings(), now=POLL_TIME)
    stored = items(database, source_id)
    assert len(stored) == 2
    for item in stored:
        if item.published_at is not None:
            assert item.published_at.tzinfo is not None
            assert dt.datetime(1990, 1, 1, tzinfo=dt.timezone.utc) <= item.published_at
            assert item.published_at <= POLL_TIME + dt.timedelta(days=1)
            assert item.published_at != POLL_TIME
