"""What a render needs and what the templates see (comms.rendering's engine).

RenderContext describes everything besides the release; ``document`` turns a
release into plain strings (autoescaped by Jinja) and sanitised Markup;
the sandboxed, autoescaping Jinja environments and the MJML compiler
(mjml-python) and the email's inline styles live here too. docs/design/security.md items 11-13.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html as html_lib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from html import unescape
from typing import Mapping
from urllib.parse import urljoin, urlsplit

import css_inline
import nh3
from jinja2 import FileSystemLoader, StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup
from mjml import mjml2html

from comms.rendering.datelines import OFFICE_TIMEZONE, compose as compose_dateline
from comms.rendering.labels import LANGUAGE_NAMES, RIGHT_TO_LEFT, format_date, format_moment, labels
from comms.rendering.worker import IsolatedError, run_isolated
from comms.rendering.richtext import RichTextError, render_markdown, sanitize_html, strip_control_characters
from comms.rendering.text_layout import _finalize_text, wrap_text
from press_templates import TEMPLATE_DIR

# --- What a render needs -------------------------------------------------------------------------------------------

class RenderError(Exception):
    """A release could not be rendered (template, MJML or CSS problem, or a bad link); nothing is sent."""


class UnknownFormat(RenderError):
    """No renderer has this name."""


class ContentRefused(RenderError):
    """A rich-text field of the release is over the size or nesting limits (docs/design/security.md item 31): editing
    ``field`` fixes it. Stored before the limits existed, or put in the database some other way."""

    def __init__(self, field: str, reason: str):
        super().__init__(f"{field}: {reason}; edit the release to render it")
        self.field, self.reason = field, reason


@dataclass(frozen=True)
class FileLink:
    """A release's photo or PDF as the renderers link it."""

    url: str
    caption: str = ""
    size: int = 0


@dataclass(frozen=True)
class RenderContext:
    """Everything a render needs besides the release itself.

    ``base_url`` is the site root ("https://press.example"); the email and text
    formats need it, so that every link is absolute. ``language`` picks the
    labels (default: the release's); ``revision`` the content (default: the
    current revision; distribution passes the published one). ``page_url``,
    ``files`` and ``translations`` are only linked when given: give them only
    when readers can open them (release_context does: once the release is
    public). ``unsubscribe_url`` and ``preferences_url`` only fill previews;
    real recipients get theirs from personalise().
    """

    base_url: str = ""
    office: str = "Press office"
    language: str | None = None
    revision: int | None = None
    boilerplate: str = ""
    page_url: str = ""
    files: Mapping[str, FileLink] = field(default_factory=dict)
    translations: tuple[tuple[str, str], ...] = ()
    embargo_until: dt.datetime | None = None
    timezone: str = "UTC"
    now: dt.datetime | None = None
    unsubscribe_url: str = ""
    preferences_url: str = ""

    def is_embargoed(self) -> bool:
        """True while the embargo has not lifted."""
        if self.embargo_until is None:
            return False
        until = self.embargo_until if self.embargo_until.tzinfo else self.embargo_until.replace(tzinfo=dt.timezone.utc)
        return until > (self.now or dt.datetime.now(dt.timezone.utc))

    def fingerprint(self) -> str:
        """A digest of what shapes a compiled email besides release, language, revision and embargo flag
        (an edited boilerplate or another base URL must not reuse an old compile)."""
        parts = (self.base_url, self.office, self.boilerplate, self.page_url,
                 sorted((kind, link.url, link.caption, link.size) for kind, link in self.files.items()),
                 self.translations, self.embargo_until.isoformat() if self.embargo_until else "", self.timezone)
        return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


# --- Jinja ---------------------------------------------------------------------------------------------------------

def _environment(autoescape: bool = True, **options) -> SandboxedEnvironment:
    # Sandboxed for every extension (docs/design/security.md item 13); autoescaped for .html and .mjml (docs/design/security.md item 12).
    # press_templates/ ships with the code: each template is compiled once and reused, without
    # checking its file's time on every render (auto_reload off).
    return SandboxedEnvironment(loader=FileSystemLoader(str(TEMPLATE_DIR)), autoescape=autoescape,
                                undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                                auto_reload=False, **options)


def _finalize_markup(value):
    # Control characters have no place in HTML, and one (a BEL in a name) makes MRML refuse the whole
    # email: printed values lose them, then autoescape escapes what is left. Markup passes as it is.
    if value is None or hasattr(value, "__html__") or not isinstance(value, str):
        return "" if value is None else value
    return strip_control_characters(value)


