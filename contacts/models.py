"""Tables of the contacts package: people, outlets, topics, lists, segments,
the suppression list, each contact's history, pending subscriptions, and the
delegations (States, organisations, NGOs) that focal points belong to."""

from __future__ import annotations

import datetime as dt
import secrets

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.db import Base, UTCDateTime, utcnow

STATUSES = ("active", "unconfirmed", "unsubscribed", "bounced", "suppressed")
CONSENT_BASES = ("consent", "legitimate_interest", "contract")
OUTLET_KINDS = ("newspaper", "news_agency", "broadcaster", "online", "magazine", "freelance", "ngo", "other")
SUPPRESSION_SOURCES = ("staff", "unsubscribe", "bounce", "erasure", "complaint")
# A State's kind is its treaty status (contacts.treaty_status); the others are fixed.
STATE_KINDS = ("state_party", "signatory", "state_not_party")
DELEGATION_KINDS = STATE_KINDS + ("international_organisation", "ngo", "other")
# How a State expressed its consent to be bound (Article 16; "succession" for new States).
JOINED_BY = ("ratification", "accession", "acceptance", "approval", "succession")


def new_token() -> str:
    """An opaque, unguessable per-contact token for unsubscribe and preference links."""
    return secrets.token_urlsafe(24)


class Outlet(Base):
    """A newspaper, agency, broadcaster or site that journalists work for."""

    __tablename__ = "outlets"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(20), default="other")
    country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    website: Mapped[str] = mapped_column(String(300), default="")


class Topic(Base):
    """A term of the managed topic vocabulary."""

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    label: Mapped[str] = mapped_column(String(120))


