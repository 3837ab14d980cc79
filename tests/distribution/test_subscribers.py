"""Journalists who subscribe receive releases (issue 15 §1, docs/design/contract.md "Subscribers"):
matching by language and topics, their own language when that translation is public,
once per release and its translations, only confirmed and active self-subscribers, the
worker's alert when a release goes public (never before its embargo lifts), the API
fields, the send form's counts and the footer that says why someone gets the email.
Everything runs against the real database and a real SMTP server (aiosmtpd)."""

import datetime as dt
from collections import defaultdict
from email.header import decode_header, make_header
from html import unescape

import pytest
from sqlalchemy import select, update

from comms.accounts import users as auth
from comms.releases import workflow
from comms.distribution.service import Delivery, Send, SendError, create_send, run_send
from comms.releases.service import Release, get_release
from comms.distribution.subscriber_jobs import notify_due
from comms.distribution.subscribers import chosen_version, matching_subscriber_ids
from contacts import lists, service, subscriptions, suppression
from storage.audit import Actor
from storage.db import utcnow
from support.web import bearer, csrf_from

SECRET = "test-secret-key"
STAFF = Actor(label="officer@example.org")
IP = "203.0.113.9"


@pytest.fixture
def config(config, smtp):
    """Mail goes to the real SMTP server."""
    return config.with_overrides(smtp_url=smtp.url, mail_from="press@isu.example.org")


def subscribe(runtime, name, email, languages, topics=(), *, confirm=True):
    """A journalist who asked at /subscribe (and, by default, confirmed the link)."""
    with runtime.db.transaction() as session:
        request, _token = subscriptions.request_subscription(
            session, {"name": name, "email": email, "languages": list(languages), "topics": list(topics)}, IP)
        if confirm:
            subscriptions.confirm(session, request, IP)
        return request.contact_id


def release(runtime, users, *, headline, language="en", topics=("universalization",), translation_of=None,
            embargo=None, publish=True, notify=True):
    """An approved release (published unless told otherwise) by the officer."""
    with runtime.db.transaction() as session:
        officer = session.get(auth.User, users["officer"].id)
        approver = session.get(auth.User, users["approver"].id)
        made = workflow.create_release(session, {
            "headline": headline, "language": language, "dateline": "GENEVA", "body_markdown": "Body.",
            "topics": list(topics), "translation_of": translation_of, "embargo_until": embargo,
            "notify_subscribers": notify}, officer)
        [(request, _token)] = workflow.submit(session, SECRET, made, [approver], officer)
        workflow.decide(session, made, request, "approved", via="staff", actor=approver)
        if publish:
            workflow.publish(session, made, officer)
        return made.id


def alert(runtime) -> int:
    """One pass of the worker's subscriber finder, and the sends it queued, run to the end."""
    queued = notify_due(runtime)
    runtime.queue.join()
    return queued


def inbox(smtp) -> dict[str, list[str]]:
    """Subjects received, by address."""
    got = defaultdict(list)
    for item in smtp.received:
        for rcpt in item.rcpt_tos:
            got[rcpt].append(str(make_header(decode_header(item.message["Subject"]))))
    return dict(got)


def text_of(smtp, address) -> str:
    message = next(item.message for item in smtp.received if address in item.rcpt_tos)
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode()


# --- matching ------------------------------------------------------------------------------------------------------

def test_chosen_version_follows_the_order_of_languages():
    original = Release(id=1, language="en", translation_of_id=None)
    spanish = Release(id=2, language="es", translation_of_id=1)
    assert chosen_version(["es", "en"], [original, spanish]) is spanish
    assert chosen_version(["fr", "en"], [original, spanish]) is original
    assert chosen_version(["fr"], [original, spanish]) is None
    assert chosen_version([], [original, spanish]) is original