@lru_cache(maxsize=1)
def markup_environment() -> SandboxedEnvironment:
    """The environment for press_templates' .html and .mjml templates.

    ``{% filter email_style("body") %}...{% endfilter %}`` gives the HTML inside an
    email's mj-text its inline styles (style_html).
    """
    env = _environment(finalize=_finalize_markup)
    env.filters["email_style"] = lambda html, scope: Markup(style_html(str(html), scope))
    return env


@lru_cache(maxsize=1)
def text_environment() -> SandboxedEnvironment:
    """The environment for press_templates' .txt templates: plain text, so no HTML autoescaping
    (docs/design/security.md item 12); every printed value is cleaned instead (comms.rendering.text_layout: control characters
    removed, single-line values kept on one line)."""
    env = _environment(autoescape=False, finalize=_finalize_text)
    env.filters["wrap"] = wrap_text
    env.filters["underline"] = lambda value, char="=": Markup(char * max(
        (len(line) for line in str(value).split("\n")), default=0))
    return env


def _render_template(env: SandboxedEnvironment, name: str, **values) -> str:
    try:
        return env.get_template(name).render(**values)
    except TemplateError as exc:
        raise RenderError(f"template {name} failed: {exc}") from exc


# --- The email's inline styles -------------------------------------------------------------------------------------

# The styles of the HTML inside an email's mj-text, by scope (a part of the email) and then "tag.class" or
# "tag". They are inline because many mail clients drop <style>. They come only from this table
# (docs/design/security.md item 11): the sanitiser lets no class or style attribute through from content.
_LINK_STYLE = "color: #0b5cad;text-decoration: underline;"
_SERIF = "font-family: Georgia, 'Times New Roman', serif;"
_SECTION_TEXT = "margin: 0 0 10px;font-size: 14px;line-height: 1.6;color: #4a5565;"
_HEADING = "margin: 24px 0 8px;font-size: 18px;line-height: 1.3;color: #10243e;"
_QUOTE = "margin: 8px 0 20px;padding: 2px 0 2px 18px;border-left: 4px solid #0b5cad;"
_SPEAKER = ("margin: 0;font-family: Helvetica, Arial, sans-serif;font-size: 14px;line-height: 1.5;font-style: normal;"
            "color: #4a5565;")
_CELL = "padding: 4px 8px;border: 1px solid #d9dee5;font-size: 14px;text-align: left;"
_COMMON = {"p": "margin: 0 0 16px;", "a": _LINK_STYLE}
EMAIL_STYLES: dict[str, dict[str, str]] = {
    # Kicker, headline, subheadline and photo caption (also the notification emails' body).
    "head": {**_COMMON,
             "p.kicker": "margin: 0 0 10px;font-size: 12px;line-height: 1.4;font-weight: bold;letter-spacing: 1.5px;"
                         "text-transform: uppercase;color: #0b5cad;",
             "h1.headline": f"margin: 0 0 12px;{_SERIF}font-size: 28px;line-height: 1.25;font-weight: bold;"
                            "color: #10243e;",
             "p.subheadline": "margin: 0 0 4px;font-size: 18px;line-height: 1.45;color: #4a5565;",
             "p.caption": "margin: 0;font-size: 13px;line-height: 1.45;color: #5b6472;",
             "blockquote.quote": _QUOTE, "p.speaker": _SPEAKER,
             "p.button-link": "margin: 0 0 16px;word-break: break-all;font-size: 13px;color: #5b6472;"},
    # The dateline and the release's body (sanitised Markdown).
    "body": {**_COMMON, "p.dateline": "margin: 0 0 12px;color: #10243e;",
             "h2": _HEADING, "h3": _HEADING, "h4": _HEADING,
             "ul": "margin: 0 0 16px;padding: 0 0 0 24px;", "ol": "margin: 0 0 16px;padding: 0 0 0 24px;",
             "li": "margin: 0 0 6px;",
             "blockquote": "margin: 0 0 16px;padding: 0 0 0 14px;border-left: 3px solid #d9dee5;color: #4a5565;",
             "img": "max-width: 100%;height: auto;border: 0;", "table": "border-collapse: collapse;margin: 0 0 16px;",
             "th": _CELL, "td": _CELL, "pre": "white-space: pre-wrap;font-size: 13px;"},
    "quote": {**_COMMON, "blockquote.quote": _QUOTE, "p.speaker": _SPEAKER,
              "p": f"margin: 0 0 6px;{_SERIF}font-size: 18px;line-height: 1.5;font-style: italic;color: #1d2430;"},
    # The PDF link and the other languages.
    "links": {**_COMMON, "p.release-pdf": "margin: 0 0 8px;font-size: 14px;color: #4a5565;",
              "p.languages": "margin: 0 0 8px;font-size: 14px;color: #4a5565;"},
    # Notes to editors (sanitised Markdown), the Convention paragraph and the media contacts.
    "section": {**_COMMON, "p": _SECTION_TEXT, "li": _SECTION_TEXT,
                "h2": "margin: 22px 0 6px;font-size: 12px;line-height: 1.4;font-weight: bold;letter-spacing: 1.2px;"
                      "text-transform: uppercase;color: #10243e;"},
    "footer": {"p": "margin: 0 0 8px;", "a": "text-decoration: underline;color: #4a5565;"},
}

