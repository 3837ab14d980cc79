"""Text people type (names, outlets, descriptions): invisible formatting characters removed at input,
control characters found, so every page shows exactly what is stored.

Invisible formatting (Unicode category Cf: right-to-left overrides and isolates, zero-width spaces,
the BOM, soft hyphens) lets a name display differently from what it is: "\\u202etxt.exe" shows
reversed, "Ana\\u200bLima" looks like "AnaLima" but is another string. They are removed, except
the zero-width non-joiner and joiner (U+200C, U+200D), which Persian, Indic scripts and emoji
sequences need to be written correctly.
"""

from __future__ import annotations

import re
import unicodedata

# Joiners shape letters (Persian "می‌خواهم", Devanagari conjuncts, 👩‍💻): they stay.
_KEPT_FORMAT = frozenset("\u200c\u200d")
# Tab, LF and CR are not here: a textarea sends its line breaks as CRLF.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")
_LINE_BREAK = re.compile(r"[\n\r]")
# Digits, spaces and the punctuation numbers are written with; "x" for extensions.
PHONE_RE = re.compile(r"[+0-9 ().\-/x]{3,50}")


def strip_invisible(text: str) -> str:
    """``text`` without invisible formatting characters (bidi overrides, zero-width spaces...)."""
    if text.isascii():
        return text
    return "".join(ch for ch in text if ch in _KEPT_FORMAT or unicodedata.category(ch) != "Cf")


def single_line_problem(text: str) -> str | None:
    """Why ``text`` cannot be a one-line field, or None if it can (a tab is allowed).

    One-line fields (a contact's name in ``To:``, a headline in an approval email's
    ``Subject:``) end up in email headers, where a line break cannot be sent
    (docs/design/security.md item 21): refused are line breaks, other control characters, Unicode
    line separators, and RFC 2047 encoded words (``=?utf-8?q?...?=``), which a
    header parser decodes into whatever they encode, line breaks included.
    """
    text = text or ""
    problem = control_problem(text)
    if problem:
        return problem
    if "=?" in text and "?=" in text:
        return "looks like an encoded email header word (=?...?=)"
    return None


def control_problem(text: str, *, multiline: bool = False) -> str | None:
    """Why ``text`` cannot be stored (NUL, other control characters, or line breaks where one line
    is expected), or None. Tabs are allowed."""
    if _CONTROL.search(text) or (not multiline and _LINE_BREAK.search(text)):
        return "contains line breaks or control characters" if not multiline else "contains control characters"
    return None


def check_text(name: str, value, errors: dict, *, limit: int = 500, multiline: bool = False) -> str | None:
    """``value`` cleaned (invisible formatting removed, stripped), or None for None; a problem
    is written to ``errors[name]``.

    One-line fields refuse line breaks, control characters and RFC 2047 encoded words
    (they end up in email headers); every field but free multi-line text refuses a
    leading = or @, so the database never holds a spreadsheet formula.
    """
    if value is None:
        return None
    # Invisible formatting (a right-to-left override, zero-width spaces) would make a name look
    # like something else on every page; it goes before anything is checked.
    text = strip_invisible(str(value)).strip()
    if len(text) > limit:
        errors[name] = f"longer than {limit} characters"
    elif multiline:
        if control_problem(text, multiline=True):
            errors[name] = control_problem(text, multiline=True)
    elif text[:1] in ("=", "@"):
        # Refused at the door so the database never holds a spreadsheet formula.
        errors[name] = "must not start with = or @ (looks like a spreadsheet formula)"
    elif single_line_problem(text):
        # One-line fields end up in email headers (a name in To:): no line breaks at all.
        errors[name] = single_line_problem(text)
    return text
