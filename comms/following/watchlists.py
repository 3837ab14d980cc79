"""Watchlists: keyword rules that flag items from followed sources (no Flask).

A rule has a name and phrases in any language ("Ottawa Convention", "Convention
d'Ottawa", "Convención de Ottawa"); comms.following.watch_match says how a phrase
matches. Each flagged item gets one row per rule in ``watch_matches`` with the
text that matched. Staff choose, each for themselves, to be told immediately,
in a daily digest or not at all (comms.following.watch_alerts sends both).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Boolean, Date, ForeignKey, String, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from comms.platform.errors import DomainError
from comms.accounts.users import User
from comms.following.watch_match import clean_phrases, find, html_to_text
from feeds.follow.models import Item
from storage.audit import Actor
from storage.db import Base, UTCDateTime, utcnow

FREQUENCIES = ("immediately", "daily", "off")
# When a rule is added or changed, items seen this recently are checked against it.
RECHECK_WINDOW = dt.timedelta(days=30)

# The Convention's own vocabulary in its three working languages.
DEFAULT_RULES: list[tuple[str, list[str]]] = [
    ("Ottawa Convention", ["Ottawa Convention", "Mine Ban Convention", "Mine Ban Treaty", "Convention d'Ottawa",
                           "Convention sur l'interdiction des mines antipersonnel", "Convención de Ottawa",
                           "Tratado de Ottawa"]),
    ("Anti-personnel mines", ["anti-personnel mine", "antipersonnel landmine", "mines antipersonnel",
                              "mine antipersonnel", "minas antipersonal", "mina antipersonal", "minas terrestres"]),
    ("Article 5 extension requests", ["Article 5 extension", "extension request", "demande de prolongation",
                                      "prolongation de l'article 5", "solicitud de prórroga", "prórroga del artículo 5"]),
    ("Meetings of the States Parties", ["Meeting of the States Parties", "Review Conference",
                                        "Assemblée des États parties", "Conférence d'examen",
                                        "Reunión de los Estados Partes", "Conferencia de Examen"]),
]


class WatchlistError(DomainError):
    """A rule or subscription change was refused; the message is safe to show."""

    def __init__(self, message: str, fields: dict | None = None):
        super().__init__(message, fields=fields)


class WatchRule(Base):
    """A named set of phrases; an item containing any of them is flagged."""

    __tablename__ = "watch_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    phrases: Mapped[list] = mapped_column(JSON, default=list)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class WatchMatch(Base):
    """An item flagged by a rule, with the text that matched as the site wrote it."""

    __tablename__ = "watch_matches"
    __table_args__ = (UniqueConstraint("item_id", "rule_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("follow_items.id", ondelete="CASCADE"), index=True)
    rule_id: Mapped[int] = mapped_column(ForeignKey("watch_rules.id", ondelete="CASCADE"), index=True)
    matched_text: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)

    item: Mapped[Item] = relationship()
    rule: Mapped[WatchRule] = relationship()


class WatchSubscription(Base):
    """How one staff member hears about flagged items; no row means "off"."""

    __tablename__ = "watch_subscriptions"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    frequency: Mapped[str] = mapped_column(String(12), default="off")
    # The UTC day of the last digest, claimed before it is sent (once per day).
    digest_day: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    # Matches created up to this time have been in a digest.
    digest_through: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


# --- rules -------------------------------------------------------------------------------------------------------

def _validated(session: Session, name: str, phrases, rule_id: int | None = None) -> tuple[str, list[str]]:
    name = " ".join((name or "").split())
    fields = {}
    if not name:
        fields["name"] = "give the rule a name"
    elif len(name) > 200:
        fields["name"] = "at most 200 characters"
    elif session.scalar(select(WatchRule.id).where(WatchRule.name == name, WatchRule.id != (rule_id or 0))):
        fields["name"] = "another rule has this name"
    cleaned = clean_phrases(phrases or [])
    if not cleaned:
        fields["phrases"] = "give at least one phrase (one per line)"
    elif len(cleaned) > 50:
        fields["phrases"] = "at most 50 phrases per rule"
    if fields:
        raise WatchlistError("the rule was not saved: " + "; ".join(fields.values()), fields)
    return name, cleaned


def create_rule(session: Session, name: str, phrases, actor: Actor, *, active: bool = True) -> WatchRule:
    """Add a rule and flag the recent items it matches (without notifying anyone)."""
    name, cleaned = _validated(session, name, phrases)
    rule = WatchRule(name=name, phrases=cleaned, active=active)
    session.add(rule)
    session.flush()
    actor.record(session, "watchlist.rule.create", object_type="watch_rule", object_id=rule.id,
                 details={"name": name})
    recheck_recent(session, rule)
    return rule


def update_rule(session: Session, rule: WatchRule, actor: Actor, *, name: str, phrases, active: bool) -> WatchRule:
    """Change a rule; earlier flags stay, recent items are checked again."""
    rule.name, rule.phrases = _validated(session, name, phrases, rule.id)
    rule.active = bool(active)
    rule.updated_at = utcnow()
    actor.record(session, "watchlist.rule.update", object_type="watch_rule", object_id=rule.id,
                 details={"name": rule.name, "active": rule.active})
    session.flush()
    recheck_recent(session, rule)
    return rule


def delete_rule(session: Session, rule: WatchRule, actor: Actor) -> None:
    """Delete a rule and its flags."""
    actor.record(session, "watchlist.rule.delete", object_type="watch_rule", object_id=rule.id,
                 details={"name": rule.name})
    session.delete(rule)
    session.flush()


def all_rules(session: Session) -> list[WatchRule]:
    """Every rule, by name."""
    return list(session.scalars(select(WatchRule).order_by(WatchRule.name)))


def ensure_default_rules(session: Session, actor: Actor | None = None) -> int:
    """Add the default EN/FR/ES rules that are missing; returns how many were added."""
    actor = actor or Actor(label="system")
    existing = set(session.scalars(select(WatchRule.name)))
    added = 0
    for name, phrases in DEFAULT_RULES:
        if name not in existing:
            create_rule(session, name, phrases, actor)
            added += 1
    return added


# --- matching ----------------------------------------------------------------------------------------------------

def item_text(item: Item) -> str:
    """What rules are matched against: the title and the summary's words."""
    return f"{item.title}\n{html_to_text(item.summary)}"


