"""The staff contacts pages: search, forms, import, suppression, GDPR, merging, lists and roles."""

import io
from html import unescape
import json
import logging
import re

import pytest
from sqlalchemy import func, select

from contacts import lists as contact_lists
from contacts import service, suppression
from contacts.models import Contact, ContactList, ListMembership, Segment, Suppression
from storage.audit import Actor, AuditEvent

from support.web import csrf_from

SEEDER = Actor(label="seed@example.org", ip="192.0.2.1")
ANA = {"name": "Ana Lima", "email": "ana@folha.example", "outlet": "Folha", "country": "BR", "languages": "pt, en",
       "topics": "victim-assistance"}
BEN = {"name": "Ben Okafor", "email": "ben@guardian.example", "outlet": "The Guardian", "country": "GB",
       "languages": "en", "topics": "mine-clearance"}
CHLOE = {"name": "Chloé Martin", "email": "chloe@letemps.example", "outlet": "Le Temps", "country": "CH",
         "languages": "fr", "topics": "meetings"}


def seed(runtime, *people) -> list[int]:
    """Create contacts directly through the contacts package; returns their ids."""
    with runtime.db.transaction() as session:
        return [service.create_contact(session, dict(person), SEEDER).id for person in people]


def make_list(runtime, name, **options) -> int:
    with runtime.db.transaction() as session:
        return contact_lists.create_list(session, name, SEEDER, **options).id


def html(response) -> str:
    return response.get_data(as_text=True)


def token(client) -> str:
    """A CSRF token of the signed-in session (any staff page carries one)."""
    return csrf_from(html(client.get("/staff/contacts")))


def post(client, url, data=None, **kwargs):
    return client.post(url, data={"csrf_token": token(client), **(data or {})}, **kwargs)


def count(runtime, model=Contact, *where) -> int:
    with runtime.db.transaction() as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def contact_form(**values) -> dict:
    form = {"name": "", "email": "", "outlet": "", "role": "", "country": "", "languages": "", "notes": "",
            "phone-0-number": "", "phone-0-label": "work"}
    form.update(values)
    return form


def upload(client, content: bytes | str, filename="contacts.csv"):
    data = content.encode() if isinstance(content, str) else content
    return post(client, "/staff/contacts/import", {"file": (io.BytesIO(data), filename)},
                content_type="multipart/form-data")


# --- finding contacts -------------------------------------------------------------------------------------------

def test_search_and_every_filter(client, auth_actions, runtime):
    _ana, ben, chloe = seed(runtime, ANA, BEN, CHLOE)
    press = make_list(runtime, "Geneva press corps")
    with runtime.db.transaction() as session:
        contact_lists.add_to_list(session, session.get(ContactList, press), [chloe], SEEDER)
        suppression.suppress(session, session.get(Contact, ben), SEEDER, "asked not to be contacted")
    auth_actions.as_viewer()

    def names(query: str) -> set[str]:
        page = html(client.get(f"/staff/contacts?{query}"))
        return {name for name in ("Ana Lima", "Ben Okafor", "Chloé Martin") if name in page}

    assert names("") == {"Ana Lima", "Ben Okafor", "Chloé Martin"}
    assert names("q=lima") == {"Ana Lima"}  # name
    assert names("q=guardian.example") == {"Ben Okafor"}  # email
    assert names("q=temps") == {"Chloé Martin"}  # outlet
    assert names("q=chloe") == {"Chloé Martin"}  # accents folded
    assert names("country=br") == {"Ana Lima"}
    assert names("language=en") == {"Ana Lima", "Ben Okafor"}
    assert names("topic=meetings") == {"Chloé Martin"}
    assert names(f"list={press}") == {"Chloé Martin"}
    assert names("status=suppressed") == {"Ben Okafor"}
    assert names("language=en&status=active") == {"Ana Lima"}
    page = html(client.get("/staff/contacts?language=en"))
    assert "2 contacts" in page and '<option value="en" selected>' in page

    bad = client.get("/staff/contacts?status=nonsense")
    assert bad.status_code == 400 and "Unknown status" in html(bad)


