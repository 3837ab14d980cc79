"""Approvals by office holders, for strategies and releases alike (no Flask).

An approval request is bound to one version of one subject (a strategy
version, a release revision). Each approver gets a link carrying a token that
is signed (itsdangerous, so a forged or altered link fails before any lookup),
expires, and works once. Changing the subject's content supersedes every open
request and clears approvals of older versions: sign-off always names the exact
text that was approved.

Who may approve is checked when the link or the button is *used*, not only when
it was sent (docs/design/security.md item 33): an approver who has since been deactivated or has
lost the approver role decides nothing, whatever link they kept.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import ForeignKey, Integer, String, Text, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from comms.platform.errors import DomainError
from comms.accounts.users import User
from comms.platform.jobs import job
from comms.platform.mail import MailError
from comms.platform.notifications import send_email
from storage.audit import Actor
from storage.db import Base, UTCDateTime, utcnow

log = logging.getLogger("pressroom.jobs")

LINK_LIFETIME = dt.timedelta(days=7)
DECISIONS = ("approved", "changes_requested")
APPROVER_ROLES = ("approver",)
MAX_COMMENT = 5_000  # admins hold every role (User.has_role)


class ApprovalError(DomainError):
    """An approval step was refused; ``status`` is the HTTP status it maps to."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message, status)


class AlreadyDecided(ApprovalError):
    """A link used again: ``request`` says what was decided, by whom and when (410)."""

    def __init__(self, request: "ApprovalRequest"):
        super().__init__("this approval link has already been used", 410)
        self.request = request


class ApprovalRequest(Base):
    """One approver asked to approve one version of one subject."""

    __tablename__ = "approval_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    subject_type: Mapped[str] = mapped_column(String(30), index=True)
    subject_id: Mapped[int] = mapped_column(Integer, index=True)
    version: Mapped[int] = mapped_column(Integer)
    approver_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    nonce_hash: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending|approved|changes_requested|superseded
    comment: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    decided_via: Mapped[str | None] = mapped_column(String(20), nullable=True)  # link | staff | api
    # Why the email with the link could not be sent (None: sent or on its way).
    email_error: Mapped[str | None] = mapped_column(Text, nullable=True)

    approver: Mapped[User] = relationship(foreign_keys=[approver_id])

    @property
    def is_open(self) -> bool:
        """Pending and not expired."""
        return self.status == "pending" and self.expires_at > utcnow()


def _digest(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="pressroom-approval")


def request_approval(session: Session, secret_key: str, *, subject_type: str, subject_id: int, version: int,
                     approver: User, requested_by: User | None, lifetime: dt.timedelta = LINK_LIFETIME,
                     ) -> tuple[ApprovalRequest, str]:
    """Ask ``approver`` to approve this version; returns the request and its link token."""
    if not approver.active or not approver.has_role(*APPROVER_ROLES):
        raise ApprovalError(f"{approver.display_name} cannot approve (needs the approver role)", 422)
    if requested_by is not None and requested_by.id == approver.id:
        raise ApprovalError("nobody approves their own work", 422)
    nonce = secrets.token_urlsafe(24)
    request = ApprovalRequest(subject_type=subject_type, subject_id=subject_id, version=version,
                              approver_id=approver.id, requested_by_id=requested_by.id if requested_by else None,
                              nonce_hash=_digest(nonce), status="pending", created_at=utcnow(),
                              expires_at=utcnow() + lifetime)
    session.add(request)
    session.flush()
    token = _serializer(secret_key).dumps({"r": request.id, "v": version, "n": nonce})
    Actor(id=requested_by.id if requested_by else None, label=requested_by.email if requested_by else "system").record(
        session, "approval.request", object_type=subject_type, object_id=subject_id,
        details={"version": version, "approver_id": approver.id})
    return request, token


def request_for_token(session: Session, secret_key: str, token: str) -> ApprovalRequest:
    """The request behind a link; ApprovalError if forged, expired, used or superseded."""
    try:
        data = _serializer(secret_key).loads(token, max_age=int(LINK_LIFETIME.total_seconds()))
    except SignatureExpired:
        raise ApprovalError("this approval link has expired", 410) from None
    except BadSignature:
        raise ApprovalError("this approval link is not valid", 404) from None
    if not isinstance(data, dict) or not {"r", "v", "n"} <= set(data):
        raise ApprovalError("this approval link is not valid", 404)
    request = session.get(ApprovalRequest, data["r"])
    if request is None or not secrets.compare_digest(request.nonce_hash, _digest(str(data["n"]))) \
            or request.version != data["v"]:
        raise ApprovalError("this approval link is not valid", 404)
    if request.status == "superseded":
        raise ApprovalError("the text changed after this link was sent; a newer version needs approval", 409)
    if request.status != "pending":
        raise AlreadyDecided(request)
    if request.expires_at <= utcnow():
        raise ApprovalError("this approval link has expired", 410)
    check_approver(request)
    return request


def check_approver(request: ApprovalRequest) -> None:
    """ApprovalError 403 unless the request's approver may approve *now*: an active account
    that still holds the approver role (it may have changed since the link was sent)."""
    approver = request.approver
    if approver is None or not approver.active:
        raise ApprovalError("this approver's account is no longer active; the link cannot be used", 403)
    if not approver.has_role(*APPROVER_ROLES):
        raise ApprovalError("this person no longer holds the approver role; the link cannot be used", 403)


