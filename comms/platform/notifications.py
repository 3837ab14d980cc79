"""The job that sends one email through the configured mailer (notifications, reminders...)."""

from __future__ import annotations

from comms.platform.jobs import job
from comms.platform.mail import OutgoingMessage, build_message


@job("mail.send")
def send_email(runtime, to_email: str, subject: str, text: str, html: str | None = None, to_name: str = "") -> str:
    """Send one email through the configured mailer; returns its Message-ID."""
    message = OutgoingMessage(to_email=to_email, to_name=to_name, subject=subject, text=text, html=html)
    mime = build_message(message, runtime.config.mail_from, runtime.config.office_name)
    mailer = runtime.mailer()
    try:
        return mailer.send(mime)
    finally:
        mailer.close()
