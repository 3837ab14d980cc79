"""A State's status under the Convention on any day, from its treaty dates.

The rules (docs/delegations.md explains them):

* A State counts as a **State Party from the deposit of its instrument** of
  ratification, acceptance, approval or accession (or its notification of
  succession): that is how the Convention's own counts ("164 States Parties")
  and the UN Treaty Collection count. The Convention **enters into force** for
  it later (Article 17): on 1 March 1999 for the first forty instruments, then
  on the first day of the sixth month after the month of deposit.
  :func:`in_force_on` answers that second question.
* A **withdrawal** takes effect six months after the Depositary receives the
  instrument of withdrawal (Article 20.2-3), and not while the withdrawing State
  is engaged in an armed conflict (Article 20.3): so the effective date is a
  fact entered when known, never computed, and a State whose withdrawal has no
  effective date (Ukraine in 2025) remains a State Party.
* A **signatory** signed and has not (yet) deposited an instrument; signature was
  open from 3 December 1997 until entry into force (Article 15).
* Everyone else among States is a **State not party**, including a State whose
  withdrawal has taken effect (its old signature does not make it a signatory).

:func:`status_on` works on a Delegation (or anything with the same attributes);
:func:`status_sql` is the same rule as a SQL expression, for lists "as of" a day.
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from sqlalchemy import and_, case, literal
from sqlalchemy.sql.elements import ColumnElement

from contacts.models import STATE_KINDS, Delegation

OPENED_FOR_SIGNATURE = dt.date(1997, 12, 3)
ENTRY_INTO_FORCE = dt.date(1999, 3, 1)
# Article 17.1: the 40th instrument (Burkina Faso, deposited the same day as
# Equatorial Guinea's) set the Convention's own entry into force.
FORTIETH_DEPOSIT = dt.date(1998, 9, 16)
WITHDRAWAL_NOTICE = relativedelta(months=6)


def entry_into_force_for(deposited_on: dt.date) -> dt.date:
    """Article 17: when the Convention enters into force for a State depositing on that day."""
    if deposited_on <= FORTIETH_DEPOSIT:
        return ENTRY_INTO_FORCE
    month = dt.date(deposited_on.year, deposited_on.month, 1)
    return month + relativedelta(months=6)


def earliest_withdrawal(notified_on: dt.date) -> dt.date:
    """Article 20.3: the first day a withdrawal notified (received) on that day can take effect."""
    return notified_on + WITHDRAWAL_NOTICE


def status_on(delegation: Delegation, day: dt.date) -> str:
    """The delegation's kind on ``day``: for States their treaty status, else their stored kind."""
    if delegation.kind not in STATE_KINDS:
        return delegation.kind
    withdrawn = delegation.withdrawal_effective_on is not None and delegation.withdrawal_effective_on <= day
    if withdrawn:
        return "state_not_party"
    if delegation.joined_on is not None and delegation.joined_on <= day:
        return "state_party"
    if delegation.signed_on is not None and delegation.signed_on <= day:
        return "signatory"
    return "state_not_party"


def in_force_on(delegation: Delegation, day: dt.date) -> bool:
    """True when the Convention binds this State on ``day`` (entry into force, no withdrawal yet)."""
    if delegation.kind not in STATE_KINDS or delegation.in_force_on is None or delegation.in_force_on > day:
        return False
    return delegation.withdrawal_effective_on is None or delegation.withdrawal_effective_on > day


def status_sql(day: dt.date) -> ColumnElement[str]:
    """:func:`status_on` as a SQL expression over the delegations table."""
    d = Delegation
    withdrawn = and_(d.withdrawal_effective_on.is_not(None), d.withdrawal_effective_on <= day)
    return case(
        (d.kind.not_in(STATE_KINDS), d.kind),
        (withdrawn, literal("state_not_party")),
        (and_(d.joined_on.is_not(None), d.joined_on <= day), literal("state_party")),
        (and_(d.signed_on.is_not(None), d.signed_on <= day), literal("signatory")),
        else_=literal("state_not_party"),
    )


def withdrawal_pending(delegation: Delegation, day: dt.date) -> bool:
    """True when a State has given notice of withdrawal that has not taken effect by ``day``."""
    return (delegation.kind in STATE_KINDS and delegation.withdrawal_notified_on is not None
            and delegation.withdrawal_notified_on <= day
            and not (delegation.withdrawal_effective_on is not None and delegation.withdrawal_effective_on <= day))

