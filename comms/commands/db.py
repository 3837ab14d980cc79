"""``pressroom db upgrade|current|revision``: database migrations."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from comms.commands.support import runtime
from comms.runtime import Runtime
from storage import migrate
from comms.features import load_all_models


def upgrade_database(rt: Runtime) -> str:
    """Apply migrations; returns the revision the database is now at."""
    migrate.upgrade(rt.db.engine)
    return migrate.current_revision(rt.db.engine) or "empty"


@click.group("db", help="Database migrations.")
def db_group():
    """Database commands."""

@db_group.command("upgrade")
@with_appcontext
def db_upgrade():
    """Apply every migration (SQLite or PostgreSQL)."""
    revision = upgrade_database(runtime())
    click.echo(f"database at revision {revision}")


@db_group.command("current")
@with_appcontext
def db_current():
    """Print the database's migration revision."""
    click.echo(migrate.current_revision(runtime().db.engine) or "empty")


@db_group.command("revision")
@click.option("-m", "--message", required=True, help="What the migration changes.")
@with_appcontext
def db_revision(message: str):
    """(Developers) write a new migration from the models' changes."""
    from alembic import command


    load_all_models()
    cfg = migrate.alembic_config(runtime().db.url.render_as_string(hide_password=False))
    command.revision(cfg, message=message, autogenerate=True)


COMMANDS = [db_group]
