"""Notification emails rendered from press_templates/ and queued for sending.

The HTML part is MJML (press_templates/email/<name>.mjml on the same frame as
the release email, partials/base.mjml) compiled by comms.rendering.compile_mjml;
the text part is press_templates/email/<name>.txt. Autoescape is on for every
template, the .txt ones included (SECURITY.md 12): a name like ``<b>x</b>``
must reach the reader as text, never as markup.
"""

from __future__ import annotations

from jinja2 import Environment

from comms import jobs
from comms.rendering import compile_mjml, markup_environment, text_environment

SUBJECTS = {
    "subscription_confirm": "Please confirm your subscription to press releases",
    "subscription_welcome": "You are subscribed to our press releases",
}


def environment() -> Environment:
    """The Jinja environment for recipient-facing HTML and MJML templates (sandboxed, autoescaped)."""
    return markup_environment()


def render(name: str, **context) -> tuple[str, str]:
    """The text and HTML bodies of the email ``name``."""
    text = text_environment().get_template(f"email/{name}.txt").render(**context)
    html = compile_mjml(environment().get_template(f"email/{name}.mjml").render(**context))
    return text, html


def queue_email(runtime, name: str, to_email: str, to_name: str = "", **context) -> str:
    """Render the email ``name`` and queue it for ``to_email``; returns the job id."""
    text, html = render(name, to_name=to_name, office=runtime.config.office_name, **context)
    return jobs.enqueue(runtime, "mail.send", to_email, SUBJECTS[name], text, html, to_name)


SUBJECTS["approval_request"] = "Approval requested: {title}"


def queue_approval_request(runtime, approver, *, title: str, what: str, url: str, requested_by: str,
                           version: int, expires: str, preview: str = "") -> str:
    """Email an approver the signed link for one version of ``title``."""
    text, html = render("approval_request", to_name=approver.display_name, office=runtime.config.office_name,
                        title=title, what=what, url=url, requested_by=requested_by, version=version,
                        expires=expires, preview=preview)
    subject = SUBJECTS["approval_request"].format(title=title)[:200]
    return jobs.enqueue(runtime, "mail.send", approver.email, subject, text, html, approver.display_name)
