"""Who a dispatch reaches (no Flask): the focal points of the chosen delegations plus the
members of the chosen lists, each once.

"States Parties" are the delegations whose treaty status is ``state_party`` on the
dispatch's day (contacts.treaty_status, withdrawals included); "observers" are every
other delegation (signatories, States not party, organisations, NGOs). The staff form
shows each choice with the number of people it reaches; the same functions plan the
send, so the numbers shown are the rule applied.
"""

from __future__ import annotations

import datetime as dt
from typing import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from comms.distribution.models import SendError
from contacts.models import Contact, ContactList, Delegation, ListMembership
from contacts.treaty_status import status_sql
from storage.db import utcnow

GROUPS = ("all", "states_parties", "observers")
GROUP_LABELS = {"all": "All delegations", "states_parties": "States Parties", "observers": "Observers"}
MAX_CHOSEN = 1000


def today() -> dt.date:
    """The day whose treaty status a dispatch planned now uses (UTC)."""
    return utcnow().date()


def _group_filter(group: str, day: dt.date):
    if group == "states_parties":
        return status_sql(day) == "state_party"
    if group == "observers":
        return status_sql(day) != "state_party"
    return None


def delegation_ids(session: Session, delegations, day: dt.date) -> list[int]:
    """The delegation ids a choice names: a group name, or a list of ids (each must exist)."""
    if delegations in (None, "", []):
        return []
    if isinstance(delegations, str):
        if delegations not in GROUPS:
            raise SendError(f"delegations is one of {', '.join(GROUPS)} or a list of ids", 422,
                            {"delegations": "unknown"})
        query = select(Delegation.id)
        condition = _group_filter(delegations, day)
        if condition is not None:
            query = query.where(condition)
        return list(session.scalars(query.order_by(Delegation.id)))
    ids = _ids(delegations, "delegations")
    known = set(session.scalars(select(Delegation.id).where(Delegation.id.in_(ids)))) if ids else set()
    unknown = [item for item in ids if item not in known]
    if unknown:
        raise SendError(f"there is no delegation {unknown[0]}", 422, {"delegations": "unknown"})
    return ids


def _ids(values, field: str) -> list[int]:
    """Distinct positive ids from a JSON list; SendError otherwise."""
    if not isinstance(values, (list, tuple)) or len(values) > MAX_CHOSEN \
            or any(isinstance(v, bool) or not isinstance(v, int) or not 0 < v < 2**31 for v in values):
        raise SendError(f"{field} is a list of at most {MAX_CHOSEN} ids", 422, {field: "invalid"})
    return list(dict.fromkeys(values))


def list_ids(session: Session, values) -> list[int]:
    """Checked list ids (each must exist)."""
    ids = _ids(values or [], "list_ids")
    known = set(session.scalars(select(ContactList.id).where(ContactList.id.in_(ids)))) if ids else set()
    unknown = [item for item in ids if item not in known]
    if unknown:
        raise SendError(f"there is no list {unknown[0]}", 422, {"list_ids": "unknown"})
    return ids


def recipient_ids(session: Session, chosen_delegations: Sequence[int], chosen_lists: Sequence[int]) -> set[int]:
    """Contact ids: focal points of the delegations and members of the lists, each once."""
    found: set[int] = set()
    if chosen_delegations:
        found |= set(session.scalars(select(Contact.id).where(Contact.delegation_id.in_(list(chosen_delegations)))))
    if chosen_lists:
        found |= set(session.scalars(select(ListMembership.contact_id)
                                     .where(ListMembership.list_id.in_(list(chosen_lists)))))
    return found


def _reachable(session: Session, ids: set[int]) -> tuple[int, int]:
    """(how many of ``ids`` would be mailed now, how many are suppressed, unsubscribed, bounced or paused)."""
    if not ids:
        return 0, 0
    now = utcnow()
    rows = session.execute(select(Contact.status, Contact.paused_until).where(Contact.id.in_(ids))).all()
    eligible = sum(1 for status, paused in rows if status == "active" and (paused is None or paused <= now))
    return eligible, len(rows) - eligible


def group_choices(session: Session, day: dt.date | None = None) -> list[dict]:
    """Each delegation group with how many delegations and focal points it has and how many would be mailed."""
    day = day or today()
    choices = []
    for group in GROUPS:
        ids = delegation_ids(session, group, day)
        people = recipient_ids(session, ids, [])
        reachable, suppressed = _reachable(session, people)
        choices.append({"value": group, "label": GROUP_LABELS[group], "delegations": len(ids),
                        "focal_points": len(people), "recipients": reachable, "suppressed": suppressed})
    return choices


def delegation_choices(session: Session) -> list[dict]:
    """Delegations that have focal points, by name, with how many (for choosing some)."""
    rows = session.execute(select(Delegation.id, Delegation.name, func.count(Contact.id))
                           .join(Contact, Contact.delegation_id == Delegation.id)
                           .group_by(Delegation.id, Delegation.name, Delegation.name_key)
                           .order_by(Delegation.name_key)).all()
    return [{"id": row[0], "name": row[1], "focal_points": int(row[2])} for row in rows]


def estimate(session: Session, delegations, chosen_lists, day: dt.date | None = None) -> dict:
    """Whom a dispatch to this audience would reach now: ``members`` (each once), ``recipients``, ``suppressed``."""
    day = day or today()
    people = recipient_ids(session, delegation_ids(session, delegations, day), list_ids(session, chosen_lists))
    reachable, suppressed = _reachable(session, people)
    return {"members": len(people), "recipients": reachable, "suppressed": suppressed}