# Every start tag as a whole, quoted attribute values included, so that a "<p" inside an attribute value
# (nh3 leaves < and > unescaped there) is never taken for a tag. Text cannot hold "<": it is escaped.
_START_TAG = re.compile(r"""<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s"'>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*)"""
                        r"""(\s*/?>)""")
_CLASS = re.compile(r'\sclass="([^"\s]*)')


@lru_cache(maxsize=None)
def _styler(scope: str):
    styles = EMAIL_STYLES[scope]
    # Start tags without attributes (most of sanitised HTML) are looked up whole.
    bare = {f"<{key}>": f'<{key} style="{value}">' for key, value in styles.items() if "." not in key}

    def style(match: re.Match) -> str:
        tag = match.group(0)
        found = bare.get(tag)
        if found is not None:
            return found
        name, attributes = match.group(1).lower(), match.group(2)
        if not attributes:
            return tag
        if " style=" in attributes:  # styled by the template itself
            return tag
        css = None
        if ' class="' in attributes:
            klass = _CLASS.search(attributes)
            css = styles.get(f"{name}.{klass.group(1)}") if klass else None
        css = css or styles.get(name)
        return f'<{match.group(1)}{attributes} style="{css}"{match.group(3)}' if css else tag

    return style


def style_html(html: str, scope: str) -> str:
    """``html`` (our templates' output and sanitised content) with the email's inline styles of ``scope``."""
    return _START_TAG.sub(_styler(scope), html)


# --- MJML ----------------------------------------------------------------------------------------------------------

# @media rules stay in a <style> (responsive columns); nothing is fetched. One inliner, reused.
_INLINER = css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False, keep_link_tags=False)


def _no_includes(path: str) -> str:
    raise RenderError(f"mj-include is not allowed ({path!r}): templates are self-contained")


def compile_mjml(source: str) -> str:
    """MJML to email HTML with mjml-python (no font imports, no includes); any MJML error is a RenderError.

    Most styles are inline already: MJML attributes (mj-attributes, component
    attributes) which MRML writes into style attributes, and the HTML inside
    mj-text styled by the templates' ``email_style`` filter. MRML's own resets
    stay in a <style> (it ignores ``mj-style inline``), so css-inline copies
    them onto the elements for clients that strip <style>; @media rules stay.

    Both are native code, so they run in a child process capped in time and
    memory (comms.rendering.worker): a document that crashes them fails this
    render with a RenderError and never takes the calling process down.
    """
    try:
        return run_isolated(compile_mjml_here, source)
    except IsolatedError as exc:
        raise RenderError(f"the email could not be compiled: {exc}") from exc


def compile_mjml_here(source: str) -> str:
    """compile_mjml's work in this process (what each child of comms.rendering.worker runs)."""
    try:
        html = mjml2html(source, fonts={}, disable_comments=True, include_loader=_no_includes)
    except Exception as exc:  # MRML reports parse errors as ValueError
        raise RenderError(f"the MJML template could not be compiled: {exc}") from exc
    try:
        html = _INLINER.inline(html)
    except Exception as exc:
        raise RenderError(f"the email CSS could not be inlined: {exc}") from exc
    # The doctype as the official MJML (and our earlier output) writes it.
    return "<!DOCTYPE html>" + html[15:] if html[:15].lower() == "<!doctype html>" else html


# --- From content to what templates see ----------------------------------------------------------------------------

_EMAIL_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _safe_link(url: str, base: str) -> str:
    """``url`` made absolute against ``base`` (when there is one); "" unless http(s) or relative."""
    url = (url or "").strip()
    if not url:
        return ""
    if base:
        url = urljoin(base, url)
    scheme = urlsplit(url).scheme.lower()
    return url if scheme in ("http", "https", "") and not re.search(r"[\s\"'<>\x00-\x1f]", url) else ""


# nh3 writes each attribute after a space, double-quoted: a literal prefix is several times faster than \b.
_LINK_ATTRIBUTE = re.compile(r' (href|src)="([^"]*)"')


