"""Emails to members of the public in English, French and Spanish (press_templates/email/<lang>/):
each translated email exists in both parts, says its language, has its subject translated, and any
other language falls back to English; dates are in words in the reader's language (Babel)."""

import datetime as dt

import pytest

from comms.rendering import emails

BASE = "https://press.example.org"
CONTEXT = {
    "subscription_confirm": dict(confirm_url=f"{BASE}/subscribe/confirm/token"),
    "subscription_welcome": dict(preferences_url=f"{BASE}/preferences/token", unsubscribe_url=f"{BASE}/unsubscribe/t"),
    "participant_confirm": dict(confirm_url=f"{BASE}/meetings/register/confirm/token", meeting_title="22MSP",
                                delegation="Senegal"),
    "participant_approved": dict(meeting_title="22MSP", meeting_dates="14 to 18", venue="", delegation="Senegal",
                                 role="Expert"),
    "participant_declined": dict(meeting_title="22MSP", meeting_dates="14 to 18", venue="", delegation="Senegal",
                                 role="Expert"),
}
# A few words each translation must carry, so a file copied from English would be noticed.
WORDS = {
    ("fr", "subscription_confirm"): "Confirmer mon abonnement", ("es", "subscription_confirm"): "Confirmar mi suscripción",
    ("fr", "subscription_welcome"): "Se désabonner", ("es", "subscription_welcome"): "Darse de baja",
    ("fr", "participant_confirm"): "Confirmer mon inscription", ("es", "participant_confirm"): "Confirmar mi inscripción",
    ("fr", "participant_approved"): "a été approuvée", ("es", "participant_approved"): "ha sido aprobada",
    ("fr", "participant_declined"): "n’a pas pu être approuvée",
    ("es", "participant_declined"): "no ha sido posible aprobar",
}


def render(name, language):
    return emails.render(name, language, to_name="Ana", office="ISU press office", **CONTEXT[name])


@pytest.mark.parametrize("language", ["fr", "es"])
@pytest.mark.parametrize("name", sorted(CONTEXT))
def test_each_public_email_is_translated_in_both_parts(name, language):
    text, html = render(name, language)
    english_text, _ = render(name, "en")
    assert WORDS[language, name] in text and WORDS[language, name] in html
    assert text != english_text and "Hello" not in text and "Hello" not in html
    assert f'<html lang="{language}"' in html
    assert emails.subject(name, language) != emails.subject(name, "en")


@pytest.mark.parametrize("language", ["de", "ar", "", None, "xx-YY", "../fr"])
def test_another_language_falls_back_to_english(language):
    text, html = emails.render("participant_confirm", language, to_name="Ana", office="ISU press office",
                               **CONTEXT["participant_confirm"])
    assert text.startswith("Hello Ana,") and '<html lang="en"' in html
    assert emails.subject("participant_confirm", language) == "Please confirm your registration"


def test_a_regional_code_reads_as_its_language():
    assert [emails.email_language(code) for code in ("fr-CH", "es_AR", "FR", "en-GB", "pt-BR")] == \
        ["fr", "es", "fr", "en", "en"]


def test_an_email_without_a_translation_is_english_in_any_language():
    # Staff emails (approvals, alerts) have no translation: French asks for them in English.
    text, html = emails.render("approval_request", "fr", to_name="Ana", office="ISU press office", title="Title",
                               what="a press release", url=f"{BASE}/approve/t", requested_by="Olivia", version=1,
                               expires="1 December 2026", preview="", blocks=[])
    assert text.startswith("Hello Ana,") and '<html lang="en"' in html


@pytest.mark.parametrize("language, one_day, span", [
    ("en", "1 December 2026", "14 December 2026 to 18 December 2026"),
    ("fr", "1er décembre 2026", "du 14 décembre 2026 au 18 décembre 2026"),
    ("es", "1 de diciembre de 2026", "del 14 de diciembre de 2026 al 18 de diciembre de 2026"),
    ("de", "1 December 2026", "14 December 2026 to 18 December 2026"),
])
def test_dates_in_words_in_the_readers_language(language, one_day, span):
    assert emails.date_span(dt.date(2026, 12, 1), dt.date(2026, 12, 1), language) == one_day
    assert emails.date_span(dt.date(2026, 12, 14), dt.date(2026, 12, 18), language) == span
