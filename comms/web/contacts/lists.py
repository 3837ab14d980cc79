"""Staff pages for distribution lists (members, embargo trust) and saved segments."""

from __future__ import annotations

import math

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from comms.web.access import current_actor, roles_required
from comms.web.contacts.shared import MAX_ID, PAGE_SIZE, READERS, WRITERS, describe_filter, fail, filter_args, ids_from, page_number, template_flags
from comms.web.context import db
from contacts import lists
from contacts.errors import ContactError
from contacts.models import ContactList, ListMembership, Segment, Topic
from contacts.search import ContactFilter, search

bp = Blueprint("lists_ui", __name__, url_prefix="/staff")
bp.context_processor(template_flags)


def _list(list_id: int) -> ContactList:
    found = db().get(ContactList, list_id) if list_id <= MAX_ID else None
    return found or abort(404, f"There is no list {list_id}.")


def _segment_rows() -> list[dict]:
    session = db()
    list_names = {item.id: item.name for item in lists.all_lists(session)}
    topic_labels = {topic.slug: topic.label for topic in session.scalars(select(Topic))}
    rows = []
    for segment in lists.all_segments(session):
        try:
            flt = lists.segment_filter(segment)
            size = len(lists.resolve_segment(session, segment))
        except ValueError:
            # A filter saved by an older version that no longer parses: shown, not fatal.
            flt, size = None, None
        rows.append({"segment": segment, "size": size, "args": filter_args(flt) if flt else None,
                     "phrases": describe_filter(segment.filters, list_names, topic_labels)})
    return rows


def _render_index(form=None, status: int = 200):
    session = db()
    return render_template("contacts/lists.html", lists=lists.all_lists(session), sizes=lists.list_sizes(session),
                           segments=_segment_rows(), form=form or {}), status


@bp.route("/lists")
@roles_required(*READERS)
def index():
    """Every list with its size and embargo trust, and every saved segment with its live count."""
    return _render_index()


@bp.route("/lists", methods=["POST"])
@roles_required(*WRITERS)
def create():
    """Create a list."""
    form, session = request.form, db()
    try:
        created = lists.create_list(session, form.get("name", ""), current_actor(),
                                    description=form.get("description", ""),
                                    embargo_trusted=form.get("embargo_trusted") == "yes")
    except ContactError as exc:
        return _render_index(form, fail(exc))
    session.commit()
    flash(f"Created the list {created.name}.", "success")
    return redirect(url_for("lists_ui.show", list_id=created.id), 303)


# Contacts offered at once by the list page's "Add members" search.
ADD_CANDIDATES = 25


def _candidates(target: ContactList, text: str) -> tuple[list, int, str]:
    """Contacts matching the "Add members" search who are not on the list yet, how many match in all,
    and a refusal in words when the search itself cannot be run."""
    if not text:
        return [], 0, ""
    try:
        found, _total = search(db(), ContactFilter.from_dict({"q": text}), per_page=ADD_CANDIDATES + 50)
    except ValueError as exc:
        return [], 0, str(exc)
    members = set(db().scalars(select(ListMembership.contact_id).where(
        ListMembership.list_id == target.id, ListMembership.contact_id.in_([c.id for c in found])))) if found else set()
    outside = [contact for contact in found if contact.id not in members]
    return outside[:ADD_CANDIDATES], len(outside), ""


def _render_list(target: ContactList, form=None, status: int = 200):
    page = page_number(request.args)
    members, total = search(db(), ContactFilter(list_id=target.id), page=page, per_page=PAGE_SIZE)
    find = request.args.get("find", "").strip()[:200]
    candidates, found, find_error = _candidates(target, find)
    return render_template("contacts/list.html", target=target, members=members, total=total, page=page,
                           pages=max(1, math.ceil(total / PAGE_SIZE)), form=form, find=find,
                           candidates=candidates, found=found, find_error=find_error,
                           shown_limit=ADD_CANDIDATES), status


@bp.route("/lists/<int:list_id>")
@roles_required(*READERS)
def show(list_id: int):
    """A list: its settings and its members."""
    return _render_list(_list(list_id))


