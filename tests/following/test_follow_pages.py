"""The follower's staff pages: sources with health and the weekly chart, adding, editing,
pausing and deleting (CSRF, roles), "Poll now" and "Try a URL" against a real HTTP server,
the items page (filters, and hostile titles, summaries and javascript: links from other
sites: docs/design/security.md items 4, 9), and pick-up on a release's staff page."""

import datetime as dt
import re

import pytest
from sqlalchemy import func, select

from comms.accounts import users as auth
from comms.following import alerts as follow_alerts
from comms.app import create_app
from comms.config import load_config
from comms.following.pickup import ReleasePickup
from feeds.follow.models import Item, Source
from storage.db import utcnow

from support.app import PASSWORD, base_environ
from support.follow_samples import RSS, add_item, add_published_release, add_source, new_items_result, site
from support.web import AuthActions, csrf_from

HOSTILE_TITLE = '<script>alert("title")</script><img src=x onerror=alert(1)>Mines'
HOSTILE_SUMMARY = '<p>Read <a href="javascript:alert(2)">this</a><script>alert(3)</script> about mines</p>'


def page(response) -> str:
    return response.get_data(as_text=True)


def no_inline_code(html: str) -> None:
    """The CSP forbids inline scripts and styles; the page must not need them."""
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert not re.search(r"\sstyle=", html) and "<style" not in html


def test_sources_page_shows_health_counts_and_a_weekly_chart(client, auth_actions, runtime):
    now = utcnow()
    healthy = add_source(runtime, name="GICHD", url="https://gichd.example/news",
                         last_polled_at=now - dt.timedelta(minutes=5))
    add_source(runtime, name="Landmine Monitor", url="https://monitor.example/news", status="broken",
               last_error="fetched, but no items found: the site may have changed")
    # Items sit between this week's Monday and now, so a run just after midnight on a
    # Monday does not push one into the week before (the chart counts calendar weeks).
    monday = dt.datetime.combine(now.date() - dt.timedelta(days=now.weekday()), dt.time(), tzinfo=dt.timezone.utc)
    anchor = monday + (now - monday) / 2
    for week in range(3):
        for n in range(week + 1):
            add_item(runtime, healthy, f"News {week}-{n}",
                     published_at=anchor - dt.timedelta(weeks=week, microseconds=n))
    auth_actions.as_viewer()
    html = page(client.get("/staff/sources"))
    assert "GICHD" in html and "Landmine Monitor" in html
    assert 'class="tag source-status source-broken"' in html and "the site may have changed" in html
    row = html[html.index(f'id="source-{healthy}"'):]
    assert "<td>6</td>" in row[:row.index("</tr>")]
    chart = html[html.index('<svg class="week-chart"'):html.index("</svg>", html.index('<svg class="week-chart"'))]
    assert len(re.findall(r'<rect class="week-bar"', chart)) == 3
    assert html.count('<svg class="sparkline"') == 2
    no_inline_code(html)
    assert "Add a source" not in html  # viewers read only


