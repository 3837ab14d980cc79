"""A real SMTP server (aiosmtpd) for tests, recording what it receives.

It can be told to answer some recipients with a temporary (4xx) or permanent
(5xx) refusal, the way real servers do, so retry and bounce handling meet real
SMTP replies.
"""

from __future__ import annotations

import email
import threading
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller

from support.ports import free_port


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    peer: tuple = ()  # the client's (address, port): one per SMTP connection

    @property
    def message(self):
        return email.message_from_bytes(self.data)


@dataclass
class RecordingHandler:
    received: list[Received] = field(default_factory=list)
    refuse: dict[str, str] = field(default_factory=dict)  # address -> SMTP reply
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content,
                                          tuple(session.peer or ())))
        return "250 Message accepted"


class SMTPServer:
    """Start with ``with SMTPServer() as smtp:``; ``smtp.url`` is the SMTP_URL."""

    def __init__(self):
        self.handler = RecordingHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


@pytest.fixture
def smtp():
    """A real SMTP server for one test."""
    with SMTPServer() as server:
        yield server