def absolute_links(html: str, base: str) -> str:
    """Sanitised HTML with every href and src made absolute against ``base``.

    Sanitises first (docs/design/security.md item 11: again before every output); nh3 writes every
    attribute double-quoted, so the links are found reliably afterwards.
    """

    def rewrite(match: re.Match) -> str:
        value = unescape(match.group(2))
        if urlsplit(value).scheme:
            return match.group(0)
        return f' {match.group(1)}="{html_lib.escape(urljoin(base, value), quote=True)}"'

    return _LINK_ATTRIBUTE.sub(rewrite, sanitize_html(html))


def _contact_html(line: str) -> Markup:
    escaped = str(Markup.escape(line))
    return Markup(_EMAIL_ADDRESS.sub(lambda m: f'<a href="mailto:{m.group(0)}">{m.group(0)}</a>', escaped))


def _paragraphs(text: str) -> list[str]:
    return [" ".join(part.split()) for part in re.split(r"\n\s*\n", text or "") if part.strip()]


def _stamp(moment: dt.datetime | None, language: str, timezone: str | None) -> str:
    # In the meeting's zone, else Geneva's, with UTC beside it (never a bare UTC time for Geneva readers).
    return format_moment(moment, timezone if timezone and timezone != "UTC" else OFFICE_TIMEZONE, language) \
        if moment else ""


def _document(release, context: RenderContext, *, absolute: bool) -> dict:
    """The release as the templates see it: plain strings (autoescaped) and sanitised Markup."""
    language = context.language or release.language
    words = labels(language)
    content = release.content(context.revision or release.revision)
    base = context.base_url.rstrip("/")
    if absolute and urlsplit(base).scheme not in ("http", "https"):
        raise RenderError("emails need an absolute base URL (http or https) so that every link is absolute")
    page_url = _safe_link(context.page_url, base + "/" if base else "")
    link_base = page_url or (base + "/" if base else "")

    def rich(field: str) -> Markup:
        # markdown_to_html's steps (limits checked, sanitised once), with links made absolute when there is a base.
        try:
            html = render_markdown(content.get(field) or "")
        except RichTextError as exc:
            raise ContentRefused(field, str(exc)) from exc
        return Markup(absolute_links(html, link_base) if link_base else sanitize_html(html))

    def link(url: str) -> str:
        return _safe_link(url, base + "/" if base else "")

    headline = content.get("headline", "")
    body_html = rich("body_markdown")
    photo, pdf = context.files.get("photo"), context.files.get("pdf")
    embargoed = context.is_embargoed()
    banner = ""
    if embargoed:
        when = format_moment(context.embargo_until, context.timezone, language)
        banner = f"{words['embargoed_until'].upper()} {when}"
    summary = banner or content.get("subheadline") or " ".join(unescape(nh3.clean(str(body_html), tags=set())).split())
    return {
        "language": language, "dir": "rtl" if language in RIGHT_TO_LEFT else "ltr", "labels": words,
        "office": context.office, "home_url": f"{base}/news/" if base else "/news/",
        "headline": headline, "subheadline": content.get("subheadline", ""), "dateline": compose_dateline(
            content.get("dateline", ""), getattr(release, "first_published_at", None) or dt.datetime.now(dt.timezone.utc),
            language, context.timezone),
        "body_html": body_html,
        "notes_html": rich("notes_to_editors") if content.get("notes_to_editors") else "",
        "quotes": [{"text": q.get("text", ""), "speaker": q.get("speaker", "")}
                   for q in content.get("quotes") or [] if isinstance(q, dict) and q.get("text")],
        "boilerplate": _paragraphs(context.boilerplate),
        "contacts": [line.strip() for line in (content.get("media_contacts") or "").splitlines() if line.strip()],
        "contacts_html": [_contact_html(line.strip()) for line in (content.get("media_contacts") or "").splitlines()
                          if line.strip()],
        "embargoed": embargoed, "embargo_banner": banner,
        "subject": " ".join(f"{banner}: {headline}".split() if banner else headline.split())[:250],
        "preheader": summary[:140], "page_url": page_url,
        "photo": {"url": link(photo.url), "alt": photo.caption or headline, "caption": photo.caption}
        if photo and link(photo.url) else None,
        "pdf": {"url": link(pdf.url), "size_kb": max(1, round(pdf.size / 1024))} if pdf and link(pdf.url) else None,
        "translations": [{"language": code, "name": LANGUAGE_NAMES.get(code, code.upper()), "url": link(url)}
                         for code, url in context.translations if code != language and link(url)],
        "published": _stamp(getattr(release, "first_published_at", None), language, context.timezone),
        "updated": _stamp(getattr(release, "updated_published_at", None), language, context.timezone),
        "correction_note": getattr(release, "correction_note", "") or "",
        "why": words["why"].format(office=context.office),
    }
