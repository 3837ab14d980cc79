"""Suppression, GDPR export and erasure, and the subscription lifecycle, without Flask."""

import datetime as dt

import pytest
from sqlalchemy import select

from contacts import service, subscriptions, suppression
from contacts.errors import NotAllowed, Suppressed
from contacts.models import Contact, ContactEvent, Suppression
from storage.audit import AuditEvent
from storage.db import utcnow

PERSON = {"name": "Lina Haddad", "email": "lina@annahar.example", "outlet": "An-Nahar", "languages": "ar, en"}


def test_staff_suppress_and_only_admin_lifts(database, staff, admin_actor):
    with database.transaction() as session:
        contact = service.create_contact(session, dict(PERSON), staff)
        suppression.suppress(session, contact, staff, "asked by phone not to be contacted")
        assert contact.status == "suppressed"
        assert suppression.is_suppressed(session, contact.email)
        with pytest.raises(NotAllowed):
            suppression.lift(session, contact, staff)
        suppression.lift(session, contact, admin_actor, "spoke again on 3 March")
        assert contact.status == "active" and not suppression.is_suppressed(session, contact.email)


def test_hard_bounce_and_unsubscribe_land_on_the_suppression_list(database, staff):
    with database.transaction() as session:
        bouncing = service.create_contact(session, dict(PERSON), staff)
        leaving = service.create_contact(session, {**PERSON, "email": "other@annahar.example"}, staff)
        suppression.record_hard_bounce(session, bouncing, staff, "550 no such user")
        assert subscriptions.unsubscribe_by_token(session, leaving.token, "one-click") is leaving
        assert subscriptions.unsubscribe_by_token(session, leaving.token, "one-click") is leaving  # idempotent
        assert (bouncing.status, leaving.status) == ("bounced", "unsubscribed")
        sources = sorted(session.scalars(select(Suppression.source)))
        assert sources == ["bounce", "unsubscribe"]
        assert subscriptions.unsubscribe_by_token(session, "no-such-token", "one-click") is None


def test_gdpr_export_has_everything(database, staff):
    with database.transaction() as session:
        contact = service.create_contact(session, dict(PERSON), staff)
        service.update_contact(session, contact, {"role": "Columnist"}, staff)
        data = suppression.export_personal_data(session, contact)
    assert data["email"] == "lina@annahar.example" and data["role"] == "Columnist"
    assert [h["kind"] for h in data["history"]] == ["updated", "created"]
    assert data["outlet_details"]["name"] == "An-Nahar"


def test_erasure_leaves_only_a_hash(database, staff, admin_actor):
    with database.transaction() as session:
        contact = service.create_contact(session, dict(PERSON), staff)
        contact_id = contact.id
        suppression.erase(session, contact, admin_actor)
    with database.transaction() as session:
        assert session.get(Contact, contact_id) is None
        assert session.scalars(select(ContactEvent).where(ContactEvent.contact_id == contact_id)).all() == []
        row = session.scalar(select(Suppression))
        assert row.source == "erasure" and "lina" not in row.email_hash and len(row.email_hash) == 64
        erase_audit = session.scalar(select(AuditEvent).where(AuditEvent.action == "contact.erase"))
        assert erase_audit.object_id == str(contact_id)
        everything = " ".join(f"{a.actor_label} {a.object_id} {a.details}" for a in session.scalars(select(AuditEvent)))
        assert "lina" not in everything and "annahar" not in everything
        with pytest.raises(Suppressed):
            service.create_contact(session, dict(PERSON), staff)


def test_double_opt_in(database):
    with database.transaction() as session:
        request, token = subscriptions.request_subscription(
            session, {"name": "Marta Ruiz", "email": "Marta@ElMundo.example", "outlet": "El Mundo",
                      "languages": "es", "topics": ["victim-assistance"]}, "198.51.100.7")
        contact = session.get(Contact, request.contact_id)
        assert contact.status == "unconfirmed" and contact.consent_at is None
    with database.transaction() as session:
        assert subscriptions.find_request(session, "wrong-token") is None
        found = subscriptions.find_request(session, token)
        contact = subscriptions.confirm(session, found, "198.51.100.8")
        assert contact.status == "active"
        assert (contact.consent_basis, contact.consent_source) == ("consent", "self-subscription")
        assert contact.consent_wording == subscriptions.CURRENT_WORDING and contact.consent_ip == "198.51.100.8"
        assert contact.topics == ["victim-assistance"] and contact.languages == ["es"]
        assert subscriptions.confirm(session, found, "x") is contact  # idempotent


def test_expired_confirmation_is_refused(database):
    with database.transaction() as session:
        request, token = subscriptions.request_subscription(session, {"name": "A", "email": "a@example.org"}, None)
        request.expires_at = utcnow() - dt.timedelta(minutes=1)
    with database.transaction() as session:
        assert subscriptions.find_request(session, token) is None


def test_resubscribing_lifts_an_unsubscribe_but_not_a_staff_block(database, staff):
    with database.transaction() as session:
        contact = service.create_contact(session, dict(PERSON), staff)
        subscriptions.unsubscribe_by_token(session, contact.token, "one-click")
        _, token = subscriptions.request_subscription(session, dict(PERSON), None)
        assert contact.status == "unsubscribed"  # unchanged until confirmed
        subscriptions.confirm(session, subscriptions.find_request(session, token), None)
        assert contact.status == "active" and not suppression.is_suppressed(session, contact.email)
        suppression.suppress(session, contact, staff, "legal request")
        assert subscriptions.request_subscription(session, dict(PERSON), None) is None


def test_preference_links_are_signed_and_bound_to_the_token(database, staff):
    with database.transaction() as session:
        contact = service.create_contact(session, dict(PERSON), staff)
        signed = subscriptions.preferences_link_token("secret", contact)
        assert subscriptions.contact_for_preferences(session, "secret", signed) is contact
        assert subscriptions.contact_for_preferences(session, "other-secret", signed) is None
        assert subscriptions.contact_for_preferences(session, "secret", signed[:-2] + "xx") is None
        changed = subscriptions.update_preferences(session, contact, {"languages": ["en"], "topics": ["meetings"],
                                                                      "pause": "3m"})
        assert set(changed) == {"languages", "topics", "paused_until"}
        assert contact.paused_until > utcnow() + dt.timedelta(days=80)
        until = contact.paused_until
        assert subscriptions.update_preferences(session, contact, {"languages": ["en"], "topics": ["meetings"],
                                                                   "pause": "keep"}) == []
        assert contact.paused_until == until
        assert subscriptions.update_preferences(session, contact, {"languages": ["en"], "topics": ["meetings"],
                                                                   "pause": ""}) == ["paused_until"]
        assert contact.paused_until is None
