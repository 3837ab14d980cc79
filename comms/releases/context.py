"""What a render of a release needs from the database: its RenderContext (no Flask).

comms.rendering is pure (it knows no release tables); this is where a release's
public links, boilerplate and translations are looked up for it.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

from comms.releases import files as release_files
from comms.releases import newsroom
from comms.releases import service as releases
from comms.rendering.document import FileLink, RenderContext


def release_context(session, release, *, base_url: str, office: str, revision: int | None = None,
                    language: str | None = None, now: dt.datetime | None = None, unsubscribe_url: str = "",
                    preferences_url: str = "") -> RenderContext:
    """The RenderContext of a release from the database (no Flask).

    The page, the photo, the PDF and the translations are linked only when the
    public can open them (the release is published and past its embargo), so an
    embargoed email never carries links that answer 404 until the lift. URLs
    follow the newsroom's routes: /news/<slug>?lang= and /news/<slug>/files/...
    """
    base = base_url.rstrip("/")
    moment = now or dt.datetime.now(dt.timezone.utc)
    # Published, and past its embargo (a translation: its original's too), at ``moment``.
    public = release.is_public_at(moment)
    slug, lang = quote(release.slug), quote(release.language)
    files = {}
    if public:
        # The public file URLs serve the published revision's files (attachments are content).
        for kind, record in release_files.public_files(session, release).items():
            files[kind] = FileLink(url=f"{base}/news/{slug}/files/{quote(kind)}/{quote(record.filename)}?lang={lang}",
                                   caption=record.caption, size=record.size)
    translations = tuple((other.language, f"{base}/news/{quote(other.slug)}?lang={quote(other.language)}")
                         for other in newsroom.public_translations(session, release) if other.id != release.id)
    return RenderContext(
        base_url=base, office=office, language=language, revision=revision,
        boilerplate=releases.boilerplate(session, release.language),
        page_url=f"{base}/news/{slug}?lang={lang}" if public else "", files=files, translations=translations,
        embargo_until=release.effective_embargo_until,
        timezone=release.meeting.timezone if release.meeting else "UTC", now=now, unsubscribe_url=unsubscribe_url,
        preferences_url=preferences_url)
