"""comms.config: defaults, production rules, and documentation of every setting."""

import re
import subprocess
import sys

import pytest

from comms.app import create_app
from comms.config import SETTINGS, ConfigError, load_config

from support.paths import ROOT

README = ROOT / "README.md"


def test_defaults_use_sqlite_under_instance(tmp_path):
    config = load_config({"PRESSROOM_INSTANCE_PATH": str(tmp_path)})
    assert config.database_url == f"sqlite:///{tmp_path.resolve() / 'pressroom.db'}"
    assert config.redis_url is None and config.smtp_url is None
    assert config.mail_from == "press@localhost"
    assert config.follow_user_agent.startswith("Pressroom/")
    assert config.outbox_path == tmp_path.resolve() / "outbox"


def test_development_secret_key_is_generated_once_and_kept(tmp_path):
    first = load_config({"PRESSROOM_INSTANCE_PATH": str(tmp_path)})
    second = load_config({"PRESSROOM_INSTANCE_PATH": str(tmp_path)})
    assert len(first.secret_key) == 64
    assert first.secret_key == second.secret_key
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_production_refuses_to_start_without_secret_key(tmp_path):
    env = {"PRESSROOM_ENV": "production", "PRESSROOM_INSTANCE_PATH": str(tmp_path)}
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config(env)
    assert not (tmp_path / "secret_key").exists()
    production = load_config({**env, "SECRET_KEY": "s" * 40})
    assert production.is_production and production.secret_key == "s" * 40


def test_create_app_refuses_production_without_secret_key(tmp_path, monkeypatch):
    monkeypatch.setenv("PRESSROOM_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("PRESSROOM_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigError):
        create_app()


def test_cli_in_production_without_secret_key_prints_one_line(tmp_path):
    env = {"PRESSROOM_ENV": "production", "PRESSROOM_INSTANCE_PATH": str(tmp_path), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "comms", "db", "upgrade"], env=env, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.parametrize("name,value", [
    ("PRESSROOM_MAX_CONTENT_LENGTH", "lots"),
    ("PRESSROOM_SCHEDULER_INTERVAL", "-1"),
    ("PRESSROOM_FOLLOW_ALLOWED_NETWORKS", "127.0.0.0/8,not-a-net"),
    ("PRESSROOM_ENV", "staging"),
])
def test_bad_values_are_clear_errors(tmp_path, name, value):
    with pytest.raises(ConfigError, match=name):
        load_config({"PRESSROOM_INSTANCE_PATH": str(tmp_path), name: value})


def test_allowed_networks_are_parsed(tmp_path):
    config = load_config({"PRESSROOM_INSTANCE_PATH": str(tmp_path),
                          "PRESSROOM_FOLLOW_ALLOWED_NETWORKS": "127.0.0.0/8, ::1/128"})
    assert [str(n) for n in config.follow_allowed_networks] == ["127.0.0.0/8", "::1/128"]


def test_every_setting_is_in_the_readme_table():
    table_rows = {m.group(1) for m in re.finditer(r"^\|\s*`([A-Z_]+)`\s*\|", README.read_text(), re.MULTILINE)}
    missing = [s.env for s in SETTINGS if s.env not in table_rows]
    assert not missing, f"README configuration table lacks {missing}"


def test_only_config_reads_the_environment():
    root = ROOT
    offenders = []
    sources = [p for package in ("comms", "contacts", "feeds", "storage", "press_templates")
               for p in (root / package).rglob("*.py")]
    assert len(sources) > 20
    for path in sources:
        if path.name == "config.py" and path.parent.name == "comms":
            continue
        if re.search(r"os\.environ|os\.getenv", path.read_text()):
            offenders.append(str(path.relative_to(root)))
    assert offenders == []
