"""Pluggable demo data: each capability names its seeders in comms.features.

A seeder is ``seed(session, world)``: it finds-or-creates its records (so
seeding twice changes nothing), may read what earlier seeders put in
``world.refs`` (the demo meeting, the officers) and adds lines to
``world.logins`` or ``world.notes`` for ``serve --demo`` to print.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Callable

from sqlalchemy.orm import Session

from comms import features

@dataclass
class DemoLogin:
    """A demo account to print for people trying Pressroom."""

    label: str
    email: str
    password: str
    role: str


@dataclass
class DemoWorld:
    """What the seeders share and what ``serve --demo`` prints."""

    refs: dict[str, Any] = field(default_factory=dict)
    logins: list[DemoLogin] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _resolve(path: str) -> Callable[[Session, DemoWorld], None]:
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def seed_demo(db, seeders: list[str] | None = None, *, documents_path=None) -> DemoWorld:
    """Run every seeder in one transaction; all of the demo lands, or none.

    ``documents_path`` is where demo documents are stored (without it, none are made).
    """
    world = DemoWorld(refs={"documents_path": documents_path})
    with db.transaction() as session:
        for path in seeders or features.demo_seeders():
            _resolve(path)(session, world)
    return world
