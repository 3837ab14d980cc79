"""Communication strategies for meetings: versioned, signed off by the President (no Flask).

Every save whose content differs makes a new version. Sign-off goes through
comms.accounts.approvals and names one version; saving new content supersedes open
approval links and clears the sign-off, so "approved" always means this text.
Milestone progress (status, linked release) is tracking, not content: it can
change without a new version.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from comms.platform.errors import DomainError
from comms.accounts import approvals
from comms.accounts.users import User
from comms.meetings.service import Meeting
from storage.audit import Actor
from storage.db import Base, UTCDateTime, utcnow

CHANNELS = ("press_release", "media_advisory", "press_conference", "interviews", "web", "social",
            "side_event_programme")
MILESTONE_STATUSES = ("planned", "in_progress", "done", "cancelled")
SUBJECT = "strategy"
CONTENT_KEYS = ("objectives", "key_messages", "audiences", "channels", "spokespersons", "risks")
KEEP = object()  # "leave this field as it is"


class StrategyError(DomainError):
    """Strategy input was refused; ``fields`` says where."""

    def __init__(self, message: str, fields: dict | None = None):
        super().__init__(message, fields=fields)


class Strategy(Base):
    """A meeting's communication strategy (one per meeting)."""

    __tablename__ = "strategies"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), unique=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    approved_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    approved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    meeting: Mapped[Meeting] = relationship()
    approved_by: Mapped[User | None] = relationship()
    versions: Mapped[list["StrategyVersion"]] = relationship(cascade="all, delete-orphan",
                                                             order_by="StrategyVersion.version")
    milestones: Mapped[list["Milestone"]] = relationship(cascade="all, delete-orphan",
                                                         order_by=lambda: [Milestone.due_on, Milestone.id])

    @property
    def current(self) -> "StrategyVersion | None":
        """The newest version."""
        return self.versions[-1] if self.versions else None

    @property
    def is_signed_off(self) -> bool:
        """True when the current version is the approved one."""
        return self.approved_version is not None and self.approved_version == self.version


