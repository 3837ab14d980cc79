"""A release rendered as a web page, an email and plain text.

Markdown -> safe HTML is comms.richtext (re-exported here); the text part's
wrapping and footnotes are comms.text_layout.

Output formats are a small registry of render functions, in the manner of
Datasette's renderers: ``render_release(release, "html" | "email" | "text",
context=RenderContext(...))``. The templates are files in press_templates/:
``release.html`` (the article of the public page), ``release.mjml`` (the email,
compiled by mjml-python, its styles written inline by MJML attributes and the
``email_style`` filter) and ``release.txt``
(the text part: wrapped at 72 columns, links numbered as footnotes). The three
share partials (press_templates/partials/) and one table of labels (LABELS).

Escaping (SECURITY.md 12, 13): every template, .mjml and .txt included, is
rendered with autoescape on, in Jinja's sandbox. No template is editable by
staff; what staff type (headline, quotes, contacts, the boilerplate) is data
that is escaped, never compiled as a template. In the text part escaping is
for text: ``<`` and ``>`` become ``&lt;`` and ``&gt;`` (a name like ``<b>x</b>``
reaches the reader as visible text, never as markup), while ``&``, quotes and
apostrophes stay as typed, so "l'Assemblée" does not become "l&#39;Assemblée".

Email for many recipients (what comms.distribution calls)::

    compiled = compile_email(release, context=release_context(session, release, base_url=..., office=...,
                                                                revision=release.published_revision))
    subject = compiled.subject            # "EMBARGOED UNTIL ...: headline" while embargoed
    for contact in recipients:
        html, text = personalise(compiled, name=contact.name, unsubscribe_url=..., preferences_url=...)

``compile_email`` runs Markdown, the sanitiser, Jinja and MJML
once per (release, language, revision, embargo flag) and keeps the result in an
in-process LRU cache; ``personalise`` only joins pre-split pieces with the
recipient's escaped name and links (microseconds, no recompiling).

The modules: comms.render_labels (labels, dates), comms.release_document
(RenderContext, the document the templates see, Jinja, MJML), comms.email_cache
(compile_email, personalise); everything is re-exported here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable
from urllib.parse import quote

from comms.email_cache import (SLOTS, CompiledEmail, cache_info, clear_cache, compile_email,  # noqa: F401
                               personalise, recipient_values)
from comms.release_document import (EMAIL_STYLES, FileLink, RenderContext, RenderError,  # noqa: F401
                                    UnknownFormat, _document, _render_template, absolute_links, compile_mjml,
                                    markup_environment, style_html, text_environment)
from comms.render_labels import LABELS, LANGUAGE_NAMES, format_date, format_moment, labels  # noqa: F401
from comms.richtext import (ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES, _markdown,  # noqa: F401
                            clean_markdown, markdown_to_html, plain_text, sanitize_html, strip_control_characters)
from comms.text_layout import TEXT_WIDTH, Footnotes, _TextWriter, text_escape, wrap_text  # noqa: F401


def release_context(session, release, *, base_url: str, office: str, revision: int | None = None,
                    language: str | None = None, now: dt.datetime | None = None, unsubscribe_url: str = "",
                    preferences_url: str = "") -> RenderContext:
    """The RenderContext of a release from the database (no Flask).

    The page, the photo, the PDF and the translations are linked only when the
    public can open them (the release is published and past its embargo), so an
    embargoed email never carries links that answer 404 until the lift. URLs
    follow the newsroom's routes: /news/<slug>?lang= and /news/<slug>/files/...
    """
    # Imported here: these modules import this one (clean_markdown).
    from comms import newsroom, release_files, releases

    base = base_url.rstrip("/")
    moment = now or dt.datetime.now(dt.timezone.utc)
    # Release.is_public, at ``moment``: published, and past its embargo.
    public = (release.published_revision is not None and release.first_published_at is not None
              and (release.embargo_until is None or release.embargo_until <= moment))
    slug, lang = quote(release.slug), quote(release.language)
    files = {}
    if public:
        for kind, record in release_files.files_of(session, release).items():
            files[kind] = FileLink(url=f"{base}/news/{slug}/files/{quote(kind)}/{quote(record.filename)}?lang={lang}",
                                   caption=record.caption, size=record.size)
    translations = tuple((other.language, f"{base}/news/{quote(other.slug)}?lang={quote(other.language)}")
                         for other in newsroom.public_translations(session, release) if other.id != release.id)
    return RenderContext(
        base_url=base, office=office, language=language, revision=revision,
        boilerplate=releases.boilerplate(session, release.language),
        page_url=f"{base}/news/{slug}?lang={lang}" if public else "", files=files, translations=translations,
        embargo_until=release.embargo_until, timezone=release.meeting.timezone if release.meeting else "UTC",
        now=now, unsubscribe_url=unsubscribe_url, preferences_url=preferences_url)


# --- The registry of formats ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Renderer:
    """One output format: its name, its media type and its render function."""

    name: str
    media_type: str
    render: Callable[..., str]


RENDERERS: dict[str, Renderer] = {}


def register_renderer(name: str, media_type: str):
    """Decorator: add ``fn(release, context) -> str`` as the format ``name``."""

    def decorate(fn):
        RENDERERS[name] = Renderer(name, media_type, fn)
        return fn

    return decorate


def render_release(release, format: str, *, context: RenderContext) -> str:
    """The release in ``format`` ("html", "email" or "text"); UnknownFormat for any other name."""
    renderer = RENDERERS.get(format)
    if renderer is None:
        raise UnknownFormat(f"unknown format {format!r}: use one of {', '.join(sorted(RENDERERS))}")
    return renderer.render(release, context)


def _preview_recipient(context: RenderContext) -> dict:
    base = context.base_url.rstrip("/")
    return {"name": "", "unsubscribe_url": context.unsubscribe_url or f"{base}/subscribe",
            "preferences_url": context.preferences_url or f"{base}/subscribe"}


@register_renderer("html", "text/html; charset=utf-8")
def render_html(release, context: RenderContext) -> str:
    """The article of the public page (press_templates/release.html); links absolute when base_url is set."""
    doc = _document(release, context, absolute=bool(context.base_url))
    return _render_template(markup_environment(), "release.html", doc=doc)


@register_renderer("email", "text/html; charset=utf-8")
def render_email(release, context: RenderContext) -> str:
    """The email's HTML as a subscriber without a name would get it (preview links from the context)."""
    return personalise(compile_email(release, context=context), **_preview_recipient(context))[0]


@register_renderer("text", "text/plain; charset=utf-8")
def render_text(release, context: RenderContext) -> str:
    """The email's text part as a subscriber without a name would get it."""
    return personalise(compile_email(release, context=context), **_preview_recipient(context))[1]
