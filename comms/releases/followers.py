"""Officers who follow a release, and who hears about an approver's decision (no Flask).

The author always hears; other officers follow a release to hear too (a button on its
page), and whoever submitted a revision for approval follows it from then on, since
they are waiting for the answer.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, UniqueConstraint, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from comms.accounts import approvals
from comms.accounts.users import User
from comms.releases.service import Release
from storage.db import Base, UTCDateTime, utcnow

SUBJECT = "release"


class ReleaseFollower(Base):
    """One officer following one release."""

    __tablename__ = "release_followers"
    __table_args__ = (UniqueConstraint("release_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(ForeignKey("releases.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


def is_following(session: Session, release: Release, user: User) -> bool:
    """Whether ``user`` follows ``release`` explicitly."""
    return session.scalar(select(ReleaseFollower.id).where(ReleaseFollower.release_id == release.id,
                                                           ReleaseFollower.user_id == user.id)) is not None


def follow(session: Session, release: Release, user: User) -> bool:
    """Follow the release (once); True if this made a new follower."""
    if is_following(session, release, user):
        return False
    session.add(ReleaseFollower(release_id=release.id, user_id=user.id, created_at=utcnow()))
    session.flush()
    return True


def unfollow(session: Session, release: Release, user: User) -> bool:
    """Stop following; True if the user was following."""
    result = session.execute(delete(ReleaseFollower).where(ReleaseFollower.release_id == release.id,
                                                           ReleaseFollower.user_id == user.id))
    return bool(result.rowcount)


def followed_release_ids(session: Session, user: User) -> set[int]:
    """Releases the user wrote, follows, or submitted for approval."""
    ids = set(session.scalars(select(Release.id).where(Release.author_id == user.id)))
    ids |= set(session.scalars(select(ReleaseFollower.release_id).where(ReleaseFollower.user_id == user.id)))
    ids |= set(session.scalars(select(approvals.ApprovalRequest.subject_id).where(
        approvals.ApprovalRequest.subject_type == SUBJECT, approvals.ApprovalRequest.requested_by_id == user.id)))
    return ids


def people_to_tell(session: Session, release: Release, decided_by: User | None = None) -> list[User]:
    """Who is emailed an approver's decision: the author, the followers and whoever submitted it for
    approval; active accounts only, never the approver who decided, each person once."""
    ids: list[int] = [release.author_id] if release.author_id else []
    ids += list(session.scalars(select(ReleaseFollower.user_id).where(ReleaseFollower.release_id == release.id)
                                .order_by(ReleaseFollower.id)))
    ids += [uid for uid in session.scalars(select(approvals.ApprovalRequest.requested_by_id).where(
        approvals.ApprovalRequest.subject_type == SUBJECT, approvals.ApprovalRequest.subject_id == release.id)
        .order_by(approvals.ApprovalRequest.id)) if uid]
    people = []
    for user_id in dict.fromkeys(ids):
        user = session.get(User, user_id)
        if user is not None and user.active and (decided_by is None or user.id != decided_by.id):
            people.append(user)
    return people
