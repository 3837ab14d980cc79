"""A programme's versions, sign-off by the President or the Co-Chairs, and publishing (no Flask).

Every save whose sessions differ makes a new version and supersedes the approval links of
older ones (comms.accounts.approvals), so "approved" always names the sessions approved.
Only the approved current version can be published (409 otherwise). When several office
holders are asked, one approval is enough, but a request for changes on the current version
by any of them (before or after another's approval) clears the approval until a new version
is saved: an objection is never overruled by publishing.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from comms.accounts import approvals
from comms.accounts.users import User
from comms.meetings.programme import changes as change_log
from comms.meetings.programme.models import Programme, ProgrammeVersion
from comms.meetings.programme.sessions import MAX_SESSIONS, ProgrammeError, clean_sessions, moment_of, side_event_sessions
from comms.meetings.service import Meeting
from storage.audit import Actor
from storage.db import utcnow

SUBJECT = "programme"
# programme.ics lists a cancelled session so calendars that imported it drop it. Kept: the
# cancellations of sessions that ended at most this many days before the publication, and of
# those the newest MAX_CANCELLED (one whole programme re-created without ids fits).
CANCELLED_KEEP_DAYS = 30
MAX_CANCELLED = MAX_SESSIONS


def find_programme(session: Session, meeting: Meeting) -> Programme | None:
    """The meeting's programme if one was ever saved (a GET creates nothing)."""
    return session.scalar(select(Programme).where(Programme.meeting_id == meeting.id))


def get_programme(session: Session, meeting: Meeting) -> Programme:
    """The meeting's programme, created empty (version 0) if it has none."""
    found = find_programme(session, meeting)
    if found is None:
        found = Programme(meeting=meeting, meeting_id=meeting.id, version=0, status="draft", next_session_id=1,
                          sequences={}, cancelled=[], last_changes=[])
        session.add(found)
        session.flush()
    return found


def current_sessions(programme: Programme | None) -> list[dict]:
    """The sessions of the newest version (staff see the draft)."""
    return list(programme.current.content["sessions"]) if programme and programme.current else []


def published_sessions(programme: Programme | None) -> list[dict]:
    """The sessions of the published version (the public sees only these)."""
    if programme is None or programme.published_version is None:
        return []
    return list((programme.content_of(programme.published_version) or {"sessions": []})["sessions"])


def save_programme(session: Session, meeting: Meeting, raw_sessions, actor: User) -> tuple[Programme, bool]:
    """Check and save the sessions; returns the programme and whether a new version was made."""
    programme = get_programme(session, meeting)
    cleaned = clean_sessions(session, meeting, raw_sessions)
    known = {s["id"] for s in current_sessions(programme)} | {s["id"] for s in published_sessions(programme)}
    for item in cleaned:
        if item["id"] not in known:
            item["id"] = programme.next_session_id
            programme.next_session_id += 1
        known.add(item["id"])
    ids = [item["id"] for item in cleaned]
    if len(ids) != len(set(ids)):
        raise ProgrammeError("two sessions have the same id", fields={"sessions": "duplicate id"})
    cleaned.sort(key=lambda s: (s["starts_at"], s["id"]))
    content = {"sessions": cleaned}
    new_version = not programme.current or programme.current.content != content
    if new_version:
        programme.version += 1
        programme.versions.append(ProgrammeVersion(version=programme.version, content=content,
                                                   created_by=actor.email, created_at=utcnow()))
        programme.status = "draft"
        programme.approved_version = programme.approved_by_id = programme.approved_at = None
        approvals.supersede(session, SUBJECT, programme.id, programme.version)
    session.flush()
    Actor(id=actor.id, label=actor.email).record(session, "programme.save", object_type=SUBJECT,
                                                 object_id=programme.id,
                                                 details={"version": programme.version, "new_version": new_version})
    return programme, new_version


def eligible_approvers(meeting: Meeting) -> list[User]:
    """Who may sign off a programme: the meeting's President and Co-Chairs."""
    return meeting.approvers()


