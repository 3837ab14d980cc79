"""What the public feeds hold: releases, meeting documents and followed items as FeedItems (no Flask).

Only what the public may see goes in (docs/design/security.md item 20): the release entries come
from the same conditions as the newsroom (comms.releases.newsroom.public_query), so an
embargoed, unpublished or retracted release is never an entry. Meeting
documents must be marked public. Items from followed sites are untrusted text:
titles stay plain text (the feed writer escapes them) and summaries are
sanitised again with our allowlist before they are republished.

Every feed is a list of *keys* (time, kind, id, listed) ordered oldest first.
The current feed shows the newest 50 listed keys; archive pages (feeds.archive)
slice the same list by position, so pages stay put as new entries arrive. A
retracted release keeps its key (and its position) but is not listed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from html import unescape
from urllib.parse import quote, urlsplit

import nh3
from sqlalchemy import and_, select
from sqlalchemy.orm import Session, selectinload

from comms.meetings import documents
from comms.releases import newsroom
from comms.releases import files as release_files
from comms.meetings.service import Meeting
from comms.releases.service import Release
from comms.rendering.formats import absolute_links, plain_text, render_html, sanitize_html
from comms.releases.context import release_context
from comms.documents import feed as register_feed
from feeds.build import Enclosure, FeedItem
from feeds.follow.models import Item, Source
from storage.db import utcnow

TAG_YEAR = "2026"  # the date part of tag: URIs (RFC 4151); fixed, so ids never change
FEED_TEXT = {
    "en": {"releases": "Press releases", "releases_sub": "Press releases from the {office}",
           "related": "Related news", "related_sub": "News from organisations the {office} follows",
           "meeting_sub": "Press releases and documents of {meeting}", "documents": "Documents", "files": "Files"},
    "fr": {"releases": "Communiqués de presse", "releases_sub": "Communiqués de presse ({office})",
           "related": "Actualités liées", "related_sub": "Actualités des organisations suivies ({office})",
           "meeting_sub": "Communiqués et documents : {meeting}", "documents": "Documents", "files": "Fichiers"},
    "es": {"releases": "Comunicados de prensa", "releases_sub": "Comunicados de prensa ({office})",
           "related": "Noticias relacionadas", "related_sub": "Noticias de las organizaciones que sigue ({office})",
           "meeting_sub": "Comunicados y documentos: {meeting}", "documents": "Documentos", "files": "Archivos"},
}
_FIRST_HEADING = re.compile(r"\s*<h1>.*?</h1>\s*", re.S)


def feed_text(language: str) -> dict[str, str]:
    """The feed labels in ``language`` (English for a language without its own)."""
    return FEED_TEXT.get(language, FEED_TEXT["en"])


@dataclass(frozen=True)
class FeedSite:
    """Where the feeds live: the absolute base URL and who publishes them."""

    base_url: str
    office: str
    hub_url: str = ""

    @property
    def host(self) -> str:
        """The host name of the base URL (the authority of tag: ids)."""
        return urlsplit(self.base_url).hostname or "localhost"

    def tag(self, specific: str) -> str:
        """A permanent id: ``tag:host,2026:specific``."""
        return f"tag:{self.host},{TAG_YEAR}:{specific}"

    def url(self, path: str) -> str:
        """An absolute URL for a path on this site."""
        return self.base_url.rstrip("/") + path


@dataclass(frozen=True, order=True)
class Key:
    """One entry's place in a feed's history."""

    time: dt.datetime
    kind: str
    id: int
    listed: bool = True


@dataclass(frozen=True)
class ReleaseFilters:
    """The ?lang=&topic=&meeting= filters of the release feeds (already validated)."""

    language: str = ""
    topic: str = ""
    meeting_id: int | None = None

    def query_string(self) -> str:
        """The filters as a query string ("" or "?lang=fr&topic=...")."""
        parts = [(name, value) for name, value in (("lang", self.language), ("topic", self.topic),
                                                   ("meeting", self.meeting_id)) if value]
        return ("?" + "&".join(f"{name}={quote(str(value))}" for name, value in parts)) if parts else ""


# --- Releases --------------------------------------------------------------------------------------------------------

def _ever_public(query, now: dt.datetime):
    """newsroom.public_query without its "not retracted" condition: a retracted release keeps its
    position in the archives (but is never listed). Embargo and publication rules are the same."""
    return newsroom.ever_public_query(query, now)


def _filtered(query, filters: ReleaseFilters):
    if filters.language:
        query = query.where(Release.language == filters.language)
    if filters.topic:
        query = query.where(Release.public_topics.like(f"% {filters.topic} %"))
    if filters.meeting_id:
        query = query.where(Release.meeting_id == filters.meeting_id)
    return query


def release_keys(session: Session, filters: ReleaseFilters) -> list[Key]:
    """Every release that was ever public in this feed, oldest first (retracted ones unlisted)."""
    query = _filtered(_ever_public(select(Release.first_published_at, Release.id, Release.retracted_at), utcnow()),
                      filters)
    return sorted(Key(first, "release", rid, retracted is None) for first, rid, retracted in session.execute(query))


def release_item(session: Session, site: FeedSite, release: Release) -> FeedItem:
    """A public release as a feed entry: the newsroom's article as content, photo and PDF as enclosures."""
    content = release.public_content
    context = release_context(session, release, base_url=site.base_url, office=site.office,
                              revision=release.published_revision)
    # The article without its headline: feed readers show the title themselves.
    article = _FIRST_HEADING.sub("", render_html(release, context), count=1).strip()
    # Photo first, PDF last: RSS allows one enclosure and feedgen keeps the last.
    enclosures = tuple(Enclosure(url=link.url, length=link.size, mime_type=_file_type(kind, link.url),
                                 title=link.caption)
                       for kind, link in sorted(context.files.items(), key=lambda pair: pair[0] != "photo"))
    return FeedItem(
        id=site.tag(f"release/{release.id}"), url=context.page_url, title=content.get("headline", ""),
        published=release.first_published_at, updated=release.updated_published_at or release.first_published_at,
        summary=(content.get("subheadline") or plain_text(content.get("body_markdown", "")))[:400],
        content_html=article, author_name=site.office, author_url=site.url("/news/"),
        categories=tuple(content.get("topics") or ()), language=release.language, enclosures=enclosures,
        image_url=context.files["photo"].url if "photo" in context.files else "")


