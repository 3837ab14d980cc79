"""Sending email: to an SMTP server, or as .eml files in the outbox (no Flask).

Messages are built with the standard library's ``EmailMessage`` under the SMTP
policy, which refuses header values containing line breaks, so a name or subject
cannot smuggle in extra headers (SECURITY.md 21).
"""

from __future__ import annotations

import os
import smtplib
import ssl
import tempfile
import uuid
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import SMTP
from email.utils import format_datetime, getaddresses, make_msgid
from pathlib import Path
from urllib.parse import unquote, urlsplit

from storage.db import utcnow


# SMTP line endings; long header values (List-Unsubscribe URLs) stay on one line
# rather than being folded into a header that starts with a line break.
POLICY = SMTP.clone(max_line_length=998)


class MailError(RuntimeError):
    """A message could not be built or delivered."""

    def __init__(self, message: str, *, permanent: bool = False, code: int | None = None):
        super().__init__(message)
        self.permanent = permanent
        self.code = code


@dataclass
class OutgoingMessage:
    """One message to one recipient, before it is turned into MIME."""

    to_email: str
    subject: str
    text: str
    html: str | None = None
    to_name: str = ""
    headers: dict[str, str] = field(default_factory=dict)


def _address(name: str, email: str) -> Address:
    if any(ch in (name or "") + email for ch in "\r\n"):
        raise MailError("line breaks are not allowed in names or addresses", permanent=True)
    local, _, domain = email.rpartition("@")
    if not local or not domain:
        raise MailError(f"not an email address: {email!r}", permanent=True)
    return Address(display_name=name or "", username=local, domain=domain)


def _set_header(mime: EmailMessage, name: str, value) -> None:
    mime[name] = value
    # The header parser decodes RFC 2047 words, so "=?utf-8?q?x=0D=0ABcc:...?="
    # would come back out as a real line break and a new header. Refuse it.
    decoded = str(mime[name])
    if "\r" in decoded or "\n" in decoded:
        raise MailError(f"refused a line break hidden in the {name} header", permanent=True)


def build_message(message: OutgoingMessage, mail_from: str, from_name: str = "Pressroom") -> EmailMessage:
    """Turn an OutgoingMessage into MIME: text first, then HTML as the alternative."""
    mime = EmailMessage(policy=POLICY)
    domain = mail_from.rpartition("@")[2] or "localhost"
    try:
        _set_header(mime, "From", _address(from_name, mail_from))
        _set_header(mime, "To", _address(message.to_name, message.to_email))
        _set_header(mime, "Subject", message.subject)
        _set_header(mime, "Date", format_datetime(utcnow()))
        _set_header(mime, "Message-ID", message.headers.get("Message-ID")
                    or make_msgid(idstring=uuid.uuid4().hex[:12], domain=domain))
        for name, value in message.headers.items():
            if name.lower() != "message-id":
                _set_header(mime, name, value)
    except (ValueError, TypeError) as exc:
        # The SMTP policy raises ValueError for CR/LF in a header value.
        raise MailError(f"refused unsafe header: {exc}", permanent=True) from exc
    mime.set_content(message.text)
    if message.html:
        mime.add_alternative(message.html, subtype="html")
    _verify_headers(mime)
    return mime


_MIME_HEADERS = {"content-type", "content-transfer-encoding", "mime-version"}


def _verify_headers(mime: EmailMessage) -> None:
    """Parse the serialised message back and refuse it if headers multiplied.

    Folding can turn an encoded word in a display name into a raw line break;
    whatever the route, an injected header shows up as a header we never set.
    """
    expected = [name.lower() for name in mime.keys()]
    parsed = BytesParser(policy=POLICY).parsebytes(mime.as_bytes(), headersonly=True)
    found = [name.lower() for name in parsed.keys()]
    if sorted(found) != sorted(expected) or len(parsed.get_all("To", [])) != 1:
        raise MailError("refused a message whose headers changed when serialised (header injection)", permanent=True)
    recipients = getaddresses(parsed.get_all("To", []))
    if len(recipients) != 1:
        raise MailError("refused a message with more than one recipient", permanent=True)


class OutboxMailer:
    """Writes each message as an .eml file: the default when SMTP_URL is unset."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def send(self, mime: EmailMessage) -> str:
        """Write the message atomically; return its Message-ID."""
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
        target = self.folder / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
        fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(mime.as_bytes())
        os.replace(tmp, target)
        return mime["Message-ID"]

    def close(self) -> None:
        """Nothing to close for files."""


class SMTPMailer:
    """Delivers over SMTP, keeping one connection open across several sends."""

    def __init__(self, url: str, timeout: float = 30):
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps"):
            raise MailError(f"SMTP_URL must start with smtp:// or smtps://, not {parts.scheme}://")
        self.host = parts.hostname or "localhost"
        self.port = parts.port or (465 if parts.scheme == "smtps" else 25)
        self.use_ssl = parts.scheme == "smtps"
        self.username = unquote(parts.username) if parts.username else None
        self.password = unquote(parts.password) if parts.password else None
        self.timeout = timeout
        self._connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        if self._connection is not None:
            return self._connection
        if self.use_ssl:
            conn = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=ssl.create_default_context())
        else:
            conn = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            conn.ehlo()
            if conn.has_extn("starttls"):
                conn.starttls(context=ssl.create_default_context())
                conn.ehlo()
        if self.username:
            conn.login(self.username, self.password or "")
        self._connection = conn
        return conn

    def send(self, mime: EmailMessage) -> str:
        """Send one message; temporary failures raise MailError(permanent=False)."""
        try:
            self._connect().send_message(mime)
        except smtplib.SMTPRecipientsRefused as exc:
            code = next(iter(exc.recipients.values()))[0]
            raise MailError(f"recipient refused ({code})", permanent=code >= 500, code=code) from exc
        except smtplib.SMTPResponseException as exc:
            self.close()
            raise MailError(f"SMTP error {exc.smtp_code}", permanent=exc.smtp_code >= 500, code=exc.smtp_code) from exc
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise MailError(f"SMTP connection failed: {exc}") from exc
        return mime["Message-ID"]

    def close(self) -> None:
        """Close the connection, if one is open."""
        if self._connection is not None:
            try:
                self._connection.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self._connection = None


def make_mailer(smtp_url: str | None, outbox: Path):
    """The mailer for this configuration: SMTP when a URL is given, else the outbox."""
    return SMTPMailer(smtp_url) if smtp_url else OutboxMailer(outbox)
