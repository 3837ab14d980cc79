"""``pressroom backup PATH`` and ``pressroom restore PATH``."""

from __future__ import annotations

from pathlib import Path

import click

from comms.ops import backup
from comms.commands.support import runtime_of


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace PATH if it already exists.")
@click.pass_context
def backup_command(ctx: click.Context, path: Path, force: bool):
    """Write a backup (database, documents, secret key) to the tar file PATH while the site runs."""
    try:
        summary = backup.create_backup(runtime_of(ctx).config, path, force=force)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(summary.line("backed up to"))


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.pass_context
def restore_command(ctx: click.Context, path: Path, yes: bool):
    """Replace the database, documents and secret key with the backup in PATH (stop the site first)."""
    if not yes:
        click.confirm(f"Replace this site's database and documents with {path}?", abort=True, err=True)
    # This process's own pooled connections must not make the database look in use.
    runtime = runtime_of(ctx)
    runtime.db.dispose()
    try:
        summary = backup.restore_backup(runtime.config, path)
    except backup.BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(summary.line("restored from"))


COMMANDS = [backup_command, restore_command]
