"""Links and emails for meetings that need the web layer's URL building."""

from __future__ import annotations

from comms import emails, strategy
from comms.web.context import absolute_url, runtime


def document_url(document, file) -> str:
    """The stable public URL of one language of a document."""
    return absolute_url("meetings_public.document_file", meeting_id=document.meeting_id, document_id=document.id,
                        language=file.language, filename=file.filename)


def send_sign_off_request(found: strategy.Strategy, approval, token: str, requested_by) -> str:
    """Queue the President's email with the signed sign-off link; returns the job id."""
    meeting = found.meeting
    objectives = (found.current.content.get("objectives") or [""]) if found.current else [""]
    return emails.queue_approval_request(
        runtime(), approval.approver, title=f"Communication strategy: {meeting.title}",
        what="the communication strategy", url=absolute_url("approvals.review", token=token),
        requested_by=requested_by.display_name, version=approval.version,
        expires=approval.expires_at.astimezone(meeting.zone).strftime("%-d %B %Y, %H:%M %Z"),
        preview=objectives[0][:300])
