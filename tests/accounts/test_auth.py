"""comms.accounts.users without Flask: users, passwords, tokens and their audit lines."""

import pytest
from sqlalchemy import select

from comms.accounts import users as auth
from storage.audit import AuditEvent
from storage.db import Database

PASSWORD = "a-long-enough-password"


@pytest.fixture
def db(db_url):
    database = Database(db_url)
    yield database
    database.dispose()


def test_create_user_normalises_email_and_hashes_with_argon2(db):
    with db.transaction() as session:
        user = auth.create_user(session, "  Claire.Dubois@Example.ORG ", "officer", name="Claire", password=PASSWORD)
    assert user.email == "claire.dubois@example.org"
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


def test_international_domains_are_stored_as_idna(db):
    with db.transaction() as session:
        user = auth.create_user(session, "presse@bücher.example", "viewer")
    assert user.email == "presse@xn--bcher-kva.example"


@pytest.mark.parametrize("email,role,password,message", [
    ("no-at-sign", "officer", PASSWORD, "valid email"),
    ("x@example.org", "superuser", PASSWORD, "unknown role"),
    ("x@example.org", "officer", "short", "at least"),
])
def test_bad_user_input_is_refused(db, email, role, password, message):
    with pytest.raises(auth.AuthError, match=message):
        with db.transaction() as session:
            auth.create_user(session, email, role, password=password)


def test_duplicate_email_is_refused_in_any_case(db):
    with db.transaction() as session:
        auth.create_user(session, "a@example.org", "officer")
    with pytest.raises(auth.AuthError, match="already exists"):
        with db.transaction() as session:
            auth.create_user(session, "A@EXAMPLE.org", "viewer")


def test_authenticate(db):
    with db.transaction() as session:
        auth.create_user(session, "a@example.org", "officer", password=PASSWORD)
    with db.transaction() as session:
        user = auth.authenticate(session, "A@example.org", PASSWORD)
        assert user is not None and user.last_login_at is not None
        assert auth.authenticate(session, "a@example.org", "wrong password") is None
        assert auth.authenticate(session, "nobody@example.org", PASSWORD) is None
        user.active = False
    with db.transaction() as session:
        assert auth.authenticate(session, "a@example.org", PASSWORD) is None


def test_user_without_password_cannot_sign_in(db):
    with db.transaction() as session:
        auth.create_user(session, "script@example.org", "viewer")
    with db.transaction() as session:
        assert auth.authenticate(session, "script@example.org", "") is None


def test_tokens_are_stored_hashed_and_revocable(db):
    with db.transaction() as session:
        user = auth.create_user(session, "a@example.org", "officer")
        token, secret = auth.create_token(session, user, "laptop")
        token_id = token.id
    assert secret.startswith("prt_") and len(secret) > 40
    with db.transaction() as session:
        stored = session.get(auth.ApiToken, token_id)
        assert secret not in (stored.token_hash, stored.hint)
        assert auth.user_for_token(session, secret).email == "a@example.org"
        assert stored.last_used_at is not None
        assert auth.user_for_token(session, secret + "x") is None
        assert auth.user_for_token(session, "") is None
        auth.revoke_token(session, stored, actor=stored.user)
    with db.transaction() as session:
        assert auth.user_for_token(session, secret) is None


def test_only_owner_or_admin_revokes(db):
    with db.transaction() as session:
        owner = auth.create_user(session, "o@example.org", "officer")
        other = auth.create_user(session, "x@example.org", "officer")
        admin = auth.create_user(session, "admin@example.org", "admin")
        token, _ = auth.create_token(session, owner)
        with pytest.raises(auth.AuthError):
            auth.revoke_token(session, token, actor=other)
        auth.revoke_token(session, token, actor=admin)
        assert token.revoked_at is not None


def test_admin_cannot_demote_themselves(db):
    with db.transaction() as session:
        admin = auth.create_user(session, "admin@example.org", "admin")
        with pytest.raises(auth.AuthError):
            auth.update_user(session, admin, actor=admin, role="viewer")


def test_roles(db):
    with db.transaction() as session:
        officer = auth.create_user(session, "o@example.org", "officer")
        admin = auth.create_user(session, "a@example.org", "admin")
        assert officer.has_role("officer") and not officer.has_role("approver")
        assert admin.has_role("approver")  # admins may do everything
        officer.active = False
        assert not officer.has_role("officer")


def test_changes_are_audited(db):
    with db.transaction() as session:
        admin = auth.create_user(session, "admin@example.org", "admin")
        user = auth.create_user(session, "o@example.org", "officer", actor=admin, ip="192.0.2.1")
        auth.update_user(session, user, actor=admin, role="approver")
        auth.create_token(session, user)
    with db.transaction() as session:
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
        actions = [e.action for e in events]
        assert actions == ["user.create", "user.create", "user.update", "token.create"]
        created = events[1]
        assert (created.actor_label, created.ip, created.object_type, created.object_id) == (
            "admin@example.org", "192.0.2.1", "user", str(user.id))
        assert events[2].details == {"role": "approver"}
