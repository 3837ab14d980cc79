"""A journalist who subscribes on the Spanish (or French) site gets the confirmation and the welcome in
Spanish (French), through a real SMTP server; English stays English; the languages they chose for
releases stay what they ticked (the page's language is not added to them)."""

import re
from email.header import decode_header, make_header

import pytest

from comms.config import load_config
from contacts import service

from support.app import base_environ
from support.subscriptions import FORM, body, submit
from support.web import csrf_from


@pytest.fixture
def config(db_url, instance_path, smtp):
    """The app under test sends through the real SMTP server."""
    return load_config(base_environ(db_url, instance_path, SMTP_URL=smtp.url), testing=True)


def received(runtime, smtp, count: int) -> list:
    runtime.queue.join()
    messages = [r.message for r in smtp.received]
    assert len(messages) == count
    return messages


def subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def confirm(client, message, prefix: str) -> None:
    path = re.search(r"http://localhost(\S*/subscribe/confirm/\S+)", body(message)).group(1)
    assert path.startswith(f"{prefix}/subscribe/confirm/")  # the link keeps the page's language
    shown = client.get(path)
    assert client.post(path, data={"csrf_token": csrf_from(shown.get_data(as_text=True))}).status_code == 200


def chosen_languages(runtime, address: str) -> list[str]:
    with runtime.db.transaction() as session:
        return list(service.find_by_email(session, address).languages)


@pytest.mark.parametrize("prefix, confirm_subject, welcome_subject, words", [
    ("/es", "Confirme su suscripción a los comunicados de prensa",
     "Su suscripción a los comunicados de prensa está confirmada", ("Estimado/a Marta Ruiz:", "Darse de baja")),
    ("/fr", "Veuillez confirmer votre abonnement aux communiqués de presse",
     "Votre abonnement aux communiqués de presse est confirmé", ("Bonjour Marta Ruiz,", "Se désabonner")),
])
def test_a_subscription_in_the_readers_language(client, runtime, smtp, prefix, confirm_subject, welcome_subject,
                                                words):
    assert submit(client, {**FORM, "languages": ["en"]}, prefix=prefix).status_code == 200
    [confirmation] = received(runtime, smtp, 1)
    assert subject(confirmation) == confirm_subject and body(confirmation).startswith(words[0])
    assert f'<html lang="{prefix[1:]}"' in body(confirmation, "html")
    confirm(client, confirmation, prefix)
    welcome = received(runtime, smtp, 2)[1]
    assert subject(welcome) == welcome_subject
    assert body(welcome).startswith(words[0]) and words[1] in body(welcome)
    assert "/preferences/" in body(welcome) and "/unsubscribe/" in body(welcome)
    assert chosen_languages(runtime, FORM["email"]) == ["en"]


def test_english_stays_english(client, runtime, smtp):
    submit(client)
    [confirmation] = received(runtime, smtp, 1)
    assert subject(confirmation) == "Please confirm your subscription to press releases"
    assert body(confirmation).startswith("Hello Marta Ruiz,")
    confirm(client, confirmation, "")
    assert subject(received(runtime, smtp, 2)[1]) == "You are subscribed to our press releases"