class StrategyVersion(Base):
    """The content of a strategy at one version."""

    __tablename__ = "strategy_versions"
    __table_args__ = (UniqueConstraint("strategy_id", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    strategy_id: Mapped[int] = mapped_column(ForeignKey("strategies.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(200), default="system")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Milestone(Base):
    """A dated step of the strategy, with an owner, a status and maybe a release."""

    __tablename__ = "milestones"

    id: Mapped[int] = mapped_column(primary_key=True)
    strategy_id: Mapped[int] = mapped_column(ForeignKey("strategies.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    due_on: Mapped[dt.date] = mapped_column(Date, index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="planned")
    release_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    reminder_sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    owner: Mapped[User | None] = relationship()
    strategy: Mapped[Strategy] = relationship(back_populates="milestones")


def _text_list(value, name: str, errors: dict) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        errors[name] = "must be a list of texts"
        return []
    return [v.strip() for v in value if v.strip()]


def clean_content(raw: dict, known_languages: list[str]) -> dict:
    """Validate a strategy's versioned content; raises StrategyError naming the fields."""
    errors: dict[str, str] = {}
    content = {
        "objectives": _text_list(raw.get("objectives"), "objectives", errors),
        "spokespersons": _text_list(raw.get("spokespersons"), "spokespersons", errors),
        "risks": _text_list(raw.get("risks"), "risks", errors),
        "channels": _text_list(raw.get("channels"), "channels", errors),
    }
    unknown = [c for c in content["channels"] if c not in CHANNELS]
    if unknown:
        errors["channels"] = f"unknown channels {unknown}; choose from {', '.join(CHANNELS)}"
    messages = []
    for position, item in enumerate(raw.get("key_messages") or []):
        if isinstance(item, str):
            item = {"text": item, "language": "en"}
        if not isinstance(item, dict) or not str(item.get("text", "")).strip():
            errors["key_messages"] = "each key message needs a text"
            continue
        language = str(item.get("language") or "en").lower()
        if language not in known_languages:
            errors["key_messages"] = f"language {language!r} is not one of the meeting's {known_languages}"
        messages.append({"language": language, "text": str(item["text"]).strip(), "position": position})
    content["key_messages"] = messages
    audiences = []
    for item in raw.get("audiences") or []:
        if isinstance(item, dict) and item.get("type") in ("list", "segment") and isinstance(item.get("id"), int):
            audiences.append({"type": item["type"], "id": item["id"], "name": str(item.get("name", ""))})
        elif isinstance(item, str) and item.strip():
            audiences.append({"type": "text", "name": item.strip()})
        else:
            errors["audiences"] = "each audience is a list, a segment or a description"
    content["audiences"] = audiences
    if errors:
        raise StrategyError("some fields are not valid", errors)
    return content


def clean_milestones(session: Session, raw: list | None) -> list[dict]:
    """Validate milestones: title, due date, owner (a user), status, optional release id."""
    errors: dict[str, str] = {}
    cleaned = []
    for index, item in enumerate(raw or []):
        if not isinstance(item, dict) or not str(item.get("title", "")).strip():
            errors[f"milestones[{index}]"] = "needs a title"
            continue
        try:
            due = item["due_on"] if isinstance(item.get("due_on"), dt.date) else dt.date.fromisoformat(
                str(item.get("due_on")))
        except ValueError:
            errors[f"milestones[{index}]"] = "needs a due date (YYYY-MM-DD)"
            continue
        owner_id = item.get("owner_id")
        if owner_id is not None and session.get(User, owner_id) is None:
            errors[f"milestones[{index}]"] = f"no user {owner_id}"
        status = item.get("status") or "planned"
        if status not in MILESTONE_STATUSES:
            errors[f"milestones[{index}]"] = f"status must be one of {', '.join(MILESTONE_STATUSES)}"
        cleaned.append({"id": item.get("id"), "title": str(item["title"]).strip(), "due_on": due,
                        "owner_id": owner_id, "status": status,
                        # Absent means "keep the linked release", so a PUT without it unlinks nothing.
                        "release_id": item["release_id"] if "release_id" in item else KEEP})
    if errors:
        raise StrategyError("some milestones are not valid", errors)
    return cleaned


def get_strategy(session: Session, meeting: Meeting) -> Strategy:
    """The meeting's strategy, created empty (version 0) if it has none."""
    strategy = session.scalar(select(Strategy).where(Strategy.meeting_id == meeting.id))
    if strategy is None:
        strategy = Strategy(meeting=meeting, meeting_id=meeting.id, version=0)
        session.add(strategy)
        session.flush()
    return strategy


def _plan(milestones) -> list[tuple]:
    """The versioned part of milestones: what, when, who."""
    return sorted((m["title"], m["due_on"].isoformat(), m["owner_id"]) for m in milestones)


def save_strategy(session: Session, meeting: Meeting, raw: dict, actor: User) -> tuple[Strategy, bool]:
    """Save content and milestones; returns the strategy and whether a new version was made."""
    strategy = get_strategy(session, meeting)
    content = clean_content(raw, meeting.languages)
    milestones = clean_milestones(session, raw.get("milestones"))
    content["milestone_plan"] = [list(item) for item in _plan(milestones)]
    current = strategy.current.content if strategy.current else None
    new_version = current != content
    if new_version:
        strategy.version += 1
        strategy.versions.append(StrategyVersion(version=strategy.version, content=content, created_by=actor.email,
                                                 created_at=utcnow()))
        # Any change of content clears sign-off and kills links for older versions.
        strategy.approved_version = strategy.approved_by_id = strategy.approved_at = None
        approvals.supersede(session, SUBJECT, strategy.id, strategy.version)
    _sync_milestones(strategy, milestones)
    session.flush()
    Actor(id=actor.id, label=actor.email).record(session, "strategy.save", object_type=SUBJECT,
                                                 object_id=strategy.id, details={"version": strategy.version,
                                                                                 "new_version": new_version})
    return strategy, new_version


def _sync_milestones(strategy: Strategy, wanted: list[dict]) -> None:
    existing = {m.id: m for m in strategy.milestones}
    kept = []
    for item in wanted:
        milestone = existing.get(item["id"]) if item["id"] else None
        if milestone is None:
            milestone = Milestone(title=item["title"], due_on=item["due_on"])
        if milestone.due_on != item["due_on"] or milestone.owner_id != item["owner_id"]:
            milestone.reminder_sent_at = None  # a new date or owner deserves a new reminder
        milestone.title, milestone.due_on = item["title"], item["due_on"]
        milestone.owner_id, milestone.status = item["owner_id"], item["status"]
        if item["release_id"] is not KEEP:
            milestone.release_id = item["release_id"]
        kept.append(milestone)
    strategy.milestones = kept


def request_sign_off(session: Session, secret_key: str, strategy: Strategy, requested_by: User
                     ) -> tuple[approvals.ApprovalRequest, str]:
    """Ask the meeting's President to sign off the current version."""
    if strategy.version == 0:
        raise StrategyError("write the strategy before asking for sign-off")
    president = strategy.meeting.president()
    if president is None:
        raise StrategyError("this meeting has no President to sign off")
    if president.email in editors_since_sign_off(session, strategy):
        raise StrategyError("the President edited this version and cannot sign it off (nobody approves a version "
                            "they edited)")
    return approvals.request_approval(session, secret_key, subject_type=SUBJECT, subject_id=strategy.id,
                                      version=strategy.version, approver=president, requested_by=requested_by)


def in_sign_off(session: Session, strategy: Strategy | None) -> bool:
    """Whether the current version is signed off, out for sign-off, or sent back with changes
    requested: then a new version asks the President again, as a revised release does."""
    if strategy is None or strategy.version == 0:
        return False
    if strategy.is_signed_off:
        return True
    return any(r.status in ("pending", "changes_requested") and (r.status != "pending" or r.is_open)
               for r in approvals.requests_for(session, SUBJECT, strategy.id, strategy.version))


def open_request_for(session: Session, strategy: Strategy, user: User) -> approvals.ApprovalRequest | None:
    """The user's open sign-off request for the current version, if any (the in-app decision)."""
    return next((r for r in approvals.requests_for(session, SUBJECT, strategy.id, strategy.version)
                 if r.approver_id == user.id and r.is_open), None)


def editors_since_sign_off(session: Session, strategy: Strategy) -> set[str]:
    """Who wrote the versions since the last sign-off (their email, each version's ``created_by``)."""
    return approvals.editors_since_approval(session, SUBJECT, strategy.id, strategy.version,
                                            {v.version: v.created_by for v in strategy.versions},
                                            settled=strategy.approved_version)


def record_decision(session: Session, strategy: Strategy, request: approvals.ApprovalRequest, decision: str,
                    comment: str = "", via: str = "link", actor: User | None = None) -> Strategy:
    """Apply the President's decision; approval signs off exactly that version."""
    if request.approver is not None and request.approver.email in editors_since_sign_off(session, strategy):
        raise approvals.ApprovalError("nobody approves a version they edited", 403)
    approvals.decide(session, request, decision, current_version=strategy.version, comment=comment, via=via,
                     actor=actor)
    if decision == "approved":
        president = strategy.meeting.president()
        if president is None or president.id != request.approver_id:
            raise approvals.ApprovalError("only the meeting's President signs off its strategy", 403)
        strategy.approved_version, strategy.approved_by_id = request.version, request.approver_id
        strategy.approved_at = request.decided_at
    return strategy


def people_to_tell(session: Session, strategy: Strategy, request: approvals.ApprovalRequest) -> list[User]:
    """Who is emailed the President's decision: whoever asked for sign-off and the officers who wrote
    its versions; active accounts only, never the approver, each once."""
    people: dict[int, User] = {}
    asked = session.get(User, request.requested_by_id) if request.requested_by_id else None
    writers = session.scalars(select(User).where(User.email.in_({v.created_by for v in strategy.versions})))
    for user in ([asked] if asked else []) + list(writers):
        if user.active and user.id != request.approver_id and user.has_role("officer"):
            people.setdefault(user.id, user)
    return list(people.values())


def strategy_to_dict(strategy: Strategy) -> dict:
    """docs/design/contract.md's strategy object."""
    content = strategy.current.content if strategy.current else {k: [] for k in CONTENT_KEYS}
    return {
        **{k: content.get(k, []) for k in CONTENT_KEYS},
        "version": strategy.version,
        "milestones": [{"id": m.id, "title": m.title, "due_on": m.due_on, "owner_id": m.owner_id,
                        "status": m.status, "release_id": m.release_id} for m in strategy.milestones],
        "approved_version": strategy.approved_version,
        "approved_by": strategy.approved_by_id if strategy.is_signed_off else None,
        "approved_at": strategy.approved_at.isoformat() if strategy.is_signed_off and strategy.approved_at else None,
    }


def due_milestones(session: Session, now: dt.datetime, within: dt.timedelta = dt.timedelta(hours=48)
                   ) -> list[Milestone]:
    """Open milestones due within ``within`` whose owner has not been reminded."""
    last_day = (now + within).date()
    query = select(Milestone).where(Milestone.due_on <= last_day, Milestone.due_on >= now.date(),
                                    Milestone.status.in_(("planned", "in_progress")),
                                    Milestone.reminder_sent_at.is_(None), Milestone.owner_id.is_not(None))
    return list(session.scalars(query.order_by(Milestone.due_on)))
