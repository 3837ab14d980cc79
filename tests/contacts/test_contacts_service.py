"""contacts.service, lists, search and merge, without Flask."""

import pytest
from sqlalchemy import select

from contacts import lists, merge, service
from contacts.errors import ContactError, DuplicateContact
from contacts.history import events_for
from contacts.models import Contact
from contacts.search import ContactFilter, search
from storage.audit import AuditEvent

EMILIE = {"name": "Émilie Durand", "email": "Emilie.Durand@LeMonde.example", "outlet": "Le Monde", "role": "Diplomacy",
          "country": "France", "languages": "fr; English", "topics": "Victim assistance, meetings",
          "phones": [{"number": "+33 1 55 55 55 55", "label": "work", "public": True}], "notes": "Prefers French."}


def test_create_normalises_everything(database, staff):
    with database.transaction() as session:
        contact = service.create_contact(session, dict(EMILIE), staff)
        data = service.contact_to_dict(contact)
    assert data["email"] == "emilie.durand@lemonde.example"
    assert (data["outlet"], data["country"], data["languages"]) == ("Le Monde", "FR", ["fr", "en"])
    assert data["topics"] == ["meetings", "victim-assistance"]
    assert data["phones"] == [{"number": "+33 1 55 55 55 55", "label": "work", "public": True}]
    assert data["status"] == "active" and data["consent"]["basis"] == "legitimate_interest"


def test_international_domain_is_the_same_identity(database, staff):
    with database.transaction() as session:
        service.create_contact(session, {"name": "Jörg", "email": "joerg@bücher.example"}, staff)
    with database.transaction() as session:
        with pytest.raises(DuplicateContact):
            service.create_contact(session, {"name": "Jörg", "email": "JOERG@xn--bcher-kva.example"}, staff)


@pytest.mark.parametrize("field,value,message", [
    ("email", "not an address", "not a valid email"),
    ("country", "Atlantis", "unknown country"),
    ("languages", "fr; klingon", "unknown language"),
    ("topics", "cooking", "unknown topic"),
    ("name", "=HYPERLINK(\"http://evil\")", "formula"),
    ("phones", ["call me maybe"], "not a phone number"),
    ("status", "bounced", "other states have their own actions"),
])
def test_bad_fields_are_reported_by_name(database, staff, field, value, message):
    with database.transaction() as session:
        with pytest.raises(ContactError) as caught:
            service.create_contact(session, {**EMILIE, field: value}, staff)
    assert message in caught.value.fields[field]


def test_update_records_history_and_audit_without_the_address(database, staff):
    with database.transaction() as session:
        contact = service.create_contact(session, dict(EMILIE), staff)
        changed = service.update_contact(session, contact, {"role": "Chief diplomatic editor", "topics": ["meetings"]},
                                         staff)
        assert changed == ["role", "topics"]
        assert service.update_contact(session, contact, {"role": "Chief diplomatic editor"}, staff) == []
        contact_id = contact.id
    with database.transaction() as session:
        assert [e.kind for e in events_for(session, contact_id)] == ["updated", "created"]
        audit_rows = session.scalars(select(AuditEvent).where(AuditEvent.object_type == "contact")).all()
        assert [a.action for a in audit_rows] == ["contact.create", "contact.update"]
        assert all("lemonde" not in str(a.details) for a in audit_rows)


def test_search_with_text_and_filters(database, staff):
    with database.transaction() as session:
        service.create_contact(session, dict(EMILIE), staff)
        service.create_contact(session, {"name": "Ana García", "email": "ana@elpais.example", "outlet": "El País",
                                         "country": "ES", "languages": "es", "topics": "victim assistance"}, staff)
        service.create_contact(session, {"name": "Paul Martin", "email": "paul@rfi.example", "outlet": "RFI",
                                         "country": "FR", "languages": "fr", "topics": "universalization"}, staff)
    with database.transaction() as session:
        def names(**filters):
            found, total = search(session, ContactFilter.from_dict(filters))
            assert total == len(found)
            return [c.name for c in found]

        assert names(language="fr", topic="victim-assistance") == ["Émilie Durand"]
        assert names(country="fr") == ["Émilie Durand", "Paul Martin"]
        assert names(q="país") == ["Ana García"]
        assert names(q="monde durand") == ["Émilie Durand"]
        assert names(q="100%_") == []
        assert names(status="unsubscribed") == []
        found, total = search(session, ContactFilter(), page=2, per_page=2)
        assert total == 3 and [c.name for c in found] == ["Paul Martin"]


