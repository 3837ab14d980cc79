"""CSV and vCard import and export, without Flask."""

import pytest
from sqlalchemy import func, select

from contacts import csv_io, importing, lists, service, suppression, vcard_io
from contacts.errors import ContactError
from contacts.models import Contact

GOOD_CSV = (
    "name,email,outlet,role,country,languages,topics,phones,notes\r\n"
    "Émilie Durand,Emilie@LeMonde.example,Le Monde,Diplomacy,France,fr;en,victim assistance,"
    "work: +33 1 55 55 55 55*,\r\n"
    "Ana García,ana@elpais.example,El País,,ES,es,meetings,,\"Met at 21MSP, Geneva\"\r\n"
)


def run_import(database, staff, data, *, apply=True):
    with database.transaction() as session:
        plan = importing.plan_import(session, csv_io.read_csv(data))
        return importing.apply_import(session, plan, staff) if apply else plan.report()


def count(database):
    with database.transaction() as session:
        return session.scalar(select(func.count()).select_from(Contact))


def test_import_creates_then_updates(database, staff):
    report = run_import(database, staff, GOOD_CSV.encode())
    assert (report["created"], report["updated"], report["skipped"], report["errors"]) == (2, 0, 0, [])
    with database.transaction() as session:
        emilie = service.find_by_email(session, "emilie@lemonde.example")
        assert emilie.languages == ["fr", "en"] and emilie.topics == ["victim-assistance"]
        assert emilie.phones[0].public and emilie.country == "FR"
    again = run_import(database, staff, GOOD_CSV.replace("Diplomacy", "Foreign desk").encode())
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 1, 1)


def test_bom_and_semicolons_are_detected(database, staff):
    data = "\ufeffname;email;country;languages\r\nPaul Martin;paul@rfi.example;FR;fr, en\r\n".encode("utf-8")
    report = run_import(database, staff, data)
    assert report["created"] == 1
    with database.transaction() as session:
        assert service.find_by_email(session, "paul@rfi.example").languages == ["fr", "en"]


def test_bad_rows_are_reported_and_the_good_ones_imported(database, staff):
    data = (
        "name,email,country,languages\r\n"
        "Good One,good@example.org,CH,fr\r\n"          # row 2
        "Bad Email,not-an-address,CH,fr\r\n"           # row 3
        "Unknown Country,uc@example.org,Narnia,fr\r\n"  # row 4
        "No Email,,CH,fr\r\n"                          # row 5
        "Twice,GOOD@example.org,CH,fr\r\n"             # row 6: duplicate of row 2
        "=cmd|' /C calc'!A0,formula@example.org,CH,fr\r\n"  # row 7: formula
        "Bad Language,bl@example.org,CH,xx\r\n"        # row 8
    )
    report = run_import(database, staff, data)
    assert report["created"] == 1
    problems = {(e["row"], e["field"]) for e in report["errors"]}
    assert problems == {(3, "email"), (4, "country"), (5, "email"), (6, "email"), (7, "name"), (8, "languages")}
    assert any("duplicate of row 2" in e["message"] for e in report["errors"])
    assert count(database) == 1


def test_missing_email_column_is_a_file_error():
    with pytest.raises(ContactError, match="email"):
        csv_io.read_csv(b"name,outlet\r\nA,B\r\n")


def test_non_utf8_file_is_refused():
    with pytest.raises(ContactError, match="UTF-8"):
        csv_io.read_csv("name,email\r\nJosé,j@example.org\r\n".encode("latin-1"))


def test_plan_writes_nothing(database, staff):
    report = run_import(database, staff, GOOD_CSV, apply=False)
    assert report["created"] == 2
    assert count(database) == 0


