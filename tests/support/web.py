"""Signing in through the real pages: CSRF tokens, AuthActions, API bearer headers."""

from __future__ import annotations

import re

import pytest

from support.app import PASSWORD

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    """The CSRF token embedded in a page's form."""
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


class AuthActions:
    """Sign in and out through the real login page, CSRF token included."""

    def __init__(self, client, users: dict):
        self.client = client
        self.users = users

    def login(self, email: str, password: str = PASSWORD, next_url: str | None = None, ip: str = "127.0.0.1"):
        page = self.client.get("/login", environ_base={"REMOTE_ADDR": ip})
        data = {"email": email, "password": password, "csrf_token": csrf_from(page.get_data(as_text=True))}
        if next_url is not None:
            data["next"] = next_url
        return self.client.post("/login", data=data, environ_base={"REMOTE_ADDR": ip})

    def logout(self):
        page = self.client.get("/staff/")
        return self.client.post("/logout", data={"csrf_token": csrf_from(page.get_data(as_text=True))})

    def as_role(self, role: str):
        response = self.login(self.users[role].email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return self.users[role]

    def as_admin(self):
        return self.as_role("admin")

    def as_officer(self):
        return self.as_role("officer")

    def as_approver(self):
        return self.as_role("approver")

    def as_viewer(self):
        return self.as_role("viewer")


@pytest.fixture
def auth_actions(client, users) -> AuthActions:
    return AuthActions(client, users)


def bearer(token: str) -> dict:
    """The Authorization header for an API token."""
    return {"Authorization": f"Bearer {token}"}


NONCE_RE = re.compile(r'name="form_nonce" value="([^"]+)"')


def nonce_from(html: str) -> str:
    """The one-time nonce of a page's form (comms/web/idempotency.py)."""
    match = NONCE_RE.search(html)
    assert match, "page has no form nonce"
    return match.group(1)