def test_officer_adds_edits_pauses_and_deletes_a_source(client, auth_actions, runtime):
    auth_actions.as_officer()
    token = csrf_from(page(client.get("/staff/sources/new")))
    refused = client.post("/staff/sources", data={"name": "Evil", "url": "javascript:alert(1)", "csrf_token": token})
    assert refused.status_code == 400 and "only http:// and https://" in page(refused)
    created = client.post("/staff/sources", data={"name": "UNODA", "url": "https://unoda.example/updates/",
                                                  "kind": "auto", "language": "en", "interval_minutes": "90",
                                                  "csrf_token": token})
    assert created.status_code == 303
    source_id = int(created.headers["Location"].rstrip("/").split("/")[-1])
    html = page(client.get(f"/staff/sources/{source_id}"))
    assert "UNODA" in html and "90 minutes" in html
    no_inline_code(html)
    client.post(f"/staff/sources/{source_id}", data={"name": "UNODA updates", "url": "https://unoda.example/updates/",
                                                     "kind": "html", "language": "fr", "interval_minutes": "30",
                                                     "selector_item": "article", "selector_title": "h2 a",
                                                     "csrf_token": token})
    bad = client.post(f"/staff/sources/{source_id}", data={"name": "X", "url": "https://unoda.example/",
                                                           "kind": "html", "language": "fr", "interval_minutes": "30",
                                                           "selector_item": "div[", "csrf_token": token})
    assert bad.status_code == 400 and "not valid CSS" in page(bad)
    client.post(f"/staff/sources/{source_id}/pause", data={"paused": "yes", "csrf_token": token})
    with runtime.db.transaction() as session:
        source = session.get(Source, source_id)
        assert (source.name, source.kind, source.language, source.interval_minutes, source.paused) == \
            ("UNODA updates", "html", "fr", 30, True)
        assert source.selectors == {"item": "article", "title": "h2 a"}
    assert "paused" in page(client.get("/staff/sources"))
    assert client.post(f"/staff/sources/{source_id}/delete", data={}).status_code == 400  # no CSRF token
    assert client.post(f"/staff/sources/{source_id}/delete", data={"csrf_token": token}).status_code == 303
    with runtime.db.transaction() as session:
        assert session.get(Source, source_id) is None


def test_viewers_cannot_change_sources(client, auth_actions, runtime):
    source_id = add_source(runtime)
    auth_actions.as_viewer()
    html = page(client.get(f"/staff/sources/{source_id}"))
    assert "Poll now" not in html and "Delete source" not in html
    token = csrf_from(html)
    for path in ("/staff/sources", f"/staff/sources/{source_id}", f"/staff/sources/{source_id}/pause",
                 f"/staff/sources/{source_id}/delete", f"/staff/sources/{source_id}/poll", "/staff/sources/try"):
        assert client.post(path, data={"csrf_token": token, "name": "x", "url": "https://x.example/"}).status_code == 403
    assert client.get("/staff/sources/try").status_code == 403


def test_hostile_titles_summaries_and_links_are_shown_as_text(client, auth_actions, runtime):
    source_id = add_source(runtime, name="Hostile <b>site</b>")
    add_item(runtime, source_id, HOSTILE_TITLE, url="javascript:alert(document.cookie)", summary=HOSTILE_SUMMARY)
    add_item(runtime, source_id, "A normal item", url="https://partner.example/news/normal")
    auth_actions.as_viewer()
    for path in ("/staff/items", f"/staff/sources/{source_id}"):
        html = page(client.get(path))
        assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;" in html
        assert "<script>alert" not in html and "<img src=x" not in html and "onerror=alert(1)>" not in html
        assert 'href="javascript:' not in html and "alert(2)" not in html
        assert "Read this about mines" in html
        assert "(link not shown: not an http or https address)" in html
        assert 'href="https://partner.example/news/normal"' in html
        no_inline_code(html)
    # Query parameters come back escaped (docs/design/security.md item 14).
    echoed = page(client.get('/staff/items?q="><script>alert(9)</script>&since="><b>'))
    assert "<script>alert(9)" not in echoed and "&#34;&gt;&lt;script&gt;alert(9)&lt;/script&gt;" in echoed


def test_items_page_filters_by_source_language_flag_date_and_words(client, auth_actions, runtime):
    from comms.following.watchlists import create_rule
    from storage.audit import Actor

    first = add_source(runtime, name="Alpha", url="https://alpha.example/")
    second = add_source(runtime, name="Beta", url="https://beta.example/")
    day = dt.datetime(2026, 3, 10, 12, tzinfo=dt.timezone.utc)
    add_item(runtime, first, "Ottawa Convention meeting", published_at=day)
    add_item(runtime, first, "Rapport annuel", language="fr", published_at=day - dt.timedelta(days=30))
    add_item(runtime, second, "Mine action budget", published_at=day - dt.timedelta(days=3))
    with runtime.db.transaction() as session:
        create_rule(session, "Treaty", ["Ottawa Convention"], Actor())
    auth_actions.as_viewer()

    def titles(query: str) -> list[str]:
        html = page(client.get(f"/staff/items?{query}"))
        return re.findall(r'class="item-link">([^<]+)<', html) + re.findall(r'class="item-title">([^<]+)<', html)

    assert titles("") == ["Ottawa Convention meeting", "Mine action budget", "Rapport annuel"]
    assert titles(f"source={second}") == ["Mine action budget"]
    assert titles("language=fr") == ["Rapport annuel"]
    assert titles("flagged=1") == ["Ottawa Convention meeting"]
    assert titles("since=2026-03-01&until=2026-03-07") == ["Mine action budget"]
    assert titles("q=budget") == ["Mine action budget"]
    assert titles("since=not-a-date&source=abc&until=9999-12-31") == ["Ottawa Convention meeting", "Mine action budget",
                                                    "Rapport annuel"]
    assert "Treaty: Ottawa Convention" in page(client.get("/staff/items?flagged=1"))