def editors(session: Session, programme: Programme) -> set[str]:
    """Who wrote the versions no approval covers yet (nobody approves a version they edited)."""
    return approvals.editors_since_approval(session, SUBJECT, programme.id, programme.version,
                                            {v.version: v.created_by for v in programme.versions},
                                            settled=programme.published_version)


def submit(session: Session, secret_key: str, programme: Programme, approver_ids: list[int] | None,
           requested_by: User) -> list[tuple[approvals.ApprovalRequest, str]]:
    """Ask office holders (the President when none are named) to approve the current version."""
    if programme.version == 0 or not programme.current:
        raise ProgrammeError("build the programme before submitting it")
    if programme.approved_version == programme.version:
        raise ProgrammeError("this version is already approved", status=409)
    if objections(session, programme):
        raise ProgrammeError(f"changes were requested on version {programme.version}: save the changes (a new "
                             f"version) before asking for approval again", status=409)
    holders = {user.id: user for user in eligible_approvers(programme.meeting)}
    wanted = list(dict.fromkeys(approver_ids or []))
    if not wanted:
        president = programme.meeting.president()
        if president is None:
            raise ProgrammeError("this meeting has no President: name the approvers",
                                 fields={"approver_ids": "required"})
        wanted = [president.id]
    strangers = [i for i in wanted if i not in holders]
    if strangers:
        raise ProgrammeError("approvers are the meeting's President and Co-Chairs",
                             fields={"approver_ids": f"not an office holder of this meeting: {strangers[:5]}"})
    wrote = editors(session, programme)
    sent = []
    for user_id in wanted:
        approver = holders[user_id]
        if approver.email in wrote:
            raise ProgrammeError(f"{approver.display_name} edited this version and cannot approve it",
                                 fields={"approver_ids": "edited this version"})
        sent.append(approvals.request_approval(session, secret_key, subject_type=SUBJECT, subject_id=programme.id,
                                               version=programme.version, approver=approver,
                                               requested_by=requested_by))
    programme.status = "in_review"
    session.flush()
    return sent


def pending_request(session: Session, programme: Programme, approver: User) -> approvals.ApprovalRequest | None:
    """The approver's open request for the current version, if any."""
    return next((r for r in approvals.requests_for(session, SUBJECT, programme.id, programme.version)
                 if r.approver_id == approver.id and r.is_open), None)


def record_decision(session: Session, programme: Programme, request: approvals.ApprovalRequest, decision: str,
                    comment: str = "", via: str = "link", actor: User | None = None) -> Programme:
    """Apply an office holder's decision; approval covers exactly the request's version."""
    if request.approver is not None and request.approver.email in editors(session, programme):
        raise approvals.ApprovalError("nobody approves a version they edited", 403)
    if request.approver_id not in {u.id for u in eligible_approvers(programme.meeting)}:
        raise approvals.ApprovalError("only the meeting's President and Co-Chairs approve its programme", 403)
    approvals.decide(session, request, decision, current_version=programme.version, comment=comment, via=via,
                     actor=actor)
    # One approval is enough, but any request for changes on this version outweighs it (even one
    # that comes after another office holder's approval): approvals.is_approved says which.
    if approvals.is_approved(session, SUBJECT, programme.id, programme.version):
        if programme.approved_version != programme.version:
            programme.approved_version, programme.approved_by_id = request.version, request.approver_id
            programme.approved_at = request.decided_at
        if programme.published_version != programme.version:
            programme.status = "approved"
    else:
        programme.approved_version = programme.approved_by_id = programme.approved_at = None
        if programme.published_version != programme.version:
            programme.status = "draft" if objections(session, programme) else "in_review"
    session.flush()
    return programme


def objections(session: Session, programme: Programme) -> list[approvals.ApprovalRequest]:
    """The requests for changes on the current version (each blocks its approval and publication)."""
    return [r for r in approvals.requests_for(session, SUBJECT, programme.id, programme.version)
            if r.status == "changes_requested"]


