"""Anchors for bench/extract.py: what newspaper4k and trafilatura list as items on a listing page.

Neither is a dependency of the project; each is used only when it is installed. Both return
(title, url, None) rows: neither reads a listing's dates.
- newspaper4k: the page as a Source's only category; its article-URL heuristics keep the links.
- trafilatura: the main text of the page as XML with links; each <ref> is an item.
"""

from __future__ import annotations

import importlib.util
import logging
import warnings
from typing import Callable

NAMES = ("newspaper4k", "trafilatura")
Reader = Callable[[str, str], list[tuple]]


def _clean(text: str | None) -> str:
    return " ".join((text or "").split())


def _offline_suffixes() -> None:
    # newspaper4k asks tldextract, which downloads the public suffix list on first use: the bench
    # never goes online, so tldextract gets its bundled snapshot instead.
    import tldextract
    from tldextract import tldextract as module

    offline = tldextract.TLDExtract(suffix_list_urls=())
    tldextract.extract = module.extract = offline


def _newspaper(html: str, url: str) -> list[tuple]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from newspaper import parsers
        from newspaper.source import Category, Source
    _offline_suffixes()

    source = Source(url, memorize_articles=False)
    source.categories = [Category(url=url, html=html, doc=parsers.fromstring(html))]
    rows, seen = [], set()
    for article in source.categories_to_articles():
        if article.url not in seen:
            seen.add(article.url)
            rows.append((_clean(article.title), article.url, None))
    return rows


def _trafilatura(html: str, url: str) -> list[tuple]:
    import lxml.etree
    import trafilatura

    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    xml = trafilatura.extract(html, url=url, output_format="xml", include_links=True, with_metadata=False)
    if not xml:
        return []
    root = lxml.etree.fromstring(xml.encode("utf-8"))
    rows, seen = [], set()
    for ref in root.iter("ref"):
        target = ref.get("target") or ""
        if target.startswith("http") and target not in seen:
            seen.add(target)
            rows.append((_clean("".join(ref.itertext())), target, None))
    return rows


def available() -> dict[str, Reader]:
    """The anchors that are installed, by name."""
    readers = {"newspaper4k": ("newspaper", _newspaper), "trafilatura": ("trafilatura", _trafilatura)}
    return {name: reader for name, (module, reader) in readers.items() if importlib.util.find_spec(module)}
