"""What the staff contacts pages share: who may do what, error messages, filters."""

from __future__ import annotations

from flask import flash
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import Session

from comms.web import errors
from comms.web.access import current_actor
from comms.web.context import db
from contacts import lists, vocab
from contacts.errors import ContactError, DuplicateContact, NotAllowed, Suppressed
from contacts.models import STATUSES, Contact, ContactLanguage, Topic
from contacts.search import ContactFilter

# Office holders and viewers read the contacts; media officers (and admins) change them.
READERS = ("officer", "approver", "viewer")
WRITERS = ("officer",)
PAGE_SIZE = 50
FILTER_KEYS = ("q", "country", "language", "topic", "list", "status")
# Werkzeug's int converter takes any number of digits; the database takes 64 bits.
MAX_ID = 2**63 - 1


def template_flags() -> dict:
    """``can_edit`` and ``is_admin`` for templates, so they offer only allowed actions."""
    user = current_user.user if current_user.is_authenticated else None
    return {"can_edit": bool(user and user.has_role(*WRITERS)), "is_admin": bool(user and user.role == "admin")}


def error_status(exc: Exception) -> int:
    """The HTTP status a domain error deserves."""
    if isinstance(exc, NotAllowed):
        return 403
    if isinstance(exc, (DuplicateContact, Suppressed)):
        return 409
    if isinstance(exc, LookupError):
        return 404
    return 400


def error_message(exc: Exception) -> str:
    """A sentence for people from a domain error, naming each bad field."""
    return errors.error_message(exc)


def fail(exc: Exception) -> int:
    """Undo the request's changes, flash the error, and return its status."""
    db().rollback()
    flash(error_message(exc), "error")
    return error_status(exc)


def filter_from(values) -> ContactFilter:
    """A ContactFilter from query parameters or form fields; ContactError if malformed."""
    raw = {key: values.get(key, "") for key in FILTER_KEYS}
    list_id = str(raw["list"]).strip()
    # Checked here because ContactFilter accepts any int, and one beyond 64 bits overflows the driver.
    if list_id and not (list_id.isdigit() and len(list_id) <= 18):
        raise ContactError(f"not a list id: {list_id[:20]!r}", {"list": "not a list id"})
    try:
        return ContactFilter.from_dict(raw)
    except ValueError as exc:
        raise ContactError(str(exc), {"filters": str(exc)}) from None


def filter_args(flt: ContactFilter) -> dict:
    """A filter as query parameters (the form's names: ``list``, not ``list_id``)."""
    args = flt.to_dict()
    if "list_id" in args:
        args["list"] = args.pop("list_id")
    return args


def filter_choices(session: Session) -> dict:
    """The options of the filter selects: only values that some contact has, plus the vocabularies."""
    countries = session.scalars(select(Contact.country).where(Contact.country.is_not(None)).distinct())
    languages = session.scalars(select(ContactLanguage.code).distinct())
    return {
        "countries": sorted(((code, vocab.country_name(code)) for code in countries), key=lambda pair: pair[1]),
        "languages": sorted(((code, vocab.language_name(code)) for code in languages), key=lambda pair: pair[1]),
        "topics": list(session.scalars(select(Topic).order_by(Topic.label))),
        "lists": lists.all_lists(session),
        "statuses": STATUSES,
    }


def describe_filter(filters: dict, list_names: dict[int, str], topic_labels: dict[str, str]) -> list[str]:
    """A saved filter as readable phrases, e.g. ``["country: Switzerland", "topic: Meetings"]``."""
    phrases = []
    for key, value in filters.items():
        if key in ("list_id", "list"):
            try:
                value = list_names.get(int(value), f"deleted list {value}")
            except (TypeError, ValueError):
                pass
            key = "list"
        elif key == "country":
            value = vocab.country_name(str(value)) or value
        elif key == "language":
            value = vocab.language_name(str(value))
        elif key == "topic":
            value = topic_labels.get(str(value), value)
        elif key == "q":
            key = "search"
        phrases.append(f"{key}: {value}")
    return phrases


def page_number(values) -> int:
    """The ``page`` parameter, at least 1 (junk counts as 1)."""
    raw = str(values.get("page", "1"))
    # Capped so a silly number cannot overflow the database's OFFSET.
    return min(max(1, int(raw)), 1_000_000) if raw.isdigit() and len(raw) < 10 else 1


def ids_from(values, key: str) -> list[int]:
    """Whole-number ids from a multi-valued form field; ContactError for anything else."""
    ids = []
    for raw in values.getlist(key):
        raw = raw.strip()
        if not raw:
            continue
        # Bounded length: an id beyond 64 bits would overflow the database driver.
        if not raw.isdigit() or len(raw) > 18:
            raise ContactError(f"not an id: {raw[:20]!r}", {key: "not an id"})
        ids.append(int(raw))
    return ids


def id_from(values, key: str, what: str) -> int:
    """One id from a form field; ContactError naming ``what`` when it is missing or junk."""
    ids = ids_from(values, key)
    if len(ids) != 1:
        raise ContactError(f"choose a {what}", {key: "required"})
    return ids[0]


def import_report(plan, apply, *, dry_run: bool) -> dict:
    """An import's answer: a dry run reports the plan and writes nothing; otherwise ``apply(session,
    plan, actor)`` writes it in this request's one transaction. Contacts, delegations and focal points
    import through here."""
    session = db()
    if dry_run:
        session.rollback()
        return {**plan.report(), "dry_run": True}
    report = apply(session, plan, current_actor())
    session.commit()
    return {**report, "dry_run": False}
