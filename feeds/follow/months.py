"""Month names and text clean-up for the date scanner (dates.py).

The month names come from dateparser's own locale data (English, French, Spanish,
German, Italian, Portuguese, Russian with its genitive forms, Arabic with the
Levantine and Maghrebi variants of its regional locales, Chinese), not from a
table of ours. Text is normalised one character for one character, so that a
position in the normalised text is a position in the original: bidirectional
marks and the Arabic tatweel become spaces, Arabic letter variants are folded
(أ إ آ → ا, ى → ي, ة → ه), Latin letters lose their accents ("août", "März"
match "aout", "marz") and any decimal digit (Eastern Arabic, Persian,
full-width) becomes its ASCII digit.

Hijri dates ("٩ شوال ١٤٤٥ هـ", "1446/04/19هـ", "15 Ramadan 1445 AH") are
recognised so that they can be masked out and never read as Gregorian ones.
dateparser reads them only with an optional converter package, so their twelve
month names are spelled here.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from dateparser.data import languages_info
from dateparser.languages import default_loader

MONTH_LANGUAGES = ("en", "fr", "es", "de", "it", "pt", "ru", "ar", "zh")
_MONTH_KEYS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
               "november", "december")
# Bidirectional controls and marks, zero-width characters and the Arabic tatweel: never part of a date.
_INVISIBLE = "\u200b\u200c\u200d\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff\u0640"
_ARABIC_FOLD = {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "،": ",", "٫": ".", "٬": ","}


def _latin_fold(char: str) -> str:
    base = unicodedata.normalize("NFKD", char)[0]
    return base if base.isascii() and base.isalpha() else char


def _table() -> dict[int, str]:
    table = {ord(c): " " for c in _INVISIBLE}
    table.update({ord(k): v for k, v in _ARABIC_FOLD.items()})
    # Accented Latin letters (Latin-1 Supplement and Latin Extended-A) lose their accent, one letter for one.
    table.update({code: _latin_fold(chr(code)) for code in range(0xC0, 0x180) if chr(code).isalpha()
                  and len(_latin_fold(chr(code))) == 1 and _latin_fold(chr(code)) != chr(code)})
    # "ß" has no one-letter fold; German dates never need it.
    return table


_TRANSLATION = _table()
_NON_ASCII_DIGIT = re.compile(r"[^\x00-\x7f]")


def _ascii_digit(match: re.Match) -> str:
    char = match.group(0)
    # isdecimal, not isdigit: "km²" keeps its superscript.
    return str(unicodedata.digit(char)) if char.isdecimal() else char


def fold(text: str) -> str:
    """``text`` with marks blanked, Arabic variants and Latin accents folded, digits in ASCII; same length."""
    if text.isascii():
        return text
    return _NON_ASCII_DIGIT.sub(_ascii_digit, text.translate(_TRANSLATION))


def _locales(language: str) -> list[str]:
    return [language, *languages_info.language_locale_dict.get(language, [])]


@lru_cache(maxsize=1)
def month_names() -> dict[str, int]:
    """Every month name dateparser knows in MONTH_LANGUAGES, folded and lower-cased -> month number.

    Names that mean different months in two languages are left out, as are names with digits
    ("4月": the Chinese scanner reads those) and Latin abbreviations of fewer than three letters.
    """
    found: dict[str, set[int]] = {}
    for language in MONTH_LANGUAGES:
        for locale_name in _locales(language):
            try:
                info = default_loader.get_locale(locale_name).info
            except Exception:  # a locale dateparser lists but cannot load: its parent's names are enough
                continue
            for number, key in enumerate(_MONTH_KEYS, start=1):
                for name in info.get(key) or []:
                    name = fold(name.lower().strip().rstrip("."))
                    if len(name) >= (3 if name.isascii() else 2) and not any(c.isdigit() for c in name):
                        found.setdefault(name, set()).add(number)
    return {name: numbers.pop() for name, numbers in found.items() if len(numbers) == 1}


def _trie_pattern(words: list[str]) -> str:
    # A trie as a regular expression ("ju(?:n(?:e|i|io|ho)?|l...)"): far faster to match than a flat
    # alternation of two hundred names. Longer branches come first so the longest name wins.
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = [re.escape(char) + emit(child) for char, child in node.items() if char]
        optional = "" in node
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 and not optional else "(?:" + "|".join(
            sorted(branches, key=len, reverse=True)) + ")"
        return body + ("?" if optional else "")

    return emit(trie)


@lru_cache(maxsize=1)
def month_pattern() -> str:
    """A regular expression matching any month name (the longest one where names share a start)."""
    return _trie_pattern(sorted(month_names()))


# Hijri months, in folded Arabic (as fold() leaves them) and in the usual Latin spellings.
_HIJRI_MONTHS = (r"محرم|صفر|ربيع\s*(?:ال)?(?:اول|ثاني|اخر)[يه]?|جماد[يا]\s*(?:ال)?(?:اول|ثاني|اخر)[يه]?|رجب|شعبان|"
                 r"رمضان|شوال|ذ[وي]\s*القعد[هة]|ذ[وي]\s*الحج[هة]|muharram|safar|rabi[‘'`ʿ]?\s*(?:al|ul|el)?[- ]?"
                 r"(?:awwal|thani|akhir)|jumad[aā][- ]?(?:al|ul|el)?[- ]?(?:ula|awwal|ukhra|akhirah?|thani)|rajab|"
                 r"sha[‘'`ʿ]?ban|ramadh?an|shawwal|dhu[- ]?al[- ]?(?:qa[‘'`ʿ]?dah|hijjah)")
_HIJRI_SUFFIX = r"(?:\s*(?:هـ|ه(?!\w)|a\.?\s?h\.?(?!\w)|hijri))"
HIJRI = re.compile(
    r"(?<!\d)\d{1,2}\s*(?:" + _HIJRI_MONTHS + r")\s*,?\s*\d{3,4}" + _HIJRI_SUFFIX + r"?"
    r"|(?<!\d)\d{3,4}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{1,2}" + _HIJRI_SUFFIX +
    r"|(?<!\d)\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{3,4}" + _HIJRI_SUFFIX +
    r"|(?<!\w)(?:" + _HIJRI_MONTHS + r")\s*\d{3,4}" + _HIJRI_SUFFIX + r"?", re.I)


_LATIN_HIJRI_HINT = re.compile(r"hijr|\ba\.?h\b|muharram|safar|rabi|jumad|rajab|sha.?ban|ramad|shawwal|dhu", re.I)


def mask_hijri(text: str) -> str:
    """Folded ``text`` with every Hijri date blanked out (same length), so no Gregorian reading can use it."""
    if text.isascii() and not _LATIN_HIJRI_HINT.search(text):
        return text
    return HIJRI.sub(lambda m: " " * len(m.group(0)), text)
