"""Email identity: normalising addresses and hashing them for the suppression list."""

from __future__ import annotations

import hashlib
import hmac
import re
from functools import lru_cache
from typing import Callable

from email_validator import EmailNotValidError, validate_email
from sqlalchemy.orm import Session

from storage.secrets import stored_secret


# An ASCII dot-atom local part (RFC 5322), the form nearly every address has.
_PLAIN_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")


@lru_cache(maxsize=50_000)
def _checked_domain(domain: str) -> str:
    """The ASCII form of a valid mail domain (cached: big imports repeat domains)."""
    try:
        result = validate_email(f"postmaster@{domain}", check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(f"not a valid email address: {exc}") from None
    return (result.ascii_domain or result.domain).lower()


def normalise_email(value: str) -> str:
    """The identity form of an address: syntax checked (no DNS), IDNA domain, lower case.

    Raises ValueError with a readable message for anything that is not an address.
    """
    value = (value or "").strip()
    if not value:
        raise ValueError("an email address is required")
    if any(ch in value for ch in "\r\n"):
        raise ValueError("line breaks are not allowed in an email address")
    local, at, domain = value.rpartition("@")
    if at and len(value) <= 254 and len(local) <= 64 and _PLAIN_LOCAL.match(local):
        # Fast path, same rules: the local part is plain ASCII, the domain is
        # checked by email-validator once per distinct domain.
        return f"{local.lower()}@{_checked_domain(domain)}"
    try:
        result = validate_email(value, check_deliverability=False)
    except EmailNotValidError as exc:
        raise ValueError(f"not a valid email address: {exc}") from None
    domain = result.ascii_domain or result.domain
    local = result.local_part
    return f"{local}@{domain}".lower()


def email_hasher(session: Session) -> Callable[[str], str]:
    """A function hashing normalised addresses with the salt read once (for bulk work)."""
    salt = stored_secret(session, "suppression-salt").encode()

    def digest(normalised_email: str) -> str:
        return hmac.new(salt, normalised_email.encode("utf-8"), hashlib.sha256).hexdigest()

    return digest


def email_hash(session: Session, normalised_email: str) -> str:
    """A salted HMAC of a normalised address; the salt lives in the database."""
    return email_hasher(session)(normalised_email)
