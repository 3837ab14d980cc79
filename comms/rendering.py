"""A release rendered as a web page, an email and plain text.

Markdown -> safe HTML is comms.richtext (re-exported here); the text part's
wrapping and footnotes are comms.text_layout.

Output formats are a small registry of render functions, in the manner of
Datasette's renderers: ``render_release(release, "html" | "email" | "text",
context=RenderContext(...))``. The templates are files in press_templates/:
``release.html`` (the article of the public page), ``release.mjml`` (the email,
compiled by mjml-python, then its CSS inlined by css-inline) and ``release.txt``
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

``compile_email`` runs Markdown, the sanitiser, Jinja, MJML and CSS inlining
once per (release, language, revision, embargo flag) and keeps the result in an
in-process LRU cache; ``personalise`` only joins pre-split pieces with the
recipient's escaped name and links (microseconds, no recompiling).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html as html_lib
import re
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from functools import lru_cache
from html import unescape
from typing import Callable, Mapping
from urllib.parse import quote, urljoin, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import css_inline
import nh3
from jinja2 import FileSystemLoader, StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup
from mjml import mjml2html

from comms.richtext import (ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES, _markdown,  # noqa: F401
                            clean_markdown, markdown_to_html, plain_text, sanitize_html, strip_control_characters)
from comms.text_layout import TEXT_WIDTH, Footnotes, _finalize_text, _TextWriter, text_escape, wrap_text  # noqa: F401
from press_templates import TEMPLATE_DIR

# --- Labels --------------------------------------------------------------------------------------------------------

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "press_release": "Press release", "immediate": "For immediate release", "embargoed_until": "Embargoed until",
        "notes": "Notes to editors", "about": "About the Convention", "contacts": "Media contacts",
        "unsubscribe": "Unsubscribe", "preferences": "Preferences", "read_online": "Read online",
        "download_pdf": "Download this release as PDF", "also_in": "Also in", "published": "Published",
        "updated": "Updated", "links": "Links", "sent_to": "This release was sent to {name}.",
        "sent_to_you": "This release was sent to you as a subscriber.",
        "why": "You receive this email because you subscribed to press releases from {office}.",
        "quote_open": "\u201c", "quote_close": "\u201d", "date": "{day} {month} {year}",
        "months": "January February March April May June July August September October November December",
    },
    "fr": {
        "press_release": "Communiqué de presse", "immediate": "Pour diffusion immédiate",
        "embargoed_until": "Sous embargo jusqu'au", "notes": "Notes aux rédactions",
        "about": "À propos de la Convention", "contacts": "Contacts presse", "unsubscribe": "Se désabonner",
        "preferences": "Préférences", "read_online": "Lire en ligne",
        "download_pdf": "Télécharger ce communiqué en PDF", "also_in": "Aussi en", "published": "Publié le",
        "updated": "Mis à jour le", "links": "Liens", "sent_to": "Ce communiqué a été envoyé à {name}.",
        "sent_to_you": "Ce communiqué vous a été envoyé en tant qu'abonné·e.",
        "why": "Vous recevez ce message parce que vous êtes abonné·e aux communiqués de presse ({office}).",
        "quote_open": "«\u00a0", "quote_close": "\u00a0»", "date": "{day} {month} {year}",
        "months": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
    },
    "es": {
        "press_release": "Comunicado de prensa", "immediate": "Para difusión inmediata",
        "embargoed_until": "Bajo embargo hasta el", "notes": "Notas para los editores",
        "about": "Acerca de la Convención", "contacts": "Contactos de prensa", "unsubscribe": "Darse de baja",
        "preferences": "Preferencias", "read_online": "Leer en línea",
        "download_pdf": "Descargar este comunicado en PDF", "also_in": "También en", "published": "Publicado el",
        "updated": "Actualizado el", "links": "Enlaces", "sent_to": "Este comunicado se envió a {name}.",
        "sent_to_you": "Este comunicado se le envió como suscriptor.",
        "why": "Recibe este mensaje porque está suscrito a los comunicados de prensa ({office}).",
        "quote_open": "«", "quote_close": "»", "date": "{day} de {month} de {year}",
        "months": "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre",
    },
}
LANGUAGE_NAMES = {"en": "English", "fr": "Français", "es": "Español", "ar": "العربية", "ru": "Русский",
                  "zh": "中文", "de": "Deutsch", "pt": "Português"}
RIGHT_TO_LEFT = {"ar"}


def labels(language: str) -> dict[str, str]:
    """The fixed labels in ``language`` (English for a language without its own)."""
    return LABELS.get(language, LABELS["en"])


def _zone(name: str | None) -> dt.tzinfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return dt.timezone.utc


def format_date(moment: dt.date, language: str) -> str:
    """A date for readers: "14 December 2026", "14 décembre 2026", "14 de diciembre de 2026"."""
    words = labels(language)
    return words["date"].format(day=moment.day, month=words["months"].split()[moment.month - 1], year=moment.year)


def format_moment(moment: dt.datetime, timezone: str | None = "UTC", language: str = "en") -> str:
    """A time with its zone, and UTC beside it when different: "14 December 2026, 10:00 CET (09:00 UTC)"."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    local = moment.astimezone(_zone(timezone))
    abbreviation = local.tzname() or "UTC"
    if abbreviation[:1] in "+-":
        abbreviation = "UTC" + abbreviation
    text = f"{format_date(local, language)}, {local:%H:%M} {abbreviation}"
    if local.utcoffset():
        text += f" ({moment.astimezone(dt.timezone.utc):%H:%M} UTC)"
    return text