def test_pickup_by_url_or_headline_is_shown_on_the_release_page(config, client, auth_actions, runtime):
    release_id = add_published_release(runtime, "States Parties agree on victim assistance plan",
                                       slug="states-parties-agree-on-victim-assistance-plan")
    other = add_published_release(runtime, "Unrelated release about budgets", slug="unrelated-release-about-budgets")
    source_id = add_source(runtime, name="Landmine Monitor")
    by_url = add_item(runtime, source_id, "Monitor cites the ISU",
                      summary='<p>See <a href="http://localhost/news/states-parties-agree-on-victim-assistance-plan'
                              '?lang=en">the release</a></p>')
    by_headline = add_item(runtime, source_id, "“States Parties agree on victim-assistance plan,” says ISU",
                           url="javascript:alert(1)")
    near_miss = add_item(runtime, source_id, "Elsewhere", url="https://x.example/news/states-parties-agree-on-"
                                                              "victim-assistance-plan-2")
    follow_alerts.after_poll(runtime, new_items_result(source_id, [by_url, by_headline, near_miss]))
    with runtime.db.transaction() as session:
        found = {(p.release_id, p.item_id, p.matched_by) for p in session.scalars(select(ReleasePickup))}
    assert found == {(release_id, by_url, "url"), (release_id, by_headline, "headline")}
    follow_alerts.after_poll(runtime, new_items_result(source_id, [by_url]))  # stored once
    with runtime.db.transaction() as session:
        assert session.scalar(select(func.count(ReleasePickup.id))) == 2

    auth_actions.as_viewer()
    html = page(client.get(f"/staff/releases/{release_id}"))
    section = html[html.index('id="pickup"'):]
    section = section[:section.index("</section>")]
    assert "Monitor cites the ISU" in section and "links to it" in section
    assert "“States Parties agree on victim-assistance plan,” says ISU" in section and "quotes its headline" in section
    assert 'href="javascript:' not in section
    assert "No followed source has mentioned" in page(client.get(f"/staff/releases/{other}"))


@pytest.fixture
def local(db_url, instance_path):
    """An app whose follower may reach 127.0.0.0/8, signed in as an officer."""
    config = load_config(base_environ(db_url, instance_path, PRESSROOM_FOLLOW_ALLOWED_NETWORKS="127.0.0.0/8"),
                         testing=True)
    application = create_app(config)
    runtime = application.extensions["pressroom"]
    with runtime.db.transaction() as session:
        officer = auth.create_user(session, "officer@example.org", "officer", password=PASSWORD)
    client = application.test_client()
    AuthActions(client, {"officer": officer}).as_officer()
    yield client, runtime
    runtime.close()


LISTING = """<!doctype html><html><head><title>Partner</title>
<link rel="alternate" type="application/rss+xml" title="News" href="/feed.xml"></head>
<body><h1>News</h1></body></html>"""


