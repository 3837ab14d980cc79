"""Per-source CSS selectors, for the sites the generic extractor reads wrongly.

A source may set ``{"item": ..., "title": ..., "link": ..., "date": ...,
"summary": ...}``; only ``item`` is required. Inside each item: the title is
the text of ``title`` (default: the first heading, else the first link), the
link is the ``href`` of ``link`` (default: the title element if it is a link,
else the first link inside it, else the item's first link), the date is the
``datetime`` attribute or text of ``date`` (default: as the generic extractor
finds it), the summary the text of ``summary``. BeautifulSoup with lxml and
soupsieve do the matching.
"""

from __future__ import annotations

from bs4 import BeautifulSoup
from soupsieve import SelectorSyntaxError

from .dates import find_date_in_text, parse_date
from .htmltext import clean_text, decode_html, summary_html
from .urls import clean_url, is_safe_link, resolve, url_key

SELECTOR_KEYS = ("item", "title", "link", "date", "summary")


class BadSelector(ValueError):
    """A selector that is not valid CSS."""


def check_selectors(selectors: dict) -> dict:
    """The selectors with empty values dropped; raises BadSelector for unknown keys or invalid CSS."""
    cleaned = {key: value.strip() for key, value in (selectors or {}).items() if value and value.strip()}
    unknown = set(cleaned) - set(SELECTOR_KEYS)
    if unknown:
        raise BadSelector(f"unknown selector keys: {', '.join(sorted(unknown))}")
    probe = BeautifulSoup("<p></p>", "lxml")
    for key, value in cleaned.items():
        try:
            probe.select(value)
        except (SelectorSyntaxError, ValueError, NotImplementedError) as error:
            raise BadSelector(f"{key}: {error}") from error
    if cleaned and "item" not in cleaned:
        raise BadSelector("an item selector is required")
    return cleaned


def _text(element) -> str:
    return clean_text(element.get_text(" ")) if element is not None else ""


def _first(scope, selector: str | None):
    return scope.select_one(selector) if selector else None


def extract_with_selectors(body, url: str, selectors: dict, *, encoding: str | None = None,
                           language: str | None = None) -> list[tuple]:
    """(title, url, published, summary) for every element matching the item selector, in page order."""
    selectors = check_selectors(selectors)
    soup = BeautifulSoup(decode_html(body, encoding) if isinstance(body, (bytes, str)) else str(body), "lxml")
    for junk in soup(["script", "style", "noscript", "template"]):
        junk.decompose()
    base_tag = soup.find("base", href=True)
    base = base_tag["href"] if base_tag else None
    results, seen = [], set()
    for item in soup.select(selectors["item"]):
        title_element = _first(item, selectors.get("title")) or item.find(["h1", "h2", "h3", "h4", "h5", "h6"]) \
            or item.find("a", href=True)
        link_element = _first(item, selectors.get("link"))
        if link_element is None and title_element is not None:
            link_element = title_element if title_element.name == "a" else title_element.find("a", href=True)
        if link_element is None:
            link_element = item if item.name == "a" else item.find("a", href=True)
        title = _text(title_element)
        href = link_element.get("href") if link_element is not None else None
        if not title or not href:
            continue
        link = resolve(href, url, base)
        if not is_safe_link(link) or url_key(link) in seen:
            continue
        seen.add(url_key(link))
        date_element = _first(item, selectors.get("date")) or item.find("time")
        published = None
        if date_element is not None:
            published = parse_date(date_element.get("datetime"), language) or parse_date(_text(date_element),
                                                                                           language)
        if published is None:
            published = find_date_in_text(_text(item).replace(title, " ", 1), language)
        summary_element = _first(item, selectors.get("summary"))
        summary = summary_html(_text(summary_element)) if summary_element is not None else ""
        results.append((title, clean_url(link), published, summary))
    return results
