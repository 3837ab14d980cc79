"""A release's life: draft, review, approval, scheduling, embargo, publication,
correction and retraction (no Flask). docs/design/security.md items 19 and 20 are enforced here.

Rules:
- every content change is a new revision, attachments included (a new photo,
  caption or PDF: :func:`revise_attachments`); it clears approval (open links
  are superseded) and sends the release back to draft, while the public keeps
  the published revision, its text and its files;
- only approvers who did not write the release, and did not write any revision
  since the last approval, approve (docs/design/security.md item 33), and only the current
  revision (a stale one is a 409);
- publishing needs the current revision approved; an embargo in the past is
  refused; before its embargo lifts a release is nowhere public, and a
  translation waits for its original's embargo too;
- the scheduler publishes due releases by a conditional UPDATE, so each is
  published exactly once however many workers poll;
- a published release keeps its public text while a correction is drafted,
  and republishes with an "Updated" time once the correction is approved.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from comms.accounts import approvals
from comms.accounts.users import User
from comms.platform.jobs import periodic
from comms.meetings.service import Meeting
from comms.releases.service import ATTACHMENTS, LANGUAGES, Release, ReleaseError, ReleaseRevision, clean_content, embargo_lifted, slugify
from contacts.text import single_line_problem
from contacts.vocab import fold
from storage.audit import Actor
from storage.db import utcnow

SUBJECT = "release"


def _actor(user: User | None) -> Actor:
    return Actor(id=user.id, label=user.email) if user else Actor(label="scheduler")


def _check_future(moment: dt.datetime | None, field: str) -> None:
    if moment is None:
        return
    if moment.tzinfo is None:
        raise ReleaseError(f"{field} needs a time zone", {field: "include an offset, e.g. +01:00"}, 400)
    if moment <= utcnow():
        raise ReleaseError(f"{field} is in the past", {field: "must be in the future"}, 400)


def _check_meeting(session: Session, meeting_id) -> None:
    if meeting_id is not None and session.get(Meeting, meeting_id) is None:
        raise ReleaseError("that meeting does not exist", {"meeting_id": "unknown"})


def _check_slug(raw: dict) -> None:
    problem = single_line_problem(str(raw.get("slug") or ""))
    if problem:
        raise ReleaseError("some fields are not valid", {"slug": problem})


def _notify_flag(value) -> bool:
    """``notify_subscribers`` as given: a boolean, nothing else."""
    if not isinstance(value, bool):
        raise ReleaseError("some fields are not valid", {"notify_subscribers": "true or false"})
    return value


def _unique_slug(session: Session, base: str, language: str) -> str:
    slug, number = base, 2
    while session.scalar(select(Release.id).where(Release.slug == slug, Release.language == language)):
        slug, number = f"{base}-{number}", number + 1
    return slug


def create_release(session: Session, raw: dict, author: User) -> Release:
    """A new draft (revision 1); ``translation_of`` links it to an original."""
    language = (raw.get("language") or "en").lower()
    if language not in LANGUAGES:
        raise ReleaseError(f"language must be one of {', '.join(LANGUAGES)}", {"language": "unknown"})
    content = clean_content(raw)
    _check_slug(raw)
    original = None
    if raw.get("translation_of"):
        original = session.get(Release, raw["translation_of"])
        if original is None:
            raise ReleaseError("the original release does not exist", {"translation_of": "unknown"})
        if original.translation_of_id:
            original = session.get(Release, original.translation_of_id)
        if session.scalar(select(Release.id).where(Release.language == language, (
                Release.id == original.id) | (Release.translation_of_id == original.id))):
            raise ReleaseError(f"there is already a {language} version", {"language": "exists"}, 409)
    _check_future(raw.get("embargo_until"), "embargo_until")
    _check_meeting(session, raw.get("meeting_id"))
    slug = original.slug if original else _unique_slug(session, slugify(raw.get("slug") or content["headline"]),
                                                       language)
    release = Release(slug=slug, language=language, translation_of_id=original.id if original else None,
                      meeting_id=raw.get("meeting_id") or (original.meeting_id if original else None),
                      author_id=author.id, status="draft", revision=1, embargo_until=raw.get("embargo_until"),
                      approval_policy=raw.get("approval_policy") or "any",
                      notify_subscribers=_notify_flag(raw.get("notify_subscribers", True)),
                      created_at=utcnow(), updated_at=utcnow())
    release.revisions.append(ReleaseRevision(number=1, content=content, author_label=author.email,
                                             created_at=utcnow()))
    session.add(release)
    session.flush()
    _actor(author).record(session, "release.create", object_type=SUBJECT, object_id=release.id,
                          details={"language": language})
    return release


def update_release(session: Session, release: Release, raw: dict, editor: User) -> bool:
    """Apply changes; content changes make a new revision and clear approval. Returns True if a revision was made."""
    if release.status == "retracted":
        raise ReleaseError("a retracted release cannot be edited", status=409)
    if "embargo_until" in raw and raw["embargo_until"] != release.embargo_until:
        _check_future(raw["embargo_until"], "embargo_until")
        if release.status == "scheduled":
            raise ReleaseError("unschedule the release before changing its embargo", status=409)
        release.embargo_until = raw["embargo_until"]
    _check_slug(raw)
    if raw.get("slug") and raw["slug"] != release.slug:
        if release.slug_locked:
            raise ReleaseError("the slug is fixed once published", {"slug": "locked"}, 409)
        release.slug = _unique_slug(session, slugify(raw["slug"]), release.language)
    if "meeting_id" in raw:
        _check_meeting(session, raw["meeting_id"])
        release.meeting_id = raw["meeting_id"]
    if raw.get("approval_policy") in ("any", "all"):
        release.approval_policy = raw["approval_policy"]
    if "notify_subscribers" in raw:
        release.notify_subscribers = _notify_flag(raw["notify_subscribers"])
    content = clean_content(raw, release.content())
    if content == release.content():
        release.updated_at = utcnow()
        return False
    _new_revision(session, release, content, editor)
    return True


def revise_attachments(session: Session, release: Release, attachments: dict, editor: User) -> bool:
    """Make a revision naming these attachments (comms.releases.files calls this); True if they changed.

    Attachments are content: like a text edit, the change clears approval and the
    public keeps the published revision's files until the new revision is approved
    and published (docs/design/security.md item 32)."""
    if release.status == "retracted":
        raise ReleaseError("a retracted release cannot be edited", status=409)
    content = {key: value for key, value in release.content().items() if key != ATTACHMENTS}
    if attachments:
        content[ATTACHMENTS] = attachments
    if content == release.content():
        return False
    _new_revision(session, release, content, editor)
    return True


def _new_revision(session: Session, release: Release, content: dict, editor: User) -> None:
    release.revision += 1
    release.revisions.append(ReleaseRevision(number=release.revision, content=content, author_label=editor.email,
                                             created_at=utcnow()))
    release.approved_revision = None
    if release.status in ("in_review", "approved", "scheduled", "published"):
        release.status, release.publish_at = "draft", None
    approvals.supersede(session, SUBJECT, release.id, release.revision)
    release.updated_at = utcnow()
    session.flush()
    _actor(editor).record(session, "release.revise", object_type=SUBJECT, object_id=release.id,
                          details={"revision": release.revision})


def editors_since_approval(session: Session, release: Release) -> set[str]:
    """Who wrote the revisions no approval has covered yet (their email, the revision's author
    label; a user's email never changes): see approvals.editors_since_approval."""
    return approvals.editors_since_approval(session, SUBJECT, release.id, release.revision,
                                            {item.number: item.author_label for item in release.revisions},
                                            settled=release.published_revision)


def approval_refusal(session: Session, release: Release, user: User) -> str | None:
    """Why ``user`` may not approve the current revision, or None: nobody approves a release
    they wrote, nor a revision they edited (docs/design/security.md items 19, 33)."""
    if user.id == release.author_id:
        return "nobody approves a release they wrote"
    if user.email in editors_since_approval(session, release):
        return "nobody approves a revision they edited"
    return None


def default_approvers(release: Release) -> list[User]:
    """The meeting's office holders, when the release belongs to a meeting."""
    return release.meeting.approvers() if release.meeting else []


def submit(session: Session, secret_key: str, release: Release, approvers: list[User], submitter: User,
           policy: str | None = None) -> list[tuple[approvals.ApprovalRequest, str]]:
    """Ask approvers to approve the current revision; returns requests with their link tokens."""
    if release.status not in ("draft",):
        raise ReleaseError(f"only a draft can be submitted (this one is {release.status})", status=409)
    approvers = [a for a in approvers if approval_refusal(session, release, a) is None]
    if not approvers:
        raise ReleaseError("choose at least one approver who did not write or edit the release",
                           {"approver_ids": "empty"})
    if policy in ("any", "all"):
        release.approval_policy = policy
    requests = [approvals.request_approval(session, secret_key, subject_type=SUBJECT, subject_id=release.id,
                                           version=release.revision, approver=approver, requested_by=submitter)
                for approver in approvers]
    release.status = "in_review"
    release.updated_at = utcnow()
    return requests


def decide(session: Session, release: Release, request: approvals.ApprovalRequest, decision: str, comment: str = "",
           via: str = "link", actor: User | None = None) -> Release:
    """An approver's decision; the policy decides when the release counts as approved."""
    refusal = approval_refusal(session, release, request.approver)
    if refusal:
        raise approvals.ApprovalError(refusal, 403)
    if release.status != "in_review":
        # A late link (the policy was met, or the release moved on) must never
        # send a published release back to draft or approve it a second time.
        raise approvals.ApprovalError(f"this release is no longer in review (it is {release.status})", 409)
    approvals.decide(session, request, decision, current_version=release.revision, comment=comment, via=via,
                     actor=actor)
    if decision == "changes_requested":
        release.status = "draft"
        approvals.supersede(session, SUBJECT, release.id, release.revision + 1)
    elif approvals.is_approved(session, SUBJECT, release.id, release.revision, policy=release.approval_policy):
        release.status, release.approved_revision = "approved", release.revision
        # The policy is met: the other open links for this revision have nothing left to decide.
        approvals.supersede(session, SUBJECT, release.id, release.revision + 1)
    release.updated_at = utcnow()
    return release


def open_request_for(session: Session, release: Release, user: User) -> approvals.ApprovalRequest | None:
    """The user's pending request for the current revision, if any."""
    return session.scalar(select(approvals.ApprovalRequest).where(
        approvals.ApprovalRequest.subject_type == SUBJECT, approvals.ApprovalRequest.subject_id == release.id,
        approvals.ApprovalRequest.version == release.revision, approvals.ApprovalRequest.approver_id == user.id,
        approvals.ApprovalRequest.status == "pending"))


def publish(session: Session, release: Release, actor: User, at: dt.datetime | None = None,
            correction_note: str = "") -> Release:
    """Publish the approved revision now, at ``at``, or when the embargo lifts."""
    if release.approved_revision is None or release.approved_revision != release.revision:
        raise ReleaseError("the current revision is not approved", status=409)
    if release.status not in ("approved",):
        raise ReleaseError(f"a release that is {release.status} cannot be published", status=409)
    _check_future(at, "at")
    # A translation waits for its original's embargo too (Release.effective_embargo_until).
    due = max((t for t in (at, release.effective_embargo_until) if t is not None), default=None)
    release.correction_note = correction_note.strip() or release.correction_note
    if due is not None and due > utcnow():
        release.status, release.publish_at = "scheduled", due
        _actor(actor).record(session, "release.schedule", object_type=SUBJECT, object_id=release.id,
                             details={"at": due.isoformat(), "embargo": release.embargo_until is not None})
        return release
    _make_public(release, utcnow())
    _actor(actor).record(session, "release.publish", object_type=SUBJECT, object_id=release.id,
                         details={"revision": release.published_revision})
    return release


def _make_public(release: Release, now: dt.datetime) -> None:
    if release.first_published_at is None:
        release.first_published_at = now
    else:
        release.updated_published_at = now
    release.status, release.published_revision, release.publish_at = "published", release.approved_revision, None
    release.slug_locked = True
    content = release.content(release.published_revision)
    words = " ".join(str(content.get(f) or "") for f in ("headline", "subheadline", "body_markdown", "dateline"))
    release.public_search = fold(words)
    release.public_topics = " " + " ".join(content.get("topics") or []) + " "


@periodic("releases.publish_due")
def publish_due(runtime, now: dt.datetime | None = None) -> int:
    """Publish scheduled releases whose time has come; each exactly once."""
    now = now or utcnow()
    published = 0
    with runtime.db.transaction() as session:
        due = list(session.scalars(select(Release.id).where(Release.status == "scheduled",
                                                            Release.publish_at <= now, embargo_lifted(now))))
    for release_id in due:
        with runtime.db.transaction() as session:
            # A translation whose original's embargo was moved later stays scheduled until it lifts.
            claimed = session.execute(update(Release).where(
                Release.id == release_id, Release.status == "scheduled", Release.publish_at <= now,
                embargo_lifted(now)).values(status="publishing")).rowcount == 1
            if not claimed:
                continue  # another worker has it
            release = session.get(Release, release_id)
            session.refresh(release)
            _make_public(release, now)
            Actor(label="scheduler").record(session, "release.publish", object_type=SUBJECT, object_id=release.id,
                                            details={"revision": release.published_revision,
                                                     "embargo_lifted": release.effective_embargo_until is not None})
            published += 1
    return published


def unschedule(session: Session, release: Release, actor: User) -> Release:
    """Take a scheduled release back to approved (e.g. to change its embargo)."""
    if release.status != "scheduled":
        raise ReleaseError("only a scheduled release can be unscheduled", status=409)
    release.status, release.publish_at = "approved", None
    _actor(actor).record(session, "release.unschedule", object_type=SUBJECT, object_id=release.id)
    return release


def retract(session: Session, release: Release, actor: User, note: str) -> Release:
    """Withdraw a published release: the page stays with a notice; feeds and lists drop it."""
    if release.published_revision is None:
        raise ReleaseError("only a published release can be retracted", status=409)
    if not note.strip():
        raise ReleaseError("say why the release is retracted", {"note": "required"})
    release.status, release.retracted_at, release.retraction_note = "retracted", utcnow(), note.strip()
    _actor(actor).record(session, "release.retract", object_type=SUBJECT, object_id=release.id)
    return release
