"""Text as the full-text index sees it: folded, split into words, bounded.

Folding happens here, in Python, before anything reaches the database, so both
backends index and search exactly the same words: PostgreSQL's ``unaccent``
extension needs a superuser to install, and SQLite's tokenizer folds fewer
characters than Unicode's compatibility decomposition does.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Chinese and Japanese write no spaces between words: each ideograph or kana is
# a word of its own, so a phrase of them finds the same characters in a row.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
WORD = re.compile(rf"[{_CJK}]|[^\W_{_CJK}]+")
CJK_CHAR = re.compile(rf"[{_CJK}]")

# What one field of one row may bring to the index; the rest is not searchable.
# PostgreSQL refuses a tsvector over 1 MB, which very long texts of distinct
# words would reach.
MAX_FIELD_CHARS = 200_000


def fold(text: str) -> str:
    """Lower case without accents: 'País' -> 'pais', for matching and sorting."""
    return fold_unstripped(text).strip()


def fold_unstripped(text: str) -> str:
    """:func:`fold` keeping surrounding spaces (its length is the text's for most scripts)."""
    if text.isascii():
        return text.casefold()
    return unicodedata.normalize("NFKD", text).translate(_combining()).casefold()


@functools.lru_cache(maxsize=1)
def _combining() -> dict[int, None]:
    """Every combining character, for str.translate to drop (a per-character test in Python was
    the largest cost of a search's snippets). Built once, on first use; Unicode 15 has none past
    U+1E94A, and planes 2-16 hold ideographs, tags and private use only."""
    return {code: None for code in range(0x20000) if unicodedata.combining(chr(code))}


def words(text: str) -> list[str]:
    """The folded words of ``text`` (at most MAX_FIELD_CHARS of it), in order.

    Punctuation separates words, so an address 'j.smith@reuters.com' is the
    words j, smith, reuters, com.
    """
    return WORD.findall(fold(text[:MAX_FIELD_CHARS]))


def number_variants(found: list[str]) -> list[str]:
    """'011' is also the number 11: the forms without leading zeros."""
    return [word.lstrip("0") or "0" for word in found if len(word) > 1 and word[0] == "0" and word.isdigit()]


def index_text(text: str) -> str:
    """What the index stores for one field: its words, space-separated.

    Numbers written with leading zeros are followed, at the end, by their
    plain form, so that 'Person 011' is found by '11' as by '011'.
    """
    found = words(text)
    return " ".join(found + number_variants(found))
