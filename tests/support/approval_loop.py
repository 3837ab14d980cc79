"""Helpers for the approval loop's tests: the outbox, drafting, submitting and deciding a release
through the staff pages, and the email a person received about a headline."""

from __future__ import annotations

import email
import re
from html import unescape

from support.release_pages import form, html, post, text


def outbox(runtime) -> list:
    """Every email written so far (the queue drained first)."""
    runtime.queue.join()
    folder = runtime.config.outbox_path
    return [email.message_from_bytes(p.read_bytes()) for p in sorted(folder.glob("*.eml"))] if folder.exists() else []


def text_part(message) -> str:
    """The text part with its line ends as \n."""
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode().replace("\r\n", "\n")


def html_part(message) -> str:
    return next(p for p in message.walk() if p.get_content_type() == "text/html").get_payload(decode=True).decode()


def flashes(response) -> list[str]:
    return [unescape(m) for m in re.findall(r'<p class="flash flash-\w+" role="status">([^<]*)</p>', html(response))]


def create(client, world=None, **extra) -> int:
    response = post(client, "/staff/releases/new", form(world, **extra))
    assert response.status_code == 303, text(response)
    return int(re.search(r"/staff/releases/(\d+)$", response.headers["Location"]).group(1))


def submit(client, release_id, approver_ids, policy="any"):
    return post(client, f"/staff/releases/{release_id}/submit", {"approver_ids": approver_ids, "policy": policy})


def decide(client, release_id, revision, decision="approved", comment=""):
    return post(client, f"/staff/releases/{release_id}/decide",
                {"revision": str(revision), "decision": decision, "comment": comment})


def link_in(message) -> str:
    """The approval link of an approval request email, as a path for the test client."""
    return re.search(r"http://\S+/approve/\S+", text_part(message)).group(0).replace("http://localhost", "")


def to(messages, address: str, subject_start: str = "") -> list:
    """The messages sent to ``address`` whose subject starts with ``subject_start``."""
    return [m for m in messages if address in m["To"] and str(m["Subject"]).startswith(subject_start)]
