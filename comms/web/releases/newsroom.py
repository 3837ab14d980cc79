"""The public newsroom: /news/ and /news/<slug> (docs/design/security.md item 20: nothing before its time)."""

from __future__ import annotations

import json
import logging

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup

from comms.releases import newsroom
from comms.releases import files as release_files
from comms.releases import service as releases
from comms.meetings.service import Meeting
from comms.rendering.formats import FileLink, RenderContext, RenderError, plain_text, render_release
from comms.releases import listing as newsroom_listing
from comms.rendering.datelines import OFFICE_TIMEZONE
from comms.web.context import absolute_url, db, runtime
from comms.web.i18n import current_language
from comms.web.input_guard import MAX_PAGE, query_int
from comms.web.releases.files import file_url
from comms.web.releases.links import public_url
from contacts.models import Topic

bp = Blueprint("newsroom", __name__)
log = logging.getLogger("pressroom.newsroom")
PAGE_SIZE = 20


@bp.route("/news/")
def index():
    """Published releases, newest first, one item per release with its languages; filters and search."""
    args = request.args
    page = query_int("page", 1, maximum=MAX_PAGE)
    language, topic, q = args.get("lang", ""), args.get("topic", ""), args.get("q", "")[:200]
    meeting = query_int("meeting")
    available = newsroom_listing.public_languages(db())
    missing_language = language if language and language not in available else ""
    if missing_language:  # e.g. ?lang=de with nothing in German: every language rather than an empty page
        language = ""
    found, total = newsroom_listing.list_stories(db(), language=language, topic=topic, meeting_id=meeting, q=q,
                                                 prefer=current_language(), page=page, per_page=PAGE_SIZE)
    topics = db().query(Topic).order_by(Topic.label).all()
    meetings_list = db().query(Meeting).order_by(Meeting.starts_on.desc()).all()
    return render_template("news/index.html", stories=found, total=total, page=page, page_size=PAGE_SIZE,
                           filters={"lang": language, "topic": topic, "q": q, "meeting": meeting}, topics=topics,
                           meetings=meetings_list, office=runtime().config.office_name,
                           languages=sorted(set(releases.LANGUAGES[:3]) | set(available),
                                            key=releases.LANGUAGES.index),
                           missing_language=missing_language)


def _staff_preview_allowed() -> bool:
    return current_user.is_authenticated and current_user.user.has_role("officer", "approver", "viewer")


@bp.route("/news/<slug>")
def release_page(slug: str):
    """One release in one language; 404 to the public until published and past its embargo."""
    return _release_response(slug, "news/release.html", "newsroom.release_page")


@bp.route("/news/<slug>/print")
def print_page(slug: str):
    """The same release laid out for paper or "Save as PDF" (no navigation, print stylesheet)."""
    return _release_response(slug, "news/print.html", "newsroom.print_page")


def _release_response(slug: str, template: str, endpoint: str):
    language = request.args.get("lang", "en")
    session = db()
    release = newsroom.public_release(session, slug, language)
    preview = False
    if release is None:
        release = session.query(releases.Release).filter_by(slug=slug, language=language).one_or_none()
        if release is None or not _staff_preview_allowed():
            # Not in that language (?lang=de): the version in the reader's language or the original.
            other = newsroom_listing.best_version(session, slug, current_language())
            if other is None:
                abort(404)
            return redirect(url_for(endpoint, slug=slug, lang=other.language))
        preview = True
    content = release.content() if preview else release.public_content
    alternates = newsroom.public_translations(session, release) if not preview else []
    # Attachments are content: the public sees the published revision's files, staff the draft's.
    files = release_files.files_of(session, release) if preview else release_files.public_files(session, release)
    context = RenderContext(
        office=runtime().config.office_name, revision=release.revision if preview else release.published_revision,
        boilerplate=releases.boilerplate(session, release.language), page_url=public_url(release),
        files={kind: FileLink(url=file_url(release, record, release.revision if preview else None),
                              caption=record.caption, size=record.size)
               for kind, record in files.items()},
        translations=tuple((other.language, url_for("newsroom.release_page", slug=other.slug, lang=other.language))
                           for other in alternates),
        embargo_until=release.effective_embargo_until,
        timezone=release.meeting.timezone if release.meeting else OFFICE_TIMEZONE)
    try:
        article_html = Markup(render_release(release, "html", context=context))
    except RenderError as exc:  # e.g. a body stored before the rich-text limits (docs/design/security.md item 31)
        log.error("release %s cannot be rendered: %s", release.id, exc)
        abort(500, "This release cannot be shown at the moment. Please try again later.")
    # JSON inside <script> with <, > and & as \u escapes, so no text (a headline "<!--<script>") can end
    # or change the script element (docs/design/security.md item 35).
    json_ld = htmlsafe_json_dumps({
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": content["headline"][:110],
        "inLanguage": release.language, "datePublished": release.first_published_at.isoformat()
        if release.first_published_at else None,
        "dateModified": (release.updated_published_at or release.first_published_at).isoformat()
        if release.first_published_at else None,
        "publisher": {"@type": "Organization", "name": runtime().config.office_name},
        "mainEntityOfPage": public_url(release),
    }, dumps=json.dumps, ensure_ascii=False)
    response = render_template(
        template, release=release, content=content, article_html=article_html, preview=preview,
        alternates=alternates, json_ld=json_ld, canonical=public_url(release),
        summary=plain_text(content.get("subheadline") or content.get("body_markdown", ""))[:200],
        office=runtime().config.office_name, feed_url=absolute_url("newsroom.index"), files=files)
    headers = {"Cache-Control": "private, no-store"} if preview else {"Cache-Control": "public, max-age=60"}
    return response, 200, headers
