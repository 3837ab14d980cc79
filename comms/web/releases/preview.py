"""Previews on a release's staff page: the public page, the email (in frames at desktop and
phone widths) and the text part side by side; and "send a test to me".

- The email preview is served on its own URL, framed by the release page: the email
  carries inline CSS (css-inline), so that one response gets a CSP that allows inline
  styles and nothing else (no script, no forms, no plugins, sandboxed), and may be framed
  only by our own pages. Every other page keeps the strict CSP and X-Frame-Options: DENY.
- A test goes to the signed-in staff member's own address, personalised with their name,
  subject prefixed "[TEST]", through the ordinary "mail.send" job. It never touches the
  delivery ledger, so it cannot stop the release reaching anyone later. Limited per
  person (TEST_LIMIT) so the button cannot be used to flood a mailbox.
"""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, flash, redirect, request, url_for
from markupsafe import Markup

from comms.platform import jobs
from comms.rendering import formats as rendering
from comms.releases.context import release_context
from comms.releases.service import Release
from comms.platform.throttle import RateLimit
from comms.web.access import current_actor, roles_required
from comms.web.context import db, runtime
from comms.web.releases.shared import READERS, load_release, me, template_context
from comms.web.releases.pages import render_release

bp = Blueprint("release_preview", __name__, url_prefix="/staff/releases")
bp.context_processor(template_context)
TEST_LIMIT = "5 per 10 minutes"
TEST_SUBJECT_PREFIX = "[TEST] "
# Test emails: media officers check their own work, office holders what they approve.
TESTERS = ("officer", "approver")
EMAIL_FRAME_POLICY = "; ".join([
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    "img-src 'self' https: http: data:",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'self'",
    "sandbox allow-popups allow-popups-to-escape-sandbox",
])


def init_app(app: Flask) -> None:
    """Register the blueprint and the per-person limit on test emails (shared on Redis when configured)."""
    config = app.extensions["pressroom"].config
    app.extensions["pressroom.test_email_limit"] = RateLimit(config.redis_url or "memory://", TEST_LIMIT,
                                                             "test-email")
    app.register_blueprint(bp)


def _base_url() -> str:
    return (runtime().config.base_url or request.host_url).rstrip("/")


def _context(release: Release) -> rendering.RenderContext:
    """The current revision, linked the way a real send would link it."""
    return release_context(db(), release, base_url=_base_url(), office=runtime().config.office_name)


@bp.app_template_global("release_previews")
def release_previews(release: Release) -> dict:
    """The page and text renders of the current revision for releases/_previews.html."""
    try:
        context = _context(release)
        page = Markup(rendering.render_release(release, "html", context=context))  # sandboxed, autoescaped
        text = rendering.render_release(release, "text", context=context)
        subject = rendering.compile_email(release, context=context).subject
    except rendering.RenderError as exc:
        return {"error": f"The previews could not be rendered: {exc}", "page": "", "text": "", "subject": ""}
    return {"error": "", "page": page, "text": text, "subject": subject}


@bp.route("/<int:release_id>/preview/email")
@roles_required(*READERS)
def email_preview(release_id: int):
    """The email's HTML as a subscriber without a name would get it, for the preview frames."""
    release = load_release(release_id)
    try:
        body = rendering.render_release(release, "email", context=_context(release))
    except rendering.RenderError as exc:
        body = f"<p>The email could not be rendered: {Markup.escape(str(exc))}</p>"
        status = 422 if isinstance(exc, rendering.ContentRefused) else 500
    else:
        status = 200
    return body, status, {"Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": EMAIL_FRAME_POLICY,
                          "X-Frame-Options": "SAMEORIGIN", "Cache-Control": "private, no-store"}


def _page(release: Release, status: int, headers: dict | None = None):
    """The release page with the flashed reason, answering ``status``."""
    body, _status = render_release(release, status)
    return body, status, headers or {}


def _back(release: Release):
    return redirect(url_for("releases_ui.show", release_id=release.id, _anchor="previews"), 303)


@bp.route("/<int:release_id>/test-email", methods=["POST"])
@roles_required(*TESTERS)
def test_email(release_id: int):
    """Email the current revision to the signed-in person, "[TEST]" in the subject; no ledger row."""
    release, user = load_release(release_id), me()
    limit: RateLimit = current_app.extensions["pressroom.test_email_limit"]
    key = str(user.id)
    wait = limit.retry_after(key)
    if wait is not None:
        flash(f"You have sent several tests just now. Try again in {wait // 60 + 1} minutes.", "error")
        return _page(release, 429, {"Retry-After": str(wait)})
    base = _base_url()
    try:
        compiled = rendering.compile_email(release, context=_context(release))
        # A test never unsubscribes anyone: both links point at the public subscription page.
        html, text = rendering.personalise(compiled, name=user.display_name, unsubscribe_url=f"{base}/subscribe",
                                           preferences_url=f"{base}/subscribe")
    except rendering.RenderError as exc:
        flash(f"The email could not be rendered: {exc}", "error")
        return _page(release, 422 if isinstance(exc, rendering.ContentRefused) else 500)
    limit.hit(key)
    subject = (TEST_SUBJECT_PREFIX + compiled.subject)[:250]
    jobs.enqueue(runtime(), "mail.send", user.email, subject, text, html, user.display_name)
    current_actor().record(db(), "release.test_email", object_type="release", object_id=release.id,
                           details={"revision": release.revision})
    db().commit()
    flash(f"A test of revision {release.revision} is on its way to {user.email}.", "success")
    return _back(release)
