"""The public newsroom: /news/ and /news/<slug> (SECURITY.md 20: nothing before its time)."""

from __future__ import annotations

import json

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup

from comms import newsroom, release_files, releases
from comms.meetings import Meeting
from comms.rendering import FileLink, RenderContext, plain_text, render_release
from comms.web.context import absolute_url, db, runtime
from comms.web.release_files_ui import file_url
from comms.web.release_links import public_url
from contacts.models import Topic

bp = Blueprint("newsroom", __name__)
PAGE_SIZE = 20


@bp.route("/news/")
def index():
    """Published releases, newest first, with filters and search."""
    args = request.args
    page = max(1, args.get("page", 1, type=int) or 1)
    language, topic, q = args.get("lang", ""), args.get("topic", ""), args.get("q", "")[:200]
    meeting = args.get("meeting", type=int)
    found, total = newsroom.search_public(db(), language=language, topic=topic, meeting_id=meeting, q=q, page=page,
                                          per_page=PAGE_SIZE)
    topics = db().query(Topic).order_by(Topic.label).all()
    meetings_list = db().query(Meeting).order_by(Meeting.starts_on.desc()).all()
    return render_template("news/index.html", releases=found, total=total, page=page, page_size=PAGE_SIZE,
                           filters={"lang": language, "topic": topic, "q": q, "meeting": meeting}, topics=topics,
                           meetings=meetings_list, office=runtime().config.office_name,
                           languages=releases.LANGUAGES[:3])


def _staff_preview_allowed() -> bool:
    return current_user.is_authenticated and current_user.user.has_role("officer", "approver", "viewer")


@bp.route("/news/<slug>")
def release_page(slug: str):
    """One release in one language; 404 to the public until published and past its embargo."""
    language = request.args.get("lang", "en")
    session = db()
    release = newsroom.public_release(session, slug, language)
    preview = False
    if release is None:
        release = session.query(releases.Release).filter_by(slug=slug, language=language).one_or_none()
        if release is None or not _staff_preview_allowed():
            abort(404)
        preview = True
    content = release.content() if preview else release.public_content
    alternates = newsroom.public_translations(session, release) if not preview else []
    files = release_files.files_of(session, release)
    context = RenderContext(
        office=runtime().config.office_name, revision=release.revision if preview else release.published_revision,
        boilerplate=releases.boilerplate(session, release.language), page_url=public_url(release),
        files={kind: FileLink(url=file_url(release, record), caption=record.caption, size=record.size)
               for kind, record in files.items()},
        translations=tuple((other.language, url_for("newsroom.release_page", slug=other.slug, lang=other.language))
                           for other in alternates),
        embargo_until=release.embargo_until, timezone=release.meeting.timezone if release.meeting else "UTC")
    article_html = Markup(render_release(release, "html", context=context))
    json_ld = json.dumps({
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": content["headline"][:110],
        "inLanguage": release.language, "datePublished": release.first_published_at.isoformat()
        if release.first_published_at else None,
        "dateModified": (release.updated_published_at or release.first_published_at).isoformat()
        if release.first_published_at else None,
        "publisher": {"@type": "Organization", "name": runtime().config.office_name},
        "mainEntityOfPage": public_url(release),
    }, ensure_ascii=False).replace("</", "<\\/")
    response = render_template(
        "news/release.html", release=release, content=content, article_html=article_html, preview=preview,
        alternates=alternates, json_ld=json_ld, canonical=public_url(release),
        summary=plain_text(content.get("subheadline") or content.get("body_markdown", ""))[:200],
        office=runtime().config.office_name, feed_url=absolute_url("newsroom.index"), files=files)
    headers = {"Cache-Control": "private, no-store"} if preview else {"Cache-Control": "public, max-age=60"}
    return response, 200, headers
