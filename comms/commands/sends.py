"""``pressroom sends run`` and ``pressroom bounces read``: release emails and what bounced."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from comms.commands.support import fail as _fail, runtime
from comms.distribution import bounces
from comms.distribution import service as distribution


@click.group("sends", help="Release emails.")
def sends_group():
    """Send commands."""


@sends_group.command("run")
@click.argument("send_id", type=int)
@with_appcontext
@click.option("--resume", is_flag=True,
              help="First take back rows a killed worker left claimed (only when no other worker runs this send).")
def sends_run(send_id: int, resume: bool):
    """Run (or finish) a send in this process, printing its progress."""
    rt = runtime()
    if resume:
        click.echo(f"reclaimed {distribution.reclaim_abandoned(rt, send_id)} claimed rows", err=True)
    try:
        result = distribution.run_send(rt, send_id)
    except distribution.SendError as exc:
        _fail(exc.message)
    click.echo(f"send {send_id}: {result['status']}, {result['sent']}/{result['total']} sent, "
               f"{result['failed']} failed, {result['pending']} pending, {result['suppressed']} suppressed")


@click.group("bounces", help="Delivery-status notifications.")
def bounces_group():
    """Bounce commands."""


@bounces_group.command("read")
@click.argument("path", required=False, type=click.Path(exists=True, dir_okay=True))
@with_appcontext
def bounces_read(path: str | None):
    """Read bounces from a file, a Maildir or an mbox, or one message piped on stdin."""
    with runtime().db.transaction() as session:
        if path:
            report = bounces.read_path(session, Path(path))
        else:
            report = bounces.BounceReport()
            bounces.read_message(session, sys.stdin.buffer.read(), report)
    click.echo(report.summary())


COMMANDS = [sends_group, bounces_group]
