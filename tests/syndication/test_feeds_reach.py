"""Reach without tracking: subscriber counts from feed readers' User-Agents, the latest per
reader, feed and day, no personal data, and the total on the staff dashboard as a chart."""

import datetime as dt

import pytest
from sqlalchemy import inspect, select

from feeds import reach
from feeds.reach import FeedReach, ReaderCount, parse_user_agent

FEEDLY = "Feedly/1.0 (+http://www.feedly.com/fetcher.html; {n} subscribers; feed-id=abc123)"


@pytest.mark.parametrize("agent, expected", [
    ("Feedly/1.0 (+http://www.feedly.com/fetcher.html; 123 subscribers; feed-id=1)", ("Feedly", 123)),
    ("Mozilla/5.0 (compatible; inoreader.com; 1 subscriber)", ("Inoreader", 1)),
    ("NewsBlur Feed Fetcher - 42 subscribers - https://www.newsblur.com/site/6/x (Mozilla/5.0)", ("NewsBlur", 42)),
    ("Feedbin feed-id:1373711 - 7 subscribers", ("Feedbin", 7)),
    ("Mozilla/5.0 (compatible; theoldreader.com; 3 subscribers; feed-id=5)", ("The Old Reader", 3)),
    ("Mozilla/5.0 (compatible; BazQux/2.4; +https://bazqux.com/fetcher; 1,204 subscribers)", ("BazQux", 1204)),
    ("Feedfetcher-Google; (+http://www.google.com/feedfetcher.html; 9 subscribers; feed-id=1)",
     ("Google Feedfetcher", 9)),
])
def test_known_readers_and_their_counts(agent, expected):
    assert parse_user_agent(agent) == ReaderCount(*expected)


@pytest.mark.parametrize("agent", [
    None, "", "Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0", "FeedlyBot/1.0 (http://feedly.com)",
    "Evil/1.0 (5 subscribers)", "Feedly/1.0 (0 subscribers)", "Feedly/1.0 (99999999999 subscribers)",
])
def test_no_count_or_unknown_reader_records_nothing(agent):
    assert parse_user_agent(agent) is None


def test_the_latest_count_per_reader_feed_and_day(client, runtime):
    for n in (120, 130):
        assert client.get("/feeds/releases.atom", headers={"User-Agent": FEEDLY.format(n=n)}).status_code == 200
    etag = client.get("/feeds/releases.atom").headers["ETag"]
    not_modified = client.get("/feeds/releases.atom", headers={"User-Agent": FEEDLY.format(n=131),
                                                               "If-None-Match": etag})
    assert not_modified.status_code == 304  # 304s count too: readers mostly get those
    client.get("/feeds/releases.rss", headers={"User-Agent": "Mozilla/5.0 (compatible; inoreader.com; 12 subscribers)"})
    client.get("/feeds/releases.rss", headers={"User-Agent": "Mozilla/5.0 Firefox/130.0"})
    with runtime.db.transaction() as session:
        rows = {(r.feed, r.reader): r.subscribers for r in session.scalars(select(FeedReach))}
        assert rows == {("/feeds/releases.atom", "Feedly"): 131, ("/feeds/releases.rss", "Inoreader"): 12}
        today = dt.datetime.now(dt.timezone.utc).date()
        assert reach.daily_totals(session, days=3)[-1] == (today, 143)
        reach.record(session, "/feeds/releases.atom", ReaderCount("Feedly", 100),
                     now=dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=1))
        assert [total for _day, total in reach.daily_totals(session, days=3)] == [0, 100, 143]
    columns = {column["name"] for column in inspect(runtime.db.engine).get_columns("feed_reach")}
    assert columns == {"id", "feed", "reader", "day", "subscribers", "updated_at"}  # no address, no person


def test_dashboard_shows_total_reach_as_a_chart(client, runtime, auth_actions):
    client.get("/feeds/releases.atom", headers={"User-Agent": FEEDLY.format(n=250)})
    client.get("/feeds/related.atom", headers={"User-Agent": "Feedbin feed-id:1 - 50 subscribers"})
    auth_actions.as_officer()
    html = client.get("/staff/").get_data(as_text=True)
    chart = html.split('class="card wide reach"')[1].split("</section>")[0]
    assert "<svg" in chart and "<script" not in chart and "style=" not in chart
    assert "<strong>300</strong> today" in chart and "Feedly 250" in chart and "Feedbin 50" in chart
    assert chart.count("<rect") == 30


def test_dashboard_without_reports(client, auth_actions):
    auth_actions.as_officer()
    assert "No feed reader has reported subscribers" in client.get("/staff/").get_data(as_text=True)
