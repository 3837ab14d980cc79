"""The ``pressroom`` command line, built on the same app object as the web.

Commands are registered on ``app.cli`` by :func:`register`, so both
``pressroom ...`` and ``flask --app comms.app ...`` offer them.
"""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from comms import __version__, auth, cli_backup, cli_follow, jobs
from comms import worker as worker_loop
from comms.config import ConfigError, load_config
from comms.runtime import Runtime
from storage import migrate


def runtime() -> Runtime:
    """The runtime of the app the command runs in."""
    return current_app.extensions["pressroom"]


def _fail(message: str) -> None:
    raise click.ClickException(message)


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

    from comms.schema import load_all_models

    load_all_models()
    cfg = migrate.alembic_config(runtime().db.url.render_as_string(hide_password=False))
    command.revision(cfg, message=message, autogenerate=True)


@click.group("users", help="Staff accounts.")
def users_group():
    """User commands."""


@users_group.command("create")
@click.argument("email")
@click.option("--role", required=True, type=click.Choice(auth.ROLES))
@click.option("--name", default="", help="Full name.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def users_create(email: str, role: str, name: str, password_stdin: bool):
    """Create a user and print its id."""
    password = None
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            _fail("no password on standard input")
    try:
        with runtime().db.transaction() as session:
            user = auth.create_user(session, email, role, name=name, password=password)
            user_id = user.id
    except auth.AuthError as exc:
        _fail(str(exc))
    click.echo(user_id)


@users_group.command("list")
@with_appcontext
def users_list():
    """List users: id, email, role, name."""
    with runtime().db.transaction() as session:
        for user in auth.list_users(session):
            click.echo(f"{user.id}\t{user.email}\t{user.role}\t{user.name}")


@click.group("tokens", help="API tokens.")
def tokens_group():
    """Token commands."""


@tokens_group.command("create")
@click.argument("email")
@click.option("--name", default="cli", help="A label to recognise the token by.")
@with_appcontext
def tokens_create(email: str, name: str):
    """Create an API token for EMAIL and print it (it is shown only once)."""
    try:
        with runtime().db.transaction() as session:
            user = auth.find_user(session, email)
            if user is None:
                _fail(f"no user with email {email}")
            _token, secret = auth.create_token(session, user, name)
    except auth.AuthError as exc:
        _fail(str(exc))
    click.echo(secret)


@click.command("worker")
@click.option("--burst", is_flag=True, help="Run what is due and queued, then exit.")
@with_appcontext
def worker(burst: bool):
    """The long-running worker: RQ on REDIS_URL when set, else an in-process loop."""
    rt = runtime()
    mode = "RQ on Redis" if rt.config.redis_url else "in-process scheduler"
    click.echo(f"pressroom worker: {mode}, polling every {rt.config.scheduler_interval:g}s", err=True)
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
    from comms import distribution

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
    from pathlib import Path

    from comms import bounces

    with runtime().db.transaction() as session:
        if path:
            report = bounces.read_path(session, Path(path))
        else:
            report = bounces.BounceReport()
            bounces.read_message(session, sys.stdin.buffer.read(), report)
    click.echo(report.summary())


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--demo", is_flag=True, help="Seed the demo world (idempotent) and print its logins.")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64))
@with_appcontext
def serve(host: str, port: int, demo: bool, threads: int):
    """Upgrade the database, optionally seed demo data, and serve with waitress."""
    from comms.serve import run_server

    run_server(current_app._get_current_object(), host=host, port=port, demo=demo, threads=threads)


COMMANDS = [db_group, users_group, tokens_group, worker, jobs_group, sends_group, bounces_group, serve,
            cli_follow.follow_group, *cli_backup.COMMANDS]


def register(app) -> None:
    """Attach every command to ``app.cli``."""
    for command in COMMANDS:
        app.cli.add_command(command)


def _create_app():
    from comms.app import create_app

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
