"""Configuration: the only module that reads the environment.

Every setting Pressroom understands is listed in :data:`SETTINGS` with its
environment variable, default and meaning; the README's configuration table is
checked against this list by a test, so a setting cannot go undocumented.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path

from comms import __version__
from storage.db import default_sqlite_url


class ConfigError(RuntimeError):
    """The configuration cannot be used; the message says what to change."""


@dataclass(frozen=True)
class Setting:
    """One environment variable Pressroom reads."""

    env: str
    default: str
    meaning: str


SETTINGS: tuple[Setting, ...] = (
    Setting("PRESSROOM_ENV", "development", "`production` makes `SECRET_KEY` mandatory and cookies Secure on https"),
    Setting("DATABASE_URL", "sqlite:/// file under instance/", "any SQLAlchemy URL; `postgresql+psycopg://...` at scale"),
    Setting("SECRET_KEY", "generated once into instance/ by serve", "signs sessions, CSRF tokens and links; required in production"),
    Setting("PRESSROOM_BASE_URL", "http://HOST:PORT", "absolute URLs in feeds and emails"),
    Setting("REDIS_URL", "unset", "queue on Redis (RQ) instead of the in-process worker; also the rate-limit store"),
    Setting("SMTP_URL", "unset", "`smtp://host:port` (or `smtps://`, with user:password); unset: .eml files in instance/outbox/"),
    Setting("PRESSROOM_QUEUE_NAME", "pressroom", "RQ queue name, so several Pressroom sites can share one Redis"),
    Setting("PRESSROOM_SEND_RATE", "0", "emails per second a send may go out at (0: as fast as the server takes them)"),
    Setting("PRESSROOM_SEND_CONNECTIONS", "2", "SMTP connections one send uses side by side"),
    Setting("PRESSROOM_MAIL_FROM", "press@localhost", "From address; also the Message-ID domain"),
    Setting("PRESSROOM_FOLLOW_ALLOWED_NETWORKS", "empty", "comma-separated CIDRs the follower may reach although not public"),
    Setting("PRESSROOM_FOLLOW_USER_AGENT", "Pressroom/VERSION (+BASE_URL/about/follower)", "sent on every fetch"),
    Setting("PRESSROOM_INSTANCE_PATH", "./instance", "folder for the SQLite file, secret key, outbox, uploads and the programme's built files (cache/)"),
    Setting("PRESSROOM_STORAGE_PATH", "instance/documents", "folder where uploaded meeting documents are kept"),
    Setting("PRESSROOM_MAX_UPLOAD_BYTES", "20971520", "largest document upload in bytes"),
    Setting("PRESSROOM_MAX_CONTENT_LENGTH", "33554432", "largest request body in bytes; larger ones get 413"),
    Setting("PRESSROOM_SCHEDULER_INTERVAL", "5", "seconds between the worker's polls for due work"),
    Setting("PRESSROOM_TRUSTED_PROXIES", "0", "how many reverse proxies set X-Forwarded-For in front of the web process"),
    Setting("PRESSROOM_LOGIN_LIMIT_IP", "20 per minute", "login attempts allowed per client address"),
    Setting("PRESSROOM_LOGIN_LIMIT_ACCOUNT", "5 per 15 minutes", "failed login attempts allowed per account"),
    Setting("PRESSROOM_OFFICE_NAME", "Anti-Personnel Mine Ban Convention press office",
            "the office's name: the public site's header and page titles, and the From name of every email"),
    Setting("PRESSROOM_SUBSCRIBE_LIMIT_IP", "10 per hour", "subscription requests allowed per client address"),
    Setting("PRESSROOM_LOG_LEVEL", "INFO", "log level of the request and worker logs"),
    Setting("PRESSROOM_SIDE_EVENT_MARGIN_DAYS", "2",
            "days before a meeting's first day or after its last that a side event or a bilateral may still take place"),
    Setting("PRESSROOM_WEBSUB_HUB", "unset", "WebSub hub URL advertised in the feeds and notified whenever a feed changes"),
)


@dataclass(frozen=True)
class Config:
    """Resolved settings for one Pressroom process."""

    env: str = "development"
    instance_path: Path = field(default_factory=lambda: Path("instance").resolve())
    database_url: str = ""
    secret_key: str = ""
    base_url: str = ""
    redis_url: str | None = None
    queue_name: str = "pressroom"
    smtp_url: str | None = None
    mail_from: str = "press@localhost"
    send_rate: float = 0.0
    send_connections: int = 2
    follow_allowed_networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    follow_user_agent: str = ""
    max_content_length: int = 32 * 1024 * 1024
    storage_path: Path | None = None
    max_upload_bytes: int = 20 * 1024 * 1024
    scheduler_interval: float = 5.0
    trusted_proxies: int = 0
    login_limit_ip: str = "20 per minute"
    login_limit_account: str = "5 per 15 minutes"
    office_name: str = "Anti-Personnel Mine Ban Convention press office"
    subscribe_limit_ip: str = "10 per hour"
    # Days after a meeting ends before its participants' personal data is anonymised.
    participant_retention_days: int = 180
    log_level: str = "INFO"
    websub_hub: str = ""
    side_event_margin_days: int = 2
    testing: bool = False

    @property
    def is_production(self) -> bool:
        """True when running as PRESSROOM_ENV=production."""
        return self.env == "production"

    @property
    def outbox_path(self) -> Path:
        """Where messages go as .eml files when no SMTP server is configured."""
        return self.instance_path / "outbox"

    @property
    def documents_path(self) -> Path:
        """Where uploaded meeting documents are stored."""
        return self.storage_path or self.instance_path / "documents"

    @property
    def is_https(self) -> bool:
        """True when the public base URL is https."""
        return self.base_url.startswith("https://")

    def with_overrides(self, **overrides) -> "Config":
        """A copy with some fields replaced (tests and the CLI use this)."""
        return replace(self, **overrides)


def _parse_networks(text: str) -> tuple:
    networks = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError as exc:
            raise ConfigError(f"PRESSROOM_FOLLOW_ALLOWED_NETWORKS: {part!r} is not a network ({exc})") from exc
    return tuple(networks)


def _number(env: dict, name: str, default: str, kind=int):
    raw = env.get(name, default)
    try:
        value = kind(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number, not {raw!r}") from exc
    if value < 0:
        raise ConfigError(f"{name} must not be negative")
    return value


def load_config(environ: dict | None = None, **overrides) -> Config:
    """Build the configuration from the environment, then apply overrides.

    In production a missing SECRET_KEY is an error. Elsewhere the key is read
    from (or generated into) ``instance/secret_key`` so sessions survive restarts.
    """
    env = dict(os.environ if environ is None else environ)
    instance_path = Path(overrides.pop("instance_path", None) or env.get("PRESSROOM_INSTANCE_PATH") or "instance").resolve()
    app_env = env.get("PRESSROOM_ENV", "development").strip() or "development"
    if app_env not in ("development", "production", "testing"):
        raise ConfigError(f"PRESSROOM_ENV must be development, production or testing, not {app_env!r}")
    base_url = env.get("PRESSROOM_BASE_URL", "").rstrip("/")
    values = dict(
        env=app_env,
        instance_path=instance_path,
        database_url=env.get("DATABASE_URL") or default_sqlite_url(instance_path),
        secret_key=env.get("SECRET_KEY", ""),
        base_url=base_url,
        redis_url=env.get("REDIS_URL") or None,
        queue_name=env.get("PRESSROOM_QUEUE_NAME", "pressroom").strip() or "pressroom",
        smtp_url=env.get("SMTP_URL") or None,
        mail_from=env.get("PRESSROOM_MAIL_FROM", "press@localhost"),
        send_rate=_number(env, "PRESSROOM_SEND_RATE", "0", float),
        send_connections=_number(env, "PRESSROOM_SEND_CONNECTIONS", "2", int),
        follow_allowed_networks=_parse_networks(env.get("PRESSROOM_FOLLOW_ALLOWED_NETWORKS", "")),
        follow_user_agent=env.get("PRESSROOM_FOLLOW_USER_AGENT", ""),
        max_content_length=_number(env, "PRESSROOM_MAX_CONTENT_LENGTH", str(32 * 1024 * 1024)),
        storage_path=Path(env["PRESSROOM_STORAGE_PATH"]).resolve() if env.get("PRESSROOM_STORAGE_PATH") else None,
        max_upload_bytes=_number(env, "PRESSROOM_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)),
        scheduler_interval=_number(env, "PRESSROOM_SCHEDULER_INTERVAL", "5", float),
        trusted_proxies=_number(env, "PRESSROOM_TRUSTED_PROXIES", "0"),
        login_limit_ip=env.get("PRESSROOM_LOGIN_LIMIT_IP", "20 per minute"),
        login_limit_account=env.get("PRESSROOM_LOGIN_LIMIT_ACCOUNT", "5 per 15 minutes"),
        office_name=env.get("PRESSROOM_OFFICE_NAME", "").strip() or "Anti-Personnel Mine Ban Convention press office",
        subscribe_limit_ip=env.get("PRESSROOM_SUBSCRIBE_LIMIT_IP", "10 per hour"),
        participant_retention_days=_number(env, "PRESSROOM_PARTICIPANT_RETENTION_DAYS", "180"),
        log_level=env.get("PRESSROOM_LOG_LEVEL", "INFO").upper(),
        websub_hub=env.get("PRESSROOM_WEBSUB_HUB", "").strip(),
        side_event_margin_days=_number(env, "PRESSROOM_SIDE_EVENT_MARGIN_DAYS", "2"),
    )
    values.update(overrides)
    config = Config(**values)
    if not config.follow_user_agent:
        config = replace(config, follow_user_agent=f"Pressroom/{__version__} (+{config.base_url or 'http://localhost'}/about/follower)")
    if not config.secret_key:
        if config.is_production:
            raise ConfigError("SECRET_KEY must be set when PRESSROOM_ENV=production")
        config = replace(config, secret_key=read_or_create_secret_key(config.instance_path))
    return config


def read_or_create_secret_key(instance_path: Path) -> str:
    """The development secret key kept in instance/secret_key, made on first use."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    # O_EXCL: two processes starting at once must not end up with different keys.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
