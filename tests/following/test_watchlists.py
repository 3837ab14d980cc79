"""Watchlists: phrase matching in English, French and Spanish (case, accents, hyphens, plurals,
word boundaries), flags stored once, immediate alerts and the daily digest through a real
SMTP server (once per person per day, even with two workers), the broken-source email to
admins, and the watchlists page (rules, subscriptions, roles, CSRF)."""

import datetime as dt
import email
import email.policy
import threading

import pytest
from sqlalchemy import func, select

from comms.accounts import users as auth
from comms.following import alerts as follow_alerts
from comms.following import watch_alerts
from comms.following import watchlists
from comms.app import create_app
from comms.platform.mail import MailError
from comms.following.watch_match import find
from comms.following.watchlists import WatchMatch, WatchRule, WatchSubscription
from storage.audit import Actor

from support.follow_samples import add_item, add_source, new_items_result
from support.web import csrf_from

SYSTEM = Actor(label="test")


def parsed(received):
    """A received message with decoded headers, its text part and its HTML part."""
    message = email.message_from_bytes(received.data, policy=email.policy.default)
    return message, message.get_body(("plain",)).get_content(), message.get_body(("html",)).get_content()


@pytest.mark.parametrize("text, phrase, matched", [
    ("Ratification of the OTTAWA CONVENTION", "Ottawa Convention", "OTTAWA CONVENTION"),
    ("Antipersonnel mines were destroyed", "anti-personnel mine", "Antipersonnel mines"),
    ("Anti personnel mine clearance", "anti-personnel mine", "Anti personnel mine"),
    ("La destruction des mines antipersonnel avance", "mines antipersonnel", "mines antipersonnel"),
    ("Une mine antipersonnel trouvée", "mines antipersonnel", "mine antipersonnel"),
    ("Les États parties à la Convention d’Ottawa", "Convention d'Ottawa", "Convention d’Ottawa"),
    ("Las minas antipersonales siguen matando", "minas antipersonal", "minas antipersonales"),
    ("La CONVENCIÓN DE OTTAWA cumple 25 años", "Convención de Ottawa", "CONVENCIÓN DE OTTAWA"),
    ("Sin acentos: la convencion de ottawa", "Convención de Ottawa", "convencion de ottawa"),
    ("Deux demandes de prolongation au titre de l'article 5", "demande de prolongation", "demandes de prolongation"),
    ("Two Article 5 extensions were granted", "Article 5 extension", "Article 5 extensions"),
])
def test_phrases_match_across_languages_case_accents_and_plurals(text, phrase, matched):
    hit = find(text, [phrase])
    assert hit is not None and hit.text == matched


@pytest.mark.parametrize("text, phrase", [
    ("Article 50 extension of the treaty", "Article 5 extension"),
    ("The Ottawa Conventional arms fair", "Ottawa Convention"),
    ("minefield mapping", "mine"),
    ("Nothing about it here", "anti-personnel mine"),
])
def test_phrases_respect_word_boundaries(text, phrase):
    assert find(text, [phrase]) is None


def test_items_are_flagged_once_with_the_text_that_matched(runtime):
    source = add_source(runtime)
    with runtime.db.transaction() as session:
        rule = watchlists.create_rule(session, "Landmines", ["anti-personnel mine", "minas antipersonal"], SYSTEM)
        rule_id = rule.id
    flagged = add_item(runtime, source, "Colombia", summary="<p>Las <b>minas antipersonales</b> siguen</p>")
    plain = add_item(runtime, source, "Budget news", summary="<p>Nothing relevant</p>")
    created = watchlists.match_items(runtime.db, [flagged, plain])
    assert len(created) == 1
    assert watchlists.match_items(runtime.db, [flagged, plain]) == []  # a second pass adds nothing
    with runtime.db.transaction() as session:
        match = session.scalars(select(WatchMatch)).one()
        assert (match.item_id, match.rule_id, match.matched_text) == (flagged, rule_id, "minas antipersonales")


def test_a_new_rule_flags_recent_items_and_inactive_rules_flag_nothing(runtime):
    source = add_source(runtime)
    item = add_item(runtime, source, "Ottawa Convention turns 25")
    with runtime.db.transaction() as session:
        watchlists.create_rule(session, "Inactive", ["Ottawa Convention"], SYSTEM, active=False)
        assert session.scalar(select(func.count(WatchMatch.id))) == 0
        watchlists.create_rule(session, "Treaty", ["Ottawa Convention"], SYSTEM)
        assert session.scalar(select(WatchMatch.item_id)) == item