def people_to_tell(session: Session, programme: Programme, request: approvals.ApprovalRequest) -> list[User]:
    """Who is emailed an office holder's decision: whoever asked for approval and the officers who wrote
    the programme's versions; active officers only, never the approver, each once."""
    people: dict[int, User] = {}
    asked = session.get(User, request.requested_by_id) if request.requested_by_id else None
    writers = session.scalars(select(User).where(User.email.in_({v.created_by for v in programme.versions})))
    for user in ([asked] if asked else []) + list(writers):
        if user.active and user.id != request.approver_id and user.has_role("officer"):
            people.setdefault(user.id, user)
    return list(people.values())


def kept_cancellations(cancelled: list[dict], now: dt.datetime) -> list[dict]:
    """The cancelled sessions programme.ics still lists (CANCELLED_KEEP_DAYS, MAX_CANCELLED), oldest first."""
    horizon = now - dt.timedelta(days=CANCELLED_KEEP_DAYS)
    recent = [item for item in cancelled if moment_of(item["ends_at"]) >= horizon]
    return recent[-MAX_CANCELLED:]


def publish(session: Session, programme: Programme, actor: User) -> list[dict]:
    """Publish the approved current version; returns what changed since the last publication.

    The SEQUENCE of every session the publication touched goes up, so calendars replace it."""
    if objections(session, programme):
        raise ProgrammeError(f"changes were requested on version {programme.version}: it cannot be published",
                             status=409)
    if programme.version == 0 or programme.approved_version != programme.version:
        raise ProgrammeError("only an approved version can be published: submit it and wait for approval",
                             status=409)
    if programme.published_version == programme.version:
        raise ProgrammeError(f"version {programme.version} is already published", status=409)
    before, after = published_sessions(programme), current_sessions(programme)
    changes = change_log.diff(before, after)
    programme.sequences = change_log.raise_sequences(programme.sequences or {}, changes)
    removed = [dict(c["before"]) for c in changes if c["kind"] == "removed"]
    returning = {item["id"] for item in after}
    now = utcnow()
    programme.cancelled = kept_cancellations(
        [c for c in (programme.cancelled or []) if c["id"] not in returning] + removed, now)
    programme.published_version, programme.published_at = programme.version, now
    programme.status, programme.last_changes = "published", changes
    session.flush()
    Actor(id=actor.id, label=actor.email).record(session, "programme.publish", object_type=SUBJECT,
                                                 object_id=programme.id,
                                                 details={"version": programme.version, "changes": len(changes)})
    return changes


def programmes_awaiting(session: Session, approver: User) -> list[Programme]:
    """Programmes whose current version waits for this approver's decision (for approval dashboards)."""
    requests = select(approvals.ApprovalRequest).where(approvals.ApprovalRequest.subject_type == SUBJECT,
                                                       approvals.ApprovalRequest.approver_id == approver.id,
                                                       approvals.ApprovalRequest.status == "pending")
    found = []
    for request in session.scalars(requests):
        programme = session.get(Programme, request.subject_id)
        if programme and request.version == programme.version and request.is_open and programme not in found:
            found.append(programme)
    return found


def sequence_of(programme: Programme, session_id) -> int:
    """A published session's ICS SEQUENCE."""
    return int((programme.sequences or {}).get(str(session_id), 0))


def programme_to_dict(programme: Programme | None, meeting: Meeting, *, published: bool = False) -> dict:
    """the API contract's programme object: the current (or published) sessions with the side events."""
    sessions = published_sessions(programme) if published else current_sessions(programme)
    merged = sorted(sessions + side_event_sessions(meeting), key=lambda s: (s["starts_at"], str(s["id"])))
    return {"meeting_id": meeting.id, "version": programme.version if programme else 0,
            "status": programme.status if programme else "draft",
            "approved_version": programme.approved_version if programme else None,
            "published_version": programme.published_version if programme else None,
            "sessions": merged}
