"""A delegate's emails are in the language of the page they registered on, through a real SMTP server
and a real database: the confirmation at once, and the outcome an officer sends later from an English
staff page or the API; the text part keeps "<" and "&" as typed in every language
(docs/design/security.md item 12); a language we do not write in falls back to English."""

import re
from email.header import decode_header, make_header

import pytest
from sqlalchemy import select

from comms.config import load_config
from comms.meetings.participants import Participant

from support.app import base_environ
from support.participants import REGISTRATION, delegation_id, make_meeting, register, text_of
from support.web import bearer, csrf_from


@pytest.fixture
def config(db_url, instance_path, smtp):
    """The app under test sends through the real SMTP server."""
    return load_config(base_environ(db_url, instance_path, SMTP_URL=smtp.url), testing=True)


@pytest.fixture
def officer(token_for):
    return token_for("officer")


@pytest.fixture
def meeting(client, officer):
    return make_meeting(client, officer)


def mails(runtime, smtp, count: int) -> list:
    """The messages the SMTP server received, once the queue has run; there must be ``count``."""
    runtime.queue.join()
    messages = [r.message for r in smtp.received]
    assert len(messages) == count, [m["Subject"] for m in messages]
    return messages


def flat(message) -> str:
    """The text part with its line breaks collapsed (French no-break spaces kept: str.split would eat them)."""
    return re.sub(r"[ \t\r\n]+", " ", text_of(message)).strip()


def subject(message) -> str:
    """The Subject header as the reader sees it (decoded from its RFC 2047 words)."""
    return str(make_header(decode_header(message["Subject"])))


