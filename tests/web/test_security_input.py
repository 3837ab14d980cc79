"""docs/design/security.md item 31 for request input (issue 13, finding 9): work per input is bounded before any
parser or the database sees it. Each reported request, anonymous and with a token, is a 4xx in the
documented error shape, never a 500; and the bounds are generous enough for real input. Then what the
forms store (finding 14): no NUL, no invisible formatting in names, exports that name their charset once."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings as hsettings, strategies as st
from sqlalchemy import func, select

from comms.accounts import users as auth
from comms.platform.seeding import seed_demo
from comms.web.input_guard import MAX_JSON_DEPTH, json_depth
from contacts import lists
from contacts.errors import ContactError
from contacts.models import Contact, ContactList
from contacts.text import strip_invisible
from contacts.vocab import MAX_SEARCH_WORDS
from storage.audit import Actor

from support.web import csrf_from

STAFF = Actor(label="officer@example.org")
DEEP = "[" * 2000 + "]" * 2000  # about 4 KB


@pytest.fixture
def officer(token_for) -> dict:
    return {"Authorization": f"Bearer {token_for('officer')}"}


def api_error(response, status: int = 422) -> dict:
    """The error body, after checking the status and docs/design/contract.md's shape."""
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "fields"}
    return error


def contact_count(runtime) -> int:
    with runtime.db.transaction() as session:
        return session.scalar(select(func.count()).select_from(Contact))


@pytest.mark.parametrize("path", ["/api/v1/contacts", "/api/v1/releases", "/api/v1/lists/1/members",
                                  "/api/v1/no-such-thing"])
@pytest.mark.parametrize("signed", [False, True], ids=["anonymous", "token"])
def test_item_31_deeply_nested_json_is_a_422_before_authentication(client, officer, path, signed):
    """Item 31: ~4 KB of nested brackets to any /api/ path is refused by its depth (measured without
    recursion), before authentication, as 422 in the error shape; not a RecursionError (500)."""
    response = client.post(path, data=DEEP, content_type="application/json", headers=officer if signed else {})
    assert api_error(response)["fields"] == {"body": f"nested more than {MAX_JSON_DEPTH} levels"}
    nested_object = '{"a":' * 1000 + "1" + "}" * 1000
    assert api_error(client.patch(path, data=nested_object, content_type="application/json"))["code"] == "invalid"


def test_item_31_json_as_deep_as_the_limit_still_passes_the_guard(client, officer):
    """Item 31: the limit is a bound, not a ban: 32 levels reach the view (which answers 422 for the
    wrong shape, naming a field rather than the nesting)."""
    body = {"name": "Nested", "email": "nested@example.org", "phones": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}
    assert json_depth(json.dumps(body).encode()) == MAX_JSON_DEPTH
    fields = api_error(client.post("/api/v1/contacts", json=body, headers=officer))["fields"]
    assert "body" not in fields and fields


@pytest.mark.parametrize("query", ["page=99999999999999999999", "meeting=99999999999999999999",
                                   "page=1e9", "meeting=-1"])
def test_item_31_huge_numbers_in_the_newsroom_query_are_a_400_page(client, auth_actions, query):
    """Item 31: /news/?page= and ?meeting= beyond the integer columns are a 400 page naming the
    parameter (they overflowed the database driver: a 500), signed in or not."""
    for signed_in in (False, True):
        if signed_in:
            auth_actions.as_viewer()
        response = client.get(f"/news/?{query}")
        assert response.status_code == 400
        assert query.split("=")[0] in response.get_data(as_text=True)
    assert client.get("/news/?page=2&meeting=1").status_code == 200


def test_item_31_a_search_is_at_most_32_words(client, runtime, officer, auth_actions):
    """Item 31: /api/v1/news?q= with 1,100 words (SQLite: "Expression tree is too large", a 500) is a 422
    naming q, anonymous and with a token, and so is the contacts search; 32 words are fine. The public
    newsroom searches with the first 32 distinct words; the staff contacts page names the limit (400)."""
    seed_demo(runtime.db)
    many = " ".join(f"w{n}" for n in range(1100))
    for headers in ({}, officer):
        error = api_error(client.get("/api/v1/news", query_string={"q": many}, headers=headers))
        assert error["fields"] == {"q": f"at most {MAX_SEARCH_WORDS} words"}
    assert api_error(client.get("/api/v1/contacts", query_string={"q": many}, headers=officer))["fields"]["q"]
    assert api_error(client.get("/api/v1/contacts/export", query_string={"q": many}, headers=officer))
    assert client.get("/api/v1/news", query_string={"q": " ".join(["mine"] * 32)}).status_code == 200
    assert client.get("/news/", query_string={"q": many}).status_code == 200
    auth_actions.as_officer()
    refused = client.get("/staff/contacts", query_string={"q": many})
    assert refused.status_code == 400 and "longer than 500 characters" in refused.get_data(as_text=True)


