"""Imports are bounded in rows, refused while the file is read (the probe's F7: a 50,000-row
delegations dry run held a request for 26 s, and a 32 MB body would have held it for minutes)."""

import pytest

from contacts import csv_io, delegation_io, vcard_io
from contacts.errors import ContactError

from support.web import bearer


@pytest.fixture
def officer(token_for):
    return bearer(token_for("officer"))


def _total(client, headers, path):
    return client.get(path, headers=headers, query_string={"per_page": 1}).get_json()["total"]


def test_a_delegations_file_over_the_limit_is_refused_whole_and_writes_nothing(client, officer):
    before = _total(client, officer, "/api/v1/delegations")
    rows = "".join(f"Bulk NGO {n},ngo,note {n}\n" for n in range(delegation_io.MAX_ROWS + 1))
    for dry_run in ("true", "false"):
        refused = client.post(f"/api/v1/delegations/import?dry_run={dry_run}", data=("name,kind,notes\n" + rows).encode(),
                              headers=officer, content_type="text/csv")
        assert refused.status_code == 400
        error = refused.get_json()["error"]
        assert "has more than 5,000 rows: split it into several files" in error["message"]
        assert error["fields"] == {"file": "at most 5,000 rows"}
    assert _total(client, officer, "/api/v1/delegations") == before


def test_a_contacts_file_over_the_limit_is_refused_and_one_at_the_limit_is_read():
    header = "name,email\n"
    at_limit = header + "".join(f"P{n},p{n}@example.org\n" for n in range(csv_io.MAX_ROWS))
    assert len(csv_io.read_csv(at_limit)) == csv_io.MAX_ROWS
    with pytest.raises(ContactError) as refused:
        csv_io.read_csv(at_limit + "One more,one.more@example.org\n")
    assert refused.value.fields == {"file": "at most 100,000 rows"}


def test_the_contacts_api_refuses_a_file_over_the_limit(client, officer):
    before = _total(client, officer, "/api/v1/contacts")
    data = "name,email\n" + "".join(f"P{n},p{n}@example.org\n" for n in range(csv_io.MAX_ROWS + 1))
    refused = client.post("/api/v1/contacts/import?dry_run=true", data=data.encode(), headers=officer,
                          content_type="text/csv")
    assert refused.status_code in (400, 422) and "more than 100,000 rows" in refused.get_json()["error"]["message"]
    assert _total(client, officer, "/api/v1/contacts") == before


def test_a_vcard_file_over_the_limit_is_refused_without_parsing_all_of_it(monkeypatch):
    card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana {n}\r\nEMAIL:ana{n}@example.org\r\nEND:VCARD\r\n"
    monkeypatch.setattr(csv_io, "MAX_ROWS", 3)  # the real limit is 100,000 cards; the rule is the same
    assert len(vcard_io.read_vcards("".join(card.format(n=n) for n in range(3)))) == 3
    with pytest.raises(ContactError) as refused:
        vcard_io.read_vcards("".join(card.format(n=n) for n in range(4)))
    assert refused.value.fields == {"file": "at most 3 rows"}
