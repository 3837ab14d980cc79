"""Notification emails rendered from press_templates/ and queued for sending.

The HTML part is MJML (press_templates/email/<name>.mjml on the same frame as
the release email, partials/base.mjml) compiled by comms.rendering.formats.compile_mjml;
the text part is press_templates/email/<name>.txt. Autoescape is on for the
.mjml templates, so a name like ``<b>x</b>`` reaches the reader as text, never
as markup; the .txt templates are plain text, not HTML (docs/design/security.md item 12): no
entity escaping there ("<Ltd>" reads as typed), but every printed value has
its control characters removed and stays on one line (comms.rendering.text_layout).
"""

from __future__ import annotations

import re

from jinja2 import Environment

from comms.platform import jobs
from comms.platform.mail import OutgoingMessage, build_message
from comms.rendering.formats import compile_mjml, markup_environment, plain_text, text_environment

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


PREVIEW_LIMIT = 300
_LIST_ITEM = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,9}[.)])\s+")


def _cut_at_word(text: str, room: int) -> str:
    """``text`` shortened to at most ``room`` characters at a word boundary, with an ellipsis."""
    if len(text) <= room:
        return text
    cut = text.rfind(" ", 0, room)
    return (text[:cut] if cut > room // 2 else text[:room]).rstrip(" ,;:.") + "…"


def preview_blocks(markdown: str, limit: int = PREVIEW_LIMIT) -> list[dict]:
    """The start of a Markdown text for an approval email: paragraphs and list items as
    ``{"kind": "paragraph"|"item", "text": ...}`` (lists stay lists), cut at a word after about
    ``limit`` characters."""
    blocks: list[dict] = []
    for line in (markdown or "").replace("\r\n", "\n").split("\n"):
        if not line.strip():
            if blocks and blocks[-1]["kind"] == "paragraph":
                blocks.append({"kind": "break", "text": ""})
            continue
        item = _LIST_ITEM.match(line)
        text = plain_text(line[item.end():] if item else line)
        if not text:
            continue
        if item or not blocks or blocks[-1]["kind"] != "paragraph":
            blocks.append({"kind": "item" if item else "paragraph", "text": text})
        else:
            blocks[-1]["text"] += " " + text
    kept, room = [], limit
    for block in (b for b in blocks if b["kind"] != "break"):
        if room <= 0:
            break
        text = _cut_at_word(block["text"], room)
        kept.append({"kind": block["kind"], "text": text})
        room -= len(text)
        if text.endswith("…"):
            break
    return kept


def approval_request_message(runtime, approver, *, title: str, what: str, url: str, requested_by: str,
                             version: int, expires: str, preview: str = "",
                             blocks: list[dict] | None = None) -> OutgoingMessage:
    """The email asking ``approver`` to approve one version of ``title``, rendered and checked.

    The message is built now, headers included, so one that could never be sent is
    an error for whoever submits (MailError) rather than a failed job nobody sees."""
    text, html = render("approval_request", to_name=approver.display_name, office=runtime.config.office_name,
                        title=title, what=what, url=url, requested_by=requested_by, version=version,
                        expires=expires, preview=preview,
                        blocks=blocks if blocks is not None else preview_blocks(preview))
    # A subject is one line whatever the title holds (titles refuse line breaks at input too).
    subject = SUBJECTS["approval_request"].format(title=" ".join(title.split()))[:200]
    message = OutgoingMessage(to_email=approver.email, to_name=approver.display_name, subject=subject, text=text,
                              html=html)
    build_message(message, runtime.config.mail_from, runtime.config.office_name)
    return message


def queue_approval_messages(runtime, messages: list[tuple[int, OutgoingMessage]]) -> None:
    """Queue checked approval emails, each with its request id, after the commit (the links must
    work when they arrive); a send that fails is recorded on its request (comms.platform.notifications)."""
    for request_id, message in messages:
        jobs.enqueue(runtime, "approval.email", request_id, message.to_email, message.subject, message.text,
                     message.html, message.to_name)


SUBJECTS["approval_decision"] = "{verdict}: {title}"
VERDICTS = {"approved": "Approved", "changes_requested": "Changes requested"}


def decision_message(runtime, recipient, *, title: str, what: str, decision: str, approver: str, decided: str,
                     comment: str, url: str, version: int, note: str = "") -> OutgoingMessage:
    """The email telling the press office what an approver decided, rendered and checked."""
    verdict = VERDICTS[decision]
    text, html = render("approval_decision", to_name=recipient.display_name, office=runtime.config.office_name,
                        title=title, what=what, decision=decision, verdict=verdict, approver=approver,
                        decided=decided, comment_lines=[line for line in comment.splitlines() if line.strip()],
                        url=url, version=version, note=note)
    subject = SUBJECTS["approval_decision"].format(verdict=verdict, title=" ".join(title.split()))[:200]
    message = OutgoingMessage(to_email=recipient.email, to_name=recipient.display_name, subject=subject, text=text,
                              html=html)
    build_message(message, runtime.config.mail_from, runtime.config.office_name)
    return message


def queue_messages(runtime, messages: list[OutgoingMessage]) -> int:
    """Queue checked emails through the mail transport's job; returns how many were queued."""
    for message in messages:
        jobs.enqueue(runtime, "mail.send", message.to_email, message.subject, message.text, message.html,
                     message.to_name)
    return len(messages)
