"""The README documents the tree and the command line as they are (Datasette's docs test):
every capability package appears in its architecture map, every ``pressroom`` command in its
command table. Settings have their own check in tests/platform/test_config.py."""

from __future__ import annotations

import importlib
import re

import click

from comms import features
from support.paths import ROOT

README = (ROOT / "README.md").read_text("utf-8")
COMMS = ROOT / "comms"


def _map_block(readme: str) -> str:
    """The fenced architecture map: the block that starts with the comms/ line."""
    blocks = re.findall(r"^```\w*\n(.*?)^```", readme, re.S | re.M)
    maps = [block for block in blocks if re.match(r"comms/\s", block)]
    assert maps, "README has no architecture map starting with comms/"
    return maps[0]


def _packages(folder) -> list[str]:
    return sorted(path.parent.name for path in folder.glob("*/__init__.py"))


def missing_from_map(readme: str) -> list[str]:
    """Capability packages of comms/ and comms/web/ that the README's map does not name."""
    block = _map_block(readme)
    named = set(re.findall(r"(?:^|\s)(\w+)/", block))
    missing = [f"comms/{name}" for name in _packages(COMMS) if name not in named]
    return missing + [f"comms/web/{name}" for name in _packages(COMMS / "web") if name not in named]


def _leaf_commands(command: click.Command, path: list[str]):
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from _leaf_commands(sub, [*path, name])
    else:
        yield " ".join(path)


def commands() -> list[str]:
    """Every leaf command the registry gives ``pressroom``, e.g. "documents verify"."""
    found = []
    for module in features.command_modules():
        for command in importlib.import_module(module).COMMANDS:
            found.extend(_leaf_commands(command, [command.name]))
    return found


def missing_commands(readme: str) -> list[str]:
    """Commands the README's command table does not name."""
    return [name for name in commands() if f"`pressroom {name}" not in readme]


def test_every_capability_package_is_in_the_architecture_map():
    assert missing_from_map(README) == []


def test_every_command_is_in_the_readme():
    assert {"db upgrade", "documents verify", "follow poll"} <= set(commands())  # the walk sees the registry
    assert missing_commands(README) == []


def test_the_checks_catch_a_missing_package_or_command():
    without_register = "\n".join(line for line in README.splitlines() if "documents/" not in line)
    assert "comms/documents" in missing_from_map(without_register)
    assert "comms/web/documents" in missing_from_map(without_register)
    without_verify = README.replace("`pressroom documents verify`", "")
    assert missing_commands(without_verify) == ["documents verify"]
