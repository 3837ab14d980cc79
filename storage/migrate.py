"""Apply and inspect Alembic migrations for a database URL."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from storage.fulltext import is_index_table

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> AlembicConfig:
    """An Alembic configuration pointing at the shipped migrations and ``url``."""
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    # ConfigParser treats % as interpolation; URLs may contain %-escapes.
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def include_name(name: str | None, type_: str, parent_names: dict) -> bool:
    """Alembic's name filter: autogenerate compares every table but full-text
    indexes, which storage.fulltext creates (FTS5 keeps shadow tables of its own)."""
    return not (type_ == "table" and is_index_table(name))


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database up to ``revision`` (default: the newest)."""
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


def downgrade(engine: Engine, revision: str = "base") -> None:
    """Take the database down to ``revision`` (default: empty)."""
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    """The newest revision shipped with this version of Pressroom."""
    return ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()


def is_up_to_date(engine: Engine) -> bool:
    """True when the database is at the newest revision."""
    return current_revision(engine) == head_revision()
