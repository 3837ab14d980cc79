"""Delegations in the database: lists "as of" a day (SQL agrees with the Python rule),
corrections with their audit trail, who may change what, and focal points."""

import datetime as dt

import pytest
from sqlalchemy import func, select

from contacts import delegations as svc
from contacts import merge, service
from contacts.delegation_seed import seed_delegations
from contacts.errors import ContactError, NotAllowed
from contacts.models import STATE_KINDS, Contact, Delegation
from contacts.treaty_status import status_on, status_sql
from storage.audit import AuditEvent

D = dt.date
WITHDRAWN_2025 = {"EE", "LV", "LT", "FI", "PL"}


@pytest.fixture
def seeded(database):
    """The migrated database with the seed present (PostgreSQL runs empty the tables between tests)."""
    with database.engine.begin() as connection:
        seed_delegations(connection)
    return database


def by_code(session, code: str) -> Delegation:
    return session.scalar(select(Delegation).where(Delegation.country == code, Delegation.kind.in_(STATE_KINDS)))


def audit_events(session, action: str) -> list[AuditEvent]:
    return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_the_migration_seeds_states_and_organisations(seeded):
    with seeded.transaction() as session:
        assert svc.count_delegations(session, kind=STATE_KINDS) == 197
        assert svc.count_delegations(session, kind=("international_organisation", "ngo")) >= 10
        # Seeding again adds nothing
        assert seed_delegations(session.connection()) == 0


def test_states_parties_as_of_2024_01_01_is_164(seeded):
    with seeded.transaction() as session:
        assert svc.count_delegations(session, kind="state_party", on=D(2024, 1, 1)) == 164
        assert [d.country for d in svc.list_delegations(session, kind="signatory", on="2024-01-01")] == ["MH"]
        assert svc.count_delegations(session, kind="state_not_party", on=D(2024, 1, 1)) == 32


def test_states_parties_as_of_2026_03_01_count_the_marshall_islands_not_the_withdrawals(seeded):
    with seeded.transaction() as session:
        parties = {d.country for d in svc.list_delegations(session, kind="state_party", on=D(2026, 3, 1))}
        assert len(parties) == 160 and "MH" in parties and "UA" in parties
        assert not parties & WITHDRAWN_2025


@pytest.mark.parametrize("day, finland", [(D(2026, 1, 9), "state_party"), (D(2026, 1, 10), "state_not_party"),
                                          (D(2026, 1, 11), "state_not_party")])
def test_lists_as_of_the_days_around_a_withdrawal(seeded, day, finland):
    with seeded.transaction() as session:
        parties = {d.country for d in svc.list_delegations(session, kind="state_party", on=day)}
        others = {d.country for d in svc.list_delegations(session, kind="state_not_party", on=day)}
        assert ("FI" in parties) == (finland == "state_party") and ("FI" in others) == (finland != "state_party")
        assert {"EE", "LV", "LT"} <= others and "PL" in parties  # effective 27 Dec 2025 / 20 Feb 2026


def test_sql_status_agrees_with_the_python_rule(seeded):
    days = [D(1997, 12, 2), D(1997, 12, 3), D(1999, 3, 1), D(2012, 1, 9), D(2024, 1, 1), D(2025, 3, 12),
            D(2025, 12, 27), D(2026, 2, 19), D(2026, 2, 20), D(2040, 1, 1)]
    with seeded.transaction() as session:
        for day in days:
            rows = session.execute(select(Delegation, status_sql(day))).all()
            assert len(rows) >= 207
            assert [(d.id, status_on(d, day)) for d, _ in rows] == [(d.id, s) for d, s in rows]


def test_the_stored_kind_is_the_status_on_the_day_of_seeding(seeded):
    with seeded.transaction() as session:
        today = dt.datetime.now(dt.timezone.utc).date()
        for delegation in session.scalars(select(Delegation)):
            assert delegation.kind == status_on(delegation, today)


def test_refreshing_kinds_records_each_change(seeded, staff):
    with seeded.transaction() as session:
        changed = svc.refresh_state_kinds(session, D(2025, 6, 1), staff)
        assert by_code(session, "MH").kind == "state_party"
        assert all(by_code(session, code).kind == "state_party" for code in WITHDRAWN_2025)
        assert len(changed) == len(audit_events(session, "delegation.status"))
        assert svc.refresh_state_kinds(session, D(2025, 6, 1), staff) == {}
        back = svc.refresh_state_kinds(session, D(2026, 3, 1), staff)
        assert {session.get(Delegation, i).country for i in back} == WITHDRAWN_2025


