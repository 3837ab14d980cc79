"""App fixtures: configuration, the app on a clean database, its test client and CLI
runner, one user per role, API tokens and audit actors."""

from __future__ import annotations

from pathlib import Path

import pytest

from comms.app import create_app
from comms.config import load_config

PASSWORD = "correct-horse-battery"


@pytest.fixture
def instance_path(tmp_path) -> Path:
    path = tmp_path / "instance"
    path.mkdir()
    return path


def base_environ(db_url: str, instance_path: Path, **extra: str) -> dict[str, str]:
    """The environment a Pressroom process under test gets (no outside settings)."""
    env = {
        "DATABASE_URL": db_url,
        "PRESSROOM_INSTANCE_PATH": str(instance_path),
        "SECRET_KEY": "test-secret-key",
        "PRESSROOM_ENV": "testing",
        "PRESSROOM_SCHEDULER_INTERVAL": "0.2",
    }
    env.update(extra)
    return env


@pytest.fixture
def config(db_url, instance_path):
    """The configuration for an app under test."""
    return load_config(base_environ(db_url, instance_path), testing=True)


@pytest.fixture
def app(config):
    """A Pressroom app on a clean database."""
    application = create_app(config)
    yield application
    application.extensions["pressroom"].close()


@pytest.fixture
def runtime(app):
    return app.extensions["pressroom"]


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def users(runtime) -> dict:
    """One user per role, all with PASSWORD."""
    from comms.accounts import users as auth

    made = {}
    with runtime.db.transaction() as session:
        for role in ("admin", "officer", "approver", "viewer"):
            made[role] = auth.create_user(session, f"{role}@example.org", role, name=f"{role.title()} Person",
                                          password=PASSWORD)
    return made


@pytest.fixture
def token_for(runtime, users):
    """Make an API token for a role's user: ``token_for('officer')``."""
    from comms.accounts import users as auth

    def make(role: str) -> str:
        with runtime.db.transaction() as session:
            user = session.get(auth.User, users[role].id)
            _token, secret = auth.create_token(session, user, "test")
        return secret

    return make


@pytest.fixture
def staff():
    """An audit Actor standing for a media officer."""
    from storage.audit import Actor

    return Actor(id=None, label="officer@example.org", ip="192.0.2.10")


@pytest.fixture
def admin_actor():
    from storage.audit import Actor

    return Actor(id=None, label="admin@example.org", ip="192.0.2.11", is_admin=True)


@pytest.fixture
def local_app(db_url, instance_path):
    """An app whose follower may reach 127.0.0.0/8, where the test's own HTTP server listens."""
    config = load_config(base_environ(db_url, instance_path, PRESSROOM_FOLLOW_ALLOWED_NETWORKS="127.0.0.0/8"),
                         testing=True)
    application = create_app(config)
    yield application
    application.extensions["pressroom"].close()
