"""Public registration for a meeting: double opt-in (GET shows, POST confirms; when, from where, which
wording), approval by an officer told through a real SMTP server, honeypot, rate limit, bad input,
HEAD changes nothing, and the page in French and Spanish (docs/design/security.md items 15, 25, 30)."""

import re

import pytest
from sqlalchemy import select

from comms.app import create_app
from comms.config import load_config
from comms.meetings.participants import Participant

from support.app import base_environ
from support.participants import REGISTRATION, delegation_id, make_meeting, outbox, register, text_of
from support.web import bearer, csrf_from


@pytest.fixture
def officer(token_for):
    return token_for("officer")


@pytest.fixture
def meeting(client, officer):
    return make_meeting(client, officer)


def stored(runtime):
    with runtime.db.transaction() as session:
        return [(p.name, p.status, p.email_confirmed_at is not None, p.confirmed_ip, p.consent_wording, p.listed)
                for p in session.scalars(select(Participant).order_by(Participant.id))]


def confirm_path(message) -> str:
    return re.search(r"http://\S+(/meetings/register/confirm/\S+)", text_of(message)).group(1)


def test_double_opt_in_then_approval_by_real_smtp(db_url, instance_path, smtp, users, token_for):
    config = load_config(base_environ(db_url, instance_path, SMTP_URL=smtp.url), testing=True)
    app = create_app(config)
    runtime = app.extensions["pressroom"]
    try:
        client = app.test_client()
        officer = token_for("officer")
        meeting = make_meeting(client, officer)
        form = {**REGISTRATION, "delegation_id": str(delegation_id(runtime, "SN"))}
        page = client.get(f"/meetings/{meeting['id']}/register").get_data(as_text=True)
        assert "Senegal" in page and 'name="website"' in page
        response = register(client, meeting["id"], form)
        assert response.status_code == 200 and "Check your email" in response.get_data(as_text=True)
        assert stored(runtime) == [("Amina Diallo", "requested", False, "", "2026-12", True)]
        runtime.queue.join()
        [confirmation] = [r.message for r in smtp.received]
        assert confirmation["To"] == "Amina Diallo <amina.diallo@mission.example>"
        path = confirm_path(confirmation)

        participant_id = client.get(f"/api/v1/meetings/{meeting['id']}/participants",
                                    headers=bearer(officer)).get_json()["items"][0]["id"]
        early = client.patch(f"/api/v1/participants/{participant_id}", json={"status": "approved"},
                             headers=bearer(officer))
        assert early.status_code == 409  # not confirmed yet

        shown = client.get(path)  # a link scanner's GET changes nothing
        assert client.head(path).status_code == 200
        assert shown.status_code == 200 and stored(runtime)[0][2] is False
        done = client.post(path, data={"csrf_token": csrf_from(shown.get_data(as_text=True))},
                           environ_base={"REMOTE_ADDR": "203.0.113.7"})
        assert done.status_code == 200 and "your address is confirmed" in done.get_data(as_text=True)
        assert stored(runtime)[0][1:4] == ("requested", True, "203.0.113.7")

        approved = client.patch(f"/api/v1/participants/{participant_id}", json={"status": "approved"},
                                headers=bearer(officer))
        assert approved.status_code == 200
        runtime.queue.join()
        outcome = smtp.received[-1].message
        assert len(smtp.received) == 2 and outcome["Subject"] == "Your registration is approved"
        assert smtp.received[-1].rcpt_tos == ["amina.diallo@mission.example"]
        assert "Twenty-Second Meeting of the States Parties" in text_of(outcome)
    finally:
        runtime.close()


def test_confirm_needs_csrf_and_unknown_tokens_are_404(client, runtime, meeting):
    register(client, meeting["id"], {**REGISTRATION, "delegation_id": str(delegation_id(runtime, "SN"))})
    path = confirm_path(outbox(runtime)[0])
    assert client.post(path).status_code == 400
    assert stored(runtime)[0][2] is False
    assert client.get("/meetings/register/confirm/not-a-token").status_code == 404
    assert client.get("/meetings/register/confirm/" + "x" * 500).status_code == 404


def test_honeypot_stores_and_sends_nothing(client, runtime, meeting):
    form = {**REGISTRATION, "delegation_id": str(delegation_id(runtime, "SN")), "website": "http://spam.example"}
    response = register(client, meeting["id"], form)
    assert response.status_code == 200 and "Check your email" in response.get_data(as_text=True)
    assert stored(runtime) == [] and outbox(runtime) == []


