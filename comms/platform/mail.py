"""Sending email: to an SMTP server, or as .eml files in the outbox (no Flask).

Messages are built with the standard library's ``EmailMessage`` under the SMTP
policy, which refuses header values containing line breaks, so a name or subject
cannot smuggle in extra headers (docs/design/security.md item 21). A release going to thousands
of recipients is built once instead (MessageTemplate) and only each
recipient's values are checked, encoded and put into the bytes; both kinds go
through the same mailers.
"""

from __future__ import annotations

import binascii
import os
import re
import smtplib
import ssl
import tempfile
import uuid
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import SMTP
from email.errors import HeaderParseError
from email.header import decode_header
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


@dataclass(frozen=True)
class PreparedMessage:
    """A message ready for the wire: its envelope and its bytes (CRLF line ends, ASCII only)."""

    mail_from: str
    to_email: str
    message_id: str
    data: bytes

    def as_bytes(self) -> bytes:
        """The message as sent."""
        return self.data


def _message_id(mime) -> str:
    return mime.message_id if isinstance(mime, PreparedMessage) else mime["Message-ID"]


# --- One message for many recipients ------------------------------------------------------------------------------

# An address the fast path writes itself: a dot-atom local part and a host name, ASCII only.
# Anything else (quoted local parts, IDNs) goes through build_message and the stdlib's checks.
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                            r"@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+")
_ATOMS = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]+")  # a display name needing no quotes
_PRINTABLE = re.compile(r"[\x20-\x7e]+")
_MESSAGE_ID = re.compile(r"<[\x21-\x3b\x3d\x3f-\x7e]+@[\x21-\x3b\x3d\x3f-\x7e]+>")
_URL = re.compile(r"https?://[\x21-\x7e]+")
_PER_RECIPIENT = ("From", "To", "Subject", "Date", "Message-ID", "List-Unsubscribe")


def _refuse_hidden_line_breaks(name: str) -> None:
    """docs/design/security.md item 21: no CR/LF, raw or inside an RFC 2047 encoded word ("=?utf-8?q?=0D=0A...?=")."""
    if "\r" in name or "\n" in name:
        raise MailError("line breaks are not allowed in names or addresses", permanent=True)
    if "=?" in name:
        try:
            decoded = b"".join(part if isinstance(part, bytes) else part.encode("utf-8", "replace")
                               for part, _charset in decode_header(name))
        except (ValueError, LookupError, binascii.Error, HeaderParseError) as exc:
            raise MailError(f"refused a malformed encoded word in a name: {exc}", permanent=True) from exc
        if b"\r" in decoded or b"\n" in decoded:
            raise MailError("refused a line break hidden in the To header", permanent=True)


def _encoded_words(text: str) -> list[str]:
    """``text`` as RFC 2047 base64 words of whole characters, each at most 75 columns."""
    words, chunk, size = [], [], 0
    for char in text:
        length = len(char.encode("utf-8"))
        if size + length > 45:
            words.append("".join(chunk))
            chunk, size = [], 0
        chunk.append(char)
        size += length
    words.append("".join(chunk))
    return ["=?utf-8?b?" + binascii.b2a_base64(word.encode("utf-8"), newline=False).decode("ascii") + "?="
            for word in words if word]


def _to_header(name: str, address: str) -> str:
    """The To header's value: a bare phrase, a quoted string or encoded words, folded at 78 columns."""
    name = " ".join(name.split())
    if not name:
        return address
    if "=?" not in name and _ATOMS.fullmatch(name) and len(name) + len(address) < 70:
        return f"{name} <{address}>"
    if "=?" not in name and _PRINTABLE.fullmatch(name) and len(name) + len(address) < 66:
        escaped = name.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{escaped}" <{address}>'
    # Anything else is encoded, so it is shown exactly as typed and never parsed as header syntax.
    return "\r\n ".join(_encoded_words(name) + [f"<{address}>"])


def _qp(text: str) -> bytes:
    """Quoted-printable of ``text`` (UTF-8), lines at most 76 columns, CRLF line ends."""
    return binascii.b2a_qp(text.encode("utf-8"), istext=True).replace(b"\n", b"\r\n")


def _encode_literals(parts: tuple[str, ...]) -> tuple:
    """``parts`` with the literals (even indexes) quoted-printable once; slot names stay."""
    return tuple(part if i % 2 else _qp(part) for i, part in enumerate(parts))


def _qp_parts(encoded: tuple, values: dict[str, str]) -> bytes:
    # Literals and values are encoded separately and joined by soft line breaks ("=" CRLF),
    # which decoders remove: the part decodes to exactly literal + value + literal ...
    return b"=\r\n".join(_qp(values[part]) if i % 2 else part for i, part in enumerate(encoded))


