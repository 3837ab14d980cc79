"""Links and emails for meetings that need the web layer's URL building."""

from __future__ import annotations

from comms.accounts import approvals
from comms.rendering import emails
from comms.meetings import strategy
from comms.platform.mail import MailError, OutgoingMessage
from comms.rendering.labels import staff_time
from comms.web.context import absolute_url, runtime


def document_url(document, file) -> str:
    """The stable public URL of one language of a document."""
    return absolute_url("meetings_public.document_file", meeting_id=document.meeting_id, document_id=document.id,
                        language=file.language, filename=file.filename)


def sign_off_email(found: strategy.Strategy, approval, token: str, requested_by) -> list[tuple[int, OutgoingMessage]]:
    """The President's email with the signed sign-off link, built and checked (MailError if it
    could never be sent); queue it with emails.queue_approval_messages after the commit."""
    meeting = found.meeting
    objectives = (found.current.content.get("objectives") or []) if found.current else []
    return [(approval.id, emails.approval_request_message(
        runtime(), approval.approver, title=f"Communication strategy: {meeting.title}",
        what="the communication strategy", url=absolute_url("approvals.review", token=token),
        requested_by=requested_by.display_name, version=approval.version,
        expires=staff_time(approval.expires_at, meeting.timezone),
        preview=(objectives or [""])[0][:150], blocks=objective_blocks(objectives)))]


def objective_blocks(objectives: list[str]) -> list[dict]:
    """The strategy's objectives as a list in the email, cut at a word after about 300 characters."""
    return emails.preview_blocks("\n".join(f"- {' '.join(item.split())}" for item in objectives))


def sign_off_email_or_error(found: strategy.Strategy, approval, token: str,
                            requested_by) -> list[tuple[int, OutgoingMessage]]:
    """sign_off_email, with an email that could never be sent as a StrategyError."""
    try:
        return sign_off_email(found, approval, token, requested_by)
    except MailError as exc:
        raise strategy.StrategyError(f"the sign-off email could not be built, so nothing was requested ({exc})",
                                     {"meeting": "check the meeting title and the President's name"}) from exc


def ask_again(session, secret_key: str, found: strategy.Strategy, requested_by) -> str:
    """After a new version of a strategy that was in sign-off: ask the President again, with a new
    link, as a changed release goes back for approval. Returns a sentence for the officer."""
    try:
        approval, token = strategy.request_sign_off(session, secret_key, found, requested_by)
        messages = sign_off_email_or_error(found, approval, token, requested_by)
    except (strategy.StrategyError, approvals.ApprovalError) as exc:
        session.rollback()
        return f"Sign-off could not be asked again: {exc.message}."
    session.commit()
    emails.queue_approval_messages(runtime(), messages)
    return f"Sign-off was asked again from {approval.approver.display_name} (version {approval.version})."