def test_pagination_shows_fifty_a_page_and_the_total(client, auth_actions, runtime):
    rows = "\n".join(f"Person {i:03d},p{i:03d}@example.net" for i in range(120))
    with runtime.db.transaction() as session:
        from contacts import csv_io, importing

        plan = importing.plan_import(session, csv_io.read_csv("name,email\n" + rows))
        importing.apply_import(session, plan, SEEDER)
    auth_actions.as_officer()
    first = html(client.get("/staff/contacts"))
    assert "120 contacts; showing 1–50" in first and first.count('name="contact_ids"') == 50
    assert "Person 000" in first and "Person 050" not in first and "Page 1 of 3" in first
    last = html(client.get("/staff/contacts?page=3"))
    assert last.count('name="contact_ids"') == 20 and "Person 119" in last and "showing 101–120" in last
    filtered = html(client.get("/staff/contacts?q=person+11&page=1"))  # 011 and 110-119
    assert "11 contacts" in filtered and "Page 1 of" not in filtered
    assert client.get("/staff/contacts?page=99999999999999999999").status_code == 200


# --- creating and editing ---------------------------------------------------------------------------------------

def test_create_with_bad_input_shows_errors_and_writes_nothing(client, auth_actions, runtime):
    auth_actions.as_officer()
    assert "New contact" in html(client.get("/staff/contacts/new"))
    response = post(client, "/staff/contacts/new", contact_form(name="Dana", email="not-an-address",
                                                                languages="klingon", **{"phone-0-number": "call me"}))
    assert response.status_code == 400
    page = html(response)
    assert "not a valid email address" in page and "unknown language" in page and "not a phone number" in page
    assert 'value="Dana"' in page  # what was typed is kept
    assert count(runtime) == 0


def test_create_then_duplicate_email_links_to_the_existing_contact(client, auth_actions, runtime):
    auth_actions.as_officer()
    created = post(client, "/staff/contacts/new", contact_form(
        name="Dana Weiss", email="dana@nzz.example", outlet="NZZ", country="CH", languages="de, en",
        topics=["meetings"], **{"phone-0-number": "+41 44 000 00 00", "phone-0-public": "yes"}))
    assert created.status_code == 303
    contact_id = int(created.headers["Location"].rsplit("/", 1)[1])
    page = html(client.get(f"/staff/contacts/{contact_id}"))
    assert "Dana Weiss" in page and "dana@nzz.example" in page and "Switzerland" in page and "German" in page
    assert "legitimate interest" in page and "created" in page  # consent record and history

    again = post(client, "/staff/contacts/new", contact_form(name="Dana W.", email="DANA@nzz.example"))
    assert again.status_code == 409
    assert f'href="/staff/contacts/{contact_id}"' in html(again) and "already exists" in html(again)
    assert count(runtime) == 1

    other = seed(runtime, ANA)[0]
    clash = post(client, f"/staff/contacts/{other}", contact_form(name="Ana Lima", email="dana@nzz.example"))
    assert clash.status_code == 409 and f'href="/staff/contacts/{contact_id}"' in html(clash)
    with runtime.db.transaction() as session:
        assert session.get(Contact, other).email == "ana@folha.example"


def test_edit_changes_every_field(client, auth_actions, runtime):
    contact_id = seed(runtime, ANA)[0]
    press = make_list(runtime, "Brazil desk")
    auth_actions.as_officer()
    form = html(client.get(f"/staff/contacts/{contact_id}"))
    assert 'value="pt, en"' in form and 'name="phone-0-number"' in form
    response = post(client, f"/staff/contacts/{contact_id}", contact_form(
        name="Ana Lima Souza", email="ana@folha.example", outlet="Estadão", role="Editor", country="PT",
        languages="Portuguese, fr", topics=["victim-assistance", "meetings"], lists=[str(press)], notes="Met at MSP",
        **{"phone-0-number": "+55 11 1111 1111", "phone-0-label": "desk", "phone-0-public": "yes",
           "phone-1-number": "+55 11 2222 2222", "phone-1-label": "mobile"}))
    assert response.status_code == 303
    assert "Saved changes to" in html(client.get(response.headers["Location"]))
    with runtime.db.transaction() as session:
        contact = session.get(Contact, contact_id)
        assert (contact.name, contact.outlet.name, contact.role, contact.country) == ("Ana Lima Souza", "Estadão",
                                                                                        "Editor", "PT")
        assert contact.languages == ["pt", "fr"] and contact.topics == ["meetings", "victim-assistance"]
        assert [(p.number, p.label, p.public) for p in contact.phones] == [("+55 11 1111 1111", "desk", True),
                                                                          ("+55 11 2222 2222", "mobile", False)]
        assert contact.list_ids == [press] and contact.notes == "Met at MSP"
    page = html(client.get(f"/staff/contacts/{contact_id}"))
    assert "updated" in page and "Brazil desk" in page


