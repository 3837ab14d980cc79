"""Builders for participant and list-of-participants tests: a meeting with a symbol prefix,
delegations by ISO code or name, people added through the API, and the text of an issued PDF."""

from __future__ import annotations

import email

from sqlalchemy import select

from comms.documents import extract
from comms.documents.models import RegisterDocument
from comms.documents.service import file_path
from contacts.models import STATE_KINDS, Delegation

from support.meetings import MEETING
from support.web import bearer, csrf_from

PREFIX = "APLC/MSP.22/2026"
REGISTRATION = {"name": "Amina Diallo", "title": "Counsellor", "email": "amina.diallo@mission.example",
                "role": "head", "listed": "yes", "consent": "yes"}


def make_meeting(client, token: str, **overrides) -> dict:
    """A meeting through the API (the 22MSP, with a symbol prefix unless overridden)."""
    response = client.post("/api/v1/meetings", json={**MEETING, "symbol_prefix": PREFIX, **overrides},
                           headers=bearer(token))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def delegation_id(runtime, code: str | None = None, name: str | None = None) -> int:
    """A seeded delegation's id: a State by ISO code, anything by exact English name."""
    with runtime.db.transaction() as session:
        query = select(Delegation.id)
        query = query.where(Delegation.country == code, Delegation.kind.in_(STATE_KINDS)) if code \
            else query.where(Delegation.name == name)
        return session.scalar(query)


def add(client, token: str, meeting_id: int, **fields) -> dict:
    """Add a participant through the API; returns its JSON."""
    response = client.post(f"/api/v1/meetings/{meeting_id}/participants", json=fields, headers=bearer(token))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def register(client, meeting_id: int, form: dict, ip: str = "198.51.100.30", prefix: str = ""):
    """Fill the public registration form as a browser would (CSRF token from the page); ``prefix``
    ("/fr", "/es") is the page's language."""
    page = client.get(f"{prefix}/meetings/{meeting_id}/register", environ_base={"REMOTE_ADDR": ip})
    return client.post(f"{prefix}/meetings/{meeting_id}/register",
                       data={**form, "csrf_token": csrf_from(page.get_data(as_text=True))},
                       environ_base={"REMOTE_ADDR": ip})


def outbox(runtime) -> list:
    """The emails written to the instance outbox (no SMTP_URL), oldest first."""
    runtime.queue.join()
    folder = runtime.config.outbox_path
    return [email.message_from_bytes(p.read_bytes()) for p in sorted(folder.glob("*.eml"))] if folder.exists() else []


def text_of(message) -> str:
    """The plain-text part of an email."""
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode()


def pdf_text(runtime, symbol: str) -> str:
    """The text extracted from the PDF file of the register document with this symbol, its white space
    collapsed (a long name wraps inside its table cell)."""
    with runtime.db.transaction() as session:
        document = session.scalar(select(RegisterDocument).where(RegisterDocument.symbol == symbol))
        data = file_path(runtime.config.documents_path, document.file("en")).read_bytes()
    assert data.startswith(b"%PDF")
    return " ".join(extract.extract_here(data, "application/pdf").text.split())
