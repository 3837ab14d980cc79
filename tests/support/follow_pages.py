"""Fixture sites read straight from disk, with the same path rules as the shared serve_sites.py.

Used by the extractor tests, which need no server: ``{{BASE}}`` is replaced by a
fake base URL, a folder path serves its index file, a query picks the
``STEM__QUERY.EXT`` variant, and ``_site.json`` "charsets" give the encoding a
server would announce.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

BASE = "http://127.0.0.1:8000"
OWN_SITES = Path(__file__).resolve().parent.parent / "follow_sites"
# ../shared/fixtures beside the checkout; PRESSROOM_SHARED_FIXTURES points elsewhere (a git worktree has no ../shared).
SHARED_FIXTURES = Path(os.environ.get("PRESSROOM_SHARED_FIXTURES")
                       or Path(__file__).resolve().parent.parent.parent.parent / "shared" / "fixtures")
SHARED_SITES = SHARED_FIXTURES / "sites"
SHARED_HOSTILE = SHARED_FIXTURES / "hostile"
INDEX_NAMES = ("index.html", "index.htm", "index.xml", "index.rss", "index.atom", "index.json", "index.txt")
_QUERY_UNSAFE = re.compile(r"[^A-Za-z0-9=&._-]")


def site_names(root: Path) -> list[str]:
    """The site folders under ``root`` (none when it does not exist)."""
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_")))


def find_file(site: Path, target: str) -> Path:
    """The file the fixture server would send for ``target`` (a path with an optional query)."""
    parts = urlsplit(target)
    folder = site.joinpath(*[p for p in unquote(parts.path).split("/") if p])
    candidates = [folder / name for name in INDEX_NAMES] if folder.is_dir() else [folder]
    for candidate in candidates:
        if candidate.is_file():
            if parts.query:
                slug = _QUERY_UNSAFE.sub("_", unquote(parts.query.replace("+", " ")))
                variant = candidate.with_name(f"{candidate.stem}__{slug}{candidate.suffix}")
                if variant.is_file():
                    return variant
            return candidate
    raise FileNotFoundError(target)


def page_bytes(site: Path, target: str) -> bytes:
    """The bytes of ``target`` with ``{{BASE}}`` replaced, as the server sends them."""
    return find_file(site, target).read_bytes().replace(b"{{BASE}}", BASE.encode())


def site_config(site: Path) -> dict:
    """The site's _site.json."""
    return json.loads((site / "_site.json").read_text(encoding="utf-8"))


def expected(site: Path) -> dict:
    """The site's _expected.json."""
    return json.loads((site / "_expected.json").read_text(encoding="utf-8"))


def charset_for(site: Path, target: str) -> str | None:
    """The charset the server would announce for ``target`` (None: UTF-8)."""
    table = site_config(site).get("charsets") or {}
    path = urlsplit(target).path
    return table.get(path) or table.get(path.rstrip("/")) or table.get(path.rstrip("/") + "/")


def listings(site: Path) -> list[tuple[str, str | None, list]]:
    """(listing path, language, expected items) for the main listing and every "more" listing."""
    data, config = expected(site), site_config(site)
    found = [(data["listing"], config.get("language"), data["items"])]
    found += [(more["listing"], more.get("language"), more["items"]) for more in data.get("more", [])]
    return found


def as_rows(items) -> list[tuple]:
    """ExtractedItems as (title, url, YYYY-MM-DD or None), the shape of _expected.json."""
    rows = []
    for item in items:
        published = item.published
        if isinstance(published, dt.datetime):
            published = published.date()
        rows.append((item.title, item.url, published.isoformat() if published else None))
    return rows


def expected_rows(items: list) -> list[tuple]:
    """_expected.json items as (title, absolute url, date)."""
    return [(i["title"], i["url"] if "://" in i["url"] else BASE + i["url"], i["published"]) for i in items]