# --- bulk actions and segments ----------------------------------------------------------------------------------

def test_bulk_add_selected_to_a_list(client, auth_actions, runtime):
    ana, ben, chloe = seed(runtime, ANA, BEN, CHLOE)
    target = make_list(runtime, "MSP invitees")
    auth_actions.as_officer()
    response = post(client, "/staff/contacts/bulk-add", {"contact_ids": [str(ana), str(chloe)], "list_id": str(target),
                                                         "language": "fr", "page": "1"})
    assert response.status_code == 303 and "language=fr" in response.headers["Location"]
    assert "Added 2 contacts to MSP invitees" in html(client.get(response.headers["Location"]))
    with runtime.db.transaction() as session:
        members = set(session.scalars(select(ListMembership.contact_id).where(ListMembership.list_id == target)))
    assert members == {ana, chloe}

    # A refusal goes back to the same search (POST-redirect-GET), the reason shown there.
    nothing = post(client, "/staff/contacts/bulk-add", {"list_id": str(target), "language": "fr"})
    assert nothing.status_code == 303 and "language=fr" in nothing.headers["Location"]
    assert "Tick at least one contact" in html(client.get(nothing.headers["Location"]))
    no_list = post(client, "/staff/contacts/bulk-add", {"contact_ids": [str(ben)]})
    assert "Choose a list" in html(client.get(no_list.headers["Location"]))
    junk = post(client, "/staff/contacts/bulk-add", {"contact_ids": ["1 OR 1=1"], "list_id": str(target)})
    assert junk.status_code == 303 and "Not an id" in html(client.get(junk.headers["Location"]))
    with runtime.db.transaction() as session:
        assert set(session.scalars(select(ListMembership.contact_id).where(ListMembership.list_id == target))) == \
            {ana, chloe}


def test_save_filters_as_a_segment_and_delete_it(client, auth_actions, runtime):
    seed(runtime, ANA, BEN, CHLOE)
    auth_actions.as_officer()
    assert "Save these filters as a segment" not in html(client.get("/staff/contacts"))
    assert "Save these filters as a segment" in html(client.get("/staff/contacts?language=en"))
    response = post(client, "/staff/contacts/segments", {"name": "English speakers", "language": "en"})
    assert response.status_code == 303
    assert "it matches 2 contacts now" in html(client.get(response.headers["Location"]))
    page = html(client.get("/staff/lists"))
    assert "English speakers" in page and "language: English" in page and "<td>2</td>" in page

    again = post(client, "/staff/contacts/segments", {"name": "English speakers", "language": "en"})
    assert again.status_code == 303 and again.headers["Location"].endswith("/staff/contacts?page=1&language=en")
    shown = html(client.get(again.headers["Location"]))
    assert "already used" in shown and 'value="English speakers"' in shown  # the name typed is kept
    empty = post(client, "/staff/contacts/segments", {"name": "Everyone"})
    assert "needs at least one filter" in html(client.get(empty.headers["Location"]))

    with runtime.db.transaction() as session:
        segment_id = session.scalar(select(Segment.id))
    assert post(client, f"/staff/segments/{segment_id}/delete").status_code == 303
    assert count(runtime, Segment) == 0


# --- import and export ------------------------------------------------------------------------------------------

GOOD_AND_BAD = (
    "name,email,outlet,country,languages,topics,phones\n"
    "Eva Novak,eva@dnevnik.example,Dnevnik,SI,\"sl, en\",Victim assistance,work: +386 1 000 00 00*\n"
    "No Address,,Somewhere,FR,fr,,\n"
    "Farid Haddad,farid@annahar.example,An-Nahar,Lebanon,ar,,\n"
    "Bad Country,bad@example.net,,Atlantis,en,,\n"
)