def test_languages_topics_and_translations_pick_whom_each_version_reaches(runtime, users, smtp):
    spanish_reader = subscribe(runtime, "Marta Ruiz", "marta@elmundo.example", ["es"], ["universalization"])
    english_reader = subscribe(runtime, "Ann Lee", "ann@wire.example", ["en"])  # no topic: every topic
    french_then_english = subscribe(runtime, "Luc Roy", "luc@lemonde.example", ["fr", "en"], ["universalization"])
    french_only = subscribe(runtime, "Zoé Bal", "zoe@liberation.example", ["fr"])
    other_topic = subscribe(runtime, "Pia Sol", "pia@elpais.example", ["es"], ["mine-clearance"])
    original = release(runtime, users, headline="Universalization advances")
    spanish = release(runtime, users, headline="Avanza la universalización", language="es", translation_of=original)
    with runtime.db.transaction() as session:
        assert matching_subscriber_ids(session, get_release(session, original)) == {english_reader,
                                                                                    french_then_english}
        assert matching_subscriber_ids(session, get_release(session, spanish)) == {spanish_reader}
    assert french_only and other_topic  # matched by neither version

    assert alert(runtime) == 2
    assert inbox(smtp) == {"marta@elmundo.example": ["Avanza la universalización"],
                           "ann@wire.example": ["Universalization advances"],
                           "luc@lemonde.example": ["Universalization advances"]}
    assert alert(runtime) == 0  # once: each release is alerted once
    assert len(smtp.received) == 3


def test_once_per_release_and_its_translations_whatever_is_sent_later(runtime, users, smtp):
    reader = subscribe(runtime, "Marta Ruiz", "marta@elmundo.example", ["es", "en"])
    original = release(runtime, users, headline="Universalization advances")
    assert alert(runtime) == 1  # the Spanish version is not public yet: she gets the English one
    spanish = release(runtime, users, headline="Avanza la universalización", language="es", translation_of=original)
    assert alert(runtime) == 0
    with runtime.db.transaction() as session:
        # An officer sending either version to the subscribers by hand reaches nobody new: she now
        # reads the Spanish one, which she is not given as she had the English one.
        for release_id, skipped in ((original, 0), (spanish, 1)):
            send = create_send(session, get_release(session, release_id), list_ids=[], subscribers=True,
                               actor=STAFF, mail_from="press@isu.example.org")
            assert (send.total, send.skipped_already) == (0, skipped)
        assert session.scalars(select(Delivery.contact_id)).all() == [reader]
    assert inbox(smtp) == {"marta@elmundo.example": ["Universalization advances"]}


def test_unconfirmed_unsubscribed_suppressed_paused_and_staff_added_get_nothing(runtime, users, smtp):
    subscribe(runtime, "Never Confirmed", "pending@news.example", ["en"], confirm=False)
    left = subscribe(runtime, "Gone Away", "left@news.example", ["en"])
    barred = subscribe(runtime, "Do Not Contact", "barred@news.example", ["en"])
    paused = subscribe(runtime, "On Leave", "paused@news.example", ["en"])
    subscribe(runtime, "Still Here", "here@news.example", ["en"])
    with runtime.db.transaction() as session:
        suppression.unsubscribe(session, session.get(service.Contact, left), STAFF)
        suppression.suppress(session, session.get(service.Contact, barred), STAFF, "asked not to be contacted")
        subscriptions.update_preferences(session, session.get(service.Contact, paused),
                                         {"languages": ["en"], "pause": "1m"})
        # Added by an officer with matching languages and topics: on a list, not a subscriber.
        service.create_contact(session, {"name": "Added By Staff", "email": "added@news.example",
                                         "languages": ["en"], "topics": ["universalization"]}, STAFF)
    release(runtime, users, headline="Universalization advances")
    assert alert(runtime) == 1
    assert inbox(smtp) == {"here@news.example": ["Universalization advances"]}


def test_notify_off_and_retracted_releases_are_not_alerted(runtime, users, smtp):
    subscribe(runtime, "Ann Lee", "ann@wire.example", ["en"])
    release(runtime, users, headline="Quiet one", notify=False)
    retracted = release(runtime, users, headline="Withdrawn one")
    with runtime.db.transaction() as session:
        officer = session.get(auth.User, users["officer"].id)
        workflow.retract(session, get_release(session, retracted), officer, "published in error")
    assert alert(runtime) == 0
    assert smtp.received == []


# --- embargo -------------------------------------------------------------------------------------------------------

def test_before_the_embargo_lifts_subscribers_get_nothing_then_once(runtime, users, smtp):
    subscribe(runtime, "Marta Ruiz", "marta@elmundo.example", ["es"])
    embargoed = release(runtime, users, headline="Noticia bajo embargo", language="es",
                        embargo=utcnow() + dt.timedelta(hours=2))
    with runtime.db.transaction() as session:
        assert get_release(session, embargoed).status == "scheduled"
        with pytest.raises(SendError) as refused:
            create_send(session, get_release(session, embargoed), list_ids=[], subscribers=True, actor=STAFF,
                        mail_from="press@isu.example.org")
        assert refused.value.status == 409 and "subscribers" in refused.value.fields
    assert alert(runtime) == 0
    assert smtp.received == []
    # The embargo lifts (moved into the past rather than waited for); the scheduler publishes it.
    with runtime.db.transaction() as session:
        past = utcnow() - dt.timedelta(minutes=1)
        session.execute(update(Release).where(Release.id == embargoed).values(embargo_until=past, publish_at=past))
    workflow.publish_due(runtime)
    assert alert(runtime) == 1
    assert alert(runtime) == 0
    assert inbox(smtp) == {"marta@elmundo.example": ["Noticia bajo embargo"]}


