"""Staff pages for press releases: the list, a release's page (status, approvals, actions,
history with a word-level diff, audit trail) and the boilerplate paragraph per language.

The editor lives in comms.web.releases.editor. Every POST carries a CSRF token. The actions
on a release's page (submit, decide, publish, unschedule, retract) answer at POST-only
addresses, so a refused one rolls back, flashes the reason and redirects (303) to the
release's page with what was typed kept for one GET (comms.web.forms): a reload never posts
again. Success commits once and redirects too.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from comms.accounts import approvals
from comms.accounts import users as auth
from comms.rendering import diffing
from comms.rendering import emails
from comms.releases import desk
from comms.releases import files as release_files
from comms.releases import followers
from comms.releases import service as releases
from comms.releases import workflow
from comms.meetings.service import Meeting
from comms.releases.service import CONTENT_FIELDS, LANGUAGES, STATUSES, Release, ReleaseError, filtered_releases
from comms.web.access import current_actor, roles_required
from comms.web.context import db, runtime
from comms.web.forms import kept, refuse
from comms.web.decision_mail import tell_press_office
from comms.web.releases.files import file_url
from comms.web.releases.links import public_url, review_emails_or_error
from comms.web.releases.shared import READERS, WRITERS, approver_choices, comparable_content, fail, load_release, local_input, me, parse_local, rich_html, template_context, when, zone_name
from storage import audit

bp = Blueprint("releases_ui", __name__, url_prefix="/staff")
bp.context_processor(template_context)
BOILERPLATE_LIMIT = 5000
MAX_LISTED = 500
ACTION_FORM = "release-action"


# --- the list ----------------------------------------------------------------------------------------------------

@bp.route("/releases")
@roles_required(*READERS)
def index():
    """Releases by status (or one status), with language and meeting filters."""
    args = request.args
    status = args.get("status", "") if args.get("status", "") in STATUSES else ""
    language = args.get("language", "") if args.get("language", "") in LANGUAGES else ""
    meeting_raw = args.get("meeting", "")
    meeting_id = int(meeting_raw) if meeting_raw.isdigit() and len(meeting_raw) <= 9 else None
    query = filtered_releases(status, language, meeting_id).options(selectinload(Release.revisions),
                                                                   selectinload(Release.meeting))
    found = list(db().scalars(query.order_by(Release.updated_at.desc(), Release.id.desc()).limit(MAX_LISTED)))
    order = list(STATUSES) + sorted({r.status for r in found} - set(STATUSES))
    groups = [(name, [r for r in found if r.status == name]) for name in order]
    meetings_list = list(db().scalars(select(Meeting).order_by(Meeting.starts_on.desc())))
    sent_back = desk.changes_requested_on_current(db(), found)
    shown = {release.id: desk.display_statuses(release, release.id in sent_back) for release in found}
    return render_template("releases/index.html", groups=[g for g in groups if g[1]], total=len(found), shown=shown,
                           filters={"status": status, "language": language, "meeting": meeting_id},
                           statuses=STATUSES, meetings=meetings_list, limited=len(found) == MAX_LISTED)


# --- one release -------------------------------------------------------------------------------------------------

def _translation_targets(release: Release) -> list[str]:
    """Languages the release can still be translated into (the meeting's first)."""
    taken = {r.language for r in releases.translations(db(), release)}
    preferred = list(release.meeting.languages) if release.meeting else ["en", "fr", "es"]
    ordered = [c for c in preferred if c in LANGUAGES] + [c for c in LANGUAGES if c not in preferred]
    return [code for code in ordered if code not in taken]


def render_release(release: Release, status: int = 200, form: dict | None = None):
    """A release's page for staff."""
    session = db()
    user = me()
    requests = approvals.requests_for(session, workflow.SUBJECT, release.id)
    current = [r for r in requests if r.version == release.revision and r.status != "superseded"]
    my_request = workflow.open_request_for(session, release, user)
    revisions = list(release.revisions)
    newest = revisions[-1].number if revisions else 1
    choices = approver_choices(release) if release.status == "draft" else []
    defaults = {u.id for u in workflow.default_approvers(release)}
    content = release.content()
    return render_template(
        "releases/show.html", release=release, content=content, requests=requests,
        body_html=rich_html(content.get("body_markdown", "")),
        notes_html=rich_html(content.get("notes_to_editors", "")),
        boilerplate=releases.boilerplate(session, release.language),
        current_requests=current,
        my_request=my_request if my_request and my_request.is_open and release.status == "in_review" else None,
        approval_refusal=workflow.approval_refusal(session, release, user),
        public_link=public_url(release) if release.is_public else None,
        family=releases.translations(session, release), translate_into=_translation_targets(release),
        revisions=revisions, diff_from=max(newest - 1, 1), diff_to=newest,
        events=audit.recent(session, object_type=workflow.SUBJECT, object_id=release.id, limit=100),
        approver_choices=choices, default_approver_ids=defaults, zone=zone_name(release.meeting),
        form=form or {}, publish_at_value=(form or {}).get("at", ""),
        confirm_publish=request.args.get("confirm") == "publish" and release.status == "approved",
        embargo_value=local_input(release.embargo_until, release.meeting),
        files=release_files.files_of(session, release), file_url=file_url,
        shown_statuses=desk.display_statuses(release, release.id in desk.changes_requested_on_current(
            session, [release])),
        following=followers.is_following(session, release, user), told=followers.people_to_tell(session, release),
        public_files=release_files.public_files(session, release) if release.published_revision else {},
    ), status


@bp.route("/releases/<int:release_id>")
@roles_required(*READERS)
def show(release_id: int):
    """Status, revision, approvals, the public link, actions, history and audit trail."""
    values, _errors = kept(ACTION_FORM)  # the flashed message names each problem
    return render_release(load_release(release_id), form=values)


def _refused(release_id: int, exc: Exception, anchor: str, values: dict | None = None):
    """Roll back, flash why, and go back (303) to the release's page with what was typed."""
    fail(exc)
    return refuse(url_for("releases_ui.show", release_id=release_id, _anchor=anchor), ACTION_FORM, values,
                  getattr(exc, "fields", None))


def _stale(release: Release, message: str):
    """A decision on a revision or state that has moved on: say so on the release's page."""
    flash(message, "error")
    return redirect(url_for("releases_ui.show", release_id=release.id, _anchor="approval"), 303)


def _ids(values, key: str) -> list[int]:
    ids = []
    for raw in values.getlist(key):
        raw = raw.strip()
        if not raw.isdigit() or len(raw) > 9:
            raise ReleaseError("choose approvers from the list", {"approver_ids": "not a person"})
        ids.append(int(raw))
    return ids


@bp.route("/releases/<int:release_id>/submit", methods=["POST"])
@roles_required(*WRITERS)
def submit(release_id: int):
    """Ask approvers to approve the current revision; each gets an email with a signed link."""
    release, session = load_release(release_id), db()
    policy = request.form.get("policy", "")
    try:
        chosen = []
        for user_id in dict.fromkeys(_ids(request.form, "approver_ids")):
            user = session.get(auth.User, user_id)
            if user is None:
                raise ReleaseError("choose approvers from the list", {"approver_ids": "unknown person"})
            chosen.append(user)
        if policy not in ("any", "all"):
            raise ReleaseError("some fields are not valid", {"policy": "any or all"})
        requests = workflow.submit(session, current_app.config["SECRET_KEY"], release, chosen, me(), policy)
        messages = review_emails_or_error(release, requests, me())
    except (ReleaseError, approvals.ApprovalError) as exc:
        return _refused(release_id, exc, "approval", {"approver_ids": request.form.getlist("approver_ids"),
                                                      "policy": policy})
    session.commit()
    emails.queue_approval_messages(runtime(), messages)
    names = ", ".join(request_.approver.display_name for request_, _token in requests)
    flash(f"Revision {release.revision} is submitted for approval; {names} "
          f"{'has' if len(requests) == 1 else 'have'} been emailed a link.", "success")
    return redirect(url_for("releases_ui.show", release_id=release.id), 303)


@bp.route("/releases/<int:release_id>/decide", methods=["POST"])
@roles_required("approver")
def decide(release_id: int):
    """An approver who was asked approves the current revision, or asks for changes."""
    release, session, user = load_release(release_id), db(), me()
    refusal = workflow.approval_refusal(session, release, user)
    if refusal:
        abort(403, refusal[:1].upper() + refusal[1:] + ".")
    decision = request.form.get("decision", "")
    comment = request.form.get("comment", "")
    revision = request.form.get("revision", "")
    if revision != str(release.revision):
        return _stale(release, f"Revision {revision[:10]} is no longer current (now {release.revision}): read the "
                               "new text first.")
    if release.status != "in_review":
        # release_workflow.decide would move a published (or already approved) release back; only a
        # release waiting for approval takes decisions here.
        return _stale(release, f"This release is not waiting for approval any more (it is "
                               f"{release.status.replace('_', ' ')}).")
    found = workflow.open_request_for(session, release, user)
    if found is None or not found.is_open:
        abort(403, "You were not asked to approve this revision (or the request has expired).")
    try:
        workflow.decide(session, release, found, decision, comment, via="staff", actor=user)
    except (ReleaseError, approvals.ApprovalError) as exc:
        return _refused(release_id, exc, "approval", {"comment": comment})
    session.commit()
    told = " The press office has been told." if tell_press_office(session, found, release) else \
        " The press office could not be emailed about it: please tell them."
    if decision == "approved":
        flash(f"You approved revision {release.revision}." + (" It is ready to publish." if release.status ==
                                                              "approved" else " Other approvers are still asked.")
              + told, "success")
    else:
        flash("You asked for changes; the release is back with its author." + told, "success")
    return redirect(url_for("releases_ui.show", release_id=release.id), 303)


@bp.route("/releases/<int:release_id>/follow", methods=["POST"])
@roles_required(*WRITERS)
def follow(release_id: int):
    """Follow the release (hear of approvers' decisions by email and on the dashboard), or stop."""
    release, session = load_release(release_id), db()
    if request.form.get("follow") == "no":
        followers.unfollow(session, release, me())
        message = "You no longer follow this release."
    else:
        followers.follow(session, release, me())
        message = "You follow this release: approvers' decisions reach you by email and on your dashboard."
    session.commit()
    flash(message, "success")
    return redirect(url_for("releases_ui.show", release_id=release.id), 303)


@bp.route("/releases/<int:release_id>/publish", methods=["POST"])
@roles_required(*WRITERS)
def publish(release_id: int):
    """Publish now, at a time, or (with an embargo) when the embargo lifts."""
    release, session = load_release(release_id), db()
    if request.form.get("when") != "at" and request.form.get("confirmed") != "yes":
        # "Publish now" cannot be taken back: confirm.js asks first; without it the page asks.
        return redirect(url_for("releases_ui.show", release_id=release.id, confirm="publish", _anchor="publication"),
                        303)
    at_value = request.form.get("at", "").strip() if request.form.get("when") == "at" else ""
    try:
        if request.form.get("when") == "at" and not at_value:
            raise ReleaseError("choose when to publish", {"at": "required"}, 400)
        at = parse_local(at_value, release.meeting, "at")
        workflow.publish(session, release, me(), at=at, correction_note=request.form.get("correction_note", ""))
    except ReleaseError as exc:
        return _refused(release_id, exc, "publication", {"at": at_value})
    session.commit()
    if release.status == "scheduled":
        reason = " when its embargo lifts" if release.embargo_until and release.publish_at == release.embargo_until \
            else ""
        flash(f"Scheduled: the release becomes public{reason} on {when(release.publish_at, release.meeting)}.",
              "success")
    else:
        flash(f"Published. The release is public at {public_url(release)}", "success")
    return redirect(url_for("releases_ui.show", release_id=release.id), 303)


@bp.route("/releases/<int:release_id>/unschedule", methods=["POST"])
@roles_required(*WRITERS)
def unschedule(release_id: int):
    """Take a scheduled release back to approved."""
    release, session = load_release(release_id), db()
    try:
        workflow.unschedule(session, release, me())
    except ReleaseError as exc:
        return _refused(release_id, exc, "publication")
    session.commit()
    flash("Unscheduled: the release is approved and waits to be published.", "success")
    return redirect(url_for("releases_ui.show", release_id=release.id), 303)


@bp.route("/releases/<int:release_id>/retract", methods=["POST"])
@roles_required(*WRITERS)
def retract(release_id: int):
    """Withdraw a published release; its page stays with the note."""
    release, session = load_release(release_id), db()
    note = request.form.get("note", "")
    try:
        workflow.retract(session, release, me(), note)
    except ReleaseError as exc:
        return _refused(release_id, exc, "publication", {"note": note})
    session.commit()
    flash("Retracted: the release is gone from the newsroom and feeds; its page shows your note.", "success")
    return redirect(url_for("releases_ui.show", release_id=release.id), 303)


def _revision_number(raw: str | None, release: Release, default: int) -> int:
    numbers = {r.number for r in release.revisions}
    value = int(raw) if raw and raw.isdigit() and len(raw) <= 9 else default
    if value not in numbers:
        abort(404, f"Release {release.id} has no revision {value}.")
    return value


@bp.route("/releases/<int:release_id>/diff")
@roles_required(*READERS)
def diff(release_id: int):
    """Two revisions compared word by word, field by field."""
    release = load_release(release_id)
    newest = release.revision
    old = _revision_number(request.args.get("from"), release, max(newest - 1, 1))
    new = _revision_number(request.args.get("to"), release, newest)
    by_number = {r.number: r for r in release.revisions}
    fields = diffing.diff_fields(comparable_content(by_number[old].content), comparable_content(by_number[new].content),
                                 CONTENT_FIELDS + (releases.ATTACHMENTS,))
    return render_template("releases/diff.html", release=release, content=release.content(), old=by_number[old],
                           new=by_number[new], fields=fields, revisions=list(release.revisions))


# --- boilerplate -------------------------------------------------------------------------------------------------

def _render_boilerplate(status: int = 200, values: dict | None = None, errors: dict | None = None):
    session = db()
    rows = {row.language: row for row in session.scalars(select(releases.Boilerplate))}
    values = values or {}
    entries = [{"language": code, "row": rows.get(code),
                "text": values.get(code, rows[code].text if code in rows else "")} for code in LANGUAGES]
    return render_template("releases/boilerplate.html", entries=entries, errors=errors or {},
                           limit=BOILERPLATE_LIMIT), status


@bp.route("/boilerplate")
@roles_required(*READERS)
def boilerplate():
    """The standard paragraph about the Convention that ends every release, per language."""
    return _render_boilerplate()


@bp.route("/boilerplate", methods=["POST"])
@roles_required("admin")
def save_boilerplate():
    """Admins set the paragraph for one language."""
    language = request.form.get("language", "")
    text = request.form.get("text", "")
    try:
        if language not in LANGUAGES:
            raise ReleaseError("choose a language from the list", {"language": "unknown"})
        if not text.strip():
            raise ReleaseError("write the paragraph (an empty one would hide it in this language)",
                               {"text": "required"})
        if len(text) > BOILERPLATE_LIMIT:
            raise ReleaseError(f"the paragraph is longer than {BOILERPLATE_LIMIT} characters", {"text": "too long"})
        releases.set_boilerplate(db(), language, text)
        current_actor().record(db(), "boilerplate.update", object_type="boilerplate", object_id=language)
    except ReleaseError as exc:
        return _render_boilerplate(fail(exc), values={language: text}, errors={language: exc.message})
    db().commit()
    flash(f"Saved the {language.upper()} paragraph about the Convention.", "success")
    return redirect(url_for("releases_ui.boilerplate", _anchor=f"boilerplate-{language}"), 303)