def test_import_preview_writes_nothing_then_confirm_imports(client, auth_actions, runtime):
    auth_actions.as_officer()
    assert "phones" in html(client.get("/staff/contacts/import"))  # the columns are explained
    response = upload(client, GOOD_AND_BAD)
    assert response.status_code == 303
    preview_url = response.headers["Location"]
    upload_id = preview_url.rsplit("/", 1)[1]
    kept = runtime.config.instance_path / "imports" / f"{upload_id}.data"
    assert re.fullmatch(r"[0-9a-f]{32}", upload_id) and kept.exists()

    page = html(client.get(preview_url))
    assert "Nothing has been saved yet" in page
    rejected = page.split("Rejected (2)")[1].split("</table>")[0]
    assert "<td>3</td>" in rejected and "email: an email address is required" in rejected
    assert "<td>5</td>" in rejected and "bad@example.net" in rejected and "unknown country" in rejected
    assert "New contacts (2)" in page and "eva@dnevnik.example" in page
    assert count(runtime) == 0  # a preview writes nothing

    done = post(client, preview_url)
    assert done.status_code == 303
    landing = html(client.get(done.headers["Location"]))
    assert "2 created" in landing and "2 rejected" in landing
    assert count(runtime) == 2 and not kept.exists()
    with runtime.db.transaction() as session:
        eva = service.find_by_email(session, "eva@dnevnik.example")
        assert eva.languages == ["sl", "en"] and eva.phones[0].public and eva.consent_source == "staff import"
    assert client.get(preview_url).status_code == 404  # used once


def test_an_import_update_row_shows_old_and_new_values(client, auth_actions, runtime):
    seed(runtime, ANA, BEN)
    auth_actions.as_officer()
    csv = ("email,name,outlet,role,languages\n"
           "ana@folha.example,Ana Lima,Folha de S.Paulo,Bureau chief,pt\n"  # outlet, role and languages change
           "ben@guardian.example,Ben Okafor,The Guardian,,en\n")  # nothing changes
    page = unescape(html(client.get(upload(client, csv).headers["Location"])))
    updates = page.split("To update (1)")[1].split("</table>")[0] if "To update (1)" in page else \
        page[page.index('import-update'):].split("</table>")[0]
    assert "ana@folha.example" in updates and "ben@guardian.example" not in updates
    diff = re.findall(r'<span class="diff-field">(\w+)</span>: <del>(.*?)</del>.*?<ins>(.*?)</ins>', updates, re.S)
    assert diff == [("role", "(empty)", "Bureau chief"), ("outlet", "Folha", "Folha de S.Paulo"),
                    ("languages", "pt, en", "pt")]
    assert "→" in updates and "becomes" in updates  # the arrow is read out as words
    assert count(runtime) == 2  # a preview writes nothing


def test_vcard_upload_is_recognised_by_its_content(client, auth_actions, runtime):
    auth_actions.as_officer()
    card = ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Gina Rossi\r\nN:Rossi;Gina;;;\r\nEMAIL:gina@ansa.example\r\n"
            "ORG:ANSA\r\nEND:VCARD\r\n")
    response = upload(client, card, filename="export.txt")
    page = html(client.get(response.headers["Location"]))
    assert "(vCard)" in page and "gina@ansa.example" in page and "New contacts (1)" in page
    post(client, response.headers["Location"])
    assert count(runtime) == 1


def test_unreadable_files_and_foreign_upload_ids_are_refused(client, auth_actions, runtime, users):
    auth_actions.as_officer()
    no_email = upload(client, "name,outlet\nX,Y\n")
    assert no_email.status_code == 400 and "needs an &#39;email&#39; column" in html(no_email)
    assert upload(client, b"\xff\xfe\x00bad").status_code == 400
    assert upload(client, "").status_code == 400
    assert client.get("/staff/contacts/import/..%2F..%2Fsecret_key").status_code == 404
    assert client.get("/staff/contacts/import/" + "0" * 32).status_code == 404
    mine = upload(client, GOOD_AND_BAD).headers["Location"]
    auth_actions.logout()
    auth_actions.as_admin()
    assert client.get(mine).status_code == 404  # only the uploader may preview or confirm it
    assert post(client, mine).status_code == 404
    assert count(runtime) == 0


