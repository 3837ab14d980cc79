"""Public registration for a meeting (/meetings/{id}/register) with double opt-in, and the
issued list of participants as a page. Translated (EN/FR/ES) like the other public pages;
the honeypot and per-address rate limit are /subscribe's (comms.web.contacts.subscribe)."""

from __future__ import annotations

from flask import Blueprint, Flask, abort, current_app, render_template, request
from flask_babel import gettext as _
from markupsafe import Markup

from comms.documents import participant_list
from comms.meetings import participants as people
from comms.meetings import registration
from comms.meetings import service as meetings
from comms.platform.throttle import RateLimit
from comms.web.contacts.subscribe import HONEYPOT
from comms.web.context import absolute_url, client_ip, db, runtime
from comms.web.i18n import current_language
from contacts import delegations
from contacts.models import DELEGATION_KINDS

bp = Blueprint("participant_register", __name__)
PUBLIC_ROLES = ("head", "alternate", "adviser", "expert", "observer")


def init_app(app: Flask) -> None:
    """Register the blueprint with its own rate limit (the /subscribe setting, a separate counter)."""
    config = app.extensions["pressroom"].config
    app.extensions["pressroom.register_limit"] = RateLimit(config.redis_url or "memory://",
                                                           config.subscribe_limit_ip, "register-ip")
    app.register_blueprint(bp)


def _meeting(meeting_id: int) -> meetings.Meeting:
    found = db().get(meetings.Meeting, meeting_id) if meeting_id < 2**31 else None
    if found is None:
        abort(404)
    return found


def role_labels() -> dict[str, str]:
    """The roles in the reader's language."""
    return {"head": _("Head of delegation"), "alternate": _("Alternate"), "adviser": _("Adviser"),
            "expert": _("Expert"), "observer": _("Observer")}


def _form(meeting, form=None, errors=None, status: int = 200):
    choices = delegations.list_delegations(db())
    order = {kind: index for index, kind in enumerate(DELEGATION_KINDS)}
    choices.sort(key=lambda d: (order[d.kind], d.name_key))
    return render_template("meetings/register.html", meeting=meeting, form=form or {}, errors=errors or {},
                           delegations=choices, roles=role_labels(), open=registration.registration_open(meeting),
                           office=runtime().config.office_name), status


def _raw(form) -> dict:
    delegation = (form.get("delegation_id") or "").strip()
    return {"delegation_id": int(delegation) if delegation.isdigit() and len(delegation) < 10 else None,
            "name": form.get("name", ""), "title": form.get("title", ""), "email": form.get("email", ""),
            "role": form.get("role", "adviser"), "listed": form.get("listed") == "yes",
            # The page's language: every email the person gets, now or when an officer decides, is in it.
            "language": current_language()}


def _translated(errors: dict) -> dict:
    """Field errors in the reader's language; the rare others as the domain wrote them."""
    messages = {"email": _("Please give a valid email address."), "name": _("Please give your name."),
                "delegation_id": _("Please choose your delegation."), "role": _("Please choose your function."),
                "title": _("Please shorten the title (one line, at most 200 characters).")}
    return {name: messages.get(name, str(problem)) for name, problem in errors.items()}


@bp.route("/meetings/<int:meeting_id>/register", methods=["GET", "POST"])
def register(meeting_id: int):
    """The registration form; POST stores a requested participant and emails the confirmation link."""
    meeting = _meeting(meeting_id)
    if request.method != "POST":  # GET and HEAD only read (docs/design/security.md item 30)
        return _form(meeting)
    form = request.form
    if form.get(HONEYPOT):
        # A bot filled the hidden field: act as if it worked, do nothing.
        return render_template("meetings/register_sent.html", meeting=meeting)
    limit: RateLimit = current_app.extensions["pressroom.register_limit"]
    wait = limit.retry_after(client_ip())
    if wait is not None:
        page, _status = _form(meeting, form, {"form": _("Too many requests from your network. Try again in "
                                                        "%(minutes)d minutes.", minutes=wait // 60 + 1)})
        return page, 429, {"Retry-After": str(wait)}
    limit.hit(client_ip())
    if not form.get("consent"):
        return _form(meeting, form, {"consent": _("Please tick the box to agree.")}, 400)
    session = db()
    try:
        participant, token = registration.request_registration(session, meeting, _raw(form), client_ip())
    except people.ParticipantError as exc:
        session.rollback()
        if exc.status == 409 and "email" in exc.fields:
            # Never say whether an address is registered: the same answer as a success.
            return render_template("meetings/register_sent.html", meeting=meeting)
        errors = _translated(exc.fields) if exc.fields else {"form": exc.message}
        return _form(meeting, form, errors, 400 if exc.status != 409 else 409)
    session.commit()
    registration.queue_confirm_email(runtime(), participant,
                                     absolute_url("participant_register.confirm", token=token))
    return render_template("meetings/register_sent.html", meeting=meeting)


@bp.route("/meetings/register/confirm/<token>", methods=["GET", "POST"])
def confirm(token: str):
    """GET shows a confirm button (link scanners change nothing); POST confirms the address."""
    session = db()
    participant = registration.find_by_token(session, token)
    if participant is None:
        abort(404)
    if request.method != "POST":  # GET and HEAD only read (docs/design/security.md item 30)
        return render_template("meetings/register_confirm.html", participant=participant,
                               meeting=participant.meeting, confirmed=participant.email_confirmed_at is not None)
    registration.confirm_registration(session, participant, client_ip())
    session.commit()
    return render_template("meetings/register_confirm.html", participant=participant, meeting=participant.meeting,
                           confirmed=True, just_confirmed=True)


@bp.route("/meetings/<int:meeting_id>/list-of-participants")
def list_of_participants(meeting_id: int):
    """The latest issued list of participants as a page (its PDF is in the document register)."""
    meeting = _meeting(meeting_id)
    issued = participant_list.latest_list(db(), meeting)
    if issued is None or not issued.document.public:
        abort(404)
    # The HTML was built by comms.documents.participant_list, which escapes every value.
    return render_template("meetings/list_of_participants.html", meeting=meeting, issued=issued,
                           body=Markup(issued.html))