def _insert_match(session: Session, item_id: int, rule_id: int, text: str) -> int | None:
    # A savepoint per row: a concurrent poll that flagged the same pair first
    # makes this insert fail alone, and the rest of the batch goes on.
    try:
        with session.begin_nested():
            match = WatchMatch(item_id=item_id, rule_id=rule_id, matched_text=text[:300])
            session.add(match)
            session.flush()
    except IntegrityError:
        return None
    return match.id


def _match(session: Session, items: list[Item], rules: list[WatchRule]) -> list[int]:
    if not items or not rules:
        return []
    done = set(session.execute(select(WatchMatch.item_id, WatchMatch.rule_id).where(
        WatchMatch.item_id.in_([i.id for i in items]), WatchMatch.rule_id.in_([r.id for r in rules]))).all())
    created = []
    for item in items:
        text = item_text(item)
        for rule in rules:
            if (item.id, rule.id) in done:
                continue
            hit = find(text, list(rule.phrases or []))
            if hit is not None:
                match_id = _insert_match(session, item.id, rule.id, hit.text)
                if match_id is not None:
                    created.append(match_id)
    return created


def match_items(db, item_ids: list[int]) -> list[int]:
    """Flag the given items with every active rule they match; returns the ids of new matches.

    Matching twice creates nothing new, so a changed item is only flagged for
    rules it did not match before.
    """
    created: list[int] = []
    for start in range(0, len(item_ids), 500):
        with db.transaction() as session:
            items = list(session.scalars(select(Item).where(Item.id.in_(item_ids[start:start + 500]))))
            rules = list(session.scalars(select(WatchRule).where(WatchRule.active.is_(True))))
            created += _match(session, items, rules)
    return created


def recheck_recent(session: Session, rule: WatchRule) -> list[int]:
    """Flag the items seen within RECHECK_WINDOW that ``rule`` matches."""
    if not rule.active:
        return []
    since = utcnow() - RECHECK_WINDOW
    items = list(session.scalars(select(Item).where(Item.first_seen_at >= since).limit(5000)))
    return _match(session, items, [rule])


# --- subscriptions -----------------------------------------------------------------------------------------------

def subscription_for(session: Session, user_id: int) -> str:
    """The user's choice: immediately, daily or off."""
    row = session.get(WatchSubscription, user_id)
    return row.frequency if row else "off"


def set_subscription(session: Session, user: User, frequency: str) -> WatchSubscription:
    """Record how ``user`` wants to hear about flagged items."""
    if frequency not in FREQUENCIES:
        raise WatchlistError(f"choose one of {', '.join(FREQUENCIES)}", {"frequency": "unknown choice"})
    row = session.get(WatchSubscription, user.id)
    if row is None:
        row = WatchSubscription(user_id=user.id)
        session.add(row)
    if row.frequency != "daily" and frequency == "daily":
        # A new digest reader starts with what is flagged from now on.
        row.digest_through = utcnow()
    row.frequency = frequency
    row.updated_at = utcnow()
    session.flush()
    return row


def seed_demo(session: Session, world) -> None:
    """Demo: the suggested rules, and the first media officer on the daily digest (idempotent)."""
    ensure_default_rules(session)
    officer = (world.refs.get("users") or {}).get("officer1")
    if officer is not None and session.get(WatchSubscription, officer.id) is None:
        set_subscription(session, officer, "daily")
    world.notes.append("Watchlists: the suggested EN/FR/ES rules flag items from followed sources "
                       "(Following > Watchlists).")
