"""The tests mirror the tree (issue 14 item 5): one folder per capability under tests/, shared
fixtures and builders in tests/support/, and no test module importing another."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

from support.paths import ROOT, TESTS

# The capability packages of comms/ (docs/design/architecture.md), then the packages beside it.
COMMS_CAPABILITIES = ("platform", "accounts", "rendering", "meetings", "documents", "releases", "distribution", "following",
                      "syndication", "ops", "commands", "web")
TOP_PACKAGES = ("contacts", "feeds", "storage")
CAPABILITIES = COMMS_CAPABILITIES + TOP_PACKAGES
# Checks of the whole tree, not of one capability, stay at the top of tests/.
TOP_LEVEL_FILES = {"conftest.py", "test_architecture.py", "test_layout.py", "test_design_docs.py"}


def first_party_test_imports(path: Path) -> set[str]:
    """Modules a file imports (at any depth, inside functions too) that are test modules or conftest."""
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        else:
            continue
        for name in names:
            leaf = name.split(".")[-1]
            if leaf.startswith("test_") or leaf == "conftest":
                found.add(name)
    return found


def all_test_files() -> list[Path]:
    """Every test module under tests/."""
    return sorted(TESTS.rglob("test_*.py"))


def test_no_test_module_imports_another_or_conftest():
    offenders = []
    for path in sorted(TESTS.rglob("*.py")):
        for name in sorted(first_party_test_imports(path)):
            offenders.append(f"{path.relative_to(TESTS)} imports {name}: move what it needs into tests/support/")
    assert offenders == []


def test_test_files_live_in_a_capability_folder():
    misplaced = []
    for path in all_test_files():
        parts = path.relative_to(TESTS).parts
        if len(parts) == 1:
            if path.name not in TOP_LEVEL_FILES:
                misplaced.append(f"{path.name} sits directly in tests/")
        elif len(parts) != 2 or parts[0] not in CAPABILITIES:
            misplaced.append(f"{path.relative_to(TESTS)} is not in tests/<capability>/")
    stray = sorted(p.name for p in TESTS.glob("*.py") if p.name not in TOP_LEVEL_FILES)
    assert misplaced == [] and stray == [], (misplaced, stray)


def test_every_capability_package_has_a_tests_folder():
    # A capability not yet split out of comms/ has no package; it is skipped until it does.
    packages = [f"comms/{name}" for name in COMMS_CAPABILITIES if (ROOT / "comms" / name / "__init__.py").exists()]
    packages += [name for name in TOP_PACKAGES if (ROOT / name / "__init__.py").exists()]
    missing = [package for package in packages
               if not any((TESTS / package.split("/")[-1]).glob("test_*.py"))]
    assert missing == [], f"capability packages without tests/<capability>/: {missing}"


def test_capability_folders_are_not_packages_and_file_names_are_unique():
    # Without __init__.py, pytest imports each test file by its own name: tests/platform/__init__.py
    # would shadow the standard library's platform module, and two files of one name would clash.
    packages = sorted(str(p.relative_to(TESTS)) for p in TESTS.glob("*/__init__.py") if p.parent.name != "support")
    clashes = sorted(name for name, count in Counter(p.name for p in all_test_files()).items() if count > 1)
    assert packages == [] and clashes == [], (packages, clashes)


def test_support_is_loaded_as_plugins():
    tree = ast.parse((TESTS / "conftest.py").read_text("utf-8"))
    plugins = next(ast.literal_eval(node.value) for node in tree.body
                   if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "pytest_plugins")
    assert all(name.startswith("support.") for name in plugins)
    assert all((TESTS / "support" / f"{name.split('.')[1]}.py").exists() for name in plugins)


def test_the_checker_catches_a_test_module_import(tmp_path):
    """The AST check is not vacuous: every way of importing a test module or conftest is found."""
    sample = tmp_path / "sample.py"
    sample.write_text("import conftest\nfrom test_api import bearer\n"
                      "def helper():\n    from test_distribution import rt\n    import tests.web.test_api\n"
                      "from support.web import bearer\nimport testing_tools\n")
    assert first_party_test_imports(sample) == {"conftest", "test_api", "test_distribution", "tests.web.test_api"}
