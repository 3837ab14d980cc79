"""Checking what staff or a CSV file say about a delegation, before it is stored.

:func:`clean_fields` turns loose values into stored ones field by field;
:func:`check_delegation` then checks the delegation as a whole (a State needs a
country; treaty dates follow Articles 15, 17 and 20) and derives what follows
from the dates: the entry into force when it is not given, and a State's kind.
Both collect every problem into one ContactError with field-level messages.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from contacts import vocab
from contacts.errors import ContactError
from contacts.identity import normalise_email
from contacts.models import DELEGATION_KINDS, JOINED_BY, STATE_KINDS
from contacts.text import PHONE_RE, check_text
from contacts.treaty_status import (ENTRY_INTO_FORCE, OPENED_FOR_SIGNATURE, earliest_withdrawal,
                                    entry_into_force_for, status_on)

TEXT_FIELDS = {"name": 200, "name_fr": 200, "name_es": 200, "mission_address": 1000, "notes": 5000}
MULTILINE = ("mission_address", "notes")
DATE_FIELDS = ("signed_on", "joined_on", "in_force_on", "withdrawal_notified_on", "withdrawal_effective_on")
# Fields only an admin may change: they decide who is a State Party.
TREATY_FIELDS = ("kind", "country", "joined_by") + DATE_FIELDS
FIELDS = ("name", "name_fr", "name_es") + TREATY_FIELDS + ("mission_address", "mission_email", "mission_phone",
                                                            "notes")
LAST_SIGNATURE_DAY = ENTRY_INTO_FORCE - dt.timedelta(days=1)


def delegation_name_key(name: str) -> str:
    """The folded form of a delegation's name: unique, and how CSV rows name a delegation."""
    return " ".join(vocab.fold(name).split())[:200]


def delegation_search_text(name: str, name_fr: str, name_es: str, country: str | None) -> str:
    """What the search box matches: the folded names in three languages and the country code."""
    return " ".join(vocab.fold(f"{name} {name_fr} {name_es} {(country or '').lower()}").split())[:800]