def test_search_matches_role_and_outlet(database, staff):
    with database.transaction() as session:
        emilie = service.create_contact(session, dict(EMILIE), staff)  # role "Diplomacy", outlet "Le Monde"
        service.create_contact(session, {"name": "Ana García", "email": "ana@elpais.example", "outlet": "El País",
                                         "role": "Bureau chief", "country": "ES"}, staff)
        service.create_contact(session, {"name": "Kenji Sato", "email": "k@nhk.example", "outlet": "日本放送協会",
                                         "role": "Genève correspondent", "country": "JP"}, staff)
    with database.transaction() as session:
        def names(**filters):
            return [c.name for c in search(session, ContactFilter.from_dict(filters))[0]]

        assert names(q="diplomacy") == ["Émilie Durand"]  # role
        assert names(q="bureau chief") == ["Ana García"]  # role, every word
        assert names(q="chie") == ["Ana García"]  # the beginning of a word of the role
        assert names(q="geneve") == ["Kenji Sato"]  # role, accents folded
        assert names(q="monde") == ["Émilie Durand"]  # outlet
        assert names(q="el pais", country="ES") == ["Ana García"]  # outlet, with a filter beside it
        assert names(q="diplomacy", country="ES") == []
        service.update_contact(session, service.get_contact(session, emilie.id),
                               {"role": "Chief editor", "outlet": "Libération"}, staff)
    with database.transaction() as session:
        found = [c.name for c in search(session, ContactFilter(q="chief"))[0]]
        assert found == ["Ana García", "Émilie Durand"]
        assert [c.name for c in search(session, ContactFilter(q="liberation"))[0]] == ["Émilie Durand"]
        assert search(session, ContactFilter(q="diplomacy"))[1] == 0  # the old role is gone from the index


def test_lists_and_segments(database, staff):
    with database.transaction() as session:
        emilie = service.create_contact(session, dict(EMILIE), staff)
        ana = service.create_contact(session, {"name": "Ana", "email": "ana@elpais.example", "languages": "es",
                                               "topics": "victim assistance"}, staff)
        trusted = lists.create_list(session, "Geneva correspondents", staff, embargo_trusted=True)
        assert lists.add_to_list(session, trusted, [emilie.id, ana.id], staff) == 2
        assert lists.add_to_list(session, trusted, [emilie.id], staff) == 0
        with pytest.raises(ContactError):
            lists.create_list(session, "Geneva  correspondents", staff)
        segment = lists.create_segment(session, "French VA journalists", {"language": "fr",
                                                                          "topic": "victim-assistance"}, staff)
        assert lists.resolve_segment(session, segment) == [emilie.id]
        service.update_contact(session, ana, {"languages": "es, fr"}, staff)
        # Segments are resolved when used, so Ana now matches.
        assert sorted(lists.resolve_segment(session, segment)) == sorted([emilie.id, ana.id])
        assert lists.list_sizes(session) == {trusted.id: 2}
        with pytest.raises(ContactError):
            lists.create_segment(session, "Everyone", {}, staff)


def test_merge_keeps_history_and_memberships(database, staff):
    with database.transaction() as session:
        first = service.create_contact(session, dict(EMILIE), staff)
        second = service.create_contact(session, {"name": "émilie durand", "email": "e.durand@lemonde.example",
                                                   "outlet": "LE MONDE", "languages": "es",
                                                   "topics": "stockpile destruction"}, staff)
        press = lists.create_list(session, "Press", staff)
        lists.add_to_list(session, press, [second.id], staff)
        groups = merge.likely_duplicates(session)
        assert len(groups) == 1 and {c.id for c in groups[0].contacts} == {first.id, second.id}
        assert [c.id for c in merge.duplicates_of(session, first)] == [second.id]
        merge.merge(session, first, second, staff)
        first_id, second_id = first.id, second.id
    with database.transaction() as session:
        kept = session.get(Contact, first_id)
        assert session.get(Contact, second_id) is None
        assert kept.list_ids == [press.id]
        assert kept.languages == ["fr", "en", "es"]
        assert "stockpile-destruction" in kept.topics
        kinds = [e.kind for e in events_for(session, first_id)]
        assert kinds[0] == "merged" and "list.added" in kinds and kinds.count("created") == 2
        assert merge.likely_duplicates(session) == []