def test_an_approved_but_unpublished_release_is_not_sent_to_subscribers(runtime, users):
    subscribe(runtime, "Ann Lee", "ann@wire.example", ["en"])
    draft = release(runtime, users, headline="Not yet", publish=False)
    with runtime.db.transaction() as session:
        with pytest.raises(SendError) as refused:
            create_send(session, get_release(session, draft), list_ids=[], subscribers=True, actor=STAFF,
                        mail_from="press@isu.example.org")
        assert refused.value.status == 409
    assert alert(runtime) == 0


def test_upgrading_marks_old_releases_as_alerted(runtime, users, smtp):
    """Migration 0015 sets subscribers_notified_at on releases already public (here: by hand, as it does)."""
    old = release(runtime, users, headline="Old news")
    with runtime.db.transaction() as session:
        session.execute(update(Release).where(Release.id == old)
                        .values(subscribers_notified_at=Release.first_published_at))
    subscribe(runtime, "Ann Lee", "ann@wire.example", ["en"])
    assert alert(runtime) == 0 and smtp.received == []


# --- what the email says -------------------------------------------------------------------------------------------

def test_only_subscribers_are_told_they_subscribed(runtime, users, smtp):
    subscribe(runtime, "Ann Lee", "ann@wire.example", ["en"])
    with runtime.db.transaction() as session:
        wires = lists.create_list(session, "Wires", STAFF)
        added = service.create_contact(session, {"name": "Bo Staff", "email": "bo@agency.example"}, STAFF)
        lists.add_to_list(session, wires, [added.id], STAFF)
        wires_id = wires.id
    release_id = release(runtime, users, headline="Universalization advances")
    with runtime.db.transaction() as session:
        send_id = create_send(session, get_release(session, release_id), list_ids=[wires_id], subscribers=True,
                              actor=STAFF, mail_from="press@isu.example.org").id
    assert run_send(runtime, send_id)["sent"] == 2
    subscriber_text = " ".join(text_of(smtp, "ann@wire.example").split())
    staff_added_text = " ".join(text_of(smtp, "bo@agency.example").split())
    assert "because you subscribed" in subscriber_text
    assert "because you subscribed" not in staff_added_text
    assert "has you on its list of media contacts" in staff_added_text
    staff_html = next(item.message for item in smtp.received if "bo@agency.example" in item.rcpt_tos)
    html = next(p for p in staff_html.walk() if p.get_content_type() == "text/html").get_payload(decode=True)
    assert b"you subscribed" not in html and b"list of media contacts" in html


def test_the_confirmation_page_says_which_releases_will_come(client, runtime):
    form = client.get("/subscribe").get_data(as_text=True)
    response = client.post("/subscribe", data={"name": "Marta Ruiz", "email": "marta@elmundo.example",
                                               "languages": ["es"], "topics": ["universalization"], "consent": "yes",
                                               "csrf_token": csrf_from(form)})
    assert response.status_code == 200
    with runtime.db.transaction() as session:
        request = session.scalar(select(subscriptions.SubscriptionRequest))
        token = "known-token-for-test"
        request.token_hash = subscriptions._digest(token)
    confirm_page = client.get(f"/subscribe/confirm/{token}").get_data(as_text=True)
    done = client.post(f"/subscribe/confirm/{token}", data={"csrf_token": csrf_from(confirm_page)})
    text = " ".join(unescape(done.get_data(as_text=True)).split())
    assert done.status_code == 200
    assert "will reach marta@elmundo.example when they are published: those on Universalization, in Español" in text


# --- API -----------------------------------------------------------------------------------------------------------

@pytest.fixture
def tokens(token_for):
    return {role: bearer(token_for(role)) for role in ("officer", "approver", "viewer")}


