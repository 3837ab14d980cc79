"""/api/v1/contacts: search, create, change, delete or erase, import and export."""

from __future__ import annotations

from contextlib import contextmanager

from flask import Response, request
from flask_smorest import Blueprint
from sqlalchemy import select

from comms.web.access import current_actor, token_required
from comms.web.contacts.schemas import ContactInSchema, ContactQuerySchema, ContactSchema, DeleteQuerySchema, ExportQuerySchema, HistoryEventSchema, ImportQuerySchema, ImportReportSchema, MergeSchema, ReasonSchema
from comms.web.contacts.shared import import_report
from comms.web.api.schemas import ErrorSchema, page_of
from comms.web.context import db, runtime
from comms.web.errors import api_abort
from contacts import csv_io, importing, lists, merge, service, suppression, vcard_io
from contacts.errors import ContactError, DuplicateContact, NotAllowed, Suppressed
from comms.distribution.dispatches.service import received_by
from contacts.history import events_for
from contacts.models import Contact
from contacts.search import ContactFilter, apply_filter, search

blp = Blueprint("api_contacts", __name__, url_prefix="/api/v1/contacts", description="Press contacts")
SECURITY = [{"bearerAuth": []}]
READERS = ("officer", "approver", "viewer")
WRITERS = ("officer",)


@contextmanager
def contact_errors():
    """Turn the contacts package's errors into API errors (and roll back)."""
    try:
        yield
    except DuplicateContact as exc:
        db().rollback()
        api_abort(409, "conflict", exc.message, {**exc.fields, "existing_id": str(exc.existing_id)})
    except Suppressed as exc:
        db().rollback()
        api_abort(409, "suppressed", exc.message, exc.fields)
    except NotAllowed as exc:
        db().rollback()
        api_abort(403, "forbidden", exc.message, exc.fields)
    except ContactError as exc:
        db().rollback()
        api_abort(422, "invalid", exc.message, exc.fields)
    except LookupError as exc:
        db().rollback()
        api_abort(404, "not_found", str(exc).strip("'"))


def _filter(args: dict) -> ContactFilter:
    try:
        return ContactFilter.from_dict(args)
    except ValueError as exc:
        api_abort(422, "invalid", str(exc))


def _contact(contact_id: int) -> Contact:
    with contact_errors():
        return service.get_contact(db(), contact_id)


@blp.route("", methods=["GET"])
@token_required(*READERS)
@blp.doc(security=SECURITY)
@blp.arguments(ContactQuerySchema, location="query", as_kwargs=True)
@blp.response(200, page_of(ContactSchema))
@blp.alt_response(401, schema=ErrorSchema)
@blp.alt_response(422, schema=ErrorSchema)
def list_contacts(page: int, per_page: int, **filters):
    """Search contacts by text (name, email, outlet) and filters."""
    found, total = search(db(), _filter(filters), page=page, per_page=per_page)
    return {"items": [service.contact_to_dict(c) for c in found], "total": total}


@blp.route("", methods=["POST"])
@token_required(*WRITERS)
@blp.doc(security=SECURITY)
@blp.arguments(ContactInSchema)
@blp.response(201, ContactSchema)
@blp.alt_response(403, schema=ErrorSchema)
@blp.alt_response(409, schema=ErrorSchema, description="the email belongs to a contact already")
@blp.alt_response(422, schema=ErrorSchema)
def create_contact(data: dict):
    """Create a contact; the normalised email must be new."""
    with contact_errors():
        contact = service.create_contact(db(), data, current_actor(), source="api")
        db().commit()
    return service.contact_to_dict(contact)


@blp.route("/<int:contact_id>", methods=["GET"])
@token_required(*READERS)
@blp.doc(security=SECURITY)
@blp.response(200, ContactSchema)
@blp.alt_response(404, schema=ErrorSchema)
def get_contact(contact_id: int):
    """One contact."""
    return service.contact_to_dict(_contact(contact_id))


