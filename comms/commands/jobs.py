"""``pressroom worker`` and ``pressroom jobs run-due``: background work."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from comms.commands.support import runtime
from comms.platform import jobs
from comms.platform import worker as worker_loop
from comms.runtime import set_process_runtime


@click.command("worker")
@click.option("--burst", is_flag=True, help="Run what is due and queued, then exit.")
@with_appcontext
def worker(burst: bool):
    """The long-running worker: RQ on REDIS_URL when set, else an in-process loop."""
    rt = runtime()
    mode = "RQ on Redis" if rt.config.redis_url else "in-process scheduler"
    click.echo(f"pressroom worker: {mode}, polling every {rt.config.scheduler_interval:g}s", err=True)
    set_process_runtime(rt)
    worker_loop.run_worker(rt, burst=burst)


@click.group("jobs", help="Background work.")
def jobs_group():
    """Job commands."""


@jobs_group.command("run-due")
@with_appcontext
def jobs_run_due():
    """Run what is due now (publications, embargo lifts, sends, polls) once."""
    report = jobs.run_due(runtime())
    click.echo(report.summary())
    if report.failed:
        sys.exit(1)


COMMANDS = [worker, jobs_group]