def test_export_then_reimport_creates_nothing(client, auth_actions, runtime):
    seed(runtime, ANA, BEN, {**CHLOE, "phones": [{"number": "+41 22 000 00 00", "label": "work", "public": True}]})
    auth_actions.as_officer()
    exported = client.get("/staff/contacts/export?format=csv")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    assert "attachment" in exported.headers["Content-Disposition"]
    response = upload(client, exported.get_data(), filename="contacts.csv")
    page = html(client.get(response.headers["Location"]))
    assert "Unchanged (3)" in page and "Nothing would be created or updated" in page and "Confirm:" not in page
    assert count(runtime) == 3

    vcards = client.get("/staff/contacts/export?format=vcard&country=CH")
    assert vcards.mimetype == "text/vcard" and vcards.get_data(as_text=True).count("BEGIN:VCARD") == 1


def test_csv_export_neutralises_formula_cells(client, auth_actions, runtime):
    seed(runtime, {**ANA, "role": "-2+3 desk", "notes": "=HYPERLINK(\"http://evil.example\")"})
    auth_actions.as_officer()
    text = client.get("/staff/contacts/export").get_data(as_text=True)
    assert "'-2+3 desk" in text and "\"'=HYPERLINK(\"\"http://evil.example\"\")\"" in text
    assert ",=HYPERLINK" not in text and ",-2+3" not in text
    with runtime.db.transaction() as session:
        assert session.scalar(select(AuditEvent.action).where(AuditEvent.action == "contacts.export"))


# --- suppression, GDPR and merging ------------------------------------------------------------------------------

def test_officer_suppresses_only_an_admin_lifts(client, auth_actions, runtime):
    contact_id = seed(runtime, ANA)[0]
    auth_actions.as_officer()
    missing = post(client, f"/staff/contacts/{contact_id}/suppress", {"reason": "  "})
    assert missing.status_code == 400 and "say why" in html(missing).lower()
    done = post(client, f"/staff/contacts/{contact_id}/suppress", {"reason": "asked by phone"})
    assert done.status_code == 303
    page = html(client.get(f"/staff/contacts/{contact_id}"))
    assert "suppressed: asked by phone" in page and "Lift suppression" not in page
    refused = post(client, f"/staff/contacts/{contact_id}/lift")
    assert refused.status_code == 403 and "only an admin" in html(refused).lower()
    with runtime.db.transaction() as session:
        assert session.get(Contact, contact_id).status == "suppressed"

    auth_actions.logout()
    auth_actions.as_admin()
    assert "Lift suppression" in html(client.get(f"/staff/contacts/{contact_id}"))
    assert post(client, f"/staff/contacts/{contact_id}/lift", {"note": "spoke again"}).status_code == 303
    with runtime.db.transaction() as session:
        contact = session.get(Contact, contact_id)
        assert contact.status == "active" and not suppression.is_suppressed(session, contact.email)
    assert "suppression.lifted" in html(client.get(f"/staff/contacts/{contact_id}"))


def test_gdpr_export_is_a_json_download(client, auth_actions, runtime):
    contact_id = seed(runtime, ANA)[0]
    auth_actions.as_officer()
    response = post(client, f"/staff/contacts/{contact_id}/personal-data")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == f'attachment; filename="contact-{contact_id}-personal-data.json"'
    data = json.loads(response.get_data(as_text=True))
    assert data["email"] == "ana@folha.example" and data["history"][0]["kind"] == "created"
    assert data["outlet_details"]["name"] == "Folha"
    with runtime.db.transaction() as session:
        assert session.scalar(select(AuditEvent.object_id).where(AuditEvent.action == "contact.gdpr_export")) \
            == str(contact_id)
    # Never a GET: the export is a POST; a GET (a reload, the address bar) shows the contact page, no data.
    as_get = client.get(f"/staff/contacts/{contact_id}/personal-data")
    assert as_get.status_code == 303 and as_get.headers["Location"].endswith(f"/staff/contacts/{contact_id}")