def test_search_matches_names_in_three_languages(seeded):
    with seeded.transaction() as session:
        assert [d.country for d in svc.list_delegations(session, q="Suisse")] == ["CH"]
        assert [d.country for d in svc.list_delegations(session, q="ALEMANIA")] == ["DE"]
        assert "CI" in {d.country for d in svc.list_delegations(session, q="cote d'ivoire")}
        assert svc.list_delegations(session, q="red cross")[0].seed_key == "org:icrc"
        assert svc.list_delegations(session, q="100%_") == []
        with pytest.raises(ContactError) as bad:
            svc.list_delegations(session, kind="party")
        assert "kind" in bad.value.fields
        with pytest.raises(ContactError) as bad:
            svc.list_delegations(session, kind="state_party", on="1 March 1999")
        assert "on" in bad.value.fields


def test_a_correction_is_audited_old_to_new(seeded, staff):
    with seeded.transaction() as session:
        finland = by_code(session, "FI")
        changes = svc.update_delegation(session, finland.id, {
            "mission": {"address": "Avenue de France 23\n1202 Genève", "email": "Sanomat.GEN@formin.example",
                        "phone": "+41 22 919 42 42"}, "name_fr": "Finlande"}, staff)
        assert changes == {"mission_address": ["", "Avenue de France 23\n1202 Genève"],
                           "mission_email": ["", "sanomat.gen@formin.example"],
                           "mission_phone": ["", "+41 22 919 42 42"]}
        [event] = audit_events(session, "delegation.update")
        assert event.object_id == str(finland.id) and event.actor_label == staff.label
        assert event.details == {"changes": changes}
        assert svc.update_delegation(session, finland.id, {"mission_phone": "+41 22 919 42 42"}, staff) == {}
        assert len(audit_events(session, "delegation.update")) == 1


def test_only_an_admin_corrects_treaty_dates(seeded, staff, admin_actor):
    with seeded.transaction() as session:
        poland = by_code(session, "PL")
        with pytest.raises(NotAllowed) as refused:
            svc.update_delegation(session, poland.id, {"withdrawal_effective_on": "2026-03-01"}, staff)
        assert refused.value.fields == {"withdrawal_effective_on": "admins only"}
        assert poland.withdrawal_effective_on == D(2026, 2, 20) and audit_events(session, "delegation.update") == []
        changes = svc.update_delegation(session, poland.id, {"withdrawal_notified_on": "",
                                                             "withdrawal_effective_on": None}, admin_actor)
        assert changes["withdrawal_effective_on"] == ["2026-02-20", None]
        assert changes["kind"] == ["state_not_party", "state_party"]  # the dates decide the kind
        assert audit_events(session, "delegation.update")[0].details["changes"] == changes


@pytest.mark.parametrize("change, field", [
    ({"withdrawal_effective_on": "2025-09-01"}, "withdrawal_effective_on"),  # under six months (Art. 20.3)
    ({"kind": "state_party"}, "kind"),                                         # the dates say otherwise
    ({"signed_on": "2001-01-01"}, "signed_on"),                                # signature closed (Art. 15)
    ({"joined_by": ""}, "joined_by"),
    ({"joined_on": "31/12/2012"}, "joined_on"),
    ({"country": "Atlantis"}, "country"),
    ({"country": "FR"}, "country"),                                            # France has its delegation
    ({"name": "France"}, "name"),
    ({"name": "=cmd|' /C calc'!A0"}, "name"),
    ({"mission_email": "not an address"}, "mission_email"),
    ({"mission_phone": "call us"}, "mission_phone"),
    ({"colour": "red"}, "colour"),
])
def test_bad_corrections_are_refused_with_field_messages(seeded, admin_actor, change, field):
    with seeded.transaction() as session:
        finland = by_code(session, "FI")
        with pytest.raises(ContactError) as refused:
            svc.update_delegation(session, finland.id, change, admin_actor)
        assert field in refused.value.fields, refused.value.fields
        assert audit_events(session, "delegation.update") == []


