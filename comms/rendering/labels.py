"""The fixed words of releases in each language, and dates as readers write them (comms.rendering)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "press_release": "Press release", "immediate": "For immediate release", "embargoed_until": "Embargoed until",
        "notes": "Notes to editors", "about": "About the Convention", "contacts": "Media contacts",
        "unsubscribe": "Unsubscribe", "preferences": "Preferences", "read_online": "Read online",
        "download_pdf": "Download this release as PDF", "also_in": "Also in", "published": "Published",
        "updated": "Updated", "links": "Links", "sent_to": "This release was sent to {name}.",
        "sent_to_you": "This release was sent to you as a subscriber.",
        "why": "You receive this email because you subscribed to press releases from {office}.",
        "why_added": "You receive this email because {office} has you on its list of media contacts.",
        "quote_open": "\u201c", "quote_close": "\u201d", "date": "{day} {month} {year}",
        "months": "January February March April May June July August September October November December",
    },
    "fr": {
        "press_release": "Communiqué de presse", "immediate": "Pour diffusion immédiate",
        "embargoed_until": "Sous embargo jusqu'au", "notes": "Notes aux rédactions",
        "about": "À propos de la Convention", "contacts": "Contacts presse", "unsubscribe": "Se désabonner",
        "preferences": "Préférences", "read_online": "Lire en ligne",
        "download_pdf": "Télécharger ce communiqué en PDF", "also_in": "Aussi en", "published": "Publié le",
        "updated": "Mis à jour le", "links": "Liens", "sent_to": "Ce communiqué a été envoyé à {name}.",
        "sent_to_you": "Ce communiqué vous a été envoyé en tant qu'abonné·e.",
        "why": "Vous recevez ce message parce que vous êtes abonné·e aux communiqués de presse ({office}).",
        "why_added": "Vous recevez ce message parce que vous figurez parmi les contacts presse ({office}).",
        "quote_open": "«\u00a0", "quote_close": "\u00a0»", "date": "{day} {month} {year}",
        "months": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    },
    "es": {
        "press_release": "Comunicado de prensa", "immediate": "Para difusión inmediata",
        "embargoed_until": "Bajo embargo hasta el", "notes": "Notas para los editores",
        "about": "Acerca de la Convención", "contacts": "Contactos de prensa", "unsubscribe": "Darse de baja",
        "preferences": "Preferencias", "read_online": "Leer en línea",
        "download_pdf": "Descargar este comunicado en PDF", "also_in": "También en", "published": "Publicado el",
        "updated": "Actualizado el", "links": "Enlaces", "sent_to": "Este comunicado se envió a {name}.",
        "sent_to_you": "Este comunicado se le envió como suscriptor.",
        "why": "Recibe este mensaje porque está suscrito a los comunicados de prensa ({office}).",
        "why_added": "Recibe este mensaje porque figura entre los contactos de prensa ({office}).",
        "quote_open": "«", "quote_close": "»", "date": "{day} de {month} de {year}",
        "months": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    },
}
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "es": "Español", "ar": "العربية", "ru": "Русский",
                  "zh": "中文", "de": "Deutsch", "pt": "Português"}
RIGHT_TO_LEFT = {"ar"}


def labels(language: str) -> dict[str, str]:
    """The fixed labels in ``language`` (English for a language without its own)."""
    return LABELS.get(language, LABELS["en"])


def _zone(name: str | None) -> dt.tzinfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return dt.timezone.utc


def format_date(moment: dt.date, language: str) -> str:
    """A date for readers: "14 December 2026", "14 décembre 2026", "14 de diciembre de 2026"."""
    words = labels(language)
    return words["date"].format(day=moment.day, month=words["months"].split()[moment.month - 1], year=moment.year)


_DATE_SPANS = {"en": "{start} to {end}", "fr": "du {start} au {end}", "es": "del {start} al {end}"}


def date_words(day: dt.date, language: str) -> str:
    """A date as a reader writes it in running text: format_date, with French's "1er" for the first."""
    words = format_date(day, language)
    return "1er" + words[1:] if language == "fr" and day.day == 1 else words


def date_span(start: dt.date, end: dt.date, language: str) -> str:
    """Dates from ``start`` to ``end`` in words ("du 14 décembre 2026 au 18 décembre 2026"); one date
    when they are the same day."""
    if start == end:
        return date_words(start, language)
    return _DATE_SPANS.get(language, _DATE_SPANS["en"]).format(start=date_words(start, language),
                                                                 end=date_words(end, language))


def format_moment(moment: dt.datetime, timezone: str | None = "UTC", language: str = "en") -> str:
    """A time with its zone, and UTC beside it when different: "14 December 2026, 10:00 CET (09:00 UTC)"."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    local = moment.astimezone(_zone(timezone))
    abbreviation = local.tzname() or "UTC"
    if abbreviation[:1] in "+-":
        abbreviation = "UTC" + abbreviation
    text = f"{format_date(local, language)}, {local:%H:%M} {abbreviation}"
    if local.utcoffset():
        text += f" ({moment.astimezone(dt.timezone.utc):%H:%M} UTC)"
    return text


STAFF_TIMEZONE = "Europe/Zurich"  # the office's own zone, for staff times that belong to no meeting


def staff_time(moment: dt.datetime, timezone: str | None = None) -> str:
    """A time for staff and office holders in one zone only, the meeting's or Geneva's:
    "14 December 2026, 10:00 CET" (never a mix of UTC and local times)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    local = moment.astimezone(_zone(timezone or STAFF_TIMEZONE))
    abbreviation = local.tzname() or "UTC"
    if abbreviation[:1] in "+-":
        abbreviation = "UTC" + abbreviation
    return f"{format_date(local, 'en')}, {local:%H:%M} {abbreviation}"


ENGLISH_NAMES = {"en": "English", "fr": "French", "es": "Spanish", "ar": "Arabic", "ru": "Russian", "zh": "Chinese",
                 "de": "German", "pt": "Portuguese"}


def language_in_words(code: str) -> str:
    """A language named in English words ("French" for "fr"), for staff and office holders."""
    return ENGLISH_NAMES.get(code, LANGUAGE_NAMES.get(code, code))