class Delegation(Base):
    """Who the Convention's meetings are for: a State, an organisation or an NGO.

    For States the dates are the treaty actions (signature, deposit of the
    instrument, entry into force, withdrawal); ``kind`` is the status on the
    day it was last computed, while contacts.treaty_status gives it for any day.
    """

    __tablename__ = "delegations"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Which seed row this is ("state:FR", "org:icrc"), so seeding again adds only what is missing.
    seed_key: Mapped[str | None] = mapped_column(String(60), unique=True, nullable=True)
    name: Mapped[str] = mapped_column(String(200))
    # The accent- and case-folded English name, unique: a CSV row names its delegation by it.
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    name_fr: Mapped[str] = mapped_column(String(200), default="")
    name_es: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(30), index=True)
    country: Mapped[str | None] = mapped_column(String(2), nullable=True, index=True)
    signed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    joined_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    joined_by: Mapped[str | None] = mapped_column(String(20), nullable=True)
    in_force_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    withdrawal_notified_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    withdrawal_effective_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    mission_address: Mapped[str] = mapped_column(Text, default="")
    mission_email: Mapped[str] = mapped_column(String(320), default="")
    mission_phone: Mapped[str] = mapped_column(String(50), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    # Folded names in the three languages and the country code: what the search box matches.
    search_text: Mapped[str] = mapped_column(String(800), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def is_state(self) -> bool:
        """True for States (whatever their status), False for organisations and NGOs."""
        return self.kind in STATE_KINDS


class Contact(Base):
    """A press contact; the normalised email is their identity."""

    __tablename__ = "contacts"
    __table_args__ = (
        Index("ix_contacts_name_key_outlet", "name_key", "outlet_id"),
        # Pages in name order: a search matching many contacts walks this and stops at the page's end.
        Index("ix_contacts_search_text", "search_text", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # The accent- and case-folded name: finds "Émilie" and "emilie" as one person.
    name_key: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(320), unique=True)
    outlet_id: Mapped[int | None] = mapped_column(ForeignKey("outlets.id", ondelete="SET NULL"), nullable=True,
                                                  index=True)
    role: Mapped[str] = mapped_column(String(200), default="")
    country: Mapped[str | None] = mapped_column(String(2), nullable=True, index=True)
    # The delegation this person is a focal point or delegate of, if any. No ON DELETE
    # action: contacts.delegations.delete_delegation detaches focal points itself
    # (SQLite adds this column with an inline REFERENCES, whose actions it does not reflect).
    delegation_id: Mapped[int | None] = mapped_column(ForeignKey("delegations.id"), nullable=True, index=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="active", index=True)
    status_reason: Mapped[str] = mapped_column(String(500), default="")
    consent_basis: Mapped[str | None] = mapped_column(String(30), nullable=True)
    consent_source: Mapped[str | None] = mapped_column(String(60), nullable=True)
    consent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    consent_wording: Mapped[str | None] = mapped_column(String(40), nullable=True)
    consent_ip: Mapped[str | None] = mapped_column(String(64), nullable=True)
    paused_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, default=new_token)
    # The folded name, email and outlet: the order of search results ("Émilie" with the Es).
    search_text: Mapped[str] = mapped_column(String(800), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    outlet: Mapped[Outlet | None] = relationship(lazy="joined")
    # Loaded on first use only (most contacts have none; the identity map serves repeats).
    delegation: Mapped[Delegation | None] = relationship(lazy="select")
    language_rows: Mapped[list["ContactLanguage"]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                                   order_by="ContactLanguage.position")
    topic_rows: Mapped[list["ContactTopic"]] = relationship(cascade="all, delete-orphan", lazy="selectin")
    phones: Mapped[list["ContactPhone"]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                        order_by="ContactPhone.id")
    memberships: Mapped[list["ListMembership"]] = relationship(cascade="all, delete-orphan", lazy="selectin",
                                                               back_populates="contact")

    @property
    def languages(self) -> list[str]:
        """ISO 639-1 codes, in the contact's order of preference."""
        return [row.code for row in self.language_rows]

    @property
    def topics(self) -> list[str]:
        """Topic slugs, sorted."""
        return sorted(row.topic.slug for row in self.topic_rows)

    @property
    def list_ids(self) -> list[int]:
        """Ids of the lists this contact is on."""
        return sorted(m.list_id for m in self.memberships)


class ContactLanguage(Base):
    __tablename__ = "contact_languages"

    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True)
    code: Mapped[str] = mapped_column(String(2), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class ContactTopic(Base):
    __tablename__ = "contact_topics"

    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True)
    topic_id: Mapped[int] = mapped_column(ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True, index=True)

    topic: Mapped[Topic] = relationship(lazy="joined")


class ContactPhone(Base):
    __tablename__ = "contact_phones"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    number: Mapped[str] = mapped_column(String(50))
    label: Mapped[str] = mapped_column(String(30), default="work")
    public: Mapped[bool] = mapped_column(Boolean, default=False)


class ContactList(Base):
    """A named distribution list; only embargo-trusted lists get embargoed releases."""

    __tablename__ = "contact_lists"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    embargo_trusted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ListMembership(Base):
    __tablename__ = "list_memberships"

    list_id: Mapped[int] = mapped_column(ForeignKey("contact_lists.id", ondelete="CASCADE"), primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True,
                                            index=True)
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    contact: Mapped[Contact] = relationship(back_populates="memberships")


class Segment(Base):
    """A saved filter, resolved to contacts each time it is used."""

    __tablename__ = "segments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    filters: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Suppression(Base):
    """An address that must not be contacted, kept only as a salted hash."""

    __tablename__ = "suppressions"

    id: Mapped[int] = mapped_column(primary_key=True)
    email_hash: Mapped[str] = mapped_column(String(64), unique=True)
    source: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200), default="system")


class ContactEvent(Base):
    """One line of a contact's history."""

    __tablename__ = "contact_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    kind: Mapped[str] = mapped_column(String(40))
    actor_label: Mapped[str] = mapped_column(String(200), default="system")
    details: Mapped[dict] = mapped_column(JSON, default=dict)


class SubscriptionRequest(Base):
    """A self-subscription waiting for its double opt-in confirmation."""

    __tablename__ = "subscription_requests"
    __table_args__ = (UniqueConstraint("token_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email_hash: Mapped[str] = mapped_column(String(64), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), nullable=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(String(64), nullable=True)
    wording_version: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
