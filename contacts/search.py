"""Finding contacts: text search plus filters, paginated, and saved as segments."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import Session

from contacts.models import STATUSES, Contact, ContactLanguage, ContactTopic, ListMembership, Topic
from contacts.search_index import CONTACTS_INDEX, parse_query
from storage import fulltext


@dataclass(frozen=True)
class ContactFilter:
    """What to look for; empty fields do not filter."""

    q: str = ""
    country: str = ""
    language: str = ""
    topic: str = ""
    list_id: int | None = None
    status: str = ""

    @classmethod
    def from_dict(cls, data: dict) -> "ContactFilter":
        """Build from query parameters or a saved segment, ignoring unknown keys."""
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known and v not in (None, "")}
        if "list" in data and data["list"] not in (None, ""):
            values["list_id"] = data["list"]
        if "list_id" in values:
            try:
                values["list_id"] = int(values["list_id"])
            except (TypeError, ValueError):
                raise ValueError(f"not a list id: {values['list_id']!r}") from None
            if not 0 < values["list_id"] < 2**31:
                raise ValueError(f"not a list id: {values['list_id']!r}")
        if values.get("status") and values["status"] not in STATUSES:
            raise ValueError(f"unknown status {values['status']!r}")
        for key in ("country",):
            if values.get(key):
                values[key] = str(values[key]).upper()
        for key in ("language", "topic", "q"):
            if values.get(key):
                values[key] = str(values[key]).strip()
        if values.get("q"):
            parse_query(values["q"])  # refuses, at the door, a search past the limits (QueryError)
        return cls(**values)

    def to_dict(self) -> dict:
        """The non-empty fields, for storing in a segment or a URL."""
        return {k: v for k, v in asdict(self).items() if v not in (None, "")}

    def is_empty(self) -> bool:
        """True when nothing filters."""
        return not self.to_dict()


def apply_filter(query: Select, flt: ContactFilter) -> Select:
    """Add the filter's conditions to a query over Contact."""
    if flt.q:
        # Every word, or its beginning, in the name, address, outlet or role (contacts/search_index.py).
        query = query.where(fulltext.matches(CONTACTS_INDEX, Contact.id, parse_query(flt.q)))
    if flt.country:
        query = query.where(Contact.country == flt.country)
    if flt.status:
        query = query.where(Contact.status == flt.status)
    if flt.language:
        query = query.where(exists().where(ContactLanguage.contact_id == Contact.id,
                                           ContactLanguage.code == flt.language.lower()))
    if flt.topic:
        query = query.where(exists().where(ContactTopic.contact_id == Contact.id, ContactTopic.topic_id == Topic.id,
                                           Topic.slug == flt.topic))
    if flt.list_id is not None:
        query = query.where(exists().where(ListMembership.contact_id == Contact.id,
                                           ListMembership.list_id == flt.list_id))
    return query


def search(session: Session, flt: ContactFilter, *, page: int = 1, per_page: int = 50) -> tuple[list[Contact], int]:
    """One page of matching contacts, by name, and the total number of matches."""
    page, per_page = max(1, page), max(1, min(per_page, 500))
    offset = (page - 1) * per_page
    if flt.q and flt == ContactFilter(q=flt.q) and offset <= fulltext.MAX_OFFSET:
        return _text_only(session, parse_query(flt.q), offset, per_page)
    base = apply_filter(select(Contact), flt)
    total = session.scalar(apply_filter(select(func.count(Contact.id)), flt))
    # search_text starts with the accent-folded name: "Émilie" sorts with the Es.
    rows = session.scalars(base.order_by(Contact.search_text, Contact.id).offset(offset).limit(per_page))
    return list(rows), total


def _text_only(session: Session, query: fulltext.Query, offset: int, per_page: int) -> tuple[list[Contact], int]:
    """The search box alone: the index gives the page's ids in name order and the total."""
    in_name_order = select(Contact.id, Contact.search_text).order_by(Contact.search_text, Contact.id)
    ids, total = fulltext.page(session, CONTACTS_INDEX, query, limit=per_page, offset=offset, walk=in_name_order)
    found = {contact.id: contact for contact in session.scalars(select(Contact).where(Contact.id.in_(ids)))} \
        if ids else {}
    return [found[i] for i in ids if i in found], total


def matching_ids(session: Session, flt: ContactFilter) -> list[int]:
    """Ids of every contact the filter matches (for segments and sends)."""
    return list(session.scalars(apply_filter(select(Contact.id), flt).order_by(Contact.id)))