# --- What a render needs -------------------------------------------------------------------------------------------

class RenderError(Exception):
    """A release could not be rendered (template, MJML or CSS problem, or a bad link); nothing is sent."""


class UnknownFormat(RenderError):
    """No renderer has this name."""


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


# --- Jinja ---------------------------------------------------------------------------------------------------------

def _environment(**options) -> SandboxedEnvironment:
    # Sandboxed and autoescaped for every extension (.html, .mjml, .txt): SECURITY.md 12 and 13.
    return SandboxedEnvironment(loader=FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True,
                                undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, **options)


@lru_cache(maxsize=1)
def markup_environment() -> SandboxedEnvironment:
    """The environment for press_templates' .html and .mjml templates."""
    return _environment()


@lru_cache(maxsize=1)
def text_environment() -> SandboxedEnvironment:
    """The environment for press_templates' .txt templates (text escaping, see the module docstring)."""
    env = _environment(finalize=_finalize_text)
    env.filters["wrap"] = wrap_text
    env.filters["underline"] = lambda value, char="=": Markup(char * max(
        (len(line) for line in str(value).split("\n")), default=0))
    return env


def _render_template(env: SandboxedEnvironment, name: str, **values) -> str:
    try:
        return env.get_template(name).render(**values)
    except TemplateError as exc:
        raise RenderError(f"template {name} failed: {exc}") from exc


# --- MJML ----------------------------------------------------------------------------------------------------------

def _no_includes(path: str) -> str:
    raise RenderError(f"mj-include is not allowed ({path!r}): templates are self-contained")


@lru_cache(maxsize=1)
def _inliner() -> css_inline.CSSInliner:
    # @media rules stay in a <style> (responsive columns); nothing is fetched.
    return css_inline.CSSInliner(keep_at_rules=True, load_remote_stylesheets=False, keep_link_tags=False)


def compile_mjml(source: str) -> str:
    """MJML to email HTML: mjml-python (no font imports, no includes), then CSS inlined.

    MRML ignores ``<mj-style inline="inline">``; css-inline moves those rules into
    style attributes afterwards. Any MJML or CSS error is a RenderError.
    """
    try:
        html = mjml2html(source, fonts={}, disable_comments=True, include_loader=_no_includes)
    except Exception as exc:  # MRML reports parse errors as ValueError
        raise RenderError(f"the MJML template could not be compiled: {exc}") from exc
    try:
        return _inliner().inline(html)
    except Exception as exc:
        raise RenderError(f"the email CSS could not be inlined: {exc}") from exc


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


_LINK_ATTRIBUTE = re.compile(r'\b(href|src)="([^"]*)"')


