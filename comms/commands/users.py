"""``pressroom users create|list`` and ``pressroom tokens create``: staff accounts and API tokens."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from comms.accounts import users as auth
from comms.commands.support import fail as _fail, runtime


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


COMMANDS = [users_group, tokens_group]
