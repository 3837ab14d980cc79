"""The public subscription form: a filled form, submitting it, and the confirmation emails in the outbox."""

from __future__ import annotations

import email
import re

from contacts import service

from support.web import csrf_from


FORM = {"name": "Marta Ruiz", "email": "marta@elmundo.example", "outlet": "El Mundo", "languages": ["es", "en"],
        "topics": ["victim-assistance"], "consent": "yes"}


def outbox(runtime):
    runtime.queue.join()
    folder = runtime.config.outbox_path
    return [email.message_from_bytes(p.read_bytes()) for p in sorted(folder.glob("*.eml"))] if folder.exists() else []


def body(message, kind="plain"):
    for part in message.walk():
        if part.get_content_type() == f"text/{kind}":
            return part.get_payload(decode=True).decode()
    raise AssertionError("no such part")


def submit(client, form=FORM, ip="198.51.100.20", prefix=""):
    page = client.get(f"{prefix}/subscribe", environ_base={"REMOTE_ADDR": ip})
    return client.post(f"{prefix}/subscribe", data={**form, "csrf_token": csrf_from(page.get_data(as_text=True))},
                       environ_base={"REMOTE_ADDR": ip})


def link_in(message, path):
    return re.search(rf"http://[^\s\"<]+{path}[^\s\"<]+", body(message)).group(0)


def contact(runtime, address="marta@elmundo.example"):
    with runtime.db.transaction() as session:
        found = service.find_by_email(session, address)
        return (found.status, found.consent_wording, found.consent_ip, found.token) if found else None
