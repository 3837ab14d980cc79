"""docs/design/architecture.md's dependency rules, checked on every run."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("comms", "contacts", "feeds", "storage", "press_templates")
# Entry points: the app factory, the CLI and `python -m comms`.
WEB_LAYER = ("comms/web/", "comms/app.py", "comms/console.py", "comms/commands/", "comms/__main__.py")
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
        bad = {name for name in imports_of(path) if name in ("comms.app", "comms.console") or name.startswith(("comms.web", "comms.commands"))}
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


# Imports made inside functions, module -> imported module: reason. A function-level
# import hides a dependency from readers and from import-linter, so each needs a reason.
FUNCTION_LEVEL_ALLOWED: dict[tuple[str, str], str] = {}
FIRST_PARTY = ("comms", "contacts", "feeds", "storage", "press_templates")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def first_party_modules() -> dict[str, Path]:
    return {module_name(path): path for path, rel in source_files() if "/migrations/" not in rel}


def import_graph(modules: dict[str, Path]):
    """Edges module -> first-party module it imports (at any depth), and the function-level ones."""

    def known(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    roots = {name.split(".")[0] for name in modules}
    edges: dict[str, set[str]] = {name: set() for name in modules}
    in_functions: set[tuple[str, str]] = set()
    for name, path in modules.items():
        tree = ast.parse(path.read_text(), filename=str(path))
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]

        def visit(node, in_function):
            for child in ast.iter_child_nodes(node):
                inside = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
                targets = []
                if isinstance(child, ast.Import):
                    targets = [alias.name for alias in child.names]
                elif isinstance(child, ast.ImportFrom):
                    base = child.module or ""
                    if child.level:
                        parts = package.split(".")
                        parts = parts[:len(parts) - child.level + 1]
                        base = ".".join(parts + ([base] if base else []))
                    targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                               for alias in child.names]
                for target in targets:
                    found = known(target) if target.split(".")[0] in roots else None
                    if found and found != name:
                        edges[name].add(found)
                        if in_function:
                            in_functions.add((name, found))
                visit(child, inside)

        visit(tree, False)
    return edges, in_functions


def cycles_in(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                connect(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            connect(node)
    return found


def test_no_import_cycles_anywhere_function_level_imports_included():
    edges, _ = import_graph(first_party_modules())
    assert cycles_in(edges) == []


def test_every_function_level_import_is_allowed_with_a_reason():
    _, in_functions = import_graph(first_party_modules())
    assert sorted(in_functions - set(FUNCTION_LEVEL_ALLOWED)) == []
    assert all(reason.strip() for reason in FUNCTION_LEVEL_ALLOWED.values())


def test_the_graph_sees_cycles_and_function_level_imports(tmp_path):
    """The checks are not vacuous: a cycle hidden in a function is found, and so is the import."""
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from pkg import b\n")
    (package / "b.py").write_text("def late():\n    from pkg.a import thing\n    return thing\n")
    modules = {"pkg": package / "__init__.py", "pkg.a": package / "a.py", "pkg.b": package / "b.py"}
    global ROOT
    saved, ROOT = ROOT, tmp_path
    try:
        edges, in_functions = import_graph(modules)
    finally:
        ROOT = saved
    assert cycles_in(edges) == [["pkg.a", "pkg.b"]]
    assert in_functions == {("pkg.b", "pkg.a")}


def test_comms_top_level_stays_small_and_modules_short():
    top = sorted(path.name for path in (ROOT / "comms").glob("*.py"))
    assert len(top) <= 12, top
    long = [rel for path, rel in source_files() if "/migrations/" not in rel
            and len(path.read_text().splitlines()) > 400]
    assert long == []


def test_every_capability_package_states_its_public_names():
    missing = []
    for init in (ROOT / "comms").rglob("__init__.py"):
        tree = ast.parse(init.read_text())
        names = {target.id for node in tree.body if isinstance(node, ast.Assign)
                 for target in node.targets if isinstance(target, ast.Name)}
        if "__all__" not in names and init.parent != ROOT / "comms":
            missing.append(init.relative_to(ROOT).as_posix())
    assert missing == []


def test_nobody_imports_another_packages_private_names():
    offenders = []
    for path, rel in source_files():
        package = module_name(path).rpartition(".")[0] if path.name != "__init__.py" else module_name(path)
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module \
                    and node.module.split(".")[0] in FIRST_PARTY:
                source_package = node.module.rpartition(".")[0]
                private = [alias.name for alias in node.names
                           if alias.name.startswith("_") and not alias.name.endswith("__")]
                if private and source_package != package:
                    offenders.append(f"{rel}: {node.module} {private}")
    assert offenders == []


def test_import_linter_contracts_hold():
    result = subprocess.run([str(Path(sys.executable).parent / "lint-imports")], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_the_checker_catches_a_violation(tmp_path):
    """The AST check is not vacuous: a flask import in a pure module is found."""
    sample = tmp_path / "sample.py"
    sample.write_text("from flask import request\nimport comms.web.accounts.pages\n")
    assert {"flask", "comms.web.accounts.pages"} <= imports_of(sample)