@blp.route("/<int:contact_id>", methods=["PATCH"])
@token_required(*WRITERS)
@blp.doc(security=SECURITY)
@blp.arguments(ContactInSchema)
@blp.response(200, ContactSchema)
@blp.alt_response(404, schema=ErrorSchema)
@blp.alt_response(409, schema=ErrorSchema)
@blp.alt_response(422, schema=ErrorSchema)
def update_contact(data: dict, contact_id: int):
    """Change some fields of a contact."""
    contact = _contact(contact_id)
    with contact_errors():
        service.update_contact(db(), contact, data, current_actor())
        db().commit()
    return service.contact_to_dict(contact)


@blp.route("/<int:contact_id>", methods=["DELETE"])
@token_required(*WRITERS)
@blp.doc(security=SECURITY)
@blp.arguments(DeleteQuerySchema, location="query", as_kwargs=True)
@blp.response(204)
@blp.alt_response(404, schema=ErrorSchema)
def delete_contact(contact_id: int, erase: bool):
    """Delete a contact; with ``erase=true`` (GDPR) only a salted hash stays, suppressed."""
    contact = _contact(contact_id)
    with contact_errors():
        if erase:
            suppression.erase(db(), contact, current_actor())
        else:
            service.delete_contact(db(), contact, current_actor())
        db().commit()
    return ""


@blp.route("/<int:contact_id>/export", methods=["GET"])
@token_required(*WRITERS)
@blp.doc(security=SECURITY, description="Everything held about one person (GDPR access request).")
@blp.response(200)
@blp.alt_response(404, schema=ErrorSchema)
def export_personal_data(contact_id: int):
    """All personal data held about a contact, as JSON."""
    contact = _contact(contact_id)
    current_actor().record(db(), "contact.gdpr_export", object_type="contact", object_id=contact.id)
    data = suppression.export_personal_data(db(), contact)
    db().commit()
    return data


@blp.route("/<int:contact_id>/history", methods=["GET"])
@token_required(*READERS)
@blp.doc(security=SECURITY)
@blp.response(200, HistoryEventSchema(many=True))
def history(contact_id: int):
    """What happened to a contact, newest first."""
    contact = _contact(contact_id)
    events = [{"at": e.at, "kind": e.kind, "by": e.actor_label, "details": e.details}
              for e in events_for(db(), contact.id)]
    # Dispatches to delegations are read from the ledger, which knows whether each one went.
    events += [{"at": item["sent_at"] or item["created_at"], "kind": "dispatch.received", "by": "ledger",
                "details": {"dispatch_id": item["dispatch_id"], "subject": item["subject"],
                            "meeting_id": item["meeting_id"], "status": item["status"]}}
               for item in received_by(db(), contact.id)]
    events.sort(key=lambda event: event["at"], reverse=True)
    return [{**event, "at": event["at"].isoformat()} for event in events]


@blp.route("/<int:contact_id>/suppress", methods=["POST"])
@token_required(*WRITERS)
@blp.doc(security=SECURITY)
@blp.arguments(ReasonSchema)
@blp.response(200, ContactSchema)
def suppress(data: dict, contact_id: int):
    """Mark a contact do-not-contact, with a reason."""
    contact = _contact(contact_id)
    with contact_errors():
        suppression.suppress(db(), contact, current_actor(), data["reason"])
        db().commit()
    return service.contact_to_dict(contact)


@blp.route("/<int:contact_id>/unsuppress", methods=["POST"])
@token_required("admin")
@blp.doc(security=SECURITY)
@blp.response(200, ContactSchema)
@blp.alt_response(403, schema=ErrorSchema, description="only admins lift suppressions")
def unsuppress(contact_id: int):
    """Lift a suppression (admins only)."""
    contact = _contact(contact_id)
    with contact_errors():
        suppression.lift(db(), contact, current_actor())
        db().commit()
    return service.contact_to_dict(contact)