def absolute_links(html: str, base: str) -> str:
    """Sanitised HTML with every href and src made absolute against ``base``.

    Sanitises first (SECURITY.md 11: again before every output); nh3 writes every
    attribute double-quoted, so the links are found reliably afterwards.
    """

    def rewrite(match: re.Match) -> str:
        value = unescape(match.group(2))
        if urlsplit(value).scheme:
            return match.group(0)
        return f'{match.group(1)}="{html_lib.escape(urljoin(base, value), quote=True)}"'

    return _LINK_ATTRIBUTE.sub(rewrite, sanitize_html(html))


def _contact_html(line: str) -> Markup:
    escaped = str(Markup.escape(line))
    return Markup(_EMAIL_ADDRESS.sub(lambda m: f'<a href="mailto:{m.group(0)}">{m.group(0)}</a>', escaped))


def _paragraphs(text: str) -> list[str]:
    return [" ".join(part.split()) for part in re.split(r"\n\s*\n", text or "") if part.strip()]


def _stamp(moment: dt.datetime | None, language: str) -> str:
    return f"{format_date(moment, language)}, {moment:%H:%M} UTC" if moment else ""


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

    def rich(markdown: str) -> Markup:
        if not link_base:
            return Markup(markdown_to_html(markdown))
        # markdown_to_html's steps, sanitised once, with links made absolute.
        return Markup(absolute_links(_markdown().render(strip_control_characters(markdown)), link_base))

    def link(url: str) -> str:
        return _safe_link(url, base + "/" if base else "")

    headline = content.get("headline", "")
    body_html = rich(content.get("body_markdown", ""))
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
        "headline": headline, "subheadline": content.get("subheadline", ""), "dateline": content.get("dateline", ""),
        "body_html": body_html,
        "notes_html": rich(content["notes_to_editors"]) if content.get("notes_to_editors") else "",
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
        "published": _stamp(getattr(release, "first_published_at", None), language),
        "updated": _stamp(getattr(release, "updated_published_at", None), language),
        "correction_note": getattr(release, "correction_note", "") or "",
        "why": words["why"].format(office=context.office),
    }



# --- Email: compiled once, personalised per recipient --------------------------------------------------------------

SLOTS = ("recipient", "unsubscribe_url", "preferences_url")


@dataclass(frozen=True)
class CompiledEmail:
    """A release's email, compiled once, with holes for each recipient's parts.

    ``html_parts`` and ``text_parts`` alternate literal text (even indexes) and
    slot names (odd indexes: "recipient", "unsubscribe_url", "preferences_url");
    personalise() joins them.
    """

    key: tuple
    language: str
    subject: str
    html_parts: tuple[str, ...]
    text_parts: tuple[str, ...]


class _LRU:
    """A small thread-safe LRU of compiled emails, with counters for tests and benchmarks."""

    def __init__(self, maxsize: int = 64):
        self.maxsize = maxsize
        self.data: OrderedDict = OrderedDict()
        self.lock = threading.Lock()
        self.hits = self.misses = self.compiles = 0

    def get(self, key):
        with self.lock:
            if key in self.data:
                self.hits += 1
                self.data.move_to_end(key)
                return self.data[key]
            self.misses += 1
            return None

    def put(self, key, value) -> None:
        with self.lock:
            self.data[key] = value
            self.data.move_to_end(key)
            while len(self.data) > self.maxsize:
                self.data.popitem(last=False)


_CACHE = _LRU()


def cache_info() -> dict:
    """Counters of the compiled-email cache: hits, misses, compiles (MJML runs), size."""
    with _CACHE.lock:
        return {"hits": _CACHE.hits, "misses": _CACHE.misses, "compiles": _CACHE.compiles,
                "size": len(_CACHE.data), "maxsize": _CACHE.maxsize}


def clear_cache() -> None:
    """Forget every compiled email (counters too)."""
    with _CACHE.lock:
        _CACHE.data.clear()
        _CACHE.hits = _CACHE.misses = _CACHE.compiles = 0


