"""Public routes that need no sign-in: the front door and the health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, redirect, url_for
from flask_login import current_user
from sqlalchemy import text

from comms import __version__
from comms.web.context import runtime

bp = Blueprint("public", __name__)


@bp.route("/")
def index():
    """Staff go to their dashboard; everyone else to the sign-in page for now."""
    if current_user.is_authenticated:
        return redirect(url_for("ui.dashboard"))
    return redirect(url_for("auth.login"))


@bp.route("/healthz")
def healthz():
    """200 when the database (and Redis, when configured) answer; else 503."""
    checks: dict[str, str] = {}
    rt = runtime()
    try:
        with rt.db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # any failure means unhealthy, whatever the driver raises
        checks["database"] = f"error: {type(exc).__name__}"
    if rt.config.redis_url:
        try:
            client = rt.redis()
            client.ping()
            client.close()
            checks["redis"] = "ok"
        except Exception as exc:
            checks["redis"] = f"error: {type(exc).__name__}"
    healthy = all(value == "ok" for value in checks.values())
    body = {"status": "ok" if healthy else "unavailable", "version": __version__, "checks": checks}
    response = jsonify(body)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
