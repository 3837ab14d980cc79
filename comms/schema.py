"""The whole schema: every module that defines models, for migrations and checks.

Models live with the package that owns them; this list is the one place that
names them all, so Alembic autogenerate and the schema tests see every table.
"""

from __future__ import annotations

import importlib

MODEL_MODULES = [
    "storage.audit",
    "storage.secrets",
    "contacts.models",
    "comms.auth",
    "comms.meetings",
    "comms.jobs",
    "comms.approvals",
    "comms.strategy",
    "comms.documents",
    "comms.releases",
    "comms.release_files",
    "comms.distribution",
    "feeds.follow.models",
    "comms.watchlists",
    "comms.pickup",
    "feeds.reach",
    "feeds.websub",
]


def load_all_models() -> None:
    """Import every module that defines models, filling Base.metadata."""
    for module in MODEL_MODULES:
        importlib.import_module(module)
