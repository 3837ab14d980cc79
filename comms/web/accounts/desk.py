"""The dashboard's approval panels: what waits for an approver, and where the office's releases
stand with their approvers (awaiting approval, changes requested, approved but not published).

Each kind of subject an approver can be asked about has a row maker in WAITING; programmes
join later with their own entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import url_for

from comms.accounts import approvals
from comms.accounts.users import User
from comms.meetings import strategy
from comms.meetings.programme import signoff as programme_signoff
from comms.meetings.service import Meeting
from comms.releases import desk
from comms.rendering.labels import staff_time


@dataclass(frozen=True)
class Row:
    """One line of a panel: what, where to go, and a detail in words."""

    title: str
    url: str
    detail: str


def _zone(release) -> str | None:
    return release.meeting.timezone if release.meeting else None


def _waiting_releases(session, user: User) -> list[Row]:
    return [Row(release.content().get("headline", ""), url_for("releases_ui.show", release_id=release.id),
                f"Press release, revision {request.version} · asked on {staff_time(request.created_at, _zone(release))}"
                f" · link valid until {staff_time(request.expires_at, _zone(release))}")
            for request, release in desk.waiting_for(session, user)]


def _waiting_strategies(session, user: User) -> list[Row]:
    rows = []
    for request in approvals.open_requests_for(session, user, strategy.SUBJECT):
        found = session.get(strategy.Strategy, request.subject_id)
        if found is None or found.version != request.version:
            continue
        zone = found.meeting.timezone
        rows.append(Row(f"Communication strategy: {found.meeting.title}",
                        url_for("strategy_ui.edit", meeting_id=found.meeting_id, _anchor="decide"),
                        f"Version {request.version} · asked on {staff_time(request.created_at, zone)}"))
    return rows


def _waiting_programmes(session, user: User) -> list[Row]:
    rows = []
    for programme in programme_signoff.programmes_awaiting(session, user):
        meeting = session.get(Meeting, programme.meeting_id)
        rows.append(Row(f"Programme: {meeting.title}", url_for("programme_ui.programme_page", meeting_id=meeting.id),
                        f"Version {programme.version} · decide through the link emailed to you"))
    return rows


# (heading, row maker) per kind of subject waiting for an approver.
WAITING: tuple[tuple[str, Callable], ...] = (
    ("Press releases", _waiting_releases),
    ("Communication strategies", _waiting_strategies),
    ("Programmes", _waiting_programmes),
)


def approver_panel(session, user: User) -> list[tuple[str, list[Row]]]:
    """"Waiting for me": per kind of subject, the requests this approver has not decided yet."""
    return [(heading, make(session, user)) for heading, make in WAITING]


def _release_row(release, detail: str) -> Row:
    return Row(release.content().get("headline", ""), url_for("releases_ui.show", release_id=release.id), detail)


def officer_panels(session, user: User) -> dict:
    """The officers' panels and the decisions of the last two weeks on their own releases."""
    panels = desk.officer_panels(session)
    sent_back = [_release_row(release, f"{request.approver.display_name if request.approver else 'An approver'}"
                                       f" on {staff_time(request.decided_at, _zone(release))}: {request.comment}")
                 for release, request in panels.changes_requested]
    ready = [_release_row(release, f"Scheduled for {staff_time(release.publish_at, _zone(release))}"
                          if release.status == "scheduled" and release.publish_at else
                          f"Revision {release.revision} approved, not yet published")
             for release in panels.approved_not_published]
    waiting = [_release_row(release, f"Revision {release.revision} · {release.language.upper()}")
               for release in panels.awaiting_approval]
    decisions = [_release_row(release, f"{'Approved' if request.status == 'approved' else 'Changes requested'} by "
                              f"{request.approver.display_name if request.approver else 'an approver'} on "
                              f"{staff_time(request.decided_at, _zone(release))}")
                 for request, release in desk.recent_decisions(session, user)]
    return {"awaiting": waiting, "changes": sent_back, "ready": ready, "decisions": decisions}
