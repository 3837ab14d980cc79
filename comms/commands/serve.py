"""``pressroom serve``: migrations, demo data, the worker, and waitress."""

from __future__ import annotations

import logging
import signal
import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from waitress import create_server

from comms.platform.worker import Scheduler
from comms.runtime import set_process_runtime
from comms.platform.seeding import seed_demo
from storage import migrate

log = logging.getLogger("pressroom")


def _print_demo(world) -> None:
    click.echo("Demo logins (password for all: %s):" % (world.logins[0].password if world.logins else "-"))
    width = max((len(login.email) for login in world.logins), default=10)
    for login in world.logins:
        click.echo(f"  {login.email:<{width}}  {login.role:<8}  {login.label}")
    for note in world.notes:
        click.echo(f"  {note}")


def run_server(app, *, host: str, port: int, demo: bool, threads: int) -> None:
    """Serve ``app`` until interrupted, with the in-process worker running once.

    waitress is one process with many threads, so the scheduler thread started
    here is the only one, however many requests arrive.
    """
    runtime = app.extensions["pressroom"]
    if runtime.config.is_production and demo:
        raise click.ClickException("--demo is refused when PRESSROOM_ENV=production")
    migrate.upgrade(runtime.db.engine)
    if not runtime.config.base_url:
        shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
        runtime.config = runtime.config.with_overrides(base_url=f"http://{shown_host}:{port}")
    world = seed_demo(runtime.db, documents_path=runtime.config.documents_path) if demo else None
    set_process_runtime(runtime)
    scheduler = Scheduler(runtime).start()
    server = create_server(app, host=host, port=port, threads=threads, ident="Pressroom")
    logging.basicConfig(level=runtime.config.log_level, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    click.echo(f"Pressroom is running at {runtime.config.base_url}/  (Ctrl+C to stop)")
    if world is not None:
        _print_demo(world)
    if runtime.config.redis_url:
        click.echo("Queued jobs go to Redis: run `pressroom worker` beside this server.")
    sys.stdout.flush()

    def _stop(_signum, _frame):
        server.close()

    signal.signal(signal.SIGTERM, _stop)
    try:
        server.run()
    except (KeyboardInterrupt, OSError):
        pass
    finally:
        scheduler.stop()
        runtime.close()


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--demo", is_flag=True, help="Seed the demo world (idempotent) and print its logins.")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64))
@with_appcontext
def serve(host: str, port: int, demo: bool, threads: int):
    """Upgrade the database, optionally seed demo data, and serve with waitress."""
    run_server(current_app._get_current_object(), host=host, port=port, demo=demo, threads=threads)


COMMANDS = [serve]