def test_notify_subscribers_is_a_release_field_default_on(client, tokens):
    made = client.post("/api/v1/releases", json={"headline": "Default"}, headers=tokens["officer"]).get_json()
    assert made["notify_subscribers"] is True
    quiet = client.post("/api/v1/releases", json={"headline": "Quiet", "notify_subscribers": False},
                        headers=tokens["officer"]).get_json()
    assert quiet["notify_subscribers"] is False
    changed = client.patch(f"/api/v1/releases/{made['id']}", json={"notify_subscribers": False},
                           headers=tokens["officer"])
    assert changed.status_code == 200 and changed.get_json()["notify_subscribers"] is False
    assert client.get(f"/api/v1/releases/{made['id']}", headers=tokens["viewer"]).get_json()[
        "notify_subscribers"] is False
    bad = client.patch(f"/api/v1/releases/{made['id']}", json={"notify_subscribers": "maybe"},
                       headers=tokens["officer"])
    assert bad.status_code == 422 and "notify_subscribers" in bad.get_json()["error"]["fields"]
    spec = client.get("/api/openapi.json").get_json()
    assert "notify_subscribers" in spec["components"]["schemas"]["Release"]["properties"]


def test_send_api_takes_subscribers_and_segment_ids(client, runtime, users, tokens, smtp):
    subscribe(runtime, "Ann Lee", "ann@wire.example", ["en"])
    with runtime.db.transaction() as session:
        service.create_contact(session, {"name": "Fr Desk", "email": "desk@afp.example", "country": "FR"}, STAFF)
        segment_id = lists.create_segment(session, "France", {"country": "FR"}, STAFF).id
    release_id = release(runtime, users, headline="Universalization advances", notify=False)
    path = f"/api/v1/releases/{release_id}/send"
    assert client.post(path, json={"subscribers": True}, headers=tokens["viewer"]).status_code == 403
    assert client.post(path, json={"subscribers": "maybe"}, headers=tokens["officer"]).status_code == 422
    assert client.post(path, json={}, headers=tokens["officer"]).status_code == 422
    response = client.post(path, json={"subscribers": True, "segment_ids": [segment_id]}, headers=tokens["officer"])
    assert response.status_code == 202, response.get_json()
    body = response.get_json()
    assert (body["total"], body["subscribers"]) == (2, True)
    runtime.queue.join()
    assert sorted(inbox(smtp)) == ["ann@wire.example", "desk@afp.example"]
    again = client.post(path, json={"subscribers": True, "segment_ids": [segment_id]}, headers=tokens["officer"])
    assert again.get_json()["total"] == 0


def test_send_api_refuses_subscribers_before_the_embargo_lifts(client, runtime, users, tokens):
    subscribe(runtime, "Ann Lee", "ann@wire.example", ["en"])
    release_id = release(runtime, users, headline="Embargoed", embargo=utcnow() + dt.timedelta(hours=3))
    response = client.post(f"/api/v1/releases/{release_id}/send", json={"subscribers": True},
                           headers=tokens["officer"])
    assert response.status_code == 409
    assert "subscribers" in response.get_json()["error"]["fields"]
    with runtime.db.transaction() as session:
        assert session.scalars(select(Send)).all() == []


# --- the staff send form -------------------------------------------------------------------------------------------

def test_send_form_offers_lists_segments_and_subscribers_with_counts(client, auth_actions, runtime, users, smtp):
    subscribe(runtime, "Ann Lee", "ann@wire.example", ["en"])
    subscribe(runtime, "Bea Kim", "bea@wire.example", ["en", "fr"], ["universalization"])
    subscribe(runtime, "Marta Ruiz", "marta@elmundo.example", ["es"])  # no Spanish version: not counted
    with runtime.db.transaction() as session:
        wires = lists.create_list(session, "Wires", STAFF)
        ids = [service.create_contact(session, {"name": f"Desk {n}", "email": f"desk{n}@afp.example",
                                                "country": "FR"}, STAFF).id for n in range(3)]
        lists.add_to_list(session, wires, ids[:1], STAFF)
        segment_id = lists.create_segment(session, "France", {"country": "FR"}, STAFF).id
        wires_id = wires.id
    release_id = release(runtime, users, headline="Universalization advances", notify=False)
    auth_actions.as_officer()
    html = " ".join(unescape(client.get(f"/staff/releases/{release_id}").get_data(as_text=True)).split())
    assert 'Wires <span class="muted">· 1 member</span>' in html
    assert f'data-segment-size="{segment_id}">· 3 people' in html
    assert "data-subscriber-size>· 2 people" in html
    assert "<dd data-notify-subscribers>not emailed automatically</dd>" in html
    query = f"/staff/releases/{release_id}/send/review?list_ids={wires_id}&segment_ids={segment_id}&subscribers=1"
    review = client.get(query)
    assert client.head(query).status_code == 200  # HEAD acts as GET and writes nothing
    text = " ".join(unescape(review.get_data(as_text=True)).split())
    assert review.status_code == 200 and "Send to 5 people" in text
    assert "<strong>the matching subscribers</strong> (2)" in text
    token = csrf_from(review.get_data(as_text=True))
    sent = client.post(f"/staff/releases/{release_id}/send",
                       data={"csrf_token": token, "list_ids": [wires_id], "segment_ids": [segment_id],
                             "subscribers": "1"})
    assert sent.status_code == 303
    runtime.queue.join()
    assert len(inbox(smtp)) == 5 and all(len(subjects) == 1 for subjects in inbox(smtp).values())
    after = " ".join(unescape(client.get(f"/staff/releases/{release_id}").get_data(as_text=True)).split())
    assert "data-subscriber-size>· 0 people" in after


