"""Notification emails rendered from press_templates/ and queued for sending.

The HTML part is MJML (press_templates/email/<name>.mjml on the same frame as
the release email, partials/base.mjml) compiled by comms.rendering.formats.compile_mjml;
the text part is press_templates/email/<name>.txt.

Emails to members of the public (subscriptions, meeting registrations) come in the
reader's language: press_templates/email/<lang>/<name>.txt|.mjml for French and Spanish,
the English file when a language has none, and the subject from SUBJECTS_IN (English:
SUBJECTS). Whole templates per language rather than gettext: a press officer translates an
email as one text (word order, formality, what a sentence carries), the files sit beside
the English ones they translate, and the rendering layer (no Flask, run by web, CLI and
workers alike) needs no compiled catalog. Autoescape is on for the
.mjml templates, so a name like ``<b>x</b>`` reaches the reader as text, never
as markup; the .txt templates are plain text, not HTML (docs/design/security.md item 12): no
entity escaping there ("<Ltd>" reads as typed), but every printed value has
its control characters removed and stays on one line (comms.rendering.text_layout).
"""

from __future__ import annotations

import datetime as dt
import re

from jinja2 import Environment

from comms.platform import jobs
from comms.platform.mail import OutgoingMessage, build_message
from comms.rendering import labels
from comms.rendering.formats import compile_mjml, markup_environment, plain_text, text_environment

SUBJECTS = {
    "subscription_confirm": "Please confirm your subscription to press releases",
    "subscription_welcome": "You are subscribed to our press releases",
}


def environment() -> Environment:
    """The Jinja environment for recipient-facing HTML and MJML templates (sandboxed, autoescaped)."""
    return markup_environment()


# The languages a public email may be written in; anything else is read in English.
EMAIL_LANGUAGES = ("en", "fr", "es")
DEFAULT_LANGUAGE = "en"
# Subjects of the translated emails, per language (a name missing here has its English subject).
SUBJECTS_IN: dict[str, dict[str, str]] = {
    "fr": {"subscription_confirm": "Veuillez confirmer votre abonnement aux communiqués de presse",
           "subscription_welcome": "Votre abonnement aux communiqués de presse est confirmé"},
    "es": {"subscription_confirm": "Confirme su suscripción a los comunicados de prensa",
           "subscription_welcome": "Su suscripción a los comunicados de prensa está confirmada"},
}
# A Geneva office writes "14 December 2026", not the US "December 14, 2026".


def email_language(code: str | None) -> str:
    """The language an email is written in for a reader of ``code`` ("fr", "fr-CH"...): English unless
    we have that language."""
    base = (code or "").strip().lower().replace("_", "-").split("-")[0]
    return base if base in EMAIL_LANGUAGES else DEFAULT_LANGUAGE


def subject(name: str, language: str = DEFAULT_LANGUAGE) -> str:
    """The subject of the email ``name`` in ``language`` (English when it has no translation)."""
    return SUBJECTS_IN.get(email_language(language), {}).get(name) or SUBJECTS[name]


def date_words(day: dt.date, language: str = DEFAULT_LANGUAGE) -> str:
    """A date as the reader writes it: "1 December 2026", "1er décembre 2026", "1 de diciembre de 2026"."""
    return labels.date_words(day, email_language(language))


def date_span(start: dt.date, end: dt.date, language: str = DEFAULT_LANGUAGE) -> str:
    """Dates from ``start`` to ``end`` in words in ``language``; one date when they are the same day."""
    return labels.date_span(start, end, email_language(language))


def render(name: str, language: str = DEFAULT_LANGUAGE, **context) -> tuple[str, str]:
    """The text and HTML bodies of the email ``name``, in ``language`` when it has that translation."""
    language = email_language(language)
    names = [f"email/{language}/{name}", f"email/{name}"] if language != DEFAULT_LANGUAGE else [f"email/{name}"]
    text = text_environment().select_template([f"{n}.txt" for n in names]).render(**context)
    mjml = environment().select_template([f"{n}.mjml" for n in names])
    # lang= on the <mjml> root: mail clients and screen readers then read the HTML part in its language.
    written_in = language if mjml.name.startswith(f"email/{language}/") else DEFAULT_LANGUAGE
    html = compile_mjml(mjml.render(**{"lang": written_in, **context}))
    return text, html


def queue_email(runtime, name: str, to_email: str, to_name: str = "", language: str = DEFAULT_LANGUAGE,
                **context) -> str:
    """Render the email ``name`` in ``language`` (English when we lack it) and queue it for ``to_email``;
    returns the job id."""
    text, html = render(name, language, to_name=to_name, office=runtime.config.office_name, **context)
    return jobs.enqueue(runtime, "mail.send", to_email, subject(name, language), text, html, to_name)


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
