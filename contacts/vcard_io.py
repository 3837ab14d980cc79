"""vCard 3.0 and 4.0 in, vCard 3.0 out (the version every address book reads)."""

from __future__ import annotations

import itertools
from typing import Iterable

import vobject

from contacts import csv_io
from contacts.errors import ContactError
from contacts.models import Contact

PUBLIC_PARAM = "X-PRESSROOM-PUBLIC"


def _values(card, name: str) -> list:
    return [line.value for line in card.contents.get(name, [])]


def _first(card, name: str):
    values = _values(card, name)
    return values[0] if values else None


def _phone(line) -> dict:
    number = str(line.value)
    if number.lower().startswith("tel:"):
        number = number[4:]
    types = [t.lower() for value in line.params.get("TYPE", []) for t in value.split(",")]
    label = next((t for t in types if t not in ("voice", "pref", "internet")), "work")
    public = any(v in ("1", "true", "yes") for v in (p.lower() for p in line.params.get(PUBLIC_PARAM, [])))
    return {"number": number.strip(), "label": label, "public": public}


def read_vcards(data: bytes | str) -> list[dict]:
    """Parse one or many vCards (3.0 or 4.0) into import records."""
    text = data.decode("utf-8-sig", errors="replace") if isinstance(data, bytes) else data
    records = []
    try:
        # One card more than the limit is enough to refuse the file without parsing all of it.
        cards = list(itertools.islice(vobject.readComponents(text, ignoreUnreadable=True), csv_io.MAX_ROWS + 1))
    except Exception as exc:  # vobject raises several unrelated types for bad input
        raise ContactError(f"the file is not a valid vCard: {exc}") from None
    if len(cards) > csv_io.MAX_ROWS:
        raise csv_io.too_many_rows(csv_io.MAX_ROWS)
    for number, card in enumerate(cards, start=1):
        if card.name != "VCARD":
            continue
        org = _first(card, "org")
        languages = [str(v) for v in _values(card, "lang")]
        extra_languages = _first(card, "x-pressroom-languages")
        if not languages and extra_languages:
            languages = [extra_languages]
        country = _first(card, "x-pressroom-country")
        if country is None:
            address = _first(card, "adr")
            country = getattr(address, "country", None) if address is not None else None
        categories = [c for value in _values(card, "categories") for c in (value if isinstance(value, list) else [value])]
        record = {
            "_row": number,
            "name": str(_first(card, "fn") or "").strip(),
            "email": str(_first(card, "email") or "").strip(),
            "outlet": (org[0] if isinstance(org, list) and org else org) or None,
            "role": _first(card, "title") or _first(card, "role"),
            "country": country,
            "languages": "; ".join(languages) if languages else None,
            "topics": "; ".join(categories) if categories else None,
            "notes": _first(card, "note"),
            "phones": [_phone(line) for line in card.contents.get("tel", [])] or None,
        }
        records.append({k: v for k, v in record.items() if v is not None})
    if not records:
        raise ContactError("no vCards found in the file")
    return records


def contact_vcard(contact: Contact) -> str:
    """One contact as a vCard 3.0."""
    card = vobject.vCard()
    card.add("fn").value = contact.name
    family, _, given = contact.name.rpartition(" ")
    card.add("n").value = vobject.vcard.Name(family=family or given, given=given if family else "")
    card.add("email").value = contact.email
    if contact.outlet:
        card.add("org").value = [contact.outlet.name]
    if contact.role:
        card.add("title").value = contact.role
    if contact.country:
        card.add("x-pressroom-country").value = contact.country
    if contact.languages:
        card.add("x-pressroom-languages").value = ";".join(contact.languages)
    if contact.topics:
        card.add("categories").value = contact.topics
    for phone in contact.phones:
        line = card.add("tel")
        line.value = phone.number
        line.type_param = phone.label
        if phone.public:
            line.params[PUBLIC_PARAM] = ["1"]
    if contact.notes:
        card.add("note").value = contact.notes
    return card.serialize()


def write_vcards(contacts: Iterable[Contact]) -> str:
    """Many contacts as one .vcf text."""
    return "".join(contact_vcard(contact) for contact in contacts)
