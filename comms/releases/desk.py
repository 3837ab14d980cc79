"""What the desk is waiting on: the approval panels of the dashboard and the release list's
statuses as people read them (no Flask).

A release whose approver asked for changes is a draft again; what marks it is the
decision on its current revision, so "changes requested" lasts until someone edits it.
A published release being corrected is a draft too while the public keeps the
published text: it is both live and a correction in draft.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from comms.accounts import approvals
from comms.accounts.users import User
from comms.releases.followers import followed_release_ids
from comms.releases.service import Release
from storage.db import utcnow

SUBJECT = "release"
PANEL_LIMIT = 20
RECENT_DECISIONS = dt.timedelta(days=14)


@dataclass(frozen=True)
class OfficerPanels:
    """The officers' three panels, each newest change first."""

    awaiting_approval: list[Release]
    changes_requested: list[tuple[Release, approvals.ApprovalRequest]]
    approved_not_published: list[Release]


def changes_requested_on_current(session: Session, releases: list[Release]) -> dict[int, approvals.ApprovalRequest]:
    """release id -> the request that asked for changes on its current revision (drafts only)."""
    drafts = {release.id: release for release in releases if release.status == "draft"}
    if not drafts:
        return {}
    found: dict[int, approvals.ApprovalRequest] = {}
    for request in session.scalars(select(approvals.ApprovalRequest).where(
            approvals.ApprovalRequest.subject_type == SUBJECT, approvals.ApprovalRequest.subject_id.in_(drafts),
            approvals.ApprovalRequest.status == "changes_requested")
            .order_by(approvals.ApprovalRequest.decided_at)):
        if request.version == drafts[request.subject_id].revision:
            found[request.subject_id] = request
    return found


def display_statuses(release: Release, changes_requested: bool = False) -> list[str]:
    """The status keys to show for a release: a draft whose approver asked for changes reads
    "changes_requested"; a published release being corrected reads "published" and "correction"."""
    if release.status == "retracted":
        return ["retracted"]
    corrected = release.published_revision is not None and release.status != "published"
    if not corrected:
        return ["changes_requested" if changes_requested else release.status]
    pending = {"draft": "changes_requested" if changes_requested else "correction",
               "in_review": "correction_in_review", "approved": "correction_approved",
               "scheduled": "correction_scheduled"}
    return ["published", pending.get(release.status, release.status)]


def officer_panels(session: Session) -> OfficerPanels:
    """The office's releases awaiting approval, sent back with changes requested, and approved
    (or scheduled) but not yet published."""
    def newest(*statuses: str) -> list[Release]:
        return list(session.scalars(select(Release).where(Release.status.in_(statuses))
                                    .options(selectinload(Release.revisions), selectinload(Release.meeting))
                                    .order_by(Release.updated_at.desc(), Release.id.desc()).limit(PANEL_LIMIT * 5)))
    drafts = newest("draft")
    sent_back = changes_requested_on_current(session, drafts)
    return OfficerPanels(
        awaiting_approval=newest("in_review")[:PANEL_LIMIT],
        changes_requested=[(release, sent_back[release.id]) for release in drafts if release.id in sent_back
                           ][:PANEL_LIMIT],
        approved_not_published=newest("approved", "scheduled")[:PANEL_LIMIT],
    )


def waiting_for(session: Session, user: User) -> list[tuple[approvals.ApprovalRequest, Release]]:
    """Releases whose current revision waits for this approver's decision (open links only)."""
    rows = []
    for request in approvals.open_requests_for(session, user, SUBJECT):
        release = session.get(Release, request.subject_id)
        if release is not None and release.status == "in_review" and release.revision == request.version:
            rows.append((request, release))
    return rows[:PANEL_LIMIT]


def recent_decisions(session: Session, user: User, now: dt.datetime | None = None
                     ) -> list[tuple[approvals.ApprovalRequest, Release]]:
    """Approvers' decisions of the last two weeks on releases this user wrote, follows or submitted."""
    ids = followed_release_ids(session, user)
    if not ids:
        return []
    since = (now or utcnow()) - RECENT_DECISIONS
    rows = []
    for request in session.scalars(select(approvals.ApprovalRequest).where(
            approvals.ApprovalRequest.subject_type == SUBJECT, approvals.ApprovalRequest.subject_id.in_(ids),
            approvals.ApprovalRequest.status.in_(approvals.DECISIONS), approvals.ApprovalRequest.decided_at >= since)
            .order_by(approvals.ApprovalRequest.decided_at.desc()).limit(PANEL_LIMIT)):
        release = session.get(Release, request.subject_id)
        if release is not None:
            rows.append((request, release))
    return rows
