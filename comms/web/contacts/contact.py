"""Staff pages for one press contact: create, view and edit, do-not-contact and
lifting it, GDPR export and erasure, and merging a duplicate in."""

from __future__ import annotations

import json
import re

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from comms.web.access import current_actor, roles_required
from comms.web.contacts.history import history
from comms.web.contacts.shared import MAX_ID, READERS, WRITERS, fail, id_from, template_flags
from comms.web.context import db
from contacts import lists, merge, service, suppression, vocab
from contacts.errors import ContactError
from contacts.models import CONSENT_BASES, Contact, Topic

bp = Blueprint("contact", __name__, url_prefix="/staff/contacts")
bp.context_processor(template_flags)
MAX_PHONE_ROWS = 20
_PHONE_NUMBER_FIELD = re.compile(r"^phone-(\d{1,2})-number$")
# Statuses that a suppression (do-not-contact, unsubscribe, bounce) leaves behind.
SUPPRESSED_STATUSES = ("suppressed", "unsubscribed", "bounced")


def form_values(contact: Contact | None = None) -> dict:
    """What the edit form shows for a contact (or a blank one)."""
    if contact is None:
        return {"name": "", "email": "", "outlet": "", "role": "", "country": "", "languages": "", "topics": [],
                "phones": [], "notes": "", "lists": [], "consent_basis": ""}
    return {
        "name": contact.name, "email": contact.email, "outlet": contact.outlet.name if contact.outlet else "",
        "role": contact.role, "country": contact.country or "", "languages": ", ".join(contact.languages),
        "topics": contact.topics, "notes": contact.notes, "lists": [str(i) for i in contact.list_ids],
        "phones": [{"number": p.number, "label": p.label, "public": p.public} for p in contact.phones],
        "consent_basis": contact.consent_basis or "",
    }


def read_form(form) -> dict:
    """The posted contact form as input for contacts.service (which validates it)."""
    rows = sorted({int(match.group(1)) for key in form if (match := _PHONE_NUMBER_FIELD.match(key))})
    phones = [{"number": form.get(f"phone-{i}-number", "").strip(),
               "label": form.get(f"phone-{i}-label", "").strip() or "work",
               "public": form.get(f"phone-{i}-public") == "yes"} for i in rows[:MAX_PHONE_ROWS]]
    values = {key: form.get(key, "") for key in ("name", "email", "outlet", "role", "country", "languages", "notes")}
    values.update(topics=form.getlist("topics"), lists=form.getlist("lists"),
                  phones=[phone for phone in phones if phone["number"]])
    if form.get("consent_basis"):
        values["consent_basis"] = form["consent_basis"]
    return values


def _form_choices() -> dict:
    session = db()
    return {"countries": vocab.all_countries(), "topics": list(session.scalars(select(Topic).order_by(Topic.label))),
            "lists": lists.all_lists(session), "consent_bases": CONSENT_BASES}


def _contact(contact_id: int) -> Contact:
    try:
        if contact_id > MAX_ID:
            raise LookupError(contact_id)
        return service.get_contact(db(), contact_id)
    except LookupError:
        abort(404, f"There is no contact {contact_id}. It may have been merged into another or erased.")


def render_contact(contact: Contact, *, values: dict | None = None, errors: dict | None = None, status: int = 200,
                   duplicate_id: int | None = None):
    """A contact's page: details, history, actions and (for officers) the edit form."""
    session = db()
    list_names = {item.id: item.name for item in lists.all_lists(session)}
    return render_template(
        "contacts/contact.html", contact=contact, values=values or form_values(contact), errors=errors or {},
        duplicate_id=duplicate_id, history=history(session, contact.id), list_names=list_names,
        duplicates=merge.duplicates_of(session, contact), suppressed_statuses=SUPPRESSED_STATUSES,
        country_name=vocab.country_name, language_name=vocab.language_name, **_form_choices(),
    ), status


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*WRITERS)
def new():
    """Add a press contact by hand."""
    if request.method != "POST":  # GET and HEAD only read (docs/design/security.md item 30)
        return render_template("contacts/new.html", values=form_values(), errors={}, duplicate_id=None,
                               **_form_choices())
    session, values = db(), read_form(request.form)
    try:
        contact = service.create_contact(session, values, current_actor(), source="staff")
    except (ContactError, LookupError) as exc:
        status = fail(exc)
        return render_template("contacts/new.html", values=values, errors=getattr(exc, "fields", {}),
                               duplicate_id=getattr(exc, "existing_id", None), **_form_choices()), status
    session.commit()
    flash(f"Added {contact.name}.", "success")
    return redirect(url_for("contact.show", contact_id=contact.id), 303)


