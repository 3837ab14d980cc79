"""The approval page behind a signed link: review on a phone, then approve or ask for changes.

Subjects register how to show and decide themselves in SUBJECTS, so strategies
and releases share one page and one set of rules (comms.accounts.approvals).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import Blueprint, abort, current_app, render_template, request, send_file

from comms.accounts import approvals
from comms.rendering import diffing
from comms.rendering.labels import language_in_words, staff_time
from comms.releases import files as release_files
from comms.releases import workflow as release_workflow
from comms.releases import service as releases
from comms.meetings import strategy
from comms.meetings.programme import signoff as programme_signoff
from comms.meetings.programme.models import Programme
from comms.meetings.documents import file_path
from comms.releases.service import ATTACHMENTS, CONTENT_FIELDS
from comms.web.decision_mail import tell_press_office
from comms.web.context import db, runtime
from comms.web.releases.shared import comparable_content, rich_html
from comms.web.releases.shared import rich_html
from comms.web.meetings.programme.pages import approval_context as programme_context

bp = Blueprint("approvals", __name__)


@dataclass
class ApprovalSubject:
    """How one kind of subject appears on the approval page and takes a decision."""

    load: Callable  # (session, subject_id) -> object
    template: str  # rendered with ``subject`` and ``request``
    current_version: Callable  # (subject) -> int
    decide: Callable  # (session, subject, request, decision, comment) -> None
    context: Callable = lambda session, subject: {}  # extra template values
    content_of: Callable = lambda subject, version: {}  # (subject, version) -> comparable content
    fields: tuple = ()  # the content fields the "what changed" section compares
    zone: Callable = lambda subject: None  # (subject) -> the IANA zone of its staff times


def _decide_strategy(session, found, approval, decision, comment):
    strategy.record_decision(session, found, approval, decision, comment, via="link")


def _decide_release(session, release, approval, decision, comment):
    release_workflow.decide(session, release, approval, decision, comment, via="link")


def _decide_programme(session, programme, approval, decision, comment):
    programme_signoff.record_decision(session, programme, approval, decision, comment, via="link")


def _release_context(session, release) -> dict:
    content = release.content()
    return {"content": content, "body_html": rich_html(content.get("body_markdown", "")),
            "notes_html": rich_html(content.get("notes_to_editors", "")),
            "boilerplate": releases.boilerplate(session, release.language),
            # Attachments are content: the approver sees the photo and PDF this revision names.
            "files": release_files.files_of(session, release),
            "language_words": language_in_words(release.language), "staff_time": staff_time}


def _strategy_content(found, version):
    content = next((v.content for v in found.versions if v.version == version), {})
    # One item a line, so an added objective or risk reads as a new line of the list.
    lines = {key: "\n".join(str(item) for item in content.get(key) or [])
             for key in ("objectives", "channels", "spokespersons", "risks")}
    return {**content, **lines, "milestone_plan": "\n".join(" · ".join(str(part) for part in item if part is not None)
                                                   for item in content.get("milestone_plan") or []),
            "key_messages": "\n".join(f"[{m.get('language', '')}] {m.get('text', '')}"
                                       for m in content.get("key_messages") or []),
            "audiences": ", ".join(a.get("name", "") for a in content.get("audiences") or [])}


STRATEGY_FIELDS = ("objectives", "key_messages", "audiences", "channels", "spokespersons", "risks", "milestone_plan")
FIELD_LABELS = {"headline": "Headline", "subheadline": "Subheadline", "dateline": "Dateline", "body_markdown": "Body",
                "quotes": "Quotes", "notes_to_editors": "Notes to editors", "media_contacts": "Media contacts",
                "topics": "Topics", ATTACHMENTS: "Photo and PDF", "objectives": "Objectives",
                "key_messages": "Key messages", "audiences": "Audiences", "channels": "Channels",
                "spokespersons": "Spokespersons", "risks": "Risks", "milestone_plan": "Milestones"}


SUBJECTS: dict[str, ApprovalSubject] = {
    strategy.SUBJECT: ApprovalSubject(
        load=lambda session, subject_id: session.get(strategy.Strategy, subject_id),
        template="approvals/strategy.html",
        current_version=lambda found: found.version,
        decide=_decide_strategy,
        content_of=_strategy_content,
        fields=STRATEGY_FIELDS,
        zone=lambda found: found.meeting.timezone,
    ),
    release_workflow.SUBJECT: ApprovalSubject(
        load=lambda session, subject_id: session.get(releases.Release, subject_id),
        template="approvals/release.html",
        current_version=lambda release: release.revision,
        decide=_decide_release,
        context=_release_context,
        content_of=lambda release, version: comparable_content(release.content(version)),
        fields=CONTENT_FIELDS + (ATTACHMENTS,),
        zone=lambda release: release.meeting.timezone if release.meeting else None,
    ),
    programme_signoff.SUBJECT: ApprovalSubject(
        load=lambda session, subject_id: session.get(Programme, subject_id),
        template="approvals/programme.html",
        current_version=lambda programme: programme.version,
        decide=_decide_programme,
        context=programme_context,
    ),
}


def decided_sentence(approval: approvals.ApprovalRequest, subject) -> str:
    """What a used link decided, by whom and when: "Approved by Ambassador X on 7 December 2026, 10:14 CET."."""
    kind = SUBJECTS.get(approval.subject_type)
    verdict = "Approved" if approval.status == "approved" else "Changes requested"
    who = approval.approver.display_name if approval.approver else "a former approver"
    moment = staff_time(approval.decided_at, kind.zone(subject) if kind and subject is not None else None) \
        if approval.decided_at else "an unknown time"
    return f"{verdict} (version {approval.version}) by {who} on {moment}."


def changes_since_seen(kind: ApprovalSubject, subject, approval: approvals.ApprovalRequest) -> tuple:
    """(version the approver last saw, changed fields) for the approval page, or (None, [])."""
    seen = approvals.last_seen_version(db(), approval)
    if seen is None or not kind.fields:
        return None, []
    try:
        old, new = kind.content_of(subject, seen), kind.content_of(subject, approval.version)
    except Exception:  # a version that no longer exists: nothing to compare
        return None, []
    return seen, [item for item in diffing.diff_fields(old, new, kind.fields) if item.changed]


def _request_or_abort(token: str):
    session = db()
    try:
        approval = approvals.request_for_token(session, current_app.config["SECRET_KEY"], token)
    except approvals.AlreadyDecided as exc:
        kind = SUBJECTS.get(exc.request.subject_type)
        subject = kind.load(session, exc.request.subject_id) if kind else None
        return None, None, (render_template("approvals/closed.html", message="This link has already been used.",
                                            decided=decided_sentence(exc.request, subject),
                                            comment=exc.request.comment), 410)
    except approvals.ApprovalError as exc:
        return None, None, (render_template("approvals/closed.html", message=exc.message), exc.status)
    kind = SUBJECTS.get(approval.subject_type)
    subject = kind.load(session, approval.subject_id) if kind else None
    if subject is None:
        abort(404)
    return approval, subject, None


@bp.route("/approve/<token>", methods=["GET"])
def review(token: str):
    """Show what is to be approved, exactly as it stands in that version."""
    approval, subject, closed = _request_or_abort(token)
    if closed:
        return closed
    kind = SUBJECTS[approval.subject_type]
    if kind.current_version(subject) != approval.version:
        return render_template("approvals/closed.html", message="The text changed after this link was sent; "
                               "a newer version needs approval."), 409
    seen, changes = changes_since_seen(kind, subject, approval)
    return render_template(kind.template, subject=subject, approval=approval, token=token, error=None,
                           seen_version=seen, changes=changes, field_labels=FIELD_LABELS,
                           **kind.context(db(), subject))


@bp.route("/approve/<token>", methods=["POST"])
def decide(token: str):
    """Approve, or request changes with a comment (the link then stops working)."""
    approval, subject, closed = _request_or_abort(token)
    if closed:
        return closed
    kind = SUBJECTS[approval.subject_type]
    decision = request.form.get("decision", "")
    comment = request.form.get("comment", "")
    try:
        kind.decide(db(), subject, approval, decision, comment)
    except approvals.ApprovalError as exc:
        db().rollback()
        if exc.status == 422:
            seen, changes = changes_since_seen(kind, subject, approval)
            return render_template(kind.template, subject=subject, approval=approval, token=token,
                                   error=exc.message, seen_version=seen, changes=changes, field_labels=FIELD_LABELS,
                                   **kind.context(db(), subject)), 422
        return render_template("approvals/closed.html", message=exc.message), exc.status
    db().commit()
    told = tell_press_office(db(), approval, subject)
    return render_template("approvals/done.html", approval=approval, decision=decision, told=told > 0,
                           subject_type=approval.subject_type)


@bp.route("/approve/<token>/files/<kind>")
def attachment(token: str, kind: str):
    """The photo or PDF of the revision a link asks about, for the approver (never cached by others)."""
    approval, subject, closed = _request_or_abort(token)
    if closed:
        return closed
    if approval.subject_type != release_workflow.SUBJECT or subject.revision != approval.version:
        abort(404)
    record = release_files.files_of(db(), subject, approval.version).get(kind)
    path = file_path(runtime().config.documents_path, record) if record else None
    if path is None or not path.exists():
        abort(404)
    response = send_file(path, mimetype=record.content_type, download_name=record.filename)
    response.headers["Cache-Control"] = "private, no-store"
    return response