def test_try_a_url_discovers_the_feed_and_stores_nothing(local):
    client, runtime = local
    with site({"/news/": ("text/html; charset=utf-8", LISTING), "/feed.xml": ("application/rss+xml", RSS)}) as base:
        token = csrf_from(page(client.get("/staff/sources/try")))
        tried = client.post("/staff/sources/try", data={"url": f"{base}/news/", "kind": "auto", "csrf_token": token})
        html = page(tried)
    assert tried.status_code == 200
    assert f"a feed: <span class=\"source-url\">{base}/feed.xml</span> (discovered from the page)" in html
    assert "States agree on Article 5 extension requests" in html and "2026-03-03" in html
    assert 'name="url" value="' + f"{base}/news/" in html  # the "Add this source" form
    with runtime.db.transaction() as session:
        assert session.scalar(select(func.count(Source.id))) == 0
        assert session.scalar(select(func.count(Item.id))) == 0
    refused = client.post("/staff/sources/try", data={"url": "http://169.254.169.254/latest/", "csrf_token": token})
    assert "Follow it" not in page(refused) and "try-error" in page(refused)
    bad = client.post("/staff/sources/try", data={"url": "javascript:alert(1)", "csrf_token": token})
    assert bad.status_code == 400


RICH_TEXT_LISTING = """<!doctype html><html><head><title>Press releases</title></head><body><main>
<div class="entry-content">
<p>Releases are published in three languages. Older ones are in the
<a href="/press/archive/">&lt;img src=x onerror=alert(1)&gt; press release archive</a>.</p>
""" + "".join(f"""<p><strong><a href="/press/2024/release-{n}/">Release number {n} on mine clearance progress</a></strong>
<br>Geneva, {n} March 2024 &#8211; Delegations met to review progress. <a href="/fr/press/2024/release-{n}/">Français</a></p>
""" for n in range(1, 6)) + """<p><strong><a href="/media/accreditation/">Media accreditation for the Meeting of the States Parties</a>
</strong><br>Journalists must request accreditation from the Information Service by 15 November 2024.</p>
</div></main></body></html>"""


def test_try_a_url_shows_why_each_block_was_kept_or_dropped(local):
    client, _ = local
    with site({"/press/": ("text/html; charset=utf-8", RICH_TEXT_LISTING)}) as base:
        token = csrf_from(page(client.get("/staff/sources/try")))
        html = page(client.post("/staff/sources/try", data={"url": f"{base}/press/", "kind": "html",
                                                            "csrf_token": token}))
    table = html[html.index('<table class="try-blocks-table">'):html.index("</table>", html.index("try-blocks-table"))]
    rows = re.findall(r'<tr class="block-(kept|dropped)"><td>(.*?)<br>.*?<td>(?:Kept|Dropped)</td><td>(.*?)</td>',
                      table, re.S)
    verdicts = {title: (verdict, why) for verdict, title, why in rows}
    assert [verdicts[f"Release number {n} on mine clearance progress"][0] for n in range(1, 6)] == ["kept"] * 5
    intro = verdicts["&lt;img src=x onerror=alert(1)&gt; press release archive"]  # escaped, never markup
    closing = verdicts["Media accreditation for the Meeting of the States Parties"]
    assert intro[0] == closing[0] == "dropped"
    assert "lacks" in intro[1] and "dated" in intro[1] and "which the other blocks share" in intro[1]
    assert "same kind of page" in closing[1] and "date by the title" in closing[1]
    assert "has title first, title stands out, dated" in verdicts["Release number 1 on mine clearance progress"][1]
    assert "<img src=x" not in html
    assert html.count('class="try-items"') == 1 and html.count("Release number") >= 10  # items table and blocks


def test_poll_now_button_reads_the_site(local):
    client, runtime = local
    with site({"/feed.xml": ("application/rss+xml", RSS)}) as base:
        token = csrf_from(page(client.get("/staff/sources/new")))
        created = client.post("/staff/sources", data={"name": "Local", "url": f"{base}/feed.xml", "kind": "feed",
                                                      "language": "en", "interval_minutes": "60", "csrf_token": token})
        source_path = created.headers["Location"]
        polled = client.post(f"{source_path}/poll", data={"csrf_token": token}, follow_redirects=True)
    assert "Polled: 2 new" in page(polled)
    assert "La Convention d’Ottawa a 25 ans" in page(polled)