@bp.route("/<int:contact_id>")
@roles_required(*READERS)
def show(contact_id: int):
    """One contact: details, consent, lists, history and what can be done."""
    return render_contact(_contact(contact_id))


@bp.route("/<int:contact_id>", methods=["POST"])
@roles_required(*WRITERS)
def update(contact_id: int):
    """Save the edit form."""
    contact, session = _contact(contact_id), db()
    values = read_form(request.form)
    try:
        changed = service.update_contact(session, contact, values, current_actor())
    except (ContactError, LookupError) as exc:
        status = fail(exc)
        return render_contact(contact, values=values, errors=getattr(exc, "fields", {}), status=status,
                              duplicate_id=getattr(exc, "existing_id", None))
    session.commit()
    flash(f"Saved changes to {', '.join(changed)}." if changed else "Nothing changed.", "success")
    return redirect(url_for("contact.show", contact_id=contact.id), 303)


@bp.route("/<int:contact_id>/suppress", methods=["POST"])
@roles_required(*WRITERS)
def suppress(contact_id: int):
    """Mark a contact do-not-contact; a reason is required."""
    contact, session = _contact(contact_id), db()
    try:
        suppression.suppress(session, contact, current_actor(), request.form.get("reason", ""))
    except ContactError as exc:
        return render_contact(contact, errors=exc.fields, status=fail(exc))
    session.commit()
    flash(f"{contact.name} is marked do not contact.", "success")
    return redirect(url_for("contact.show", contact_id=contact.id), 303)


@bp.route("/<int:contact_id>/lift", methods=["POST"])
@roles_required(*WRITERS)
def lift(contact_id: int):
    """Lift a suppression; contacts.suppression refuses anyone but an admin (403)."""
    contact, session = _contact(contact_id), db()
    try:
        suppression.lift(session, contact, current_actor(), request.form.get("note", "").strip())
    except ContactError as exc:
        return render_contact(contact, status=fail(exc))
    session.commit()
    flash(f"The suppression is lifted: {contact.name} is active again.", "success")
    return redirect(url_for("contact.show", contact_id=contact.id), 303)


@bp.route("/<int:contact_id>/personal-data", methods=["POST"])
@roles_required(*WRITERS)
def personal_data(contact_id: int):
    """Everything held about the contact, as a JSON download (GDPR access request)."""
    contact, session = _contact(contact_id), db()
    current_actor().record(session, "contact.gdpr_export", object_type="contact", object_id=contact.id)
    data = suppression.export_personal_data(session, contact)
    session.commit()
    body = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
    return Response(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="contact-{contact.id}-personal-data.json"'})


@bp.route("/<int:contact_id>/erase", methods=["GET", "POST"])
@roles_required(*WRITERS)
def erase(contact_id: int):
    """GDPR erasure, after a confirmation page: only a salted hash of the address stays."""
    contact, session = _contact(contact_id), db()
    if request.method != "POST":  # GET and HEAD only read (docs/design/security.md item 30)
        return render_template("contacts/erase.html", contact=contact)
    if request.form.get("confirm") != "yes":
        flash("Tick the box to confirm the erasure.", "error")
        return render_template("contacts/erase.html", contact=contact), 400
    try:
        suppression.erase(session, contact, current_actor())
    except ContactError as exc:
        status = fail(exc)
        return render_template("contacts/erase.html", contact=_contact(contact_id)), status
    session.commit()
    flash(f"Contact {contact_id} is erased. Its address stays only as a hash on the suppression list, "
          "so no import can bring it back.", "success")
    return redirect(url_for("contacts_ui.index"), 303)


@bp.route("/<int:contact_id>/merge", methods=["POST"])
@roles_required(*WRITERS)
def merge_into(contact_id: int):
    """Fold a likely duplicate into this contact; the duplicate is deleted."""
    keep, session = _contact(contact_id), db()
    try:
        other = service.get_contact(session, id_from(request.form, "other_id", "contact to merge"))
        merge.merge(session, keep, other, current_actor())
    except (ContactError, LookupError) as exc:
        return render_contact(keep, status=fail(exc))
    session.commit()
    flash(f"Merged the duplicate into {keep.name}.", "success")
    return redirect(url_for("contact.show", contact_id=keep.id), 303)
