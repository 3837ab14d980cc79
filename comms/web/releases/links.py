"""Links and emails for releases that need the web layer's URL building."""

from __future__ import annotations

from comms.rendering import emails
from comms.platform.mail import MailError, OutgoingMessage
from comms.releases.service import ReleaseError
from comms.rendering.formats import plain_text
from comms.rendering.labels import language_in_words, staff_time
from comms.web.context import absolute_url, runtime


def public_url(release) -> str:
    """The release's permanent public URL."""
    return absolute_url("newsroom.release_page", slug=release.slug, lang=release.language)


def review_request_emails(release, requests, requested_by) -> list[tuple[int, OutgoingMessage]]:
    """Each approver's email with the signed link for the current revision, built and checked.

    Call it before committing the submission: a MailError here (an email that could
    never be sent) must refuse the submission rather than leave approvers unaware.
    Queue them with emails.queue_approval_messages once committed."""
    content = release.content()
    zone = release.meeting.timezone if release.meeting else None
    body = content.get("body_markdown", "")
    return [(approval.id, emails.approval_request_message(
        runtime(), approval.approver, title=content["headline"], what=f"a press release in {language_in_words(release.language)}",
        url=absolute_url("approvals.review", token=token), requested_by=requested_by.display_name,
        version=approval.version, expires=staff_time(approval.expires_at, zone),
        preview=plain_text(body)[:150], blocks=emails.preview_blocks(body))) for approval, token in requests]



def review_emails_or_error(release, requests, requested_by) -> list[tuple[int, OutgoingMessage]]:
    """review_request_emails, with an email that could never be sent as a ReleaseError (422)."""
    try:
        return review_request_emails(release, requests, requested_by)
    except MailError as exc:
        raise ReleaseError(f"the approval email could not be built, so nothing was submitted ({exc})",
                           {"headline": "check it (and the approvers' names) for line breaks"}) from exc
