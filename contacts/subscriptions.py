"""Journalists' own subscriptions: double opt-in, preferences, unsubscribe (no Flask).

- :func:`request_subscription` stores what was asked for and returns a one-time
  token for the confirmation link; nothing changes for an existing contact
  until the link is confirmed (POST), so a GET by a mail scanner does nothing.
- :func:`confirm` records consent: when, from which address, which wording.
- Preference links are signed (itsdangerous) and bound to the contact's
  token; unsubscribe links carry the opaque per-contact token (RFC 8058).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import secrets

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from contacts.errors import ContactError, NotAllowed
from contacts.history import log_event
from contacts.identity import email_hash
from contacts.models import Contact, SubscriptionRequest
from contacts.search_index import INDEXED, index_contacts
from contacts.service import _apply, _search_text, clean_input, find_by_email, name_key
from contacts.suppression import blocked_from_subscribing, lift_after_confirmed_subscription, unsubscribe
from storage.audit import Actor
from storage.db import utcnow

# Consent wordings are versioned and never edited: a new text gets a new key.
CONSENT_WORDINGS = {
    "2026-11": ("I would like to receive press releases, media advisories and event information from the "
                "Implementation Support Unit of the Anti-Personnel Mine Ban Convention by email. I can change my "
                "preferences or unsubscribe at any time with the link in every message."),
}
CURRENT_WORDING = "2026-11"
CONFIRM_WITHIN = dt.timedelta(days=7)
SUBSCRIBER = Actor(label="self-service")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_subscription(session: Session, raw: dict, ip: str | None) -> tuple[SubscriptionRequest, str] | None:
    """Store a subscription request; returns it with the secret confirmation token,
    or None when staff have marked the address do-not-contact (send nothing)."""
    fields = {k: raw.get(k) for k in ("name", "email", "outlet", "languages", "topics") if raw.get(k) is not None}
    data = clean_input(session, fields)
    missing = {k: "required" for k in ("name", "email") if not getattr(data, k)}
    if missing:
        raise ContactError("some fields are missing", missing)
    if blocked_from_subscribing(session, data.email):
        return None
    contact = find_by_email(session, data.email)
    if contact is None:
        contact = Contact(name=data.name, email=data.email, status="unconfirmed", consent_source="self-subscription")
        session.add(contact)
        _apply(session, contact, data)
        contact.search_text, contact.name_key = _search_text(contact), name_key(contact.name)
        session.flush()
        index_contacts(session, [contact])
        log_event(session, contact.id, "created", SUBSCRIBER, source="subscribe form")
    token = secrets.token_urlsafe(32)
    request = SubscriptionRequest(
        email_hash=email_hash(session, data.email), contact_id=contact.id, token_hash=_digest(token),
        data={"name": data.name, "outlet": data.outlet, "languages": data.languages, "topics": data.topics},
        ip=ip, wording_version=CURRENT_WORDING, created_at=utcnow(), expires_at=utcnow() + CONFIRM_WITHIN,
    )
    session.add(request)
    session.flush()
    log_event(session, contact.id, "subscription.requested", SUBSCRIBER, ip=ip, wording=CURRENT_WORDING)
    return request, token


def find_request(session: Session, token: str) -> SubscriptionRequest | None:
    """The request behind a confirmation token, if it exists and has not expired."""
    if not token or len(token) > 100:
        return None
    request = session.scalar(select(SubscriptionRequest).where(SubscriptionRequest.token_hash == _digest(token)))
    if request is None or (request.confirmed_at is None and request.expires_at < utcnow()):
        return None
    return request


def confirm(session: Session, request: SubscriptionRequest, ip: str | None) -> Contact:
    """Confirm a request (idempotent): the contact becomes active with recorded consent."""
    contact = session.get(Contact, request.contact_id) if request.contact_id else None
    if contact is None:
        raise ContactError("this subscription no longer exists")
    if request.confirmed_at is not None:
        return contact
    if not lift_after_confirmed_subscription(session, contact.email):
        raise NotAllowed("this address cannot be subscribed; please contact the press office")
    data = clean_input(session, {k: v for k, v in request.data.items() if v is not None})
    if INDEXED & set(_apply(session, contact, data)):
        index_contacts(session, [contact])
    now = utcnow()
    contact.status, contact.status_reason, contact.paused_until = "active", "", None
    contact.consent_basis, contact.consent_source = "consent", "self-subscription"
    contact.consent_at, contact.consent_wording, contact.consent_ip = now, request.wording_version, ip
    contact.updated_at = now
    request.confirmed_at = now
    log_event(session, contact.id, "subscription.confirmed", SUBSCRIBER, ip=ip, wording=request.wording_version)
    SUBSCRIBER.record(session, "contact.subscribe", object_type="contact", object_id=contact.id)
    return contact


def contact_for_token(session: Session, token: str) -> Contact | None:
    """The contact whose opaque unsubscribe token this is, or None."""
    if not token or len(token) > 100:
        return None
    return session.scalar(select(Contact).where(Contact.token == token))


@functools.lru_cache(maxsize=8)
def _preferences_serializer(secret_key: str) -> URLSafeSerializer:
    # Building the serializer derives its key; a send signs one link per recipient,
    # so the serializer is made once per secret.
    return URLSafeSerializer(secret_key, salt="preferences")


def preferences_link_token(secret_key: str, contact: Contact) -> str:
    """A signed token for the preference centre, bound to the contact's token."""
    return _preferences_serializer(secret_key).dumps([contact.id, contact.token[:12]])


def contact_for_preferences(session: Session, secret_key: str, signed: str) -> Contact | None:
    """The contact a signed preference token names, or None if forged or stale."""
    try:
        contact_id, token_start = _preferences_serializer(secret_key).loads(signed)
    except (BadSignature, ValueError, TypeError):
        return None
    contact = session.get(Contact, contact_id) if isinstance(contact_id, int) else None
    if contact is None or not secrets.compare_digest(contact.token[:12], str(token_start)):
        return None
    return contact


# "keep" leaves a running pause as it is; "" ends it.
PAUSE_CHOICES = {"keep": None, "": None, "1m": 30, "3m": 91, "6m": 182}


def update_preferences(session: Session, contact: Contact, raw: dict) -> list[str]:
    """Change topics, languages and pause from the preference centre."""
    data = clean_input(session, {"languages": raw.get("languages") or [], "topics": raw.get("topics") or []})
    changed = _apply(session, contact, data)
    pause = raw.get("pause", "")
    if pause not in PAUSE_CHOICES:
        raise ContactError("unknown pause choice", {"pause": "choose 1m, 3m, 6m or nothing"})
    days = PAUSE_CHOICES[pause]
    if pause != "keep":
        paused_until = utcnow() + dt.timedelta(days=days) if days else None
        if (contact.paused_until is None) != (paused_until is None) or days:
            contact.paused_until = paused_until
            changed.append("paused_until")
    if changed:
        log_event(session, contact.id, "preferences.updated", SUBSCRIBER, fields=changed)
    return changed


def unsubscribe_by_token(session: Session, token: str, how: str) -> Contact | None:
    """One-click unsubscribe: idempotent; an unknown token changes nothing (None)."""
    contact = contact_for_token(session, token)
    if contact is None:
        return None
    unsubscribe(session, contact, SUBSCRIBER, how=how)
    return contact
