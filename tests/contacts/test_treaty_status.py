"""Treaty status as a function of the date (Articles 15, 17 and 20) and the seed of
every State (contacts/data/states.csv), without a database."""

import datetime as dt
import functools

import pytest

from contacts.delegation_seed import read_organisations, read_states, seed_rows, source_notes
from contacts.models import Delegation
from contacts.treaty_status import (FORTIETH_DEPOSIT, earliest_withdrawal, entry_into_force_for, in_force_on,
                                    status_on, withdrawal_pending)

D = dt.date
WITHDRAWN_2025 = {"EE": (D(2025, 6, 27), D(2025, 12, 27)), "LV": (D(2025, 6, 27), D(2025, 12, 27)),
                  "LT": (D(2025, 6, 27), D(2025, 12, 27)), "FI": (D(2025, 7, 10), D(2026, 1, 10)),
                  "PL": (D(2025, 8, 20), D(2026, 2, 20))}
NOT_PARTY_2024 = {"AM", "AZ", "BH", "CN", "CU", "EG", "GE", "IN", "IR", "IL", "KZ", "KG", "LA", "LB", "LY", "FM",
                  "MN", "MA", "MM", "NP", "KP", "PK", "RU", "SA", "SG", "KR", "SY", "TO", "AE", "US", "UZ", "VN"}


@functools.cache
def seeded_states() -> dict[str, Delegation]:
    """The seeded States as (transient) Delegations, by ISO code."""
    return {row["country"]: Delegation(**{k: v for k, v in row.items() if k not in ("created_at", "updated_at")})
            for row in seed_rows(D(2026, 12, 6)) if row["seed_key"].startswith("state:")}


def state(code: str) -> Delegation:
    return seeded_states()[code]


def states_with(status: str, day: dt.date) -> set[str]:
    return {code for code, s in seeded_states().items() if status_on(s, day) == status}


@pytest.mark.parametrize("deposited, in_force", [
    (D(1997, 12, 3), D(1999, 3, 1)),    # Canada, Ireland, Mauritius: before the 40th
    (FORTIETH_DEPOSIT, D(1999, 3, 1)),  # Burkina Faso, the 40th
    (D(1998, 9, 30), D(1999, 3, 1)),    # Japan: after the 40th, same month
    (D(1998, 10, 8), D(1999, 4, 1)),    # Guinea: first day of the sixth month after the month
    (D(2012, 12, 27), D(2013, 6, 1)),   # Poland
    (D(2025, 3, 12), D(2025, 9, 1)),    # the Marshall Islands
    (D(2017, 12, 29), D(2018, 6, 1)),   # State of Palestine
])
def test_entry_into_force_follows_article_17(deposited, in_force):
    assert entry_into_force_for(deposited) == in_force


def test_a_withdrawal_takes_effect_six_months_after_notification():
    assert earliest_withdrawal(D(2025, 6, 27)) == D(2025, 12, 27)
    assert earliest_withdrawal(D(2025, 8, 31)) == D(2026, 2, 28)  # no 31 February


@pytest.mark.parametrize("code", sorted(WITHDRAWN_2025))
def test_status_the_day_before_on_and_after_a_withdrawal_takes_effect(code):
    delegation = state(code)
    notified, effective = WITHDRAWN_2025[code]
    assert (delegation.withdrawal_notified_on, delegation.withdrawal_effective_on) == (notified, effective)
    day_before = effective - dt.timedelta(days=1)
    assert status_on(delegation, notified) == "state_party" and withdrawal_pending(delegation, notified)
    assert status_on(delegation, day_before) == "state_party" and in_force_on(delegation, day_before)
    assert status_on(delegation, effective) == "state_not_party" and not in_force_on(delegation, effective)
    assert status_on(delegation, effective + dt.timedelta(days=1)) == "state_not_party"
    assert not withdrawal_pending(delegation, effective)


def test_status_around_deposit_and_entry_into_force():
    marshall = state("MH")
    assert status_on(marshall, D(1997, 12, 3)) == "state_not_party"
    assert status_on(marshall, D(1997, 12, 4)) == "signatory"
    assert status_on(marshall, D(2025, 3, 11)) == "signatory"
    assert status_on(marshall, D(2025, 3, 12)) == "state_party"  # counted from the deposit
    assert not in_force_on(marshall, D(2025, 8, 31))
    assert in_force_on(marshall, D(2025, 9, 1))