def test_export_neutralises_formulas_and_reimports_unchanged(database, staff):
    with database.transaction() as session:
        service.create_contact(session, {"name": "-Dash Person", "email": "dash@example.org",
                                         "phones": [{"number": "+41 22 000 00 00", "public": True}],
                                         "notes": "=SUM(A1:A9)", "outlet": "+Plus Media", "languages": "fr"}, staff)
        trusted = lists.create_list(session, "Trusted, Geneva", staff, embargo_trusted=True)
        run_list = session.scalar(select(Contact))
        lists.add_to_list(session, trusted, [run_list.id], staff)
    run_import(database, staff, GOOD_CSV)
    with database.transaction() as session:
        exported = csv_io.write_csv(session.scalars(select(Contact).order_by(Contact.id)), lists.all_lists(session))
    for line in exported.splitlines()[1:]:
        for cell in __import__("csv").reader([line]).__next__():
            assert not cell.startswith(("=", "+", "-", "@")), cell
    assert "'=SUM(A1:A9)" in exported and "'-Dash Person" in exported
    before = count(database)
    report = run_import(database, staff, exported.encode())
    assert report["created"] == 0 and report["updated"] == 0 and report["errors"] == []
    assert report["unchanged"] == before == count(database)


def test_vcard_round_trip(database, staff):
    run_import(database, staff, GOOD_CSV)
    with database.transaction() as session:
        cards = vcard_io.write_vcards(session.scalars(select(Contact).order_by(Contact.id)))
    assert cards.count("BEGIN:VCARD") == 2 and "VERSION:3.0" in cards
    with database.transaction() as session:
        plan = importing.plan_import(session, vcard_io.read_vcards(cards))
        report = importing.apply_import(session, plan, staff)
    assert (report["created"], report["updated"], report["errors"]) == (0, 0, [])
    assert report["unchanged"] == 2


def test_vcard4_import(database, staff):
    card = (
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Kofi Boateng\r\nEMAIL;TYPE=work:kofi@graphic.example\r\n"
        "ORG:Daily Graphic\r\nTITLE:Foreign editor\r\nLANG;PREF=1:en\r\nLANG:fr\r\n"
        "TEL;VALUE=uri;TYPE=cell:tel:+233-20-000-0000\r\nCATEGORIES:universalization,mine clearance\r\n"
        "ADR;TYPE=work:;;1 High St;Accra;;;Ghana\r\nEND:VCARD\r\n"
    )
    with database.transaction() as session:
        report = importing.apply_import(session, importing.plan_import(session, vcard_io.read_vcards(card)), staff)
    assert report["created"] == 1
    with database.transaction() as session:
        kofi = service.find_by_email(session, "kofi@graphic.example")
        assert (kofi.country, kofi.languages, kofi.role) == ("GH", ["en", "fr"], "Foreign editor")
        assert kofi.topics == ["mine-clearance", "universalization"]
        assert kofi.phones[0].number == "+233-20-000-0000" and kofi.phones[0].label == "cell"


def test_suppressed_addresses_are_never_reimported_as_active(database, staff, admin_actor):
    run_import(database, staff, GOOD_CSV)
    with database.transaction() as session:
        emilie = service.find_by_email(session, "emilie@lemonde.example")
        suppression.suppress(session, emilie, staff, "asked not to be contacted")
        ana = service.find_by_email(session, "ana@elpais.example")
        suppression.erase(session, ana, admin_actor)
    report = run_import(database, staff, GOOD_CSV.replace("ES,es", "ES,es").encode())
    assert report["created"] == 0 and report["skipped"] == 1
    assert any("suppression list" in e["message"] for e in report["errors"])
    with database.transaction() as session:
        assert service.find_by_email(session, "ana@elpais.example") is None
        assert service.find_by_email(session, "emilie@lemonde.example").status == "suppressed"
    with_status = "name,email,status\r\nÉmilie Durand,emilie@lemonde.example,active\r\n"
    run_import(database, staff, with_status)
    with database.transaction() as session:
        assert service.find_by_email(session, "emilie@lemonde.example").status == "suppressed"


def test_import_is_one_transaction(database, staff, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(importing, "_apply_updates", explode)
    run_import(database, staff, GOOD_CSV)
    with pytest.raises(RuntimeError):
        run_import(database, staff, GOOD_CSV.replace("Diplomacy", "X") + "New Person,new@example.org,,,,,,,\r\n")
    assert count(database) == 2
