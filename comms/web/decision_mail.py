"""Telling the press office what an approver decided: an email to each person concerned, through
the mail job, whichever way the decision came (signed link, the app, the API).

Each kind of subject (releases, strategies, programmes) says here who hears and where its
page is, with its own entry in TELLERS. The caller learns how many emails were queued, so a
page says "the press office has been told" only when that is true.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Callable

from comms.accounts import approvals
from comms.meetings import strategy
from comms.meetings.programme import signoff as programme_signoff
from comms.platform.mail import MailError
from comms.releases import followers
from comms.releases import workflow as release_workflow
from comms.rendering import emails
from comms.rendering.labels import language_in_words, staff_time
from comms.web.context import absolute_url, runtime

log = logging.getLogger("pressroom.web")


@dataclass(frozen=True)
class Teller:
    """How the decision on one kind of subject is told: to whom, about what, where to look."""

    people: Callable  # (session, subject, request) -> list[User]
    describe: Callable  # (subject, request) -> (title, what, url, time zone or None, note)


def _release_people(session, release, request):
    return followers.people_to_tell(session, release, request.approver)


def _release_description(release, request):
    note = ""
    if request.status == "approved":
        note = ("It is approved and ready to publish." if release.status == "approved"
                else "Other approvers are still asked before it can be published.")
    elif request.status == "changes_requested":
        note = "It is back in draft: revise it and submit it again."
    return (release.content(request.version)["headline"], f"the press release in {language_in_words(release.language)}",
            absolute_url("releases_ui.show", release_id=release.id),
            release.meeting.timezone if release.meeting else None, note)


def _strategy_description(found, request):
    note = "The strategy is signed off." if request.status == "approved" else \
        "Revise the strategy; saving it asks the President again."
    return (f"Communication strategy: {found.meeting.title}", "the communication strategy",
            absolute_url("strategy_ui.edit", meeting_id=found.meeting_id), found.meeting.timezone, note)


def _programme_description(programme, request):
    if request.status == "approved":
        note = ("It is approved and ready to publish." if programme.approved_version == request.version
                else "Changes were also requested on this version: it cannot be published as it stands.")
    else:
        note = "It cannot be published as it stands: revise the programme and submit the new version."
    return (f"Programme: {programme.meeting.title}", "the programme",
            absolute_url("programme_ui.programme_page", meeting_id=programme.meeting_id),
            programme.meeting.timezone, note)


TELLERS: dict[str, Teller] = {
    release_workflow.SUBJECT: Teller(people=_release_people, describe=_release_description),
    strategy.SUBJECT: Teller(people=strategy.people_to_tell, describe=_strategy_description),
    programme_signoff.SUBJECT: Teller(people=programme_signoff.people_to_tell, describe=_programme_description),
}


def tell_press_office(session, request: approvals.ApprovalRequest, subject) -> int:
    """Queue the decision email to everyone concerned (after the decision is committed); returns how
    many were queued: 0 means nobody could be told (no one to tell, or the queue refused)."""
    teller = TELLERS.get(request.subject_type)
    if teller is None or request.status not in approvals.DECISIONS or request.decided_at is None:
        return 0
    title, what, url, zone, note = teller.describe(subject, request)
    approver = request.approver.display_name if request.approver else "The approver"
    messages = []
    for person in teller.people(session, subject, request):
        try:
            messages.append(emails.decision_message(
                runtime(), person, title=title, what=what, decision=request.status, approver=approver,
                decided=staff_time(request.decided_at, zone), comment=request.comment or "", url=url,
                version=request.version, note=note))
        except MailError as exc:  # one unusable address must not keep the others from hearing
            log.error("approval request %s: no decision email for user %s: %s", request.id, person.id, exc)
    try:
        return emails.queue_messages(runtime(), messages)
    except Exception as exc:  # the queue is down: the page must not claim anyone was told
        log.error("approval request %s: decision emails not queued: %s", request.id, type(exc).__name__)
        return 0
