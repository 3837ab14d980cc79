"""Reading bounce messages (delivery-status notifications) with flufl.bounce (no Flask).

A permanent failure for an address we know suppresses that contact as bounced,
with the reason; temporary failures are counted and left alone (the sender's
retries handle them).
"""

from __future__ import annotations

import email
import email.policy
import mailbox
from dataclasses import dataclass, field
from pathlib import Path

from flufl.bounce import all_failures
from sqlalchemy.orm import Session

from contacts.models import Contact
from contacts.service import find_by_email
from contacts.suppression import record_hard_bounce
from storage.audit import Actor

MAILER = Actor(label="bounce reader")


@dataclass
class BounceReport:
    """What reading some bounce messages did."""

    messages: int = 0
    permanent: int = 0
    temporary: int = 0
    suppressed: list[int] = field(default_factory=list)  # contact ids
    unknown: int = 0

    def summary(self) -> str:
        """One line for the CLI (no addresses: docs/design/security.md item 29)."""
        return (f"{self.messages} messages, {self.permanent} permanent and {self.temporary} temporary failures, "
                f"{len(self.suppressed)} contacts suppressed, {self.unknown} unknown addresses")


def _addresses(values) -> list[str]:
    return [v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v) for v in values]


def read_message(session: Session, raw: bytes, report: BounceReport) -> None:
    """Scan one message; suppress the contacts whose addresses failed permanently."""
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    report.messages += 1
    temporary, permanent = all_failures(message)
    report.temporary += len(temporary)
    for address in _addresses(permanent):
        report.permanent += 1
        contact: Contact | None = find_by_email(session, address)
        if contact is None:
            report.unknown += 1
            continue
        if contact.status != "bounced":
            record_hard_bounce(session, contact, MAILER, "delivery status notification: permanent failure")
            report.suppressed.append(contact.id)


def read_path(session: Session, path: Path) -> BounceReport:
    """Read a single message file, or every message of a Maildir or mbox."""
    report = BounceReport()
    path = Path(path)
    if path.is_dir():
        box = mailbox.Maildir(path, factory=None, create=False)
        for key in box.keys():
            read_message(session, box.get_bytes(key), report)
    elif path.suffix == ".mbox":
        for key, _message in mailbox.mbox(path).items():
            read_message(session, mailbox.mbox(path).get_bytes(key), report)
    else:
        read_message(session, path.read_bytes(), report)
    return report