class MessageTemplate:
    """One message for many recipients, built once: the headers every copy shares, checked by
    build_message, and multipart/alternative bodies (text first, then HTML), quoted-printable.

    ``text_parts`` and ``html_parts`` alternate literal text and slot names (even and
    odd indexes); ``render`` fills the slots and the recipient's To, Message-ID and
    List-Unsubscribe headers, each value checked against header injection
    (docs/design/security.md item 21), and returns the bytes as a PreparedMessage. A recipient the fast
    path cannot write safely (an address outside plain ASCII dot-atoms) gets the same
    message through build_message instead.
    """

    def __init__(self, *, subject: str, text_parts: tuple[str, ...], html_parts: tuple[str, ...], mail_from: str,
                 from_name: str, headers: dict[str, str]):
        self.subject, self.mail_from, self.from_name = subject, mail_from, from_name
        self.text_parts, self.html_parts, self.headers = text_parts, html_parts, dict(headers)
        probe = build_message(OutgoingMessage(to_email="recipient@example.invalid", subject=subject, text="",
                                              headers=self.headers), mail_from, from_name)
        blocks = _header_blocks(probe.as_bytes().split(b"\r\n\r\n", 1)[0])
        self._from, self._subject = blocks["from"], blocks["subject"]
        self._shared = b"".join(blocks[name.lower()] for name in self.headers)
        self._text_qp, self._html_qp = _encode_literals(text_parts), _encode_literals(html_parts)
        self._boundary = "===============" + uuid.uuid4().hex + "=="
        self._names = [name.lower().encode() for name in (*_PER_RECIPIENT, *self.headers,
                                                          "MIME-Version", "Content-Type")]
        marker = f"--{self._boundary}\r\n".encode()
        self._head = (b'MIME-Version: 1.0\r\nContent-Type: multipart/alternative;\r\n boundary="'
                      + self._boundary.encode() + b'"\r\n\r\n')
        self._text_head = marker + (b'Content-Type: text/plain; charset="utf-8"\r\n'
                                    b"Content-Transfer-Encoding: quoted-printable\r\n\r\n")
        self._html_head = b"\r\n" + marker + (b'Content-Type: text/html; charset="utf-8"\r\n'
                                              b"Content-Transfer-Encoding: quoted-printable\r\n\r\n")
        self._tail = f"\r\n--{self._boundary}--\r\n".encode()

    def render(self, *, to_email: str, to_name: str, message_id: str, unsubscribe_url: str,
               text_values: dict[str, str], html_values: dict[str, str]) -> PreparedMessage | EmailMessage:
        """One recipient's message; MailError (permanent) for an unsafe name, address, URL or Message-ID."""
        _refuse_hidden_line_breaks(to_name or "")
        if "\r" in to_email or "\n" in to_email:
            raise MailError("line breaks are not allowed in names or addresses", permanent=True)
        if not _MESSAGE_ID.fullmatch(message_id or ""):
            raise MailError(f"refused an unusual Message-ID: {message_id!r}", permanent=True)
        if not _URL.fullmatch(unsubscribe_url or ""):
            raise MailError("the unsubscribe URL must be printable ASCII http(s)", permanent=True)
        if not _PLAIN_ADDRESS.fullmatch(to_email):
            return build_message(OutgoingMessage(
                to_email=to_email, to_name=to_name, subject=self.subject, text=_join(self.text_parts, text_values),
                html=_join(self.html_parts, html_values),
                headers={"Message-ID": message_id, "List-Unsubscribe": f"<{unsubscribe_url}>", **self.headers}),
                self.mail_from, self.from_name)
        headers = (self._from + f"To: {_to_header(to_name or '', to_email)}\r\n".encode("ascii") + self._subject
                   + f"Date: {_date()}\r\nMessage-ID: {message_id}\r\n"
                     f"List-Unsubscribe: <{unsubscribe_url}>\r\n".encode("ascii") + self._shared)
        self._verify(headers)
        data = b"".join((headers, self._head, self._text_head, _qp_parts(self._text_qp, text_values),
                         self._html_head, _qp_parts(self._html_qp, html_values), self._tail))
        return PreparedMessage(self.mail_from, to_email, message_id, data)

    def _verify(self, headers: bytes) -> None:
        """As many header lines start as we wrote headers (the rest continue one): nothing was injected."""
        starts = headers.count(b"\n") - headers.count(b"\n ") - headers.count(b"\n\t")
        if starts != len(self._names) - 2 or headers.count(b"\n") != headers.count(b"\r\n") \
                or headers.count(b"\r") != headers.count(b"\r\n"):
            raise MailError("refused a message whose headers changed when built (header injection)", permanent=True)


_DATE: list = [0, ""]


def _date() -> str:
    # The Date header changes once a second; formatting it per message would cost more than the rest.
    now = utcnow()
    if _DATE[0] != int(now.timestamp()):
        _DATE[:] = [int(now.timestamp()), format_datetime(now.replace(microsecond=0))]
    return _DATE[1]


def _join(parts: tuple[str, ...], values: dict[str, str]) -> str:
    return "".join(values[part] if i % 2 else part for i, part in enumerate(parts))


def _header_blocks(head: bytes) -> dict[str, bytes]:
    """Serialised headers by lower-case name, each with its continuation lines and CRLF."""
    blocks: dict[str, bytes] = {}
    name = ""
    for line in head.split(b"\r\n"):
        if line.startswith((b" ", b"\t")) and name:
            blocks[name] += line + b"\r\n"
        else:
            name = line.split(b":", 1)[0].decode("ascii").lower()
            blocks[name] = line + b"\r\n"
    return blocks


class OutboxMailer:
    """Writes each message as an .eml file: the default when SMTP_URL is unset."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def send(self, mime: EmailMessage | PreparedMessage) -> str:
        """Write the message atomically; return its Message-ID."""
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
        target = self.folder / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
        fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(mime.as_bytes())
        os.replace(tmp, target)
        return _message_id(mime)

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

    def send(self, mime: EmailMessage | PreparedMessage) -> str:
        """Send one message; temporary failures raise MailError(permanent=False)."""
        try:
            if isinstance(mime, PreparedMessage):
                self._connect().sendmail(mime.mail_from, [mime.to_email], mime.data)
            else:
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
        return _message_id(mime)

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
