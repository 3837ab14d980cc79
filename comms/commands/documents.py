"""`pressroom documents verify` and `pressroom documents extract` (click, no Flask)."""

from __future__ import annotations

import click

from comms.commands.support import runtime_of
from comms.documents import verify as verifying


@click.group("documents")
def documents_group():
    """The document register: check the stored files, read pending texts."""


@documents_group.command("verify")
@click.pass_context
def verify_command(ctx: click.Context):
    """Re-hash every stored file; exit 1 when one is missing or altered."""
    runtime = runtime_of(ctx)
    with runtime.db.transaction() as session:
        report = verifying.verify(session, runtime.config.documents_path)
    for line in report.missing:
        click.echo(f"missing: {line}", err=True)
    for line in report.altered:
        click.echo(f"altered: {line}", err=True)
    click.echo(f"{report.checked} files checked, {len(report.missing)} missing, {len(report.altered)} altered")
    if not report.ok:
        ctx.exit(1)


@documents_group.command("extract")
@click.pass_context
def extract_command(ctx: click.Context):
    """Read the text of files still marked pending (first-wave files moved into the register)."""
    runtime = runtime_of(ctx)
    with runtime.db.transaction() as session:
        done = verifying.extract_pending(session, runtime.config.documents_path)
    click.echo(f"{done} files read")


COMMANDS = [documents_group]