@blp.route("/<int:contact_id>/merge", methods=["POST"])
@token_required(*WRITERS)
@blp.doc(security=SECURITY)
@blp.arguments(MergeSchema)
@blp.response(200, ContactSchema)
def merge_contact(data: dict, contact_id: int):
    """Fold another contact (a likely duplicate) into this one."""
    keep, other = _contact(contact_id), _contact(data["other_id"])
    with contact_errors():
        merge.merge(db(), keep, other, current_actor())
        db().commit()
    return service.contact_to_dict(keep)


@blp.route("/duplicates", methods=["GET"])
@token_required(*READERS)
@blp.doc(security=SECURITY)
@blp.response(200)
def duplicates():
    """Likely duplicates: same name and outlet, different emails."""
    return {"items": [{"name": g.name, "outlet": g.outlet, "contact_ids": [c.id for c in g.contacts]}
                      for g in merge.likely_duplicates(db())]}


@blp.route("/import", methods=["POST"])
@token_required(*WRITERS)
@blp.doc(security=SECURITY, requestBody={"content": {"text/csv": {"schema": {"type": "string"}},
                                                      "text/vcard": {"schema": {"type": "string"}}}})
@blp.arguments(ImportQuerySchema, location="query", as_kwargs=True)
@blp.response(200, ImportReportSchema)
@blp.alt_response(400, schema=ErrorSchema, description="the file cannot be read")
@blp.alt_response(415, schema=ErrorSchema, description="the body is neither text/csv nor text/vcard")
def import_contacts(dry_run: bool):
    """Import CSV (header row with field names) or vCard; the write is one transaction."""
    body = request.get_data()
    kind = request.mimetype
    try:
        if kind in ("text/vcard", "text/x-vcard", "text/directory"):
            records = vcard_io.read_vcards(body)
        elif kind in ("text/csv", "text/plain", "application/csv"):
            records = csv_io.read_csv(body)
        else:
            api_abort(415, "unsupported_media_type", "send text/csv or text/vcard")
    except ContactError as exc:
        api_abort(400, "bad_request", exc.message, exc.fields)
    plan = importing.plan_import(db(), records, source="api import")
    return import_report(plan, importing.apply_import, dry_run=dry_run)


@blp.route("/export", methods=["GET"])
@token_required(*WRITERS)
@blp.doc(security=SECURITY, responses={"200": {"description": "the contacts as a file", "content": {"text/csv": {"schema": {"type": "string"}},
                                                           "text/vcard": {"schema": {"type": "string"}}}}})
@blp.arguments(ExportQuerySchema, location="query", as_kwargs=True)
def export_contacts(format: str, page: int, per_page: int, **filters):
    """All matching contacts as CSV (the import's columns) or vCard 3.0."""
    flt = _filter(filters)
    session = db()
    list_names = {item.id: item.name for item in lists.all_lists(session)}
    current_actor().record(session, "contacts.export", object_type="export", details={"format": format})
    session.commit()
    rt = runtime()

    def generate():
        # A session of its own, closed when the last byte is sent: the
        # request's session is gone by then, and a large export must not hold
        # a transaction open after the download ends.
        reader = rt.db.session(read_mostly=True)
        query = apply_filter(select(Contact), flt).order_by(Contact.id).execution_options(yield_per=1000)
        try:
            if format == "vcard":
                for contact in reader.scalars(query):
                    yield vcard_io.contact_vcard(contact)
                return
            yield csv_io.header_text()
            chunk = []
            for contact in reader.scalars(query):
                chunk.append(contact)
                if len(chunk) == 1000:
                    yield csv_io.rows_text(chunk, list_names)
                    chunk = []
            yield csv_io.rows_text(chunk, list_names)
        finally:
            reader.close()

    mimetype, suffix = ("text/vcard", "vcf") if format == "vcard" else ("text/csv", "csv")
    return Response(generate(), mimetype=mimetype,  # Werkzeug adds "; charset=utf-8" to text/* types
                    headers={"Content-Disposition": f'attachment; filename="contacts.{suffix}"'})