def html_of(message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/html")
    return part.get_payload(decode=True).decode()


def confirm(client, message, prefix: str) -> None:
    """Follow the emailed link as the delegate would: it keeps the page's language; then confirm."""
    path = re.search(r"http://localhost(\S*/meetings/register/confirm/\S+)", text_of(message)).group(1)
    assert path.startswith(f"{prefix}/meetings/register/confirm/")
    shown = client.get(path)
    done = client.post(path, data={"csrf_token": csrf_from(shown.get_data(as_text=True))})
    assert done.status_code == 200


def languages(runtime) -> dict:
    with runtime.db.transaction() as session:
        return {p.email: p.language for p in session.scalars(select(Participant))}


def participant_ids(runtime) -> list[int]:
    with runtime.db.transaction() as session:
        return list(session.scalars(select(Participant.id).order_by(Participant.id)))


def test_french_registration_french_emails_even_when_the_officer_approves_in_english(
        client, runtime, smtp, meeting, auth_actions):
    form = {**REGISTRATION, "delegation_id": str(delegation_id(runtime, "SN")), "name": "Fatou <Sarr> & Co"}
    assert register(client, meeting["id"], form, prefix="/fr").status_code == 200
    [confirmation] = mails(runtime, smtp, 1)
    assert subject(confirmation) == "Veuillez confirmer votre inscription"
    text = flat(confirmation)
    assert text.startswith("Bonjour Fatou <Sarr> & Co,")  # as typed: the text part is not HTML
    assert "&lt;" not in text and "&amp;" not in text
    assert "Réunion\u00a0: Twenty-Second Meeting of the States Parties" in text
    assert "Délégation\u00a0: Senegal" in text and "Confirmer mon inscription" in text
    assert 'lang="fr"' in html_of(confirmation) and "Fatou &lt;Sarr&gt; &amp; Co" in html_of(confirmation)
    assert languages(runtime) == {"amina.diallo@mission.example": "fr"}
    confirm(client, confirmation, "/fr")

    auth_actions.as_officer()
    staff = client.get(f"/staff/meetings/{meeting['id']}/participants", headers={"Accept-Language": "en"})
    html = staff.get_data(as_text=True)
    assert "Approve ticked" in html  # the officer's page is in English
    [participant_id] = participant_ids(runtime)
    done = client.post(f"/staff/meetings/{meeting['id']}/participants/bulk",
                       data={"action": "approved", "participant_ids": [str(participant_id)],
                             "csrf_token": csrf_from(html)}, headers={"Accept-Language": "en"},
                       follow_redirects=True)
    assert "Approved: 1 participant" in done.get_data(as_text=True)
    outcome = mails(runtime, smtp, 2)[1]
    assert subject(outcome) == "Votre inscription a été approuvée"
    text = flat(outcome)
    assert "Nous avons le plaisir de vous informer que votre inscription a été approuvée." in text
    assert "Dates\u00a0: du 14 décembre 2026 au 18 décembre 2026" in text
    assert "Fonction\u00a0: Chef de délégation" in text and "Fatou <Sarr> & Co" in text
    assert "December" not in text and "Head of delegation" not in text


def test_spanish_registration_spanish_confirmation_and_refusal_through_the_api(
        client, runtime, smtp, meeting, officer):
    form = {**REGISTRATION, "delegation_id": str(delegation_id(runtime, "CL")), "email": "ana@minrel.example",
            "name": "Ana Morales", "role": "adviser"}
    assert register(client, meeting["id"], form, prefix="/es").status_code == 200
    [confirmation] = mails(runtime, smtp, 1)
    assert subject(confirmation) == "Confirme su inscripción"
    text = flat(confirmation)
    assert text.startswith("Estimado/a Ana Morales:") and "Delegación: Chile" in text
    assert "Confirmar mi inscripción" in text and 'lang="es"' in html_of(confirmation)
    confirm(client, confirmation, "/es")

    [item] = client.get(f"/api/v1/meetings/{meeting['id']}/participants", headers=bearer(officer)).get_json()["items"]
    assert item["language"] == "es"
    declined = client.patch(f"/api/v1/participants/{item['id']}", json={"status": "declined"},
                            headers=bearer(officer))
    assert declined.status_code == 200
    outcome = mails(runtime, smtp, 2)[1]
    assert subject(outcome) == "Su solicitud de inscripción"
    text = flat(outcome)
    assert "Lamentamos informarle de que no ha sido posible aprobar su solicitud de inscripción." in text
    assert "Reunión: Twenty-Second Meeting of the States Parties" in text


def test_english_stays_english(client, runtime, smtp, meeting, officer):
    form = {**REGISTRATION, "delegation_id": str(delegation_id(runtime, "SN"))}
    register(client, meeting["id"], form)
    [confirmation] = mails(runtime, smtp, 1)
    assert subject(confirmation) == "Please confirm your registration"
    assert flat(confirmation).startswith("Hello Amina Diallo,") and 'lang="en"' in html_of(confirmation)
    confirm(client, confirmation, "")
    [participant_id] = participant_ids(runtime)
    client.patch(f"/api/v1/participants/{participant_id}", json={"status": "approved"}, headers=bearer(officer))
    outcome = mails(runtime, smtp, 2)[1]
    assert subject(outcome) == "Your registration is approved"
    assert "(14 December 2026 to 18 December 2026, CICG, Geneva)" in flat(outcome)
    assert languages(runtime) == {"amina.diallo@mission.example": "en"}


def test_an_unprefixed_page_follows_accept_language(client, runtime, smtp, meeting):
    form = {**REGISTRATION, "delegation_id": str(delegation_id(runtime, "SN"))}
    page = client.get(f"/meetings/{meeting['id']}/register", headers={"Accept-Language": "es-ES,es;q=0.9"})
    client.post(f"/meetings/{meeting['id']}/register", headers={"Accept-Language": "es-ES,es;q=0.9"},
                data={**form, "csrf_token": csrf_from(page.get_data(as_text=True))})
    [confirmation] = mails(runtime, smtp, 1)
    assert subject(confirmation) == "Confirme su inscripción"


def test_staff_set_the_language_through_the_api_and_only_ours_are_taken(client, runtime, smtp, meeting, officer):
    chile = delegation_id(runtime, "CL")
    bad = client.post(f"/api/v1/meetings/{meeting['id']}/participants", headers=bearer(officer),
                      json={"delegation_id": chile, "name": "Hans Meier", "email": "hans@example.org",
                            "language": "de"})
    assert bad.status_code == 422 and "language" in str(bad.get_json())
    assert participant_ids(runtime) == []
    made = client.post(f"/api/v1/meetings/{meeting['id']}/participants", headers=bearer(officer),
                       json={"delegation_id": chile, "name": "Luis <Quispe> & Asociados", "email": "luis@rree.example",
                             "role": "observer", "status": "approved", "language": "es"})
    assert made.status_code == 201 and made.get_json()["language"] == "es"
    [outcome] = mails(runtime, smtp, 1)
    assert subject(outcome) == "Su inscripción ha sido aprobada"
    text = flat(outcome)
    assert "Estimado/a Luis <Quispe> & Asociados:" in text and "&lt;" not in text and "&amp;" not in text
    assert "Fechas: del 14 de diciembre de 2026 al 18 de diciembre de 2026" in text and "Función: Observador" in text
    # Without a language a participant added by staff is written to in English, as before.
    plain = client.post(f"/api/v1/meetings/{meeting['id']}/participants", headers=bearer(officer),
                        json={"delegation_id": chile, "name": "Rosa", "email": "rosa@rree.example"})
    assert plain.get_json()["language"] == "en"
