"""The contacts' full-text index: what of a contact the search box finds.

A contact is found by the words of their name, address, outlet and role, each
word also by its beginning ('garc' finds García). Notes stay out: they are
staff's private remarks, and a saved segment that matched them would silently
widen a send. The index keeps the words and the order of results (the
contact's search_text), no copy of the text: the contacts table has it, and
contact results show no snippet. The service layer writes a contact's entry
whenever these fields may have changed; deleting a contact (erasure, merge)
deletes the entry in the database itself (see storage.fulltext.index).
"""

from __future__ import annotations

from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from contacts.models import Contact, Outlet
from storage.fulltext import Entry, Field, FullTextIndex, Query, index_rows, parse

CONTACTS_INDEX = FullTextIndex(
    name="contacts", source="contacts", key="id",
    fields=(Field("name", "A"), Field("email", "B"), Field("outlet", "B"), Field("role", "C")),
    language="", prefix="all", snippets=False, ordered=True,
)
# Contact fields (as service._apply names them) whose change rewrites the entry.
INDEXED = frozenset({"name", "email", "outlet", "role"})


def parse_query(text: str) -> Query:
    """The search box's text as a query on contacts; QueryError past the limits."""
    return parse(text, prefix=CONTACTS_INDEX.prefix)


def entry(contact_id: int, name: str, email: str, outlet: str | None, role: str | None, search_text: str) -> Entry:
    """The index entry for one contact's values; pages follow ``search_text`` (the folded name first)."""
    return Entry(contact_id, {"name": name, "email": email, "outlet": outlet or "", "role": role or ""},
                 sort=search_text)


def index_contacts(session: Session, contacts: Iterable[Contact]) -> None:
    """Write (or rewrite) these contacts' entries; they must have been flushed."""
    contacts = list(contacts)
    if not contacts:
        return
    outlet_ids = {c.outlet_id for c in contacts if c.outlet_id is not None}
    names = dict(session.execute(select(Outlet.id, Outlet.name).where(Outlet.id.in_(outlet_ids))).all()) \
        if outlet_ids else {}
    index_rows(session.connection(), CONTACTS_INDEX,
               [entry(c.id, c.name, c.email, names.get(c.outlet_id), c.role, c.search_text) for c in contacts])


def index_new_contacts(session: Session, rows: Iterable[tuple[int, str, str, str | None, str | None, str]]) -> None:
    """Write entries for new contacts from plain (id, name, email, outlet name, role, search_text)
    rows (bulk imports)."""
    index_rows(session.connection(), CONTACTS_INDEX, (entry(*row) for row in rows), new=True)
