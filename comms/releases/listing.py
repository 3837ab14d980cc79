"""The newsroom's list (no Flask): one item per release, with the languages it is public in.

A release and its translations are one story: the list pages over stories, shows each in
the reader's language when that version is public (else the original's language) and
names the other languages, instead of listing every translation as its own item.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import desc, func, select
from sqlalchemy.orm import Session, selectinload

from comms.releases.newsroom import filtered_public_query, public_query
from comms.releases.service import Release


@dataclass(frozen=True)
class Story:
    """One release as listed: the version shown and every public version (by language)."""

    shown: Release
    versions: tuple[Release, ...]

    @property
    def languages(self) -> tuple[str, ...]:
        """The languages the release can be read in."""
        return tuple(version.language for version in self.versions)


def _root(columns):
    return func.coalesce(columns.translation_of_id, columns.id)


def list_stories(session: Session, *, language: str = "", topic: str = "", meeting_id: int | None = None, q: str = "",
                 prefer: str = "en", page: int = 1, per_page: int = 20) -> tuple[list[Story], int]:
    """One page of stories matching the filters, newest first, and the number of stories."""
    matching = filtered_public_query(language=language, topic=topic, meeting_id=meeting_id, q=q).subquery()
    root = _root(matching.c).label("root")
    stories = select(root, func.max(matching.c.first_published_at).label("newest")).group_by(root)
    total = session.scalar(select(func.count()).select_from(stories.subquery())) or 0
    roots = [row.root for row in session.execute(
        stories.order_by(desc("newest"), desc("root")).offset((max(page, 1) - 1) * per_page).limit(per_page))]
    if not roots:
        return [], total
    matched_ids = set(session.scalars(select(matching.c.id).where(_root(matching.c).in_(roots))))
    versions: dict[int, list[Release]] = {key: [] for key in roots}
    for release in session.scalars(public_query(select(Release)).where(_root(Release).in_(roots))
                                   .order_by(Release.language).options(selectinload(Release.revisions))):
        versions[release.translation_of_id or release.id].append(release)
    result = []
    for key in roots:
        candidates = [r for r in versions[key] if r.id in matched_ids] or versions[key]
        if candidates:
            result.append(Story(shown=_pick(candidates, prefer, key), versions=tuple(versions[key])))
    return result, total


def _pick(candidates: list[Release], prefer: str, root_id: int) -> Release:
    for release in candidates:
        if release.language == prefer:
            return release
    for release in candidates:
        if release.id == root_id:
            return release
    return candidates[0]


def public_languages(session: Session) -> list[str]:
    """The languages at least one public release is in, for the filter and the fallbacks."""
    query = public_query(select(Release.language)).distinct().order_by(Release.language)
    return list(session.scalars(query))


def best_version(session: Session, slug: str, prefer: str) -> Release | None:
    """The public version of /news/{slug} to show when the language asked for has none:
    the reader's language, else the original's, else any."""
    found = list(session.scalars(public_query(select(Release)).where(Release.slug == slug).order_by(Release.language)))
    if not found:
        return None
    originals = {release.translation_of_id or release.id for release in found}
    return _pick(found, prefer, min(originals))
