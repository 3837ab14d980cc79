"""Publication dates as other sites print them, in several languages (SECURITY.md 10).

A fast scanner handles the usual forms in English, French, Spanish, German,
Italian and Portuguese ("27 February 2015", "2 mars 2016", "1er décembre",
"24-11-2004", "Posted on June, 12 2013", "(04/12/2009, ...)" day first, ISO
8601); dateparser is the fallback for other languages. The answer is a
``date`` when only a day is known, an aware ``datetime`` when the text carries
a time with an explicit offset, and ``None`` whenever the text is not clearly
one day: no year, a two-digit year, a time zone abbreviation alone, a year
before 1990 or a day after tomorrow. Never "now".
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from functools import lru_cache

EARLIEST_YEAR = 1990
FAST_LANGUAGES = {"en", "fr", "es", "de", "it", "pt"}

_MONTH_NAMES = {
    1: "january jan janvier janv janvier enero ene januar jän jänner gennaio genn gen janeiro",
    2: "february feb febr février fevrier févr fevr febrero februar febbraio febb fevereiro fev",
    3: "march mar mars marzo märz maerz marz março marco",
    4: "april apr avril avr abril abr aprile",
    5: "may mai mayo maggio mag maio",
    6: "june jun juin junio juni giugno giu junho",
    7: "july jul juillet juil julio juli luglio lug julho",
    8: "august aug août aout agosto ago",
    9: "september sep sept septembre septiembre setiembre settembre sett set setembro",
    10: "october oct octobre octubre oktober okt ottobre ott outubro out",
    11: "november nov novembre noviembre novembro",
    12: "december dec décembre decembre déc diciembre dic dezember dez dicembre dezembro",
}
MONTHS = {name: number for number, names in _MONTH_NAMES.items() for name in names.split()}
_MONTH = "|".join(sorted((re.escape(name) for name in MONTHS), key=len, reverse=True))

_ISO = re.compile(r"(?<![\d.])(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?"
                  r"\s*(Z|[+-]\d{2}:?\d{2})?)?(?![\d-])", re.I)
_YMD = re.compile(r"(?<![\d.,/-])(\d{4})[/.](\d{1,2})[/.](\d{1,2})(?![\d/.]\d)")
_CJK = re.compile(r"(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]")
_DMY = re.compile(r"(?<![\d/.,-])(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?![\d/.-]?\d)")
_D_MONTH_Y = re.compile(r"(?<![\w/.-])(\d{1,2})(?:er|st|nd|rd|th|º|°|\.)?\s*(?:de\s+|of\s+)?(" + _MONTH + r")\.?,?"
                        r"\s*(?:de\s+|del\s+)?(\d{4})(?![\d.,/-]?\d)", re.I)
_MONTH_D_Y = re.compile(r"(?<!\w)(" + _MONTH + r")\.?,?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?![\d.,/-]?\d)",
                        re.I)
_ANY_DIGIT = re.compile(r"\d")
_YEAR4 = re.compile(r"(?<!\d)(19|20)\d{2}(?!\d)")
_LETTERS = re.compile(r"[^\W\d_]{3,}")


def _normalise(text: str, limit: int) -> str:
    text = " ".join(text[: limit * 2].split())[:limit]
    if text.isascii():
        return text
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    # Arabic-Indic and other decimal digits become ASCII so that every pattern sees the same numbers.
    return _ANY_DIGIT.sub(lambda m: m.group(0) if m.group(0).isascii() else str(unicodedata.digit(m.group(0), 0)),
                          text)


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


def _fast(text: str, language: str | None) -> dt.date | dt.datetime | None:
    # Every accepted form holds a four-digit year: only the text around each one is scanned.
    for year in _YEAR4.finditer(text):
        start = max(0, year.start() - 40)
        window = text[start: year.end() + 40]
        found = [(position, value) for position, value in _window_candidates(window, start, language)
                 if value is not None and position <= year.start()]
        if found:
            return min(found, key=lambda pair: pair[0])[1]
    return None


def _with_dateparser(text: str, language: str | None, search: bool) -> dt.date | None:
    # dateparser fills a missing year with the current one and reads "today" as now: both are refused.
    if not _YEAR4.search(text) or not _LETTERS.search(text):
        return None
    import dateparser  # slow to import, needed only for languages the scanner does not know
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
