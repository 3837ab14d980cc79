"""Shared fixtures: a clean database per test (SQLite or PostgreSQL), the app,
a test client, a CLI runner, Redis, and helpers to sign in as each role.

The database backend comes from DATABASE_URL: unset means SQLite files in a
temporary folder; a PostgreSQL URL means this run creates its own database
(``pressroom_test_<random>``) beside the one named, and drops it at the end, so
runs never collide.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from comms.app import create_app
from comms.config import load_config
from storage import migrate
from storage.db import Database

ROOT = Path(__file__).resolve().parent.parent
SHARED_FIXTURES = ROOT.parent / "shared" / "fixtures"
PASSWORD = "correct-horse-battery"
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def _outer_database_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "").strip()
    return url or None


def pytest_report_header(config):
    url = _outer_database_url()
    backend = make_url(url).get_backend_name() if url else "sqlite"
    return [f"pressroom database backend: {backend}", f"redis: {os.environ.get('REDIS_URL') or 'auto-detect'}"]


@pytest.fixture(scope="session")
def backend() -> str:
    """'sqlite' or 'postgresql', from DATABASE_URL."""
    url = _outer_database_url()
    return make_url(url).get_backend_name() if url else "sqlite"


@dataclass
class PostgresServer:
    """Creates and drops databases next to the one DATABASE_URL names."""

    admin_url: str

    def create(self, prefix: str = "pressroom_test") -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:10]}"
        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    def drop(self, url: str) -> None:
        name = make_url(url).database
        engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture(scope="session")
def postgres(backend) -> PostgresServer | None:
    """A handle to create throwaway PostgreSQL databases (None on SQLite)."""
    if backend != "postgresql":
        return None
    return PostgresServer(_outer_database_url())


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory, backend, postgres):
    """A migrated database made once per run: a SQLite file to copy, or a PG database."""
    if backend == "postgresql":
        url = postgres.create()
        db = Database(url)
        migrate.upgrade(db.engine)
        _drop_default_sources(db)
        db.dispose()
        yield url
        postgres.drop(url)
    else:
        path = tmp_path_factory.mktemp("template") / "template.db"
        db = Database(f"sqlite:///{path}")
        migrate.upgrade(db.engine)
        _drop_default_sources(db)
        db.dispose()
        yield path


def _drop_default_sources(db: Database) -> None:
    # Migration 0007 seeds the real related sites; tests must never poll the
    # real web, so every test starts (on SQLite and PostgreSQL) without them.
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM follow_sources"))


# Tables whose rows the migrations write (reference data): kept between tests.
MIGRATION_SEEDED = ("alembic_version", "topics", "boilerplates")


def _truncate_all(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        # A test that leaves a transaction open must fail loudly, not hang the run.
        conn.execute(text("SET LOCAL lock_timeout = '30s'"))
        tables = [row[0] for row in conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
        )) if row[0] not in MIGRATION_SEEDED]
        if tables:
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def db_url(tmp_path, backend, migrated_template) -> str:
    """A migrated, empty database for one test."""
    if backend == "postgresql":
        yield migrated_template
        _truncate_all(migrated_template)
    else:
        path = tmp_path / "pressroom.db"
        shutil.copy(migrated_template, path)
        yield f"sqlite:///{path}"


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


def csrf_from(html: str) -> str:
    """The CSRF token embedded in a page's form."""
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


class AuthActions:
    """Sign in and out through the real login page, CSRF token included."""

    def __init__(self, client, users: dict):
        self.client = client
        self.users = users

    def login(self, email: str, password: str = PASSWORD, next_url: str | None = None, ip: str = "127.0.0.1"):
        page = self.client.get("/login", environ_base={"REMOTE_ADDR": ip})
        data = {"email": email, "password": password, "csrf_token": csrf_from(page.get_data(as_text=True))}
        if next_url is not None:
            data["next"] = next_url
        return self.client.post("/login", data=data, environ_base={"REMOTE_ADDR": ip})

    def logout(self):
        page = self.client.get("/staff/")
        return self.client.post("/logout", data={"csrf_token": csrf_from(page.get_data(as_text=True))})

    def as_role(self, role: str):
        response = self.login(self.users[role].email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return self.users[role]

    def as_admin(self):
        return self.as_role("admin")

    def as_officer(self):
        return self.as_role("officer")

    def as_approver(self):
        return self.as_role("approver")

    def as_viewer(self):
        return self.as_role("viewer")


@pytest.fixture
def users(runtime) -> dict:
    """One user per role, all with PASSWORD."""
    from comms import auth

    made = {}
    with runtime.db.transaction() as session:
        for role in ("admin", "officer", "approver", "viewer"):
            made[role] = auth.create_user(session, f"{role}@example.org", role, name=f"{role.title()} Person",
                                          password=PASSWORD)
    return made


@pytest.fixture
def auth_actions(client, users) -> AuthActions:
    return AuthActions(client, users)


@pytest.fixture
def token_for(runtime, users):
    """Make an API token for a role's user: ``token_for('officer')``."""
    from comms import auth

    def make(role: str) -> str:
        with runtime.db.transaction() as session:
            user = session.get(auth.User, users[role].id)
            _token, secret = auth.create_token(session, user, "test")
        return secret

    return make


def _redis_answers(url: str) -> bool:
    from redis import Redis

    try:
        client = Redis.from_url(url, socket_connect_timeout=1)
        client.ping()
        client.close()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def redis_url() -> str:
    """REDIS_URL, or the local Redis when it answers; otherwise the test skips."""
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    if not _redis_answers(url):
        if os.environ.get("CI"):
            pytest.fail(f"Redis at {url} does not answer, and CI must exercise the queue on Redis")
        pytest.skip(f"Redis at {url} does not answer; start redis-server or set REDIS_URL")
    return url


@pytest.fixture
def queue_name() -> str:
    """A queue name of this test's own, so runs sharing a Redis never collide."""
    return f"pressroom-test-{uuid.uuid4().hex[:10]}"


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def database(db_url):
    """A Database on the clean test database, for package tests without Flask."""
    db = Database(db_url)
    yield db
    db.dispose()


@pytest.fixture
def staff():
    """An audit Actor standing for a media officer."""
    from storage.audit import Actor

    return Actor(id=None, label="officer@example.org", ip="192.0.2.10")


@pytest.fixture
def admin_actor():
    from storage.audit import Actor

    return Actor(id=None, label="admin@example.org", ip="192.0.2.11", is_admin=True)


# Pages people use are tested in Debian's Chromium (apt-get install chromium);
# Playwright's own browser downloads cannot work here.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed (apt-get install chromium)"),
]


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()
