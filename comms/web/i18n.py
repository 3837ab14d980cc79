"""The public pages in English, French and Spanish (Flask-Babel).

The language comes from the URL first: ``/fr/news/`` is the newsroom in French. The
prefix is taken off before routing and added to the script root, so every route
works under it unchanged and every ``url_for`` link on a ``/fr/`` page stays in
French; URLs without a prefix keep working and follow Accept-Language.

The catalogs are kept as .po files in comms/translations and compiled into the
instance folder when the app starts (the package folder may be read-only), so
there is no build step and no compiled file in git to fall out of step.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, request
from flask_babel import Babel, get_locale, lazy_gettext as _l

LOCALES = ("en", "fr", "es")
DEFAULT_LOCALE = "en"
# Geneva: where the office and most meetings are; a meeting's own zone wins when there is one.
OFFICE_TIMEZONE = "Europe/Zurich"
CATALOGS = Path(__file__).resolve().parent.parent / "translations"
# A day in a programme, with its weekday in full (CLDR's skeletons abbreviate it in French and Spanish).
WEEKDAY_PATTERNS = {"en": "EEEE d MMMM", "fr": "EEEE d MMMM", "es": "EEEE, d 'de' MMMM"}
ERROR_TITLES = {400: _l("Bad request"), 403: _l("Forbidden"), 404: _l("Page not found"),
                405: _l("Method not allowed"), 410: _l("Gone"), 413: _l("Too large"), 429: _l("Too many requests"),
                500: _l("Something went wrong")}
_ENVIRON_LOCALE = "pressroom.locale"
_ENVIRON_ROOT = "pressroom.script_root"


class LanguagePrefix:
    """WSGI middleware: ``/fr/...`` is served as ``/...`` in French, with ``/fr`` kept in the links."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "") or "/"
        root = environ.get("SCRIPT_NAME", "")
        environ[_ENVIRON_ROOT] = root
        code = split_prefix(path)
        if code:
            environ[_ENVIRON_LOCALE] = code
            environ["SCRIPT_NAME"] = f"{root}/{code}"
            environ["PATH_INFO"] = path[len(code) + 1:] or "/"
        return self.app(environ, start_response)


def split_prefix(path: str) -> str | None:
    """The language a path starts with (``/fr`` or ``/fr/...``), or None."""
    for code in LOCALES:
        if path == f"/{code}" or path.startswith(f"/{code}/"):
            return code
    return None


def select_locale() -> str:
    """The URL's language, else the best of Accept-Language, else English."""
    return request.environ.get(_ENVIRON_LOCALE) or request.accept_languages.best_match(LOCALES) or DEFAULT_LOCALE


def language_links() -> list[tuple[str, str, str]]:
    """(code, name in its own language, URL of this page in it) for the language switcher."""
    root = request.environ.get(_ENVIRON_ROOT, "")
    query = request.query_string.decode("latin-1")
    tail = request.path + (f"?{query}" if query else "")
    return [(code, Locale.parse(code).get_display_name(code).capitalize(), f"{root}/{code}{tail}")
            for code in LOCALES]


def current_language() -> str:
    """The page's language code (for <html lang>)."""
    return str(get_locale() or DEFAULT_LOCALE)


def error_title(status: int, fallback: str) -> str:
    """An error page's title in the page's language (Werkzeug's English name when we have none)."""
    title = ERROR_TITLES.get(status)
    return str(title) if title is not None else fallback


def language_name(code: str) -> str:
    """A language's name in the page's language: "fr" is "French" on an English page, "francés" on a Spanish one."""
    try:
        return Locale.parse(current_language()).languages.get(code, code.upper()).capitalize()
    except ValueError:
        return code.upper()


def date_words(value: dt.date | dt.datetime | None, timezone: str | None = None, style: str = "long") -> str:
    """A date in words in the page's language; a moment is first put in Geneva time (or ``timezone``).

    ``style`` is a Babel format ("long": 14 December 2026) or "weekday" (Monday 14 December)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = _local(value, timezone).date()
    if style == "weekday":
        style = WEEKDAY_PATTERNS.get(current_language(), WEEKDAY_PATTERNS[DEFAULT_LOCALE])
    return format_date(value, format=style, locale=_formatting_locale())


def time_local(value: dt.datetime | None, timezone: str | None = None) -> str:
    """A time of day in Geneva time (or ``timezone``), written the page language's way."""
    if value is None:
        return ""
    return format_time(_local(value, timezone), format="short", locale=_formatting_locale())


def staff_clock(value: dt.datetime | None) -> str:
    """A time in the staff's tables, in the office's zone with its abbreviation: "2026-12-07 10:15 CET"
    (staff read one zone; a bare UTC clock beside local meeting times misled)."""
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(ZoneInfo(OFFICE_TIMEZONE)).strftime("%Y-%m-%d %H:%M %Z")


def _formatting_locale() -> str:
    # A Geneva office writes "14 December 2026" and "14:30", not the US "December 14, 2026" and "2:30 PM".
    language = current_language()
    return "en_GB" if language == "en" else language


def _local(value: dt.datetime, timezone: str | None) -> dt.datetime:
    aware = value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    return aware.astimezone(ZoneInfo(timezone or OFFICE_TIMEZONE))


def compile_catalogs(source: Path, target: Path) -> None:
    """Compile each ``source/<lang>/LC_MESSAGES/messages.po`` to a .mo under ``target`` when it is newer.

    Written to a temporary file and renamed, so two processes starting together never
    read a half-written catalog."""
    for po_path in sorted(source.glob("*/LC_MESSAGES/messages.po")):
        mo_path = target / po_path.relative_to(source).with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=po_path.parent.parent.name)
        with tempfile.NamedTemporaryFile(dir=mo_path.parent, delete=False) as handle:
            write_mo(handle, catalog)
        os.replace(handle.name, mo_path)


def init_app(app: Flask, instance_path: Path) -> None:
    """Compile the catalogs, choose each request's language and offer the date filters to templates."""
    compiled = instance_path / "translations"
    compile_catalogs(CATALOGS, compiled)
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", OFFICE_TIMEZONE)
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(compiled)
    Babel(app, locale_selector=select_locale)
    app.wsgi_app = LanguagePrefix(app.wsgi_app)
    app.add_template_filter(date_words)
    app.add_template_filter(time_local)
    app.add_template_filter(staff_clock)
    app.add_template_filter(language_name)
    app.add_template_global(language_links)
    app.add_template_global(current_language)
    app.add_template_global(error_title)

    @app.after_request
    def _vary(response):
        # Without a prefix the page's language came from Accept-Language: caches must key on it.
        if _ENVIRON_LOCALE not in request.environ:
            response.vary.add("Accept-Language")
        return response
