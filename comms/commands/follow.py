"""``pressroom follow poll [--source ID]``: poll followed sources once, print a table."""

from __future__ import annotations

import click
from sqlalchemy import select

from comms.following import jobs as follow_jobs
from comms.commands.support import runtime_of
from feeds.follow.models import Source
from feeds.follow.poll import PollResult, SourceNotFound


@click.group("follow", help="Followed related sites.")
def follow_group():
    """Follower commands."""


def _note(result: PollResult) -> str:
    if result.busy:
        return "skipped: another worker is polling this host"
    if result.error:
        return result.error
    return "not modified" if result.unchanged else ""


def _print_table(runtime, results: list[PollResult]) -> None:
    with runtime.db.transaction() as session:
        names = dict(session.execute(select(Source.id, Source.name)
                                     .where(Source.id.in_([r.source_id for r in results]))).all())
    rows = [(str(r.source_id), names.get(r.source_id, "?"), r.status, str(r.new_items), str(r.updated_items),
             _note(r)) for r in results]
    header = ("id", "source", "status", "new", "updated", "note")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(5)]
    for row in [header, *rows]:
        click.echo("  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:5])) + "  " + row[5])
    new = sum(r.new_items for r in results)
    click.echo(f"{len(results)} source{'' if len(results) == 1 else 's'} polled, {new} new item{'' if new == 1 else 's'}")


@follow_group.command("poll")
@click.option("--source", "source_id", type=int, default=None, help="Poll this source now, even if not due.")
@click.pass_context
def follow_poll(ctx: click.Context, source_id: int | None):
    """Poll the due sources (or one source) once and print a summary."""
    runtime = runtime_of(ctx)
    if source_id is not None:
        try:
            results = [follow_jobs.poll_and_alert(runtime, source_id)]
        except SourceNotFound as exc:
            raise click.ClickException(str(exc)) from None
    else:
        results = follow_jobs.poll_due_now(runtime)
    _print_table(runtime, results)


COMMANDS = [follow_group]
