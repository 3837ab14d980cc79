"""The design documents in docs/design/ are the ones the code cites, and every citation resolves.

- every "docs/design/security.md item N" (or "items N, M-K") anywhere in the repository
  names an item that the security model defines, and a quoted section name is one of its
  sections;
- the security model numbers its items 1..N without gaps, and the ``test_item_NN_...``
  functions it lists under an item exist and carry that item's number (and every such test
  is listed);
- every relative Markdown link in the README and docs/ resolves (file and #anchor), and
  every docs/design/*.md path named in code or text exists;
- nothing cites the design documents by their old bare names, which a fresh clone lacks.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DESIGN = ROOT / "docs" / "design"
SECURITY = DESIGN / "security.md"
ITEMS = 36  # the model's size today; items are only ever added at the end

SKIP_DIRS = {".git", "__pycache__", "node_modules", "instance", "build", "dist", ".pytest_cache", ".hypothesis",
             "test-results", "snapshots"}
MAX_BYTES = 2_000_000

# "docs/design/security.md item 31", "... items 20, 22-24", "... items 15 to 18",
# 'docs/design/security.md "Email", items 21-25'; inside docs/design, "[security.md](security.md) item 1".
NUMBERS = r"(?P<numbers>\(?\d+(?:\s*(?:-|–|,|and|to)\s*\d+)*\)?)"
CITATION = re.compile(r"docs/design/security\.md(?:\s+\"(?P<section>[^\"]+)\",)?\s+items?\s+" + NUMBERS)
LOCAL_CITATION = re.compile(r"\]\(security\.md\)\s+items?\s+" + NUMBERS)
RANGE = re.compile(r"(\d+)\s*(?:-|–|to)\s*(\d+)")
ITEM_HEADING = re.compile(r"^\*\*(\d+)\. ", re.M)
SECTION_HEADING = re.compile(r"^## (.+)$", re.M)
ITEM_TEST = re.compile(r"\btest_item_(\d\d)_\w+")
DESIGN_PATH = re.compile(r"docs/design/[\w./-]*\.md")
OLD_NAMES = re.compile(r"(?<![\w/.-])(?:SECURITY|ARCHITECTURE|API)\.md\b")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def repository_files():
    """Every text file of the project (code, tests, docs, scripts), without virtualenvs or caches."""
    stack = [ROOT]
    while stack:
        folder = stack.pop()
        for path in sorted(folder.iterdir()):
            if path.is_dir():
                if path.name in SKIP_DIRS or path.name.startswith(".venv") or path.name.endswith(".egg-info"):
                    continue
                stack.append(path)
            elif path.is_file() and path.stat().st_size <= MAX_BYTES:
                try:
                    yield path, path.read_text(encoding="utf-8")
                except UnicodeDecodeError:
                    continue


def markdown_files():
    """The README and every Markdown file under docs/."""
    yield ROOT / "README.md"
    yield from sorted((ROOT / "docs").rglob("*.md"))


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces to hyphens."""
    text = heading.strip().lower()
    text = "".join(ch for ch in text if ch in " -_" or unicodedata.category(ch)[0] in "LN")
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """Anchors of every heading of a Markdown file (repeated headings get -1, -2... as on GitHub)."""
    seen: dict[str, int] = {}
    found = set()
    in_code = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("```"):
            in_code = not in_code
        if in_code or not line.startswith("#"):
            continue
        base = slug(line.lstrip("#"))
        count = seen.get(base, 0)
        seen[base] = count + 1
        found.add(base if count == 0 else f"{base}-{count}")
    return found


def cited_numbers(numbers: str) -> list[int]:
    """The item numbers a citation names, ranges expanded; a backwards range is refused."""
    cited = []
    for low, high in RANGE.findall(numbers):
        assert int(low) <= int(high), f"backwards range {numbers!r}"
        cited += range(int(low), int(high) + 1)
    cited += [int(n) for n in re.findall(r"\d+", RANGE.sub("", numbers))]
    return cited


def security_items() -> dict[int, str]:
    """Item number -> its text, from the security model."""
    text = SECURITY.read_text(encoding="utf-8")
    marks = list(ITEM_HEADING.finditer(text))
    items = {}
    for index, mark in enumerate(marks):
        end = marks[index + 1].start() if index + 1 < len(marks) else len(text)
        following = SECTION_HEADING.search(text, mark.end(), end)
        items[int(mark.group(1))] = text[mark.start():following.start() if following else end]
    return items


def citations():
    """(file, section or None, numbers text) for every citation of a security item in the repository."""
    for path, text in repository_files():
        rel = path.relative_to(ROOT).as_posix()
        for match in CITATION.finditer(text):
            yield rel, match.group("section"), match.group("numbers")
        if path.parent == DESIGN:
            for match in LOCAL_CITATION.finditer(text):
                yield rel, None, match.group("numbers")


def test_the_security_model_numbers_its_items_without_gaps():
    numbers = list(security_items())
    assert numbers == list(range(1, ITEMS + 1))