def _split(rendered: str, prefix: str, what: str) -> tuple[str, ...]:
    """``rendered`` cut at its slot marks (``prefix + SLOT + "%%"``): literal, slot, literal, ..."""
    chunks = rendered.split(prefix)
    parts = [chunks[0]]
    for chunk in chunks[1:]:
        slot, sep, rest = chunk.partition("%%")
        if not sep or slot.lower() not in SLOTS:
            raise RenderError(f"the {what} has a damaged per-recipient placeholder")
        parts += [slot.lower(), rest]
    if set(parts[1::2]) != set(SLOTS):
        raise RenderError(f"the {what} lost per-recipient placeholders: {sorted(set(SLOTS) - set(parts[1::2]))}")
    return tuple(parts)


def compile_email(release, *, context: RenderContext, cache: bool = True) -> CompiledEmail:
    """The email of one release, language and revision: Markdown, sanitiser, Jinja, MJML, CSS inlining and
    the text part, done once and cached by (release id, language, revision, embargo flag) plus a digest of
    the rest of the context. Raises RenderError on any template or MJML problem."""
    language = context.language or release.language
    key = (release.id, language, context.revision or release.revision, context.is_embargoed(),
           context.fingerprint())
    use_cache = cache and release.id is not None
    if use_cache:
        found = _CACHE.get(key)
        if found is not None:
            return found
    compiled = _compile_email(release, context, key)
    if use_cache:
        _CACHE.put(key, compiled)
    return compiled


def _compile_email(release, context: RenderContext, key: tuple) -> CompiledEmail:
    doc = _document(release, context, absolute=True)
    # Unguessable per compile, so text in a release can never be mistaken for a slot.
    nonce = secrets.token_hex(6)
    prefix = f"%%PRESSROOM_{nonce}_"
    marks = {slot: f"{prefix}{slot.upper()}%%" for slot in SLOTS}
    slots = {"recipient": Markup(marks["recipient"]), "unsubscribe_url": marks["unsubscribe_url"],
             "preferences_url": marks["preferences_url"]}
    source = _render_template(markup_environment(), "release.mjml", doc=doc, slots=slots, office=doc["office"],
                              home_url=doc["home_url"], lang=doc["language"], dir=doc["dir"],
                              title=doc["headline"], preview=doc["preheader"])
    html = compile_mjml(source)
    with _CACHE.lock:
        _CACHE.compiles += 1
    text = _render_template(text_environment(), "release.txt", doc=doc, slots=slots, links=Footnotes())
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"
    return CompiledEmail(key=key, language=doc["language"], subject=doc["subject"],
                         html_parts=_split(html, prefix, "email HTML"), text_parts=_split(text, prefix, "text part"))


def _check_link(url: str, what: str) -> str:
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.netloc or re.search(r"[\s\"'<>\\\x00-\x1f\x7f]", url):
        raise RenderError(f"the {what} must be an absolute http(s) URL")
    return url


def personalise(compiled: CompiledEmail, *, name: str, unsubscribe_url: str,
                preferences_url: str) -> tuple[str, str]:
    """(html, text) of ``compiled`` for one recipient, without recompiling anything.

    ``name`` is escaped (HTML in the HTML part, text escaping in the text part)
    and cleaned of control characters; both URLs must be absolute http(s) and
    are escaped for attributes. Raises RenderError for a bad URL.
    """
    words = labels(compiled.language)
    clean = " ".join(strip_control_characters(name or "").split())[:200]
    sentence = words["sent_to"].format(name=clean) if clean else words["sent_to_you"]
    unsubscribe = _check_link(unsubscribe_url, "unsubscribe URL")
    preferences = _check_link(preferences_url, "preferences URL")
    html_values = {"recipient": html_lib.escape(sentence, quote=True),
                   "unsubscribe_url": html_lib.escape(unsubscribe, quote=True),
                   "preferences_url": html_lib.escape(preferences, quote=True)}
    text_values = {"recipient": str(wrap_text(sentence)), "unsubscribe_url": unsubscribe,
                   "preferences_url": preferences}
    html = "".join(html_values[part] if i % 2 else part for i, part in enumerate(compiled.html_parts))
    text = "".join(text_values[part] if i % 2 else part for i, part in enumerate(compiled.text_parts))
    return html, text


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
