"""What every ``pressroom`` command module needs, without importing Flask.

Only ``comms/cli.py`` builds the Flask command group; the command modules beside
it reach the app's runtime through click's context, whose root object is the
script info that loads the app.
"""

from __future__ import annotations

import click

from comms.runtime import Runtime


def runtime_of(ctx: click.Context) -> Runtime:
    """The runtime of the app this command runs in."""
    return ctx.find_root().obj.load_app().extensions["pressroom"]