def test_every_cited_security_item_exists():
    defined = set(security_items())
    sections = {heading.strip() for heading in SECTION_HEADING.findall(SECURITY.read_text(encoding="utf-8"))}
    found = list(citations())
    assert len(found) > 50  # the code cites the model everywhere: a broken pattern would find nothing
    problems = []
    for rel, section, numbers in found:
        cited = cited_numbers(numbers)
        if not cited or not set(cited) <= defined:
            problems.append(f"{rel}: item(s) {numbers!r} not in docs/design/security.md")
        if section is not None and section not in sections:
            problems.append(f"{rel}: no section {section!r} in docs/design/security.md")
    assert problems == []


def test_the_citation_parser_is_not_vacuous():
    """Ranges and lists are read as a reader would, and an unknown item is caught."""
    assert cited_numbers("20, 22-24") == [22, 23, 24, 20]
    assert sorted(cited_numbers("12, 31 and 35")) == [12, 31, 35]
    assert cited_numbers("15 to 18") == [15, 16, 17, 18]
    # An item past the model's end: one the citation check must catch.
    sample = 'see docs/design/security.md "Email", items 21-25 and docs/design/security.md item ' + f"{ITEMS + 1}."
    matches = [(m.group("section"), cited_numbers(m.group("numbers"))) for m in CITATION.finditer(sample)]
    assert matches == [("Email", [21, 22, 23, 24, 25]), (None, [ITEMS + 1])]
    assert ITEMS + 1 not in security_items()


def test_the_tests_named_under_each_item_exist_and_every_item_test_is_named():
    items = security_items()
    defined = {}
    for path in (ROOT / "tests").rglob("test_*.py"):
        for name in re.findall(r"^\s*(?:async\s+)?def (test_item_\d\d_\w+)", path.read_text(encoding="utf-8"), re.M):
            defined[name] = int(name[len("test_item_"):len("test_item_") + 2])
    named = {}
    for number, text in items.items():
        for match in ITEM_TEST.finditer(text):
            named[match.group(0)] = number
    assert {name for name in named if name not in defined} == set(), "listed in docs/design/security.md, not in tests/"
    assert {name: number for name, number in named.items() if defined[name] != number} == {}, "listed under another item"
    assert set(defined) - set(named) == set(), "test_item_ tests missing from docs/design/security.md"


def test_the_other_tests_the_security_model_names_exist():
    """Modules ("Also: test_follow_guard") and functions named in the model are found, wherever tests move."""
    modules = {path.stem for path in (ROOT / "tests").rglob("test_*.py")}
    functions = set()
    for path in (ROOT / "tests").rglob("*.py"):
        functions.update(re.findall(r"^\s*(?:async\s+)?def (test_\w+)", path.read_text(encoding="utf-8"), re.M))
    named = set(re.findall(r"\btest_\w+", SECURITY.read_text(encoding="utf-8")))
    assert len(named) > 40
    assert {name for name in named if name not in modules | functions and not name.endswith("_")} == set()


def test_every_relative_markdown_link_in_the_readme_and_docs_resolves():
    problems = []
    checked = 0
    for path in markdown_files():
        for target in LINK.findall(path.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", target):
                continue
            file_part, _, anchor = target.partition("#")
            destination = (path.parent / file_part).resolve() if file_part else path
            rel = path.relative_to(ROOT).as_posix()
            checked += 1
            if not destination.exists():
                problems.append(f"{rel}: {target} does not exist")
            elif anchor and destination.suffix == ".md" and anchor not in anchors(destination):
                problems.append(f"{rel}: {target} names no heading")
    assert checked > 20
    assert problems == []


def test_the_readme_and_docs_link_to_the_design_documents():
    linked = set()
    for path in markdown_files():
        for target in LINK.findall(path.read_text(encoding="utf-8")):
            destination = (path.parent / target.partition("#")[0]).resolve()
            if destination.parent == DESIGN:
                linked.add(destination.name)
    assert {"README.md", "architecture.md", "security.md", "contract.md"} <= linked


def test_every_design_document_path_named_anywhere_exists():
    missing = set()
    for path, text in repository_files():
        for name in DESIGN_PATH.findall(text):
            if not (ROOT / name.rstrip(".")).is_file():
                missing.add(f"{path.relative_to(ROOT).as_posix()}: {name}")
    assert missing == set()


def test_nothing_cites_the_design_documents_by_their_old_names():
    offenders = []
    for path, text in repository_files():
        if path.parent == DESIGN:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if OLD_NAMES.search(line):
                offenders.append(f"{path.relative_to(ROOT).as_posix()}:{number}: {line.strip()[:100]}")
    assert offenders == []


def test_the_old_name_check_is_not_vacuous():
    """A bare old name is caught; the docs/design path and lookalikes are not."""
    bare = "(" + "SECURITY" + ".md 12)"
    assert OLD_NAMES.search(bare) and OLD_NAMES.search("see " + "API" + ".md's shape")
    assert not OLD_NAMES.search("docs/design/security.md item 12, OPEN" + "API" + ".md, docs/" + "API" + ".md")
