"""A release rendered as a web page, an email and plain text.

Markdown -> safe HTML is comms.rendering.richtext (re-exported here); the text part's
wrapping and footnotes are comms.rendering.text_layout.

Output formats are a small registry of render functions, in the manner of
Datasette's renderers: ``render_release(release, "html" | "email" | "text",
context=RenderContext(...))``. The templates are files in press_templates/:
``release.html`` (the article of the public page), ``release.mjml`` (the email,
compiled by mjml-python, its styles written inline by MJML attributes and the
``email_style`` filter) and ``release.txt``
(the text part: wrapped at 72 columns, links numbered as footnotes). The three
share partials (press_templates/partials/) and one table of labels (LABELS).

Escaping (docs/design/security.md items 12, 13): every template is rendered in Jinja's sandbox,
and the .html and .mjml ones with autoescape on. No template is editable by
staff; what staff type (headline, quotes, contacts, the boilerplate) is data
that is escaped, never compiled as a template. The text part (.txt) is not
HTML, so nothing in it is entity-escaped: "< 5 km²", "<Ltd>" and "l'Assemblée"
read as typed. What it cleans instead (comms.rendering.text_layout): control characters
everywhere, and line breaks in single-line values (a headline, a name), so no
value can fake a line of its own.

Limits (docs/design/security.md item 31): rich text over the size or nesting limits
(comms.rendering.limits) is refused with ContentRefused, a RenderError naming
the field, before any native code sees it; MJML and css-inline run in child
processes (comms.rendering.worker), so even a crash there is only a RenderError.

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

The modules: comms.rendering.labels (labels, dates), comms.rendering.document
(RenderContext, the document the templates see, Jinja, MJML), comms.rendering.email_cache
(compile_email, personalise); everything is re-exported here. A release's RenderContext from the database is
comms.releases.context.release_context.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable
from urllib.parse import quote

from comms.rendering.email_cache import SLOTS, CompiledEmail, cache_info, clear_cache, compile_email, personalise, recipient_values
from comms.rendering.document import EMAIL_STYLES, ContentRefused, FileLink, RenderContext, RenderError, UnknownFormat, _document, _render_template, absolute_links, compile_mjml, markup_environment, style_html, text_environment
from comms.rendering.labels import LABELS, LANGUAGE_NAMES, format_date, format_moment, labels  # noqa: F401
from comms.rendering.richtext import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES, RichTextError, _markdown, clean_markdown, markdown_to_html, plain_text, render_markdown, sanitize_html, strip_control_characters
from comms.rendering.text_layout import TEXT_WIDTH, Footnotes, _TextWriter, text_escape, wrap_text  # noqa: F401



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
