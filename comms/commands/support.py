"""What every ``pressroom`` command module needs: the runtime of the app it runs in, one-line failures.

Only comms/console.py builds the Flask command group; commands reach the app's runtime
through the app context or click's context, whose root object is the
script info that loads the app.
"""

from __future__ import annotations

from typing import NoReturn

import click
from flask import current_app

from comms.runtime import Runtime


def runtime_of(ctx: click.Context) -> Runtime:
    """The runtime of the app this command runs in."""
    return ctx.find_root().obj.load_app().extensions["pressroom"]


def runtime() -> Runtime:
    """The runtime of the app the command runs in (inside an app context)."""
    return current_app.extensions["pressroom"]


def fail(message: str) -> NoReturn:
    """Stop the command with a one-line error and a non-zero exit."""
    raise click.ClickException(message)