def _file_type(kind: str, url: str) -> str:
    """A release file's media type from its name: attach() names every file after its detected type."""
    extension = url.split("?", 1)[0].rsplit(".", 1)[-1].lower()
    types = {ext: mime for mime, ext in release_files.KINDS.get(kind, ({}, ""))[0].items()}
    return types.get(extension, "application/octet-stream")


def _releases(session: Session, ids: list[int]) -> dict[int, Release]:
    # Loaded through the newsroom's own public query: whatever the keys say, nothing
    # that is not public right now can become an entry.
    query = newsroom.public_query(select(Release)).where(Release.id.in_(ids)).options(
        selectinload(Release.revisions), selectinload(Release.meeting), selectinload(Release.original))
    rows = session.scalars(query) if ids else []
    return {release.id: release for release in rows}


# --- Meeting documents -----------------------------------------------------------------------------------------------

def document_keys(session: Session, meeting: Meeting) -> list[Key]:
    """A meeting's public documents that have a file, oldest first."""
    return sorted(Key(doc.published_at or doc.created_at, "document", doc.id)
                  for doc in documents.public_documents(session, meeting) if doc.files)


def document_item(site: FeedSite, document: documents.Document) -> FeedItem:
    """A public meeting document: one enclosure per language."""
    meeting_id = document.meeting_id
    enclosures = tuple(Enclosure(
        url=site.url(f"/meetings/{meeting_id}/documents/{document.id}/{quote(f.language)}/{quote(f.filename)}"),
        length=f.size, mime_type=f.content_type, title=f"{f.language.upper()} · {f.filename}")
        for f in document.files)
    newest_file = max((f.uploaded_at for f in document.files), default=None)
    published = document.published_at or document.created_at
    languages = ", ".join(f.language.upper() for f in document.files)
    return FeedItem(
        id=site.tag(f"document/{document.id}"), url=enclosures[0].url if enclosures else site.url(
            f"/meetings/{meeting_id}"), title=document.title, published=published,
        updated=max(published, newest_file) if newest_file else published,
        summary=f"{document.kind.capitalize()} ({languages})", author_name=site.office,
        author_url=site.url(f"/meetings/{meeting_id}"), categories=(document.kind,), enclosures=enclosures)