def test_erase_needs_confirmation_and_the_address_stays_out(client, auth_actions, runtime):
    contact_id = seed(runtime, ANA)[0]
    auth_actions.as_officer()
    confirm_page = html(client.get(f"/staff/contacts/{contact_id}/erase"))
    assert "cannot be undone" in confirm_page and 'name="confirm"' in confirm_page
    unconfirmed = post(client, f"/staff/contacts/{contact_id}/erase")
    assert unconfirmed.status_code == 400 and count(runtime) == 1
    erased = post(client, f"/staff/contacts/{contact_id}/erase", {"confirm": "yes"})
    assert erased.status_code == 303 and count(runtime) == 0
    assert client.get(f"/staff/contacts/{contact_id}").status_code == 404
    assert count(runtime, Suppression, Suppression.source == "erasure") == 1

    preview = upload(client, "name,email\nAna Lima,ana@folha.example\n").headers["Location"]
    page = html(client.get(preview))
    assert "Skipped (1)" in page and "erased on request" in page
    post(client, preview)
    assert count(runtime) == 0
    by_hand = post(client, "/staff/contacts/new", contact_form(name="Ana Lima", email="ana@folha.example"))
    assert by_hand.status_code == 409 and "suppression list" in html(by_hand) and count(runtime) == 0


def test_merge_a_suggested_duplicate_and_a_whole_group(client, auth_actions, runtime):
    first, second, third = seed(runtime, ANA, {**ANA, "email": "ana.lima@folha.example", "languages": "es"},
                                {**ANA, "email": "alima@folha.example"})
    desk = make_list(runtime, "Brazil desk")
    with runtime.db.transaction() as session:
        contact_lists.add_to_list(session, session.get(ContactList, desk), [second], SEEDER)
    auth_actions.as_officer()
    page = html(client.get(f"/staff/contacts/{first}"))
    assert "Possible duplicates" in page and "ana.lima@folha.example" in page
    response = post(client, f"/staff/contacts/{first}/merge", {"other_id": str(second)})
    assert response.status_code == 303
    with runtime.db.transaction() as session:
        kept = session.get(Contact, first)
        assert session.get(Contact, second) is None and kept.list_ids == [desk] and "es" in kept.languages
    assert post(client, f"/staff/contacts/{first}/merge", {"other_id": str(second)}).status_code == 404

    groups = html(client.get("/staff/contacts/duplicates"))
    assert "Ana Lima · Folha" in groups and "alima@folha.example" in groups
    merged = post(client, "/staff/contacts/duplicates/merge", {"contact_ids": [str(third), str(first)]})
    assert merged.status_code == 303 and merged.headers["Location"].endswith(f"/staff/contacts/{first}")
    assert count(runtime) == 1
    assert "No likely duplicates" in html(client.get("/staff/contacts/duplicates"))


# --- lists ------------------------------------------------------------------------------------------------------

def test_members_are_added_from_the_lists_own_page(client, auth_actions, runtime):
    ana, ben, chloe = seed(runtime, ANA, BEN, CHLOE)
    press = make_list(runtime, "Geneva press corps")
    with runtime.db.transaction() as session:
        contact_lists.add_to_list(session, session.get(ContactList, press), [chloe], SEEDER)
    auth_actions.as_officer()
    page = html(client.get(f"/staff/lists/{press}"))
    assert 'id="add-members"' in page and 'name="find"' in page
    found = html(client.get(f"/staff/lists/{press}?find=example"))  # everyone's address matches
    offered = re.findall(r'name="contact_ids" value="(\d+)"> ([^<]+?) <', found)
    assert {int(i) for i, _name in offered if i in (str(ana), str(ben), str(chloe))} == {ana, ben}  # not Chloé
    by_outlet = html(client.get(f"/staff/lists/{press}?find=guardian"))
    assert re.findall(r'type="checkbox" name="contact_ids" value="(\d+)"', by_outlet) == [str(ben)]

    added = post(client, f"/staff/lists/{press}/add", {"contact_ids": [str(ana), str(ben)], "find": "example"})
    assert added.status_code == 303 and added.headers["Location"].endswith(f"/lists/{press}?find=example#add-members")
    shown = html(client.get(added.headers["Location"]))
    assert "Added 2 contacts to Geneva press corps." in shown and "Members (3)" in shown
    assert count(runtime, ListMembership, ListMembership.list_id == press) == 3
    assert "Nobody outside this list matches" in shown

    none = post(client, f"/staff/lists/{press}/add", {"find": "x"})
    assert none.status_code == 303 and "Tick at least one contact to add" in html(client.get(none.headers["Location"]))
    assert post(client, f"/staff/lists/{press}/add", {"contact_ids": ["999999"]}).status_code == 303
    assert count(runtime, ListMembership, ListMembership.list_id == press) == 3
    auth_actions.logout()
    auth_actions.as_viewer()
    assert 'id="add-members"' not in html(client.get(f"/staff/lists/{press}"))
    assert post(client, f"/staff/lists/{press}/add", {"contact_ids": [str(ana)]}).status_code == 403


