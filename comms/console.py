"""The ``pressroom`` entry point: the only importer of create_app.

Commands are registered on ``app.cli`` by comms.features (the way flaskr's db.py does), so
both ``pressroom ...`` and ``flask --app comms.app ...`` offer them.
"""

from __future__ import annotations

import sys

import click
from flask.cli import FlaskGroup

from comms import __version__
from comms.app import create_app
from comms.config import ConfigError, load_config


def _create_app():
    return create_app()


cli = FlaskGroup(
    name="pressroom",
    create_app=_create_app,
    add_default_commands=False,
    add_version_option=False,
    load_dotenv=False,
    set_debug_flag=False,
    help="Pressroom: press contacts, releases, distribution and feeds.",
)
# FlaskGroup's --app/--env-file/--debug belong to `flask`; `pressroom` always
# runs Pressroom's own app, so keep its help to what users need.
cli.params = [param for param in cli.params if param.name not in ("app", "env_file", "debug")]
cli = click.version_option(__version__, prog_name="pressroom")(cli)


def main() -> None:
    """Console-script entry point: config errors become one clear line."""
    try:
        load_config()
    except ConfigError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    cli.main(prog_name="pressroom")