def meeting_keys(session: Session, meeting: Meeting) -> list[Key]:
    """A meeting's releases and public documents, oldest first."""
    issued = [Key(moment, "register", key) for moment, key in register_feed.issued_times(session, meeting.id)]
    return sorted(release_keys(session, ReleaseFilters(meeting_id=meeting.id)) + document_keys(session, meeting)
                  + issued)


# --- Followed items --------------------------------------------------------------------------------------------------

def related_keys(session: Session) -> list[Key]:
    """Every item from a followed source, in the order they were found (dates from elsewhere are untrusted)."""
    return sorted(Key(first_seen, "item", item_id) for first_seen, item_id in session.execute(
        select(Item.first_seen_at, Item.id).join(Source, Source.id == Item.source_id)))


def _safe_url(url: str | None) -> str:
    url = (url or "").strip()
    ok = urlsplit(url).scheme in ("http", "https") and not re.search(r"[\s\"'<>\x00-\x1f]", url)
    return url if ok else ""


def followed_item(site: FeedSite, item: Item) -> FeedItem:
    """An item from a followed site, attributed to its source; its summary sanitised again."""
    source = item.source
    link = _safe_url(item.url) or _safe_url(source.url) or site.url("/feeds/")
    summary_html = absolute_links(item.summary or "", link) if item.summary else ""
    text = " ".join(nh3.clean(summary_html, tags=set()).split())
    return FeedItem(
        id=site.tag(f"followed-item/{item.id}"), url=link, title=" ".join((item.title or "").split()),
        published=item.published_at, updated=item.published_at or item.first_seen_at,
        summary=unescape(text)[:400], content_html=sanitize_html(summary_html), author_name=source.name,
        author_url=_safe_url(source.url), language=item.language or source.language or "",
        source_title=source.name, source_url=_safe_url(source.url), source_feed_url=_safe_url(source.feed_url))


# --- Loading a page of keys ------------------------------------------------------------------------------------------

def load_items(session: Session, site: FeedSite, keys: list[Key]) -> list[FeedItem]:
    """The listed keys as FeedItems, newest first (anything no longer public is left out)."""
    wanted = [key for key in reversed(keys) if key.listed]
    by_kind: dict[str, list[int]] = {}
    for key in wanted:
        by_kind.setdefault(key.kind, []).append(key.id)
    releases = _releases(session, by_kind.get("release", []))
    docs = {doc.id: doc for doc in session.scalars(select(documents.Document).where(and_(
        documents.Document.id.in_(by_kind.get("document", [])), documents.Document.public.is_(True))))} \
        if by_kind.get("document") else {}
    items = {item.id: item for item in session.scalars(select(Item).where(Item.id.in_(by_kind.get("item", []))))} \
        if by_kind.get("item") else {}
    registered = register_feed.public_documents(session, by_kind.get("register", []))
    entries = []
    for key in wanted:
        if key.kind == "release" and key.id in releases:
            entries.append(release_item(session, site, releases[key.id]))
        elif key.kind == "document" and key.id in docs:
            entries.append(document_item(site, docs[key.id]))
        elif key.kind == "register" and key.id in registered:
            entries.append(register_feed.feed_item(site, registered[key.id]))
        elif key.kind == "item" and key.id in items:
            entries.append(followed_item(site, items[key.id]))
    return entries