def test_rules_are_validated(runtime):
    with runtime.db.transaction() as session:
        watchlists.create_rule(session, "Treaty", ["Ottawa Convention"], SYSTEM)
        with pytest.raises(watchlists.WatchlistError) as refused:
            watchlists.create_rule(session, "Treaty", ["  ", "!!"], SYSTEM)
        assert set(refused.value.fields) == {"name", "phrases"}


@pytest.fixture
def mail_app(config, smtp):
    application = create_app(config.with_overrides(smtp_url=smtp.url, base_url="https://press.example.org"))
    yield application
    application.extensions["pressroom"].close()


@pytest.fixture
def mail_runtime(mail_app):
    return mail_app.extensions["pressroom"]


def _people(runtime, **frequencies) -> dict[str, int]:
    """Staff users by name, each with a watchlist frequency."""
    ids = {}
    with runtime.db.transaction() as session:
        for name, frequency in frequencies.items():
            user = auth.create_user(session, f"{name}@example.org", "officer", name=name.title())
            watchlists.set_subscription(session, user, frequency)
            ids[name] = user.id
        auth.create_user(session, "admin@example.org", "admin", name="Admin")
    return ids


def test_immediate_alert_reaches_subscribers_by_smtp(mail_runtime, smtp):
    _people(mail_runtime, alice="immediately", bob="daily", carol="off")
    source = add_source(mail_runtime, name="ICBL-CMC")
    with mail_runtime.db.transaction() as session:
        watchlists.create_rule(session, "Treaty", ["Ottawa Convention", "Convention d'Ottawa"], SYSTEM)
    item = add_item(mail_runtime, source, "La Convention d’Ottawa <fête> ses 25 ans",
                    url="https://icblcmc.example/fr/news/25")
    follow_alerts.after_poll(mail_runtime, new_items_result(source, [item]))
    mail_runtime.queue.join()
    assert [m.rcpt_tos for m in smtp.received] == [["alice@example.org"]]
    message, text, html = parsed(smtp.received[0])
    assert "Convention d’Ottawa" in message["Subject"]
    # Markup in a title stays visible text in both parts: escaped in the HTML part, as typed in the text
    # part, which is plain text, not HTML (docs/design/security.md item 12).
    assert "La Convention d’Ottawa <fête> ses 25 ans" in text and "&lt;" not in text and "ICBL-CMC" in text
    assert "&lt;fête&gt;" in html and "<fête>" not in html
    assert "https://press.example.org/staff/items?flagged=1" in text
    # The same item again (a second poll) alerts nobody.
    follow_alerts.after_poll(mail_runtime, new_items_result(source, [item]))
    mail_runtime.queue.join()
    assert len(smtp.received) == 1


