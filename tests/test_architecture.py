"""ARCHITECTURE.md's dependency rules, checked on every run."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("comms", "contacts", "feeds", "storage", "press_templates")
# Entry points: the app factory, the CLI and `python -m comms`.
WEB_LAYER = ("comms/web/", "comms/app.py", "comms/cli.py", "comms/__main__.py")
FLASK_MODULES = ("flask", "flask_login", "flask_wtf", "flask_smorest", "werkzeug")


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def source_files():
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            yield path, path.relative_to(ROOT).as_posix()


def test_only_the_web_layer_imports_flask():
    offenders = []
    for path, rel in source_files():
        if rel.startswith(WEB_LAYER):
            continue
        bad = {name for name in imports_of(path) if name.split(".")[0] in FLASK_MODULES}
        if bad:
            offenders.append(f"{rel}: {sorted(bad)}")
    assert offenders == []


def test_nothing_imports_the_web_layer():
    offenders = []
    for path, rel in source_files():
        if rel.startswith(WEB_LAYER):
            continue
        bad = {name for name in imports_of(path) if name in ("comms.app", "comms.cli") or name.startswith("comms.web")}
        if bad:
            offenders.append(f"{rel}: {sorted(bad)}")
    assert offenders == []


def test_lower_packages_never_import_comms():
    offenders = []
    for path, rel in source_files():
        if rel.split("/")[0] in ("contacts", "feeds", "storage"):
            bad = {name for name in imports_of(path) if name.split(".")[0] == "comms"}
            if bad:
                offenders.append(f"{rel}: {sorted(bad)}")
    assert offenders == []


def test_import_linter_contracts_hold():
    result = subprocess.run([str(Path(sys.executable).parent / "lint-imports")], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_checker_catches_a_violation(tmp_path):
    """The AST check is not vacuous: a flask import in a pure module is found."""
    sample = tmp_path / "sample.py"
    sample.write_text("from flask import request\nimport comms.web.ui\n")
    assert {"flask", "comms.web.ui"} <= imports_of(sample)