def parse_date(value) -> dt.date | None:
    """A date from a date or ``YYYY-MM-DD`` text; None for blank; ValueError otherwise."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        raise ValueError("give a date (YYYY-MM-DD), not a time")
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValueError(f"not a date (YYYY-MM-DD): {str(value)[:40]!r}") from None


def clean_fields(raw: dict) -> dict:
    """The stored form of each field present in ``raw`` (blank clears); raises ContactError.

    ``raw`` may also carry the API's nested ``mission: {address, email, phone}``.
    """
    raw = dict(raw)
    mission = raw.pop("mission", None)
    if isinstance(mission, dict):
        raw.update({f"mission_{k}": v for k, v in mission.items() if k in ("address", "email", "phone")})
    errors: dict[str, str] = {}
    unknown = sorted(set(raw) - set(FIELDS) - {"id"})
    for name in unknown:
        errors[str(name)[:60]] = "not a delegation field"
    cleaned: dict = {}
    for name, limit in TEXT_FIELDS.items():
        if name in raw:
            cleaned[name] = check_text(name, raw[name] or "", errors, limit=limit, multiline=name in MULTILINE)
    for name in DATE_FIELDS:
        if name in raw:
            try:
                cleaned[name] = parse_date(raw[name])
            except ValueError as exc:
                errors[name] = str(exc)
    if "kind" in raw:
        if raw["kind"] not in DELEGATION_KINDS:
            errors["kind"] = f"must be one of {', '.join(DELEGATION_KINDS)}"
        cleaned["kind"] = raw["kind"]
    if "joined_by" in raw:
        if raw["joined_by"] not in (None, "") and raw["joined_by"] not in JOINED_BY:
            errors["joined_by"] = f"must be one of {', '.join(JOINED_BY)}"
        cleaned["joined_by"] = raw["joined_by"] or None
    if "country" in raw:
        try:
            cleaned["country"] = vocab.country_code(raw["country"])
        except (ValueError, AttributeError):
            errors["country"] = f"not an ISO 3166-1 country: {str(raw['country'])[:40]!r}"
    if "mission_email" in raw:
        cleaned["mission_email"] = ""
        if raw["mission_email"] not in (None, ""):
            try:
                cleaned["mission_email"] = normalise_email(str(raw["mission_email"]))
            except ValueError as exc:
                errors["mission_email"] = str(exc)
    if "mission_phone" in raw:
        phone = str(raw["mission_phone"] or "").strip()
        if phone and not PHONE_RE.fullmatch(phone):
            errors["mission_phone"] = f"not a phone number: {phone[:50]!r}"
        cleaned["mission_phone"] = phone
    if errors:
        raise ContactError("some fields are not valid", errors)
    return cleaned


def check_delegation(values: dict, today: dt.date, *, kind_given: bool = False) -> dict:
    """Check a whole delegation (current values with the changes laid over them).

    Returns the values with what follows from them filled in: ``in_force_on``
    from Article 17 when blank, and for a State its kind on ``today``. A State
    kind the caller gave (``kind_given``) that contradicts the dates is refused
    rather than silently replaced.
    """
    v = dict(values)
    errors: dict[str, str] = {}
    if not v.get("name"):
        errors["name"] = "required"
    if v.get("kind") not in DELEGATION_KINDS:
        errors["kind"] = f"must be one of {', '.join(DELEGATION_KINDS)}"
        raise ContactError("some fields are not valid", errors)
    if v["kind"] not in STATE_KINDS:
        for name in ("joined_by",) + DATE_FIELDS:
            if v.get(name):
                errors[name] = "only States have treaty dates"
    else:
        _check_state(v, errors)
    if errors:
        raise ContactError("some fields are not valid", errors)
    if v["kind"] in STATE_KINDS:
        derived = status_on(SimpleNamespace(**{**v, "kind": "state_not_party"}), today)
        if kind_given and v["kind"] != derived:
            raise ContactError("some fields are not valid", {
                "kind": f"for a State the kind follows from its dates: they make it {derived} on {today}"})
        v["kind"] = derived
    return v


def _check_state(v: dict, errors: dict) -> None:
    if not v.get("country"):
        errors["country"] = "a State needs its ISO 3166-1 country code"
    signed, joined, in_force = v.get("signed_on"), v.get("joined_on"), v.get("in_force_on")
    notified, effective = v.get("withdrawal_notified_on"), v.get("withdrawal_effective_on")
    if signed and not OPENED_FOR_SIGNATURE <= signed <= LAST_SIGNATURE_DAY:
        errors["signed_on"] = (f"the Convention was open for signature from {OPENED_FOR_SIGNATURE} until its "
                               f"entry into force (Article 15): {OPENED_FOR_SIGNATURE} to {LAST_SIGNATURE_DAY}")
    if bool(joined) != bool(v.get("joined_by")):
        field = "joined_by" if joined else "joined_on"
        errors[field] = ("say how the State joined (ratification, accession...)" if joined
                         else "the date the instrument was deposited is needed with joined_by")
    if joined and joined < OPENED_FOR_SIGNATURE:
        errors["joined_on"] = f"no instrument could be deposited before {OPENED_FOR_SIGNATURE}"
    elif joined and signed and signed > joined:
        errors["signed_on"] = "a State signs before it ratifies"
    if joined and not in_force:
        if v.get("joined_by") == "succession":
            errors["in_force_on"] = "for a succession, give the date the successor State became bound"
        elif "joined_on" not in errors:
            v["in_force_on"] = entry_into_force_for(joined)
    elif in_force and not joined:
        errors["in_force_on"] = "the Convention enters into force for a State only after it joins"
    elif in_force and joined and in_force < joined and v.get("joined_by") != "succession":
        errors["in_force_on"] = "cannot be before the instrument was deposited (Article 17)"
    if notified and not joined:
        errors["withdrawal_notified_on"] = "only a State Party can withdraw"
    elif notified and notified < joined:
        errors["withdrawal_notified_on"] = "cannot be before the State joined"
    if effective and not notified:
        errors["withdrawal_effective_on"] = "a withdrawal takes effect only after it is notified"
    elif effective and effective < earliest_withdrawal(notified):
        errors["withdrawal_effective_on"] = (f"a withdrawal takes effect six months after notification "
                                             f"(Article 20.3): {earliest_withdrawal(notified)} at the earliest")