@bp.route("/lists/<int:list_id>", methods=["POST"])
@roles_required(*WRITERS)
def update(list_id: int):
    """Rename a list, change its description or whether it may receive embargoed releases."""
    target, form, session = _list(list_id), request.form, db()
    try:
        lists.update_list(session, target, current_actor(), name=form.get("name", ""),
                          description=form.get("description", ""),
                          embargo_trusted=form.get("embargo_trusted") == "yes")
    except ContactError as exc:
        status = fail(exc)
        return _render_list(_list(list_id), form, status)
    session.commit()
    flash(f"Saved the list {target.name}.", "success")
    return redirect(url_for("lists_ui.show", list_id=target.id), 303)


@bp.route("/lists/<int:list_id>/add", methods=["POST"])
@roles_required(*WRITERS)
def add_members(list_id: int):
    """Add the contacts ticked in the list page's "Add members" search, then show the list again."""
    target, session = _list(list_id), db()
    find = request.form.get("find", "").strip()[:200]
    try:
        wanted = ids_from(request.form, "contact_ids")
        if not wanted:
            raise ContactError("tick at least one contact to add", {"contact_ids": "none chosen"})
        added = lists.add_to_list(session, target, wanted, current_actor())
    except ContactError as exc:
        fail(exc)
        return redirect(url_for("lists_ui.show", list_id=target.id, find=find or None, _anchor="add-members"), 303)
    session.commit()
    flash(f"Added {added} contact{'s' if added != 1 else ''} to {target.name}.", "success")
    return redirect(url_for("lists_ui.show", list_id=target.id, find=find or None, _anchor="add-members"), 303)


@bp.route("/lists/<int:list_id>/remove", methods=["POST"])
@roles_required(*WRITERS)
def remove_members(list_id: int):
    """Take contacts off the list (the contacts themselves stay)."""
    target, session = _list(list_id), db()
    try:
        wanted = ids_from(request.form, "contact_ids")
        # Only real members go to remove_from_list: it writes a history line for
        # every id it is given, which fails for an id that is no contact at all.
        members = sorted(session.scalars(select(ListMembership.contact_id).where(
            ListMembership.list_id == target.id, ListMembership.contact_id.in_(wanted)))) if wanted else []
        if not members:
            raise ContactError("choose a contact who is on this list", {"contact_ids": "not on the list"})
        removed = lists.remove_from_list(session, target, members, current_actor())
    except ContactError as exc:
        status = fail(exc)
        return _render_list(_list(list_id), status=status)
    session.commit()
    flash(f"Removed {removed} contact{'s' if removed != 1 else ''} from {target.name}.", "success")
    return redirect(url_for("lists_ui.show", list_id=target.id, page=page_number(request.form)), 303)


@bp.route("/lists/<int:list_id>/delete", methods=["GET", "POST"])
@roles_required(*WRITERS)
def delete(list_id: int):
    """Delete a list after a confirmation page; its contacts stay."""
    target, session = _list(list_id), db()
    if request.method != "POST":  # GET and HEAD only read (docs/design/security.md item 30)
        size = lists.list_sizes(session).get(target.id, 0)
        return render_template("contacts/list_delete.html", target=target, size=size)
    name = target.name
    lists.delete_list(session, target, current_actor())
    session.commit()
    flash(f"Deleted the list {name}. Its contacts are still in the address book.", "success")
    return redirect(url_for("lists_ui.index"), 303)


@bp.route("/segments/<int:segment_id>/delete", methods=["POST"])
@roles_required(*WRITERS)
def delete_segment(segment_id: int):
    """Delete a saved segment (it holds filters only, so no contact changes)."""
    session = db()
    segment = session.get(Segment, segment_id) if segment_id <= MAX_ID else None
    if segment is None:
        abort(404, f"There is no segment {segment_id}.")
    name = segment.name
    lists.delete_segment(session, segment, current_actor())
    session.commit()
    flash(f"Deleted the segment {name}.", "success")
    return redirect(url_for("lists_ui.index", _anchor="segments"), 303)