def test_item_31_a_5000_digit_integer_is_a_422_and_writes_nothing(client, runtime, officer):
    """Item 31: a 5,000-digit integer in a JSON body (past Python's own int limit: a ValueError and a
    500) is refused where it sits; integers past 64 bits likewise, and NaN/Infinity are not JSON."""
    before = contact_count(runtime)
    body = '{"name": "A", "email": "big@example.org", "lists": [' + "9" * 5000 + "]}"
    assert api_error(client.post("/api/v1/contacts", data=body, content_type="application/json",
                                 headers=officer))["fields"] == {"lists[0]": "integers must fit in 64 bits"}
    body = '{"name": "A", "email": "big@example.org", "outlet_id": -9223372036854775809}'
    assert api_error(client.post("/api/v1/contacts", data=body, content_type="application/json",
                                 headers=officer))["fields"] == {"outlet_id": "integers must fit in 64 bits"}
    body = '{"name": "A", "email": "big@example.org", "lists": [NaN]}'
    assert api_error(client.post("/api/v1/contacts", data=body, content_type="application/json",
                                 headers=officer))["fields"] == {"body": "NaN is not allowed"}
    anonymous = client.post("/api/v1/contacts", data=body.replace("NaN", "9" * 5000), content_type="application/json")
    assert api_error(anonymous)["code"] == "invalid"
    assert contact_count(runtime) == before


def test_item_31_a_lone_surrogate_in_a_contact_name_is_a_422(client, runtime, officer):
    """Item 31: "\\ud800" in a JSON string is valid JSON but not Unicode text; encoding it for the
    database raised (a 500, on SQLite and PostgreSQL). It is refused by path, on create and update."""
    created = client.post("/api/v1/contacts", json={"name": "Real Name", "email": "real@example.org"}, headers=officer)
    assert created.status_code == 201
    before = contact_count(runtime)
    body = '{"name": "A\\ud800B", "email": "lone@example.org"}'
    error = api_error(client.post("/api/v1/contacts", data=body, content_type="application/json", headers=officer))
    assert error["fields"] == {"name": "contains a lone surrogate (not valid Unicode)"}
    patch = client.patch(f"/api/v1/contacts/{created.get_json()['id']}", data='{"topics": ["\\udfff"]}',
                         content_type="application/json", headers=officer)
    assert api_error(patch)["fields"] == {"topics[0]": "contains a lone surrogate (not valid Unicode)"}
    assert api_error(client.post("/api/v1/contacts", data='{"\\ud83d": 1}', content_type="application/json"))
    # A proper pair (an emoji) is text like any other.
    emoji = client.post("/api/v1/contacts", data='{"name": "Ana \\ud83d\\ude00", "email": "emoji@example.org"}',
                        content_type="application/json", headers=officer)
    assert emoji.status_code == 201 and emoji.get_json()["name"] == "Ana \U0001F600"
    assert contact_count(runtime) == before + 1


def _depth(value) -> int:
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    return 0


JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.text(alphabet='[]{}"\\ab,:'),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
                               st.text(alphabet='[]{}"\\ab', max_size=3), inner, max_size=3), max_leaves=30)


@hsettings(derandomize=True, max_examples=200, deadline=None)
@given(JSON_VALUES)
def test_item_31_the_depth_count_matches_the_parsed_structure(value):
    """Item 31: the one-pass depth count is exact, brackets and escaped quotes inside strings included."""
    assert json_depth(json.dumps(value).encode()) == _depth(value)


