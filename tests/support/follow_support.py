"""Helpers for the follower's tests: settings, sources, temporary site roots and hostile bytes."""

from __future__ import annotations

import gzip
import ipaddress
import json
import shutil
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

from feeds.follow.fetch import Limits
from feeds.follow.models import Item, Source, host_key
from feeds.follow.poll import FollowSettings
from support.follow_pages import SHARED_FIXTURES

TESTS = Path(__file__).resolve().parent.parent
OWN_SITES = TESTS / "follow_sites"
SHARED = SHARED_FIXTURES
SHARED_SITES, SHARED_HOSTILE = SHARED / "sites", SHARED / "hostile"
NO_SHARED = "../shared/fixtures is absent (a fresh clone): the project's own sites under tests/ cover this"
LOOPBACK = (ipaddress.ip_network("127.0.0.0/8"),)
USER_AGENT = "Pressroom/test (+http://press.example/about/follower)"


def settings(**limits) -> FollowSettings:
    """Follower settings for tests: loopback allowed, small limits unless given."""
    base = dict(max_bytes=1024 * 1024, deadline_seconds=5.0, connect_timeout=2.0, read_timeout=2.0)
    base.update(limits)
    return FollowSettings(allowed_networks=LOOPBACK, user_agent=USER_AGENT, limits=Limits(**base),
                          host_wait_seconds=5.0)


def add_source(db, url: str, *, name: str = "Test source", **fields) -> int:
    """A followed source at ``url``; returns its id."""
    with db.transaction() as session:
        source = Source(name=name, url=url, host=host_key(url), **fields)
        session.add(source)
        session.flush()
        return source.id


def source(db, source_id: int) -> Source:
    """The source row, detached."""
    with db.transaction() as session:
        return session.get(Source, source_id)


def items(db, source_id: int) -> list[Item]:
    """The source's items in id order."""
    from sqlalchemy import select

    with db.transaction() as session:
        return list(session.scalars(select(Item).where(Item.source_id == source_id).order_by(Item.id)))


def expected_url(base: str, url: str) -> str:
    """An _expected.json URL made absolute (leading "/" means base + exactly that text)."""
    return base + url if url.startswith("/") else url


def expectations(sites: Path) -> list[tuple[str, str, str, list]]:
    """(site, listing, language, items) for every listing of every site, 'more' included."""
    found = []
    for folder in sorted(p for p in sites.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        expected = json.loads((folder / "_expected.json").read_text("utf-8"))
        meta = json.loads((folder / "_site.json").read_text("utf-8"))
        found.append((folder.name, expected["listing"], meta.get("language", "en"), expected["items"]))
        for more in expected.get("more", []):
            found.append((folder.name, more["listing"], more.get("language", "en"), more["items"]))
    return found


def copy_site(source_folder: Path, root: Path, name: str | None = None, **behaviours) -> Path:
    """Copy a site into ``root`` and merge behaviours into its _site.json."""
    target = root / (name or source_folder.name)
    shutil.copytree(source_folder, target)
    for path in target.rglob("*"):
        path.chmod(0o755 if path.is_dir() else 0o644)
    meta_path = target / "_site.json"
    meta = json.loads(meta_path.read_text("utf-8")) if meta_path.exists() else {}
    for key, value in behaviours.items():
        meta.setdefault(key, {}).update(value) if isinstance(value, dict) else meta.__setitem__(key, value)
    meta_path.write_text(json.dumps(meta), "utf-8")
    return target


def write_site(root: Path, name: str, files: dict[str, bytes | str], **meta) -> Path:
    """A small site made of ``files`` (path -> content) and a _site.json with ``meta``."""
    folder = root / name
    for relative, content in files.items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    folder.mkdir(parents=True, exist_ok=True)
    meta.setdefault("last_modified", "2025-01-01T00:00:00Z")
    (folder / "_site.json").write_text(json.dumps(meta), "utf-8")
    return folder


def listing_html(entries: list[tuple[str, str, str]], title: str = "News") -> str:
    """A plain news listing: (title, href, ISO date) per item, in the usual CMS shape."""
    articles = "\n".join(
        f'<article class="news-item"><h2><a href="{href}">{text}</a></h2>'
        f'<time datetime="{date}">{date}</time><p>Summary of {text}.</p></article>'
        for text, href, date in entries)
    return (f"<!DOCTYPE html><html lang=\"en\"><head><title>{title}</title></head><body>"
            f"<nav><a href=\"/\">Home</a> <a href=\"/about/\">About</a></nav>"
            f"<main><h1>{title}</h1>{articles}</main><footer><a href=\"/contact/\">Contact</a></footer>"
            f"</body></html>")


def rss(entries: list[tuple[str, str, str]], *, doctype: str = "") -> str:
    """A small RSS 2.0 feed: (title, link, RFC 822 date) per item."""
    body = "".join(f"<item><title>{t}</title><link>{link}</link><guid>{link}</guid><pubDate>{date}</pubDate>"
                   f"<description>About {t}</description></item>" for t, link, date in entries)
    return (f'<?xml version="1.0" encoding="utf-8"?>{doctype}<rss version="2.0"><channel><title>News</title>'
            f"<link>http://example.org/</link><description>d</description>{body}</channel></rss>")


def gzip_bomb(inflated_mb: int) -> bytes:
    """Gzip bytes that inflate to ``inflated_mb`` MB of zeros, made in small pieces."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * (1024 * 1024)
    parts = [compressor.compress(block) for _ in range(inflated_mb)]
    return b"".join(parts) + compressor.flush()


def huge_listing(megabytes: int) -> bytes:
    """A listing page of about ``megabytes`` MB."""
    row = "".join(f'<li><a href="/news/{i}">Item {i}</a> <time datetime="2024-01-01">1 Jan 2024</time></li>'
                  for i in range(200)).encode()
    return b"<html><body><ul>" + row * (megabytes * 1024 * 1024 // len(row) + 1) + b"</ul></body></html>"


def gzipped(text: str) -> bytes:
    """``text`` gzip-compressed (for content_encoding behaviours)."""
    return gzip.compress(text.encode("utf-8"))


def run_shared_server(root: Path, work: Path):
    """Start ../shared/fixtures/serve_sites.py on ``root``: (process, urls, log path)."""
    ports, log = work / "ports.json", work / "requests.jsonl"
    process = subprocess.Popen([sys.executable, str(SHARED / "serve_sites.py"), str(root),
                                "--ports-file", str(ports), "--log", str(log)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        if ports.exists():
            break
        time.sleep(0.05)
    else:
        process.terminate()
        pytest.fail("serve_sites.py did not start")
    return process, json.loads(ports.read_text()), log


def read_log(log: Path) -> list[dict]:
    """The JSON-lines request log of a fixture server."""
    return [json.loads(line) for line in log.read_text("utf-8").splitlines() if line] if log.exists() else []
