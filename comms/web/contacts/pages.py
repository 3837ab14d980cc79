"""Staff pages for finding press contacts: search and filters, bulk list changes,
saved segments, CSV and vCard export, and likely duplicates."""

from __future__ import annotations

import math

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from comms.web.access import current_actor, roles_required
from comms.web.contacts.shared import FILTER_KEYS, PAGE_SIZE, READERS, WRITERS, error_message, fail, filter_args, filter_choices, filter_from, id_from, ids_from, page_number, template_flags
from comms.web.context import db, runtime
from comms.web.forms import kept, refuse
from contacts import csv_io, lists, merge, service, vcard_io
from contacts.errors import ContactError
from contacts.models import Contact
from contacts.search import ContactFilter, apply_filter, search

bp = Blueprint("contacts_ui", __name__, url_prefix="/staff/contacts")
bp.context_processor(template_flags)
EXPORT_FORMATS = {"csv": ("text/csv", "csv"), "vcard": ("text/vcard", "vcf")}
EXPORT_CHUNK = 1000


def render_index(values, status: int = 200):
    """The contacts table for the filters in ``values`` (query or form), with ``status``."""
    session = db()
    page = page_number(values)
    try:
        flt = filter_from(values)
    except ContactError as exc:
        status = fail(exc)
        flt, found, total = ContactFilter(), [], 0
    else:
        found, total = search(session, flt, page=page, per_page=PAGE_SIZE)
    return render_template(
        "contacts/index.html", contacts=found, total=total, page=page, pages=max(1, math.ceil(total / PAGE_SIZE)),
        per_page=PAGE_SIZE, flt=flt, args=filter_args(flt), current={key: values.get(key, "") for key in FILTER_KEYS},
        segment_name=values.get("name", ""), **filter_choices(session),
    ), status


@bp.route("")
@roles_required(*READERS)
def index():
    """Search contacts by name, email, outlet or role, filter them, and act on a page of them (a refused
    bulk action or segment comes back here with the segment name that was typed)."""
    refused, _errors = kept("contacts_index")
    return render_index({**request.args.to_dict(), **refused} if refused else request.args)


def _refused(form, exc: Exception):
    """POST-redirect-GET back to the same search, the reason flashed, the segment name kept."""
    fail(exc)
    try:
        args = filter_args(filter_from(form))
    except ContactError:
        args = {}
    return refuse(url_for("contacts_ui.index", page=page_number(form), **args), "contacts_index",
                  {"name": form.get("name", "")[:200]} if form.get("name") else {})


@bp.route("/bulk-add", methods=["POST"])
@roles_required(*WRITERS)
def bulk_add():
    """Add the ticked contacts to one list, then go back to the same search."""
    form, session = request.form, db()
    try:
        flt = filter_from(form)
        contact_ids = ids_from(form, "contact_ids")
        if not contact_ids:
            raise ContactError("tick at least one contact to add", {"contact_ids": "none ticked"})
        target = lists.get_list(session, id_from(form, "list_id", "list to add them to"))
        added = lists.add_to_list(session, target, contact_ids, current_actor())
    except ContactError as exc:
        return _refused(form, exc)
    session.commit()
    already = len(set(contact_ids)) - added
    flash(f"Added {added} contact{'s' if added != 1 else ''} to {target.name}"
          + (f" ({already} already on it)." if already else "."), "success")
    return redirect(url_for("contacts_ui.index", page=page_number(form), **filter_args(flt)), 303)


@bp.route("/segments", methods=["POST"])
@roles_required(*WRITERS)
def save_segment():
    """Save the current filters under a name, as a segment resolved whenever it is used."""
    form, session = request.form, db()
    try:
        flt = filter_from(form)
        segment = lists.create_segment(session, form.get("name", ""), flt.to_dict(), current_actor())
    except ContactError as exc:
        return _refused(form, exc)
    session.commit()
    size = len(lists.resolve_segment(session, segment))
    flash(f"Saved the segment {segment.name}; it matches {size} contact{'s' if size != 1 else ''} now.", "success")
    return redirect(url_for("lists_ui.index", _anchor="segments"), 303)


@bp.route("/export")
@roles_required(*WRITERS)
def export():
    """The matching contacts as a CSV file (the import's columns) or as vCards."""
    fmt = request.args.get("format", "csv")
    if fmt not in EXPORT_FORMATS:
        abort(400, "Choose the format csv or vcard.")
    try:
        flt = filter_from(request.args)
    except ContactError as exc:
        abort(400, error_message(exc))
    session = db()
    list_names = {item.id: item.name for item in lists.all_lists(session)}
    current_actor().record(session, "contacts.export", object_type="export",
                           details={"format": fmt, "filtered": not flt.is_empty()})
    session.commit()
    rt = runtime()

    def generate():
        # A session of its own, closed after the last chunk: the request's
        # session is gone by the time a long download is streamed.
        reader = rt.db.session(read_mostly=True)
        query = apply_filter(select(Contact), flt).order_by(Contact.id).execution_options(yield_per=EXPORT_CHUNK)
        try:
            if fmt == "csv":
                yield csv_io.header_text()
            chunk = []
            for contact in reader.scalars(query):
                chunk.append(contact)
                if len(chunk) == EXPORT_CHUNK:
                    yield _chunk_text(fmt, chunk, list_names)
                    chunk = []
            yield _chunk_text(fmt, chunk, list_names)
        finally:
            reader.close()

    mimetype, suffix = EXPORT_FORMATS[fmt]
    return Response(generate(), mimetype=mimetype,  # Werkzeug adds "; charset=utf-8" to text/* types
                    headers={"Content-Disposition": f'attachment; filename="contacts.{suffix}"'})


def _chunk_text(fmt: str, contacts: list[Contact], list_names: dict[int, str]) -> str:
    if fmt == "vcard":
        return vcard_io.write_vcards(contacts)
    return csv_io.rows_text(contacts, list_names)


def _render_duplicates(status: int = 200):
    return render_template("contacts/duplicates.html", groups=merge.likely_duplicates(db())), status


@bp.route("/duplicates")
@roles_required(*READERS)
def duplicates():
    """Groups of contacts with the same name at the same outlet: probably one person each."""
    return _render_duplicates()


@bp.route("/duplicates/merge", methods=["POST"])
@roles_required(*WRITERS)
def merge_group():
    """Merge a group of duplicates into its oldest contact."""
    session, actor = db(), current_actor()
    try:
        wanted = set(ids_from(request.form, "contact_ids"))
        if len(wanted) < 2:
            raise ContactError("choose at least two contacts to merge", {"contact_ids": "fewer than two"})
        group = sorted((service.get_contact(session, contact_id) for contact_id in wanted),
                       key=lambda contact: (contact.created_at, contact.id))
        keep = group[0]
        for other in group[1:]:
            merge.merge(session, keep, other, actor)
    except (ContactError, LookupError) as exc:
        status = fail(exc)
        return _render_duplicates(status)
    session.commit()
    flash(f"Merged {len(group) - 1} duplicate{'s' if len(group) > 2 else ''} into {keep.name}.", "success")
    return redirect(url_for("contact.show", contact_id=keep.id), 303)