def test_lists_crud_and_member_removal(client, auth_actions, runtime):
    ana, ben = seed(runtime, ANA, BEN)
    auth_actions.as_officer()
    created = post(client, "/staff/lists", {"name": "Embargo partners", "description": "agencies",
                                            "embargo_trusted": "yes"})
    assert created.status_code == 303
    list_id = int(created.headers["Location"].rsplit("/", 1)[1])
    assert post(client, "/staff/lists", {"name": "Embargo partners"}).status_code == 400
    assert post(client, "/staff/lists", {"name": "a; b"}).status_code == 400
    overview = html(client.get("/staff/lists"))
    assert "Embargo partners" in overview and "agencies" in overview and 'class="tag trusted">yes' in overview

    assert post(client, f"/staff/lists/{list_id}", {"name": "Wire agencies", "description": ""}).status_code == 303
    with runtime.db.transaction() as session:
        target = session.get(ContactList, list_id)
        assert (target.name, target.embargo_trusted) == ("Wire agencies", False)
        contact_lists.add_to_list(session, target, [ana, ben], SEEDER)
    page = html(client.get(f"/staff/lists/{list_id}"))
    assert "Members (2)" in page and "Ana Lima" in page and "Ben Okafor" in page

    removed = post(client, f"/staff/lists/{list_id}/remove", {"contact_ids": str(ana)})
    assert removed.status_code == 303
    page = html(client.get(f"/staff/lists/{list_id}"))
    assert "Members (1)" in page and "Ana Lima" not in page and "Removed 1 contact" in page

    assert "Delete the list Wire agencies?" in html(client.get(f"/staff/lists/{list_id}/delete"))
    assert post(client, f"/staff/lists/{list_id}/delete").status_code == 303
    assert count(runtime, ContactList) == 0 and count(runtime) == 2
    assert client.get(f"/staff/lists/{list_id}").status_code == 404


# --- roles, CSRF, escaping, logs --------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["viewer", "approver"])
def test_readers_can_view_but_every_post_is_forbidden(client, auth_actions, runtime, role):
    contact_id, other = seed(runtime, ANA, {**ANA, "email": "ana2@folha.example"})
    list_id = make_list(runtime, "Desk")
    with runtime.db.transaction() as session:
        segment_id = contact_lists.create_segment(session, "Brazil", {"country": "BR"}, SEEDER).id
    auth_actions.as_role(role)
    for url in ("/staff/contacts", "/staff/contacts?q=ana", f"/staff/contacts/{contact_id}", "/staff/lists",
                f"/staff/lists/{list_id}", "/staff/contacts/duplicates"):
        response = client.get(url)
        assert response.status_code == 200, url
        page = html(response)
        assert "New contact" not in page and "Do not contact" not in page and 'name="contact_ids"' not in page
    for url in ("/staff/contacts/new", "/staff/contacts/import", f"/staff/contacts/{contact_id}/erase",
                "/staff/contacts/export"):
        assert client.get(url).status_code == 403, url
    for url in ("/staff/contacts/new", f"/staff/contacts/{contact_id}", f"/staff/contacts/{contact_id}/suppress",
                f"/staff/contacts/{contact_id}/lift", f"/staff/contacts/{contact_id}/personal-data",
                f"/staff/contacts/{contact_id}/erase", f"/staff/contacts/{contact_id}/merge",
                "/staff/contacts/bulk-add", "/staff/contacts/segments", "/staff/contacts/duplicates/merge",
                "/staff/contacts/import", "/staff/contacts/import/" + "a" * 32,
                "/staff/contacts/import/" + "a" * 32 + "/discard", "/staff/lists", f"/staff/lists/{list_id}",
                f"/staff/lists/{list_id}/remove", f"/staff/lists/{list_id}/delete",
                f"/staff/segments/{segment_id}/delete"):
        response = post(client, url, {"name": "x", "reason": "x", "other_id": str(other), "confirm": "yes",
                                      "contact_ids": str(contact_id), "list_id": str(list_id)})
        assert response.status_code == 403, url
    assert count(runtime) == 2 and count(runtime, ContactList) == 1 and count(runtime, Segment) == 1


