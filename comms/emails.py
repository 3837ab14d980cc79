"""Notification emails rendered from press_templates/ and queued for sending.

Autoescape is on for every template, the .txt ones included (SECURITY.md 12):
a name like ``<b>x</b>`` must reach the reader as text, never as markup.
"""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from comms import jobs
from press_templates import TEMPLATE_DIR

SUBJECTS = {
    "subscription_confirm": "Please confirm your subscription to press releases",
    "subscription_welcome": "You are subscribed to our press releases",
}


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The Jinja environment for recipient-facing templates."""
    return Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True)


def render(name: str, **context) -> tuple[str, str]:
    """The text and HTML bodies of the email ``name``."""
    env = environment()
    text = env.get_template(f"email/{name}.txt").render(**context)
    html = env.get_template(f"email/{name}.html").render(**context)
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