def decide(session: Session, request: ApprovalRequest, decision: str, *, current_version: int, comment: str = "",
           via: str = "link", actor: User | None = None) -> ApprovalRequest:
    """Record an approver's decision on a request, once.

    ``current_version`` is the subject's version now: deciding on an older one
    is a conflict (409), whatever the link says.
    """
    if decision not in DECISIONS:
        raise ApprovalError(f"decision must be one of {', '.join(DECISIONS)}", 422)
    if actor is not None and actor.id != request.approver_id:
        raise ApprovalError("this request is addressed to someone else", 403)
    if request.version != current_version:
        raise ApprovalError(f"version {request.version} is no longer current (now {current_version})", 409)
    if request.status != "pending":
        raise ApprovalError("this request has already been decided", 409)
    if decision == "changes_requested" and not comment.strip():
        raise ApprovalError("say what should change", 422)
    if len(comment) > MAX_COMMENT:
        # It is emailed to the press office: a comment, not a document.
        raise ApprovalError(f"keep the comment under {MAX_COMMENT:,} characters", 422)
    check_approver(request)
    # Single use even under a double click: only one UPDATE can see it pending.
    claimed = session.execute(update(ApprovalRequest).where(ApprovalRequest.id == request.id,
                                                            ApprovalRequest.status == "pending")
                              .values(status=decision, decided_at=utcnow(), comment=comment.strip(), decided_via=via))
    if claimed.rowcount != 1:
        raise ApprovalError("this request has already been decided", 409)
    session.refresh(request)
    approver = request.approver
    Actor(id=approver.id, label=approver.email).record(
        session, f"approval.{decision}", object_type=request.subject_type, object_id=request.subject_id,
        details={"version": request.version, "via": via})
    return request


def record_email_failure(session: Session, request_id: int, reason: str) -> None:
    """The approver was never emailed the link: say so on the request and in the subject's audit trail."""
    request = session.get(ApprovalRequest, request_id)
    if request is None:
        return
    request.email_error = reason or "the email could not be sent"
    Actor(label="mailer").record(session, "approval.email_failed", object_type=request.subject_type,
                                 object_id=request.subject_id,
                                 details={"version": request.version, "approver_id": request.approver_id,
                                          "reason": request.email_error})


def supersede(session: Session, subject_type: str, subject_id: int, new_version: int) -> int:
    """Content changed: open requests for older versions can no longer be used."""
    result = session.execute(update(ApprovalRequest).where(
        ApprovalRequest.subject_type == subject_type, ApprovalRequest.subject_id == subject_id,
        ApprovalRequest.version < new_version, ApprovalRequest.status == "pending").values(status="superseded"))
    return result.rowcount


def requests_for(session: Session, subject_type: str, subject_id: int, version: int | None = None
                 ) -> list[ApprovalRequest]:
    """Requests for a subject (one version, or all), newest first."""
    query = select(ApprovalRequest).where(ApprovalRequest.subject_type == subject_type,
                                          ApprovalRequest.subject_id == subject_id)
    if version is not None:
        query = query.where(ApprovalRequest.version == version)
    return list(session.scalars(query.order_by(ApprovalRequest.created_at.desc(), ApprovalRequest.id.desc())))


def open_requests_for(session: Session, approver: User, subject_type: str) -> list[ApprovalRequest]:
    """The approver's pending, unexpired requests about one kind of subject, oldest first."""
    return list(session.scalars(select(ApprovalRequest).where(
        ApprovalRequest.approver_id == approver.id, ApprovalRequest.subject_type == subject_type,
        ApprovalRequest.status == "pending", ApprovalRequest.expires_at > utcnow())
        .order_by(ApprovalRequest.created_at, ApprovalRequest.id)))


def last_seen_version(session: Session, request: ApprovalRequest) -> int | None:
    """The newest earlier version this approver was asked about (so saw), or None: the approval
    page shows what changed since then."""
    return session.scalar(select(ApprovalRequest.version).where(
        ApprovalRequest.subject_type == request.subject_type, ApprovalRequest.subject_id == request.subject_id,
        ApprovalRequest.approver_id == request.approver_id, ApprovalRequest.version < request.version)
        .order_by(ApprovalRequest.version.desc()).limit(1))


def editors_since_approval(session: Session, subject_type: str, subject_id: int, current_version: int,
                           authors: dict[int, str], settled: int | None = None) -> set[str]:
    """Who wrote the versions no approval covers yet: ``authors`` (version -> author label) of
    every version after the newest earlier one that an approver approved (or ``settled``, one
    known to be approved, e.g. published), the current version always included.

    Nobody approves a version they edited (docs/design/security.md item 33); both subjects use this."""
    approved = {r.version for r in requests_for(session, subject_type, subject_id) if r.status == "approved"}
    base = max((v for v in approved | {settled or 0} if v < current_version), default=0)
    return {label for number, label in authors.items() if number > base}


def is_approved(session: Session, subject_type: str, subject_id: int, version: int, *, policy: str = "any") -> bool:
    """Whether this version is approved: by any one approver, or by all who were asked."""
    requests = [r for r in requests_for(session, subject_type, subject_id, version) if r.status != "superseded"]
    if not requests or any(r.status == "changes_requested" for r in requests):
        return False
    approved_by = {r.approver_id for r in requests if r.status == "approved"}
    if policy == "all":
        return approved_by == {r.approver_id for r in requests}
    return bool(approved_by)


@job("approval.email")
def send_approval_email(runtime, request_id: int, to_email: str, subject: str, text: str, html: str | None = None,
                        to_name: str = "") -> str:
    """Send an approval request's email. A failure is never silent: it is logged, recorded on the
    request (the release or strategy page shows it) and raised for the queue."""
    try:
        return send_email(runtime, to_email, subject, text, html, to_name)
    except Exception as exc:
        # Our own MailError messages name the problem without the address; others by their type.
        reason = str(exc)[:300] if isinstance(exc, MailError) else type(exc).__name__
        log.error("approval request %s: the email could not be sent: %s", request_id, reason)
        with runtime.db.transaction() as session:
            record_email_failure(session, request_id, reason)
        raise