def test_signed_out_visitors_are_sent_to_sign_in(client):
    assert client.get("/staff/contacts").status_code == 302
    assert client.get("/staff/lists").status_code == 302


def test_a_contacts_form_without_csrf_token_is_refused(client, auth_actions, runtime):
    auth_actions.as_officer()
    response = client.post("/staff/contacts/new", data=contact_form(name="Eve", email="eve@example.net"))
    assert response.status_code == 400 and "form has expired" in html(response)
    contact_id = seed(runtime, ANA)[0]
    assert client.post(f"/staff/contacts/{contact_id}/erase", data={"confirm": "yes"}).status_code == 400
    assert count(runtime) == 1


def test_names_are_escaped(client, auth_actions, runtime):
    seed(runtime, {"name": "<b>x</b>", "email": "x@example.net", "outlet": "<script>alert(1)</script>"})
    auth_actions.as_officer()
    page = html(client.get("/staff/contacts"))
    assert "<b>x</b>" not in page and "&lt;b&gt;x&lt;/b&gt;" in page
    assert "<script>alert(1)</script>" not in page
    assert "script-src 'self'" in client.get("/staff/contacts").headers["Content-Security-Policy"]


def test_unknown_or_absurd_ids_are_4xx_not_500(client, auth_actions, runtime):
    ana, ben = seed(runtime, ANA, BEN)
    list_id = make_list(runtime, "Desk")
    huge = "9" * 30
    auth_actions.as_officer()
    assert client.get("/staff/contacts/999").status_code == 404
    assert client.get(f"/staff/contacts/{huge}").status_code == 404
    assert post(client, "/staff/contacts/999/suppress", {"reason": "x"}).status_code == 404
    assert client.get("/staff/lists/999").status_code == 404
    assert client.get(f"/staff/lists/{huge}").status_code == 404
    assert post(client, "/staff/segments/999/delete").status_code == 404
    assert post(client, "/staff/contacts/duplicates/merge", {"contact_ids": ["998", "999"]}).status_code == 404
    assert post(client, f"/staff/contacts/{ana}/merge", {"other_id": huge}).status_code == 400
    assert post(client, f"/staff/contacts/{ana}/merge", {"other_id": str(ana)}).status_code == 400
    assert client.get(f"/staff/contacts?list={huge}").status_code == 400
    assert client.get(f"/staff/contacts/export?list={huge}").status_code == 400
    assert post(client, "/staff/contacts/bulk-add", {"contact_ids": str(ana), "list_id": huge}).status_code == 303
    # Neither a stranger nor a contact who is not on the list can be "removed" from it.
    assert post(client, f"/staff/lists/{list_id}/remove", {"contact_ids": "999"}).status_code == 400
    assert post(client, f"/staff/lists/{list_id}/remove", {"contact_ids": str(ben)}).status_code == 400
    assert count(runtime) == 2


def test_contact_addresses_never_reach_the_logs(client, auth_actions, runtime, caplog):
    caplog.set_level(logging.DEBUG)
    auth_actions.as_officer()
    post(client, "/staff/contacts/new", contact_form(name="Hidden Person", email="hidden@secret.example"))
    client.get("/staff/contacts?q=hidden@secret.example")
    preview = upload(client, "name,email\nOther Hidden,other@secret.example\n").headers["Location"]
    client.get(preview)
    post(client, preview)
    client.get("/staff/contacts/export")
    assert count(runtime) == 2
    assert "secret.example" not in caplog.text
