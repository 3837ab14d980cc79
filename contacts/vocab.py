"""Controlled vocabularies: countries (ISO 3166-1), languages (ISO 639-1), topics."""

from __future__ import annotations

from functools import lru_cache

import pycountry
from sqlalchemy import select
from sqlalchemy.orm import Session

from contacts.models import Topic
# One folding for names, sorting and the full-text index, so they agree.
from storage.fulltext.text import fold

__all__ = ["DEFAULT_TOPICS", "MAX_SEARCH_WORDS", "all_countries", "country_code", "country_name",
           "ensure_default_topics", "fold", "language_code", "language_name", "resolve_topic", "search_words",
           "slugify", "topic_index"]

# The Convention's themes, the seed of the managed topic vocabulary.
DEFAULT_TOPICS = [
    ("universalization", "Universalization"),
    ("mine-clearance", "Mine clearance"),
    ("stockpile-destruction", "Stockpile destruction"),
    ("victim-assistance", "Victim assistance"),
    ("cooperation-assistance", "Cooperation and assistance"),
    ("transparency-reporting", "Transparency reporting"),
    ("meetings", "Meetings"),
]


# Each search word becomes one more condition in SQL (SQLite refuses a query past about 1,000,
# and every one costs a pass over the text): searches use at most this many words.
MAX_SEARCH_WORDS = 32


def search_words(text: str) -> list[str]:
    """The distinct folded words of a search, the first MAX_SEARCH_WORDS of them."""
    return list(dict.fromkeys(fold(text or "").split()))[:MAX_SEARCH_WORDS]


@lru_cache(maxsize=1)
def _country_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for country in pycountry.countries:
        code = country.alpha_2
        for name in (code, country.alpha_3, country.name, getattr(country, "common_name", None),
                     getattr(country, "official_name", None)):
            if name:
                index[fold(name)] = code
    return index


def country_code(value: str | None) -> str | None:
    """An ISO 3166-1 alpha-2 code from a code or an English name; None if blank.

    Raises ValueError for anything that is not a country.
    """
    if value is None or not value.strip():
        return None
    code = _country_index().get(fold(value))
    if code is None:
        raise ValueError(f"unknown country {value.strip()!r}")
    return code


def country_name(code: str | None) -> str:
    """The English short name for an alpha-2 code ('' for None)."""
    if not code:
        return ""
    country = pycountry.countries.get(alpha_2=code)
    return getattr(country, "common_name", None) or country.name if country else code


@lru_cache(maxsize=1)
def _language_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for language in pycountry.languages:
        code = getattr(language, "alpha_2", None)
        if not code:
            continue
        for name in (code, getattr(language, "alpha_3", None), language.name):
            if name:
                index.setdefault(fold(name), code)
    return index


def language_code(value: str) -> str:
    """An ISO 639-1 code from a code or English name; ValueError otherwise."""
    code = _language_index().get(fold(value or ""))
    if code is None:
        raise ValueError(f"unknown language {value.strip()!r}")
    return code


def language_name(code: str) -> str:
    """The English name of an ISO 639-1 code."""
    language = pycountry.languages.get(alpha_2=code)
    return language.name if language else code


def all_countries() -> list[tuple[str, str]]:
    """(code, name) pairs sorted by name, for forms."""
    return sorted(((c.alpha_2, getattr(c, "common_name", None) or c.name) for c in pycountry.countries),
                  key=lambda pair: pair[1])


def slugify(label: str) -> str:
    """A topic slug from a label: 'Victim assistance' -> 'victim-assistance'."""
    folded = fold(label)
    return "-".join("".join(ch if ch.isalnum() else " " for ch in folded).split())


def ensure_default_topics(session: Session) -> None:
    """Create the Convention's topics if missing (idempotent)."""
    existing = set(session.scalars(select(Topic.slug)))
    for slug, label in DEFAULT_TOPICS:
        if slug not in existing:
            session.add(Topic(slug=slug, label=label))
    session.flush()


def topic_index(session: Session) -> dict[str, Topic]:
    """Topics by slug and by folded label, for resolving user input."""
    index: dict[str, Topic] = {}
    for topic in session.scalars(select(Topic)):
        index[topic.slug] = topic
        index[fold(topic.label)] = topic
    return index


def resolve_topic(index: dict[str, Topic], value: str) -> Topic:
    """The topic named by ``value`` (slug or label); ValueError if unknown."""
    topic = index.get(fold(value)) or index.get(slugify(value))
    if topic is None:
        raise ValueError(f"unknown topic {value.strip()!r}")
    return topic
