"""Publication dates as other sites print them, in many languages (docs/design/security.md item 10).

A fast scanner reads the usual forms: a day, a month name and a year in any
order and any of English, French, Spanish, German, Italian, Portuguese,
Russian (genitive included), Arabic (Egyptian, Levantine and Maghrebi month
names) and Chinese, with Western or Eastern Arabic digits and ordinal
suffixes mixed in ("18th أبريل 2024", "1er décembre 2016", "18-го апреля
2024", "四月 18, 2024"), Chinese "2024年4月18日", numeric day-first forms
("24-11-2004", "(04/12/2009, ...)"), ISO 8601. The month names are
dateparser's (months.py); dateparser itself reads other languages. Right-to-
left marks are ignored and Hijri dates are recognised and never read as
Gregorian ones. The answer is a ``date`` when only a day is known, an aware
``datetime`` when the text carries a time with an explicit offset, and
``None`` whenever the text is not clearly one day: no year, a two-digit year,
a time zone abbreviation alone, a Hijri date alone, a year before 1990 or a
day after tomorrow. Never "now".
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache

from .months import MONTH_LANGUAGES, fold, mask_hijri, month_names, month_pattern

EARLIEST_YEAR = 1990
FAST_LANGUAGES = set(MONTH_LANGUAGES)
_MONTH = month_pattern()
MONTHS = month_names()
_ORDINAL = r"(?:st|nd|rd|th|er|re|ère|eme|ème|º|°|ª|\.|-?го|-?е)?"

_ISO = re.compile(r"(?<![\d.])(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?"
                  r"\s*(Z|[+-]\d{2}:?\d{2})?)?(?![\d-])", re.I)
_YMD = re.compile(r"(?<![\d.,/-])(\d{4})[/.](\d{1,2})[/.](\d{1,2})(?![\d/.]\d)")
_CJK = re.compile(r"(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일号]?")
# "4月 18, 2024": WordPress and Drupal's "F j, Y" in Chinese.
_CJK_MONTH_FIRST = re.compile(r"(?<!\d)(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?\s*[,，]\s*(\d{4})(?!\d)")
_DMY = re.compile(r"(?<![\d/.,-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?![\d/.-]?\d)")
_D_MONTH_Y = re.compile(r"(?<![\w/.-])(\d{1,2})" + _ORDINAL + r"\s*(?:de\s+|of\s+|du\s+)?(" + _MONTH + r")\.?,?"
                        r"\s*(?:de\s+|del\s+)?(\d{4})(?![\d.,/-]?\d)", re.I)
_MONTH_D_Y = re.compile(r"(?<!\w)(" + _MONTH + r")\.?,?\s*(\d{1,2})(?:st|nd|rd|th|er)?,?\s+(\d{4})(?![\d.,/-]?\d)",
                        re.I)
_YEAR4 = re.compile(r"(?<!\d)(19|20)\d{2}(?!\d)")
_LETTERS = re.compile(r"[^\W\d_]{3,}")


def _normalise(text: str, limit: int) -> str:
    text = " ".join(text[: limit * 2].split())[:limit]
    if text.isascii():
        return mask_hijri(text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return mask_hijri(" ".join(fold(text).split()))


@lru_cache(maxsize=256)
def _language(language: str | None) -> str:
    return (language or "").replace("_", "-").split("-")[0].lower()


def _month_first(language: str | None) -> bool:
    return (language or "").lower().replace("_", "-") in ("en-us", "en-ph", "en-ca")


def _checked(year: int, month: int, day: int) -> dt.date | None:
    try:
        value = dt.date(year, month, day)
    except ValueError:
        return None
    tomorrow = dt.datetime.now(dt.timezone.utc).date() + dt.timedelta(days=1)
    return value if EARLIEST_YEAR <= year and value <= tomorrow else None


def _offset(text: str) -> dt.timezone:
    if text.upper() == "Z":
        return dt.timezone.utc
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    return dt.timezone(sign * dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:4])))


def _from_iso(match: re.Match) -> dt.date | dt.datetime | None:
    year, month, day, hour, minute, second, zone = match.groups()
    day_value = _checked(int(year), int(month), int(day))
    if day_value is None or hour is None or zone is None:
        return day_value  # a time without an offset is not an instant: keep the day only
    try:
        return dt.datetime(day_value.year, day_value.month, day_value.day, int(hour), int(minute),
                           int(second or 0), tzinfo=_offset(zone))
    except ValueError:
        return day_value


def _from_dmy(match: re.Match, language: str | None) -> dt.date | None:
    first, _, second, year = match.groups()
    a, b = int(first), int(second)
    if a > 12 or (b <= 12 and not _month_first(language)):
        return _checked(int(year), b, a)
    return _checked(int(year), a, b)


def _window_candidates(text: str, offset: int, language: str | None):
    for match in _ISO.finditer(text):
        yield offset + match.start(), _from_iso(match)
    for match in _CJK.finditer(text):
        yield offset + match.start(), _checked(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    for match in _CJK_MONTH_FIRST.finditer(text):
        yield offset + match.start(), _checked(int(match.group(3)), int(match.group(1)), int(match.group(2)))
    for match in _YMD.finditer(text):
        yield offset + match.start(), _checked(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    for match in _DMY.finditer(text):
        yield offset + match.start(), _from_dmy(match, language)
    for match in _D_MONTH_Y.finditer(text):
        yield offset + match.start(), _checked(int(match.group(3)), MONTHS[match.group(2).lower()],
                                               int(match.group(1)))
    for match in _MONTH_D_Y.finditer(text):
        yield offset + match.start(), _checked(int(match.group(3)), MONTHS[match.group(1).lower()],
                                               int(match.group(2)))


def _first(text: str, language: str | None) -> tuple[int, dt.date | dt.datetime] | None:
    # Every accepted form holds a four-digit year: only the text around each one is scanned.
    for year in _YEAR4.finditer(text):
        start = max(0, year.start() - 40)
        window = text[start: year.end() + 40]
        found = [(position, value) for position, value in _window_candidates(window, start, language)
                 if value is not None and position <= year.start()]
        if found:
            return min(found, key=lambda pair: pair[0])
    return None


def _fast(text: str, language: str | None) -> dt.date | dt.datetime | None:
    found = _first(text, language)
    return found[1] if found else None


def _with_dateparser(text: str, language: str | None, search: bool) -> dt.date | None:
    # dateparser fills a missing year with the current one and reads "today" as now: both are refused.
    if not _YEAR4.search(text) or not _LETTERS.search(text):
        return None
    import dateparser  # the parser and its search are slow to load: only languages the scanner lacks need them
    from dateparser.search import search_dates

    languages = [_language(language)] if _language(language) else None
    settings = {"REQUIRE_PARTS": ["day", "month", "year"], "PARSERS": ["absolute-time"],
                "PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False}
    try:
        if search:
            results = search_dates(text, languages=languages, settings=settings) or []
            results = [(found, value) for found, value in results if _YEAR4.search(found)]
            value = results[0][1] if results else None
        else:
            value = dateparser.parse(text, languages=languages, settings=settings)
    except Exception:  # dateparser raises many kinds of errors on odd input; the answer is "unknown"
        return None
    return _checked(value.year, value.month, value.day) if value else None


@lru_cache(maxsize=8192)
def parse_date(text: str | None, language: str | None = None) -> dt.date | dt.datetime | None:
    """The one day (or instant) ``text`` names, or None when it names none clearly."""
    if not text or not isinstance(text, str):
        return None
    text = _normalise(text, 300)
    value = _fast(text, language)
    if value is None and _language(language) not in FAST_LANGUAGES:
        value = _with_dateparser(text, language, search=False)
    return value


def find_date_in_text(text: str | None, language: str | None = None) -> dt.date | dt.datetime | None:
    """The first full date in running text ("Geneva, 3 September 2020 – ..."), or None."""
    if not text:
        return None
    text = _normalise(text, 4000)
    value = _fast(text, language)
    if value is None and _language(language) and _language(language) not in FAST_LANGUAGES:
        value = _with_dateparser(text[:400], language, search=True)
    return value


def date_offset(text: str | None, language: str | None = None) -> int | None:
    """Where the first date the fast scanner reads in ``text`` starts (whitespace collapsed), or None.

    For judging where a block puts its date (right by its title, or far down in prose); it
    reads what find_date_in_text reads in the scanner's languages.
    """
    if not text:
        return None
    found = _first(_normalise(text, 4000), language)
    return found[0] if found else None