def test_a_state_withdrawing_in_armed_conflict_remains_a_party():
    """Article 20.3: Ukraine's notice has no effective date, so it stays a State Party."""
    ukraine = state("UA")
    assert ukraine.withdrawal_effective_on is None and "20.3" in ukraine.notes
    for day in (D(2025, 7, 1), D(2026, 12, 6), D(2030, 1, 1)):
        assert status_on(ukraine, day) == "state_party" and in_force_on(ukraine, day)


def test_organisations_have_no_treaty_status():
    icrc = Delegation(kind="international_organisation", joined_on=None, signed_on=None,
                      withdrawal_effective_on=None, in_force_on=None)
    assert status_on(icrc, D(1990, 1, 1)) == status_on(icrc, D(2030, 1, 1)) == "international_organisation"
    assert not in_force_on(icrc, D(2030, 1, 1))


def test_the_seed_has_every_state_once():
    codes = [s["country"] for s in read_states()]
    assert len(codes) == len(set(codes)) == 197  # the 193 UN members, the Holy See, Palestine, Niue, Cook Islands
    assert {"VA", "PS", "NU", "CK"} <= set(codes)


def test_states_parties_as_of_2024_01_01_is_164():
    assert len(states_with("state_party", D(2024, 1, 1))) == 164
    assert states_with("signatory", D(2024, 1, 1)) == {"MH"}
    assert states_with("state_not_party", D(2024, 1, 1)) == NOT_PARTY_2024


def test_states_parties_as_of_2026_03_01():
    parties = states_with("state_party", D(2026, 3, 1))
    assert "MH" in parties and "UA" in parties
    assert not parties & set(WITHDRAWN_2025)
    assert len(parties) == 164 + 1 - 5
    assert states_with("signatory", D(2026, 3, 1)) == set()


@pytest.mark.parametrize("day, count", [
    (FORTIETH_DEPOSIT, 40), (D(2013, 1, 1), 161), (D(2014, 8, 19), 161), (D(2014, 8, 20), 162),
    (D(2017, 12, 13), 163), (D(2017, 12, 29), 164), (D(2025, 3, 12), 165), (D(2025, 12, 27), 162),
])
def test_the_count_of_states_parties_through_the_years(day, count):
    assert len(states_with("state_party", day)) == count


def test_seed_dates_follow_the_convention():
    for s in read_states():
        if s["joined_on"] is None:
            assert not any(s[k] for k in ("in_force_on", "joined_by", "withdrawal_notified_on")), s["country"]
            continue
        if s["joined_by"] == "succession":
            assert s["in_force_on"] <= s["joined_on"], s["country"]
        else:
            assert s["in_force_on"] == entry_into_force_for(s["joined_on"]), s["country"]
            assert s["joined_by"] in ("ratification", "accession")
        if s["signed_on"]:
            assert D(1997, 12, 3) <= s["signed_on"] < D(1999, 3, 1) and s["joined_by"] == "ratification"
        if s["withdrawal_effective_on"]:
            assert s["withdrawal_effective_on"] == earliest_withdrawal(s["withdrawal_notified_on"])


def test_every_state_has_names_in_english_french_and_spanish():
    for s in read_states():
        assert s["name"] and s["name_fr"] and s["name_es"], s["country"]
    names = {s["country"]: s for s in read_states()}
    assert names["CH"]["name_fr"] == "Suisse" and names["DE"]["name_es"] == "Alemania"
    # The UN's forms, not the everyday ones
    assert names["KR"]["name_fr"] == "République de Corée" and names["US"]["name_es"] == "Estados Unidos de América"


def test_the_seed_names_its_source_and_currency():
    notes = " ".join(source_notes())
    assert "United Nations Treaty Collection" in notes and "XXVI" in notes and "5" in notes
    assert "Current to: 20" in notes and "WITHOUT access" in notes


def test_the_organisations_seed():
    orgs = {o["key"]: o for o in read_organisations()}
    assert {"unmas", "icrc", "gichd", "icbl-cmc", "eu"} <= set(orgs)
    assert {o["kind"] for o in orgs.values()} == {"international_organisation", "ngo"}
    assert all(o["name_fr"] and o["name_es"] for o in orgs.values())


def test_seed_rows_store_each_states_status_on_the_day():
    rows = {r["seed_key"]: r for r in seed_rows(D(2025, 1, 1))}
    assert rows["state:FI"]["kind"] == "state_party" and rows["state:MH"]["kind"] == "signatory"
    later = {r["seed_key"]: r for r in seed_rows(D(2026, 3, 1))}
    assert later["state:FI"]["kind"] == "state_not_party" and later["state:MH"]["kind"] == "state_party"
    assert later["org:icrc"]["kind"] == "international_organisation"
