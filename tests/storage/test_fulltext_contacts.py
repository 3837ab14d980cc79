"""The contacts' text search on the full-text index (SQLite and PostgreSQL).

The index follows every change of a contact (create, update, import,
self-subscription, merge, erasure), a GDPR erasure leaves none of the
person's words in it (docs/design/security.md item 29), a search past the limits is refused
as bad input (docs/design/security.md item 31), and migration 0012 indexes the contacts a
database already holds.
"""

import importlib.util

import pytest
from sqlalchemy import select, text

from contacts import csv_io, importing, merge, service, subscriptions, suppression
from contacts.models import Contact
from contacts.search import ContactFilter, apply_filter, matching_ids, search
from contacts.search_index import CONTACTS_INDEX
from storage import migrate
from storage.db import Database

from support.paths import ROOT

PEOPLE = [
    {"name": "Émilie Durand", "email": "emilie.durand@lemonde.example", "outlet": "Le Monde", "role": "Diplomatie",
     "country": "FR", "languages": "fr"},
    {"name": "José Año Núñez", "email": "jose@elpais.example", "outlet": "El País", "role": "Corresponsal",
     "country": "ES", "languages": "es"},
    {"name": "Ben Okafor", "email": "ben.okafor@guardian.example", "outlet": "The Guardian", "role": "Editor",
     "country": "GB", "languages": "en"},
]


def names(session, q, **filters):
    found, total = search(session, ContactFilter.from_dict({"q": q, **filters}))
    assert total == len(found)
    return sorted(c.name for c in found)


def index_row_count(session, contact_id):
    column = "key" if session.get_bind().dialect.name == "postgresql" else "rowid"
    return session.scalar(text(f"SELECT count(*) FROM fts_contacts WHERE {column} = :id"), {"id": contact_id})


@pytest.fixture
def people(database, staff):
    with database.transaction() as session:
        for person in PEOPLE:
            service.create_contact(session, dict(person), staff)
    return database


@pytest.mark.parametrize("q,expected", [
    ("emilie", ["Émilie Durand"]), ("ÉMILIE", ["Émilie Durand"]), ("émil", ["Émilie Durand"]),  # French accents
    ("ano", ["José Año Núñez"]), ("nunez", ["José Año Núñez"]), ("Núñ", ["José Año Núñez"]),  # Spanish
    ("jose pais", ["José Año Núñez"]), ("corresp", ["José Año Núñez"]),  # outlet, role
    ("guardian.example", ["Ben Okafor"]), ("ben.okafor@guardian.example", ["Ben Okafor"]),  # address
    ("d", []), ("nobody", []), ('"le monde" durand', ["Émilie Durand"]), ("monde le", ["Émilie Durand"]),
])
def test_finds_words_and_their_beginnings(people, q, expected):
    with people.session() as session:
        assert names(session, q) == expected


def test_text_combines_with_the_other_filters(people):
    with people.session() as session:
        assert names(session, "e", country="FR") == []
        assert names(session, "editor", country="GB") == ["Ben Okafor"]
        assert names(session, "editor", country="FR") == []
        assert names(session, "durand", language="fr") == ["Émilie Durand"]


def test_the_text_only_page_matches_the_filtered_query(database, staff):
    """The fast path for the search box alone gives what the general query gives, page by page."""
    rows = "\n".join(f"Person {i:03d} {'Garcia' if i % 3 else 'Lopez'},p{i:03d}@example.net" for i in range(130))
    with database.transaction() as session:
        importing.apply_import(session, importing.plan_import(session, csv_io.read_csv("name,email\n" + rows)), staff)
    with database.session() as session:
        for q in ("garc", "person", "person 1", "p0", "11"):
            expected = list(session.scalars(apply_filter(select(Contact.id), ContactFilter(q=q))
                                            .order_by(Contact.search_text, Contact.id)))
            got = []
            for page in range(1, 5):
                found, total = search(session, ContactFilter(q=q), page=page, per_page=40)
                assert total == len(expected)
                got += [c.id for c in found]
            assert got == expected and sorted(matching_ids(session, ContactFilter(q=q))) == sorted(expected)


def test_update_rewrites_the_entry(people, staff):
    with people.transaction() as session:
        ben = session.scalar(select(Contact).where(Contact.name == "Ben Okafor"))
        service.update_contact(session, ben, {"name": "Benedict Okafor", "outlet": "Reuters", "role": "Chief"},
                               staff)
    with people.session() as session:
        assert names(session, '"the guardian"') == [] and names(session, "editor") == []
        assert names(session, "guardian") == ["Benedict Okafor"]  # still in the address
        assert names(session, "reuters benedict chief") == ["Benedict Okafor"]


def test_import_indexes_new_and_changed_contacts(people, staff):
    data = ("name,email,outlet,role\r\nZofia Nowak,zofia@rzeczpospolita.example,Rzeczpospolita,Reporter\r\n"
            "Ben Okafor,ben.okafor@guardian.example,Financial Times,Editor\r\n")
    with people.transaction() as session:
        report = importing.apply_import(session, importing.plan_import(session, csv_io.read_csv(data)), staff)
    assert (report["created"], report["updated"]) == (1, 1)
    with people.session() as session:
        assert names(session, "rzecz") == ["Zofia Nowak"]
        assert names(session, "financial") == ["Ben Okafor"] and names(session, "guardian") == ["Ben Okafor"]


