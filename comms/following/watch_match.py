"""Phrase matching for watchlists: case- and accent-insensitive, on word boundaries,
tolerant of plurals and of hyphens (no database, no Flask).

A phrase such as "anti-personnel mine" becomes one regular expression run on
the folded text (lower case, accents removed), so it finds "Anti-personnel
mines", "antipersonnel mine" and "ANTI PERSONNEL MINES"; "minas antipersonal"
finds "minas antipersonales" and "mina antipersonal"; "Article 5 extension"
finds "article 5 extensions" but never "article 50". The text that matched is
reported as it was written, accents included.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from html import unescape

import nh3

# Between two words of a phrase: any run of spaces or punctuation ("d'Ottawa", "d’Ottawa").
_GAP = r"[\W_]+"
# Inside a hyphenated word: "anti-personnel" also matches "antipersonnel" and "anti personnel".
_HYPHEN_GAP = r"[\W_]?"
# Cheap plural tolerance for EN/FR/ES: mine/mines, mina/minas, antipersonal/antipersonales, jeu/jeux.
_PLURAL = r"(?:s|es|x)?"
_WORD = re.compile(r"[^\W_]+")
MAX_PHRASE_LENGTH = 200


def fold_with_map(text: str) -> tuple[str, list[int]]:
    """The folded text and, for each folded character, the index of the original one."""
    folded: list[str] = []
    positions: list[int] = []
    for index, char in enumerate(text):
        if char.isascii():
            out = char.lower()
        else:
            decomposed = unicodedata.normalize("NFKD", char)
            out = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
        folded.append(out)
        positions.extend([index] * len(out))
    return "".join(folded), positions


def fold(text: str) -> str:
    """Lower case without accents: 'Convención' -> 'convencion'."""
    return fold_with_map(text)[0]


def _word_pattern(word: str) -> str:
    # Plural endings are tolerated on words that look like words, not on numbers.
    if word.isdigit():
        return re.escape(word)
    stem = word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word
    return re.escape(stem) + _PLURAL


@lru_cache(maxsize=512)
def phrase_pattern(phrase: str) -> re.Pattern | None:
    """The compiled pattern for one phrase (None for a phrase with no words)."""
    folded = fold(phrase.strip())[:MAX_PHRASE_LENGTH]
    parts: list[str] = []
    for chunk in folded.split():
        words = _WORD.findall(chunk)
        if not words:
            continue
        # Words joined by a hyphen or apostrophe inside one chunk may be written together.
        parts.append(_HYPHEN_GAP.join(_word_pattern(w) for w in words[:-1])
                     + (_HYPHEN_GAP if len(words) > 1 else "") + _word_pattern(words[-1]))
    if not parts:
        return None
    return re.compile(r"(?<![^\W_])" + _GAP.join(parts) + r"(?![^\W_])")


def clean_phrases(raw: str | list[str]) -> list[str]:
    """Phrases from a textarea (one per line) or a list: trimmed, unique, non-empty."""
    lines = raw.splitlines() if isinstance(raw, str) else list(raw)
    seen: dict[str, str] = {}
    for line in lines:
        phrase = " ".join(str(line).split())[:MAX_PHRASE_LENGTH]
        if phrase and phrase_pattern(phrase) is not None and fold(phrase) not in seen:
            seen[fold(phrase)] = phrase
    return list(seen.values())


@dataclass(frozen=True)
class Hit:
    """One phrase found in a text: the phrase, and the text as written."""

    phrase: str
    text: str


def find(text: str, phrases: list[str]) -> Hit | None:
    """The first phrase (in order) that occurs in ``text``, or None."""
    folded, positions = fold_with_map(text)
    for phrase in phrases:
        pattern = phrase_pattern(phrase)
        match = pattern.search(folded) if pattern else None
        if match and match.end() > match.start():
            start, end = positions[match.start()], positions[match.end() - 1] + 1
            return Hit(phrase=phrase, text=text[start:end])
    return None


def html_to_text(html: str) -> str:
    """The words of a (sanitised) HTML summary, tags and entities gone."""
    return " ".join(unescape(nh3.clean(html or "", tags=set())).split())
