"""Word-level differences between two texts, for comparing release revisions (no Flask).

A text is cut into tokens (words, runs of white space, single punctuation marks);
difflib.SequenceMatcher lines the tokens up, and the result is a list of
segments ``(op, text)`` with ``op`` one of "equal", "insert", "delete". A
replacement is a deletion followed by an insertion, so the old words are read
before the new ones. Joining the "equal" and "delete" texts gives the old text
back; joining "equal" and "insert" gives the new one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher

EQUAL, INSERT, DELETE = "equal", "insert", "delete"
Segment = tuple[str, str]
_TOKEN = re.compile(r"\s+|\w+(?:['’]\w+)*|[^\w\s]", re.UNICODE)


def tokenize(text: str) -> list[str]:
    """Words, runs of white space and single punctuation marks; joined, they are ``text`` again."""
    return _TOKEN.findall(text or "")


def _merge(segments: Iterable[Segment]) -> list[Segment]:
    merged: list[Segment] = []
    for op, text in segments:
        if not text:
            continue
        if merged and merged[-1][0] == op:
            merged[-1] = (op, merged[-1][1] + text)
        else:
            merged.append((op, text))
    return merged


def _absorb_spaces(segments: list[Segment]) -> list[Segment]:
    """A lone run of white space kept "equal" between two changes joins them, so
    "one two" → "three four" reads as one deletion and one insertion, not four pieces."""
    result: list[Segment] = []
    index = 0
    while index < len(segments):
        op, text = segments[index]
        if (op == EQUAL and text.isspace() and result and result[-1][0] != EQUAL
                and index + 1 < len(segments) and segments[index + 1][0] != EQUAL):
            result.extend([(DELETE, text), (INSERT, text)])
        else:
            result.append((op, text))
        index += 1
    # Regroup: within each run of changes, all deletions first, then all insertions.
    grouped: list[Segment] = []
    run: list[Segment] = []
    for segment in result + [(EQUAL, "")]:
        if segment[0] == EQUAL:
            grouped += [s for s in run if s[0] == DELETE] + [s for s in run if s[0] == INSERT]
            run = []
            grouped.append(segment)
        else:
            run.append(segment)
    return _merge(grouped)


def diff_words(old: str, new: str) -> list[Segment]:
    """The segments that turn ``old`` into ``new``, word by word."""
    before, after = tokenize(old), tokenize(new)
    matcher = SequenceMatcher(a=before, b=after, autojunk=False)
    segments: list[Segment] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            segments.append((EQUAL, "".join(before[a1:a2])))
        else:
            segments.append((DELETE, "".join(before[a1:a2])))
            segments.append((INSERT, "".join(after[b1:b2])))
    return _absorb_spaces(_merge(segments))


def old_text(segments: Iterable[Segment]) -> str:
    """The text before the change."""
    return "".join(text for op, text in segments if op != INSERT)


def new_text(segments: Iterable[Segment]) -> str:
    """The text after the change."""
    return "".join(text for op, text in segments if op != DELETE)


def as_text(value) -> str:
    """A content value as comparable text: strings as they are, quotes as lines
    ("text" — speaker), other lists joined by commas."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        text, speaker = str(value.get("text", "")), str(value.get("speaker", ""))
        return f"“{text}” — {speaker}" if speaker else f"“{text}”"
    if isinstance(value, (list, tuple)):
        if any(isinstance(item, dict) for item in value):
            return "\n".join(as_text(item) for item in value)
        return ", ".join(as_text(item) for item in value)
    return str(value)


@dataclass(frozen=True)
class FieldDiff:
    """One field of two versions compared."""

    field: str
    segments: list[Segment]

    @property
    def changed(self) -> bool:
        return any(op != EQUAL for op, _text in self.segments)

    @property
    def counts(self) -> dict[str, int]:
        """Words inserted and deleted."""
        words = {INSERT: 0, DELETE: 0}
        for op, text in self.segments:
            if op in words:
                words[op] += len(re.findall(r"\w+", text))
        return words


def diff_fields(old: dict, new: dict, fields: Iterable[str]) -> list[FieldDiff]:
    """Each of ``fields`` compared word by word between two content dicts."""
    return [FieldDiff(field, diff_words(as_text(old.get(field)), as_text(new.get(field)))) for field in fields]