def test_self_subscription_is_found_and_follows_the_confirmed_name(database):
    with database.transaction() as session:
        request, _ = subscriptions.request_subscription(
            session, {"name": "Marta Ruiz", "email": "marta@elmundo.example", "outlet": "El Mundo"}, None)
        assert names(session, "ruiz") == ["Marta Ruiz"]
        request.data = {**request.data, "name": "Marta Ruiz Gómez"}
        subscriptions.confirm(session, request, None)
        assert names(session, "gomez") == ["Marta Ruiz Gómez"]


def test_merge_leaves_only_the_kept_contact(people, staff):
    with people.transaction() as session:
        keep = session.scalar(select(Contact).where(Contact.name == "Émilie Durand"))
        other = service.create_contact(session, {"name": "Émilie Durand", "email": "edurand@perso.example",
                                                 "outlet": "Le Monde"}, staff)
        other_id = other.id
        merge.merge(session, keep, other, staff)
    with people.session() as session:
        assert names(session, "perso") == [] and names(session, "durand") == ["Émilie Durand"]
        assert index_row_count(session, other_id) == 0


def test_erasure_removes_the_persons_words_from_the_index(people, admin_actor, backend):
    """docs/design/security.md item 29: after erasure only a hash stays; the search index keeps nothing either."""
    with people.transaction() as session:
        jose = session.scalar(select(Contact).where(Contact.email == "jose@elpais.example"))
        jose_id = jose.id
        assert index_row_count(session, jose_id) == 1
        suppression.erase(session, jose, admin_actor)
    with people.session() as session:
        for q in ("jose", "nunez", "jose@elpais.example", "elpais"):
            assert names(session, q) == []
        assert index_row_count(session, jose_id) == 0
        if backend == "postgresql":
            left = "SELECT count(*) FROM fts_contacts WHERE document @@ to_tsquery('simple', 'nunez | elpais')"
        else:
            session.execute(text("CREATE VIRTUAL TABLE temp.erased_words USING fts5vocab(main, fts_contacts, row)"))
            left = "SELECT count(*) FROM temp.erased_words WHERE term IN ('nunez', 'elpais', 'ano')"
        assert session.scalar(text(left)) == 0
        assert names(session, "durand") == ["Émilie Durand"]  # the others are still found


@pytest.mark.parametrize("path,status", [("/api/v1/contacts", 422), ("/staff/contacts", 400)])
def test_a_search_past_the_limits_is_bad_input(client, auth_actions, token_for, path, status):
    """docs/design/security.md item 31: words per query are bounded, refused at the door."""
    q = " ".join(f"word{i}" for i in range(40))
    if path.startswith("/api"):
        response = client.get(path, query_string={"q": q}, headers={"Authorization": f"Bearer {token_for('viewer')}"})
        assert response.get_json()["error"]["code"] == "invalid"
    else:
        auth_actions.as_officer()
        response = client.get(path, query_string={"q": q})
    assert response.status_code == status and "at most 32" in response.get_data(as_text=True)
    assert client.get(path, query_string={"q": '"*" NEAR( -:^'}, headers={
        "Authorization": f"Bearer {token_for('viewer')}"} if path.startswith("/api") else {}).status_code == 200


def _migration(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "storage" / "migrations" / "versions" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_migration_declares_the_index_the_code_uses():
    assert _migration("0012_contacts_fulltext").CONTACTS == CONTACTS_INDEX


@pytest.fixture
def empty_url(tmp_path, backend, postgres):
    if backend == "postgresql":
        url = postgres.create("pressroom_fulltext")
        yield url
        postgres.drop(url)
    else:
        yield f"sqlite:///{tmp_path / 'at-0009.db'}"


def test_migration_indexes_the_contacts_already_there(empty_url):
    db = Database(empty_url)
    migrate.upgrade(db.engine, "0009")
    with db.engine.begin() as connection:
        connection.execute(text("INSERT INTO outlets (id, name, name_key, kind, website) "
                                "VALUES (7, 'El País', 'el país', 'newspaper', '')"))
        for contact_id, name, email, outlet in ((1, "José Año", "jose@elpais.example", 7),
                                                (2, "Émilie Durand", "emilie@lemonde.example", None)):
            connection.execute(text(
                "INSERT INTO contacts (id, name, name_key, email, outlet_id, role, notes, status, status_reason, "
                "token, search_text, created_at, updated_at) VALUES (:id, :name, :key, :email, :outlet, 'Editor', "
                "'private note', 'active', '', :token, :key, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"),
                {"id": contact_id, "name": name, "key": name.lower(), "email": email, "outlet": outlet,
                 "token": f"token-{contact_id}"})
    migrate.upgrade(db.engine)
    with db.session() as session:
        assert names(session, "pais ano") == ["José Año"]
        assert names(session, "lemonde") == names(session, "durand editor") == ["Émilie Durand"]
        assert names(session, "private") == []  # notes are not searched
    migrate.downgrade(db.engine, "0009")
    with db.engine.connect() as connection:
        assert not [name for name in connection.dialect.get_table_names(connection) if name.startswith("fts_")]
    db.dispose()