def test_send_form_under_embargo_offers_subscribers_only_after_the_lift(client, auth_actions, runtime, users):
    subscribe(runtime, "Ann Lee", "ann@wire.example", ["en"])
    release_id = release(runtime, users, headline="Embargoed", embargo=utcnow() + dt.timedelta(hours=3))
    auth_actions.as_officer()
    html = unescape(client.get(f"/staff/releases/{release_id}").get_data(as_text=True))
    assert '<input type="checkbox" name="subscribers" value="1" disabled>' in html
    assert "subscribers get it when the embargo lifts" in html
    assert "<dd data-notify-subscribers>emailed when it is public</dd>" in html
    refused = client.get(f"/staff/releases/{release_id}/send/review?subscribers=1")
    assert refused.status_code == 409
    auth_actions.logout()
    auth_actions.as_viewer()
    assert client.get(f"/staff/releases/{release_id}/send/review?subscribers=1").status_code == 403


def test_editor_checkbox_sets_notify_subscribers(client, auth_actions, runtime, users):
    auth_actions.as_officer()
    form = client.get("/staff/releases/new").get_data(as_text=True)
    assert 'name="notify_subscribers" value="1" checked' in form
    response = client.post("/staff/releases/new", data={"csrf_token": csrf_from(form), "headline": "Quiet one",
                                                         "language": "en", "approval_policy": "any",
                                                         "action": "save"})
    assert response.status_code == 303
    with runtime.db.transaction() as session:
        made = session.scalar(select(Release).where(Release.slug == "quiet-one"))
        assert made.notify_subscribers is False  # the box was not sent: unticked
        made_id = made.id
    edit = client.get(f"/staff/releases/{made_id}/edit").get_data(as_text=True)
    assert 'name="notify_subscribers" value="1" >' in edit
    client.post(f"/staff/releases/{made_id}/edit", data={"csrf_token": csrf_from(edit), "headline": "Quiet one",
                                                         "approval_policy": "any", "notify_subscribers": "1",
                                                         "action": "save"})
    with runtime.db.transaction() as session:
        assert session.get(Release, made_id).notify_subscribers is True


def test_non_latin_names_and_hostile_audiences(client, runtime, users, tokens, smtp):
    subscribe(runtime, "Лейла Хасан 李娜", "leila@ria.example", ["es"], ["universalization"])
    release_id = release(runtime, users, headline="Avanza la universalización", language="es")
    path = f"/api/v1/releases/{release_id}/send"
    unknown = client.post(path, json={"segment_ids": [999999], "subscribers": True}, headers=tokens["officer"])
    assert unknown.status_code == 422 and "segment_ids" in unknown.get_json()["error"]["fields"]
    many = client.post(path, json={"segment_ids": list(range(1, 20001)), "subscribers": True},
                       headers=tokens["officer"])
    assert many.status_code == 422
    nested = client.post(path, json={"subscribers": {"a": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}},
                         headers=tokens["officer"])
    assert nested.status_code == 422
    with runtime.db.transaction() as session:
        assert session.scalars(select(Send)).all() == []  # nothing half-written
    assert alert(runtime) == 1
    message = smtp.received[0].message
    assert str(make_header(decode_header(message["To"]))) == "Лейла Хасан 李娜 <leila@ria.example>"
    assert "Este comunicado se envió a Лейла Хасан 李娜." in " ".join(text_of(smtp, "leila@ria.example").split())