def test_rate_limit_per_address(db_url, instance_path, token_for):
    config = load_config(base_environ(db_url, instance_path, PRESSROOM_SUBSCRIBE_LIMIT_IP="2 per hour"), testing=True)
    app = create_app(config)
    runtime = app.extensions["pressroom"]
    try:
        client = app.test_client()
        meeting = make_meeting(client, token_for("officer"))
        senegal = str(delegation_id(runtime, "SN"))
        for number in (1, 2):
            form = {**REGISTRATION, "delegation_id": senegal, "email": f"delegate{number}@mission.example"}
            assert register(client, meeting["id"], form).status_code == 200
        limited = register(client, meeting["id"], {**REGISTRATION, "delegation_id": senegal})
        assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
        assert "Too many requests" in limited.get_data(as_text=True)
        # Another network is not held back by the first one.
        other = register(client, meeting["id"], {**REGISTRATION, "delegation_id": senegal}, ip="192.0.2.99")
        assert other.status_code == 200
        assert len(stored(runtime)) == 3
    finally:
        runtime.close()


def test_bad_input_is_shown_escaped_and_stores_nothing(client, runtime, meeting):
    senegal = str(delegation_id(runtime, "SN"))
    cases = [({**REGISTRATION, "delegation_id": senegal, "email": "nope"}, "valid email address"),
             ({**REGISTRATION, "delegation_id": ""}, "choose your delegation"),
             ({**REGISTRATION, "delegation_id": "99999999"}, "choose your delegation"),
             ({**REGISTRATION, "delegation_id": senegal, "name": ""}, "give your name"),
             ({**REGISTRATION, "delegation_id": senegal, "role": "emperor"}, "choose your function"),
             ({**{k: v for k, v in REGISTRATION.items() if k != "consent"}, "delegation_id": senegal}, "tick the box")]
    for form, words in cases:
        response = register(client, meeting["id"], form)
        assert response.status_code == 400 and words in response.get_data(as_text=True), form
    scripted = register(client, meeting["id"], {**REGISTRATION, "delegation_id": senegal, "email": "nope",
                                                "name": "<script>alert(1)</script>"})
    assert "<script>alert(1)</script>" not in scripted.get_data(as_text=True)
    assert client.post(f"/meetings/{meeting['id']}/register", data=REGISTRATION).status_code == 400  # no CSRF
    assert client.head(f"/meetings/{meeting['id']}/register").status_code == 200
    assert client.get("/meetings/4242/register").status_code == 404
    assert stored(runtime) == [] and outbox(runtime) == []


def test_registering_twice_answers_the_same_and_stores_once(client, runtime, meeting):
    form = {**REGISTRATION, "delegation_id": str(delegation_id(runtime, "SN"))}
    assert register(client, meeting["id"], form).status_code == 200
    again = register(client, meeting["id"], {**form, "name": "Someone Else"})
    assert again.status_code == 200 and "Check your email" in again.get_data(as_text=True)
    assert len(stored(runtime)) == 1 and len(outbox(runtime)) == 1


def test_a_past_meeting_is_closed(client, runtime, officer):
    past = make_meeting(client, officer, starts_on="2020-11-16", ends_on="2020-11-20", symbol_prefix="")
    assert "has closed" in client.get(f"/meetings/{past['id']}/register").get_data(as_text=True)
    # A form kept open from before the meeting ended is refused too (any page's CSRF token will do).
    token = csrf_from(client.get("/subscribe").get_data(as_text=True))
    response = client.post(f"/meetings/{past['id']}/register", data={
        **REGISTRATION, "delegation_id": str(delegation_id(runtime, "SN")), "csrf_token": token})
    assert response.status_code == 409 and stored(runtime) == []


@pytest.mark.parametrize("prefix, words", [("/fr", ["Délégation", "Votre nom", "Fonction"]),
                                           ("/es", ["Delegación", "Su nombre", "Función"])])
def test_the_form_is_translated(client, meeting, prefix, words):
    page = client.get(f"{prefix}/meetings/{meeting['id']}/register").get_data(as_text=True)
    for word in words:
        assert word in page


def test_non_latin_registration(client, runtime, meeting):
    form = {**REGISTRATION, "delegation_id": str(delegation_id(runtime, "KZ")), "name": "Нурлан Абдрахманов",
            "email": "нурлан@пример.example"}
    assert register(client, meeting["id"], form).status_code == 200
    assert stored(runtime)[0][0] == "Нурлан Абдрахманов"
    [message] = outbox(runtime)
    assert "Нурлан" in str(message["To"]) or "=?utf-8?" in str(message["To"]).lower()