def test_daily_digest_is_sent_once_per_person_per_day_even_with_two_workers(mail_runtime, smtp):
    people = _people(mail_runtime, bob="daily", dora="daily", alice="immediately")
    source = add_source(mail_runtime)
    with mail_runtime.db.transaction() as session:
        watchlists.create_rule(session, "Mines", ["mines antipersonnel", "anti-personnel mine"], SYSTEM)
    first = add_item(mail_runtime, source, "Mines antipersonnel : un rapport")
    watchlists.match_items(mail_runtime.db, [first])
    morning = dt.datetime.now(dt.timezone.utc).replace(hour=7, minute=0) + dt.timedelta(days=1)

    threads = [threading.Thread(target=watch_alerts.daily_digest, args=(mail_runtime, morning)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(m.rcpt_tos[0] for m in smtp.received) == ["bob@example.org", "dora@example.org"]
    assert "Mines antipersonnel : un rapport" in parsed(smtp.received[0])[1]
    # Later the same day: nothing more, even with new matches.
    second = add_item(mail_runtime, source, "Anti-personnel mine survey")
    watchlists.match_items(mail_runtime.db, [second])
    with mail_runtime.db.transaction() as session:  # flagged an hour after the first digest
        session.scalars(select(WatchMatch).where(WatchMatch.item_id == second)).one().created_at = \
            morning + dt.timedelta(hours=1)
    assert watch_alerts.daily_digest(mail_runtime, morning + dt.timedelta(hours=5)) == 0
    # The next day's digest holds only what was flagged since the last one.
    assert watch_alerts.daily_digest(mail_runtime, morning + dt.timedelta(days=1)) == 2
    latest = parsed(smtp.received[-1])[1]
    assert "Anti-personnel mine survey" in latest and "un rapport" not in latest
    with mail_runtime.db.transaction() as session:
        assert session.get(WatchSubscription, people["bob"]).digest_day == (morning + dt.timedelta(days=1)).date()


def test_digest_waits_for_the_morning_and_a_failed_send_is_retried(config, runtime):
    people = _people(runtime, bob="daily")
    source = add_source(runtime)
    with runtime.db.transaction() as session:
        watchlists.create_rule(session, "Treaty", ["Ottawa Convention"], SYSTEM)
    watchlists.match_items(runtime.db, [add_item(runtime, source, "Ottawa Convention news")])
    night = dt.datetime.now(dt.timezone.utc).replace(hour=3) + dt.timedelta(days=1)
    assert watch_alerts.daily_digest(runtime, night) == 0
    broken = create_app(config.with_overrides(smtp_url="smtp://127.0.0.1:1"))
    try:
        with pytest.raises(MailError):
            watch_alerts.send_digest(broken.extensions["pressroom"], people["bob"], night.replace(hour=8))
    finally:
        broken.extensions["pressroom"].close()
    with runtime.db.transaction() as session:
        assert session.get(WatchSubscription, people["bob"]).digest_day is None  # claim released
    assert watch_alerts.daily_digest(runtime, night.replace(hour=8)) == 1  # written to the outbox


def test_a_source_turning_broken_emails_every_admin_once(mail_runtime, smtp):
    with mail_runtime.db.transaction() as session:
        auth.create_user(session, "admin1@example.org", "admin", name="First Admin")
        auth.create_user(session, "admin2@example.org", "admin", name="Second Admin")
        auth.create_user(session, "officer@example.org", "officer", name="Officer")
        gone = auth.create_user(session, "old@example.org", "admin", name="Old Admin")
        gone.active = False
    source = add_source(mail_runtime, name="GICHD <news>", url="https://gichd.example/news")
    error = "the page was read but no items were found (the site may have changed)"
    follow_alerts.after_poll(mail_runtime, new_items_result(source, [], status="broken", previous="ok", error=error))
    mail_runtime.queue.join()
    assert sorted(m.rcpt_tos[0] for m in smtp.received) == ["admin1@example.org", "admin2@example.org"]
    message, text, html = parsed(smtp.received[0])
    assert message["Subject"] == "Followed source broken: GICHD <news>"
    assert error in text and f"https://press.example.org/staff/sources/{source}" in text
    assert "&lt;news&gt;" in html and "<news>" not in html
    # Still broken at the next poll: no second email.
    follow_alerts.after_poll(mail_runtime, new_items_result(source, [], status="broken", previous="broken"))
    mail_runtime.queue.join()
    assert len(smtp.received) == 2


# --- the page ----------------------------------------------------------------------------------------------------

def test_officer_manages_rules_and_everyone_chooses_alerts(client, auth_actions, runtime, users):
    auth_actions.as_officer()
    page = client.get("/staff/watchlists").get_data(as_text=True)
    token = csrf_from(page)
    created = client.post("/staff/watchlists/rules", data={"name": "Treaty", "phrases": "Ottawa Convention\nConvención de Ottawa",
                                                            "csrf_token": token})
    assert created.status_code == 303
    refused = client.post("/staff/watchlists/rules", data={"name": "", "phrases": "", "csrf_token": token})
    assert refused.status_code == 400 and "give at least one phrase" in refused.get_data(as_text=True)
    with runtime.db.transaction() as session:
        rule = session.scalars(select(WatchRule)).one()
        assert rule.phrases == ["Ottawa Convention", "Convención de Ottawa"]
        rule_id = rule.id
    client.post(f"/staff/watchlists/rules/{rule_id}", data={"name": "Treaty", "phrases": "Mine Ban Treaty",
                                                           "active": "yes", "csrf_token": token})
    client.post("/staff/watchlists/defaults", data={"csrf_token": token})
    with runtime.db.transaction() as session:
        assert session.get(WatchRule, rule_id).phrases == ["Mine Ban Treaty"]
        assert session.scalar(select(func.count(WatchRule.id))) == 1 + len(watchlists.DEFAULT_RULES)
    auth_actions.logout()

    auth_actions.as_viewer()
    page = client.get("/staff/watchlists").get_data(as_text=True)
    assert "New rule" not in page
    token = csrf_from(page)
    assert client.post("/staff/watchlists/rules", data={"name": "X", "phrases": "y", "csrf_token": token}).status_code == 403
    assert client.post("/staff/watchlists/subscription", data={"frequency": "daily", "csrf_token": token}).status_code == 303
    assert client.post("/staff/watchlists/subscription", data={"frequency": "hourly", "csrf_token": token}).status_code == 400
    assert client.post("/staff/watchlists/subscription", data={"frequency": "off"}).status_code == 400  # no CSRF token
    with runtime.db.transaction() as session:
        assert watchlists.subscription_for(session, users["viewer"].id) == "daily"
