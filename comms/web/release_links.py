"""Links and emails for releases that need the web layer's URL building."""

from __future__ import annotations

from comms import emails
from comms.rendering import plain_text
from comms.web.context import absolute_url, runtime


def public_url(release) -> str:
    """The release's permanent public URL."""
    return absolute_url("newsroom.release_page", slug=release.slug, lang=release.language)


def send_review_requests(release, requests, requested_by) -> None:
    """Email each approver the signed link for the current revision."""
    content = release.content()
    for approval, token in requests:
        emails.queue_approval_request(
            runtime(), approval.approver, title=content["headline"], what=f"a press release ({release.language})",
            url=absolute_url("approvals.review", token=token), requested_by=requested_by.display_name,
            version=approval.version, expires=approval.expires_at.strftime("%-d %B %Y, %H:%M UTC"),
            preview=plain_text(content.get("body_markdown", ""))[:300])