# --- issue 13, finding 14: what the staff forms store and what the exports say -----------------------------------
def test_nul_bytes_from_the_staff_list_form_are_refused_and_not_stored(client, runtime, auth_actions):
    """The list form stored NUL (the API refused it; PostgreSQL cannot store it at all): now a 400 page for
    any form field or query parameter, and the list service refuses control characters itself."""
    auth_actions.as_officer()
    token = csrf_from(client.get("/staff/lists").get_data(as_text=True))
    for data in ({"name": "Wires\x00", "description": ""}, {"name": "Wires", "description": "x\x00y"}):
        response = client.post("/staff/lists", data={**data, "csrf_token": token})
        assert response.status_code == 400 and "NUL" in response.get_data(as_text=True)
    assert client.get("/staff/contacts?q=a%00b").status_code == 400
    with runtime.db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(ContactList)) == 0
        for name in ("Wires\x00", "Wires\x1b[2J"):
            with pytest.raises(ContactError):
                lists.create_list(session, name, STAFF)
        with pytest.raises(ContactError):
            lists.create_list(session, "Wires", STAFF, description="bell\x07")


SPOOFED = {
    "Ana\u200b Lima": "Ana Lima",  # zero-width space
    "\u202eLima Ana": "Lima Ana",  # right-to-left override
    "Bob \u2066Smith\u2069\ufeff": "Bob Smith",  # isolate, BOM
    "Jo\u00adhn\u2060": "John",  # soft hyphen, word joiner
}
KEPT = ["می\u200cخواهم", "क्\u200dष", "👩\u200d💻 Desk", "مريم", "Мария", "王芳"]


def test_invisible_formatting_is_stripped_from_names_at_input(client, runtime, token_for, auth_actions):
    """Right-to-left overrides and zero-width characters are removed where names are typed (contacts by API
    and CSV import, list names, staff names), so pages show what is stored; the joiners that Persian,
    Devanagari and emoji need are kept, and other scripts pass untouched."""
    assert {strip_invisible(raw): clean for raw, clean in SPOOFED.items()} == {v: v for v in SPOOFED.values()}
    assert [strip_invisible(name) for name in KEPT] == KEPT
    headers = {"Authorization": f"Bearer {token_for('officer')}"}
    for number, (raw, clean) in enumerate(SPOOFED.items()):
        created = client.post("/api/v1/contacts", headers=headers, json={
            "name": raw, "email": f"person{number}@example.org", "outlet": f"\u202e{clean} Times"})
        assert created.status_code == 201, created.get_data(as_text=True)
        assert created.get_json()["name"] == clean and created.get_json()["outlet"] == f"{clean} Times"
    imported = client.post("/api/v1/contacts/import", headers={**headers, "Content-Type": "text/csv"},
                           data="name,email\n\u202eImported Person,imported@example.org\n".encode())
    assert imported.status_code == 200, imported.get_data(as_text=True)
    with runtime.db.transaction() as session:
        names = set(session.scalars(select(Contact.name)))
    assert names == set(SPOOFED.values()) | {"Imported Person"}
    auth_actions.as_admin()
    page = client.get("/staff/lists").get_data(as_text=True)
    assert client.post("/staff/lists", data={"name": "\u202eseriW", "description": "\u200bTrusted",
                                             "csrf_token": csrf_from(page)}).status_code == 303
    page = client.get("/staff/users").get_data(as_text=True)
    assert client.post("/staff/users", data={"email": "new@example.org", "role": "viewer", "name": "\u202eEve\u200b",
                                             "csrf_token": csrf_from(page)}).status_code == 302
    with runtime.db.transaction() as session:
        assert [(c.name, c.description) for c in session.scalars(select(ContactList))] == [("seriW", "Trusted")]
        assert auth.find_user(session, "new@example.org").name == "Eve"
    listing = client.get("/staff/contacts").get_data(as_text=True)
    assert not any(ch in listing for ch in "\u202e\u200b\u2066\u2069\ufeff\u00ad")


def test_exports_name_their_charset_once(client, runtime, token_for, auth_actions):
    """CSV and vCard exports said "charset=utf-8; charset=utf-8" (Werkzeug adds the charset to text/*
    mimetypes); now each says it once, on the staff page and in the API."""
    seed_demo(runtime.db)
    auth_actions.as_officer()
    headers = {"Authorization": f"Bearer {token_for('officer')}"}
    for fmt, kind in (("csv", "text/csv"), ("vcard", "text/vcard")):
        for response in (client.get(f"/staff/contacts/export?format={fmt}"),
                         client.get(f"/api/v1/contacts/export?format={fmt}", headers=headers)):
            assert response.status_code == 200
            assert response.headers["Content-Type"] == f"{kind}; charset=utf-8"