def test_creating_and_deleting_delegations(seeded, staff, admin_actor):
    with seeded.transaction() as session:
        ngo = svc.create_delegation(session, {"name": "Mine Action Review", "kind": "ngo", "name_fr": ""}, staff)
        assert ngo.kind == "ngo" and svc.list_delegations(session, q="mine action review") == [ngo]
        with pytest.raises(NotAllowed):
            svc.create_delegation(session, {"name": "Atlantis", "kind": "state_not_party", "country": "AQ"}, staff)
        with pytest.raises(ContactError) as refused:
            svc.create_delegation(session, {"name": "Organisation", "kind": "ngo", "joined_on": "2001-01-01"},
                                  admin_actor)
        assert refused.value.fields == {"joined_on": "only States have treaty dates"}
        state = svc.create_delegation(session, {"name": "Antarctica", "kind": "state_not_party", "country": "AQ",
                                                "signed_on": "1998-01-05"}, admin_actor)
        assert state.kind == "signatory"  # from the dates
        member = service.create_contact(session, {"name": "Ana", "email": "ana@mission.example",
                                                  "delegation_id": state.id}, staff)
        with pytest.raises(NotAllowed):
            svc.delete_delegation(session, state.id, staff)
        svc.delete_delegation(session, state.id, admin_actor)
        assert session.get(Delegation, state.id) is None
        assert session.get(Contact, member.id).delegation_id is None
        assert audit_events(session, "delegation.delete")[0].details["focal_points"] == 1
        with pytest.raises(LookupError):
            svc.update_delegation(session, state.id, {"notes": "x"}, admin_actor)


def test_focal_points_are_contacts_with_a_delegation(seeded, staff):
    with seeded.transaction() as session:
        france, chile = by_code(session, "FR"), by_code(session, "CL")
        lea = service.create_contact(session, {"name": "Léa Martin", "email": "lea@mission-france.example",
                                               "delegation_id": france.id}, staff)
        bruno = service.create_contact(session, {"name": "Bruno Petit", "email": "bruno@mission-france.example",
                                                 "delegation": "France"}, staff)
        assert service.contact_to_dict(lea)["delegation_id"] == france.id
        assert [c.id for c in svc.focal_points(session, france.id)] == [bruno.id, lea.id]
        assert svc.focal_point_ids(session, [france.id, chile.id]) == {france.id: [lea.id, bruno.id], chile.id: []}
        assert service.update_contact(session, bruno, {"delegation": "cl"}, staff) == ["delegation"]
        assert bruno.delegation.name == "Chile"
        assert service.update_contact(session, bruno, {"delegation_id": None}, staff) == ["delegation"]
        assert bruno.delegation_id is None and service.update_contact(session, lea, {"name": "Léa"}, staff) == ["name"]
        assert lea.delegation_id == france.id  # untouched when not mentioned
        for bad in ({"delegation_id": 999999}, {"delegation_id": "x"}, {"delegation": "Atlantis"}):
            with pytest.raises(ContactError) as refused:
                service.update_contact(session, lea, bad, staff)
            assert set(refused.value.fields) == set(bad)
        as_dict = svc.delegation_to_dict(france, focal_points=[lea.id], on=D(2026, 1, 1))
        assert as_dict["kind"] == "state_party" and as_dict["focal_points"] == [lea.id]
        assert as_dict["names"]["es"] == "Francia" and as_dict["in_force"] is True


def test_delegation_to_dict_gives_the_status_as_of_a_day(seeded):
    with seeded.transaction() as session:
        lithuania = by_code(session, "LT")
        assert svc.delegation_to_dict(lithuania, on=D(2025, 12, 26))["kind"] == "state_party"
        assert svc.delegation_to_dict(lithuania, on=D(2025, 12, 27))["kind"] == "state_not_party"
        assert svc.delegation_to_dict(lithuania)["withdrawal_effective_on"] == "2025-12-27"
        assert session.scalar(select(func.count()).select_from(Delegation)) >= 210


def test_merging_contacts_keeps_the_focal_points_delegation(seeded, staff):
    with seeded.transaction() as session:
        chile = by_code(session, "CL")
        keep = service.create_contact(session, {"name": "Juan Pérez", "email": "juan@paper.example"}, staff)
        other = service.create_contact(session, {"name": "Juan Pérez", "email": "jperez@minrel.example",
                                                 "delegation_id": chile.id}, staff)
        merge.merge(session, keep, other, staff)
        assert keep.delegation_id == chile.id and [c.id for c in svc.focal_points(session, chile.id)] == [keep.id]
