"""The approval page behind a signed link: review on a phone, then approve or ask for changes.

Subjects register how to show and decide themselves in SUBJECTS, so strategies
and releases share one page and one set of rules (comms.approvals).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from flask import Blueprint, abort, current_app, render_template, request

from comms import approvals, release_workflow, releases, strategy
from comms.rendering import markdown_to_html
from comms.web.context import db

bp = Blueprint("approvals", __name__)


@dataclass
class ApprovalSubject:
    """How one kind of subject appears on the approval page and takes a decision."""

    load: Callable  # (session, subject_id) -> object
    template: str  # rendered with ``subject`` and ``request``
    current_version: Callable  # (subject) -> int
    decide: Callable  # (session, subject, request, decision, comment) -> None
    context: Callable = lambda session, subject: {}  # extra template values


def _decide_strategy(session, found, approval, decision, comment):
    strategy.record_decision(session, found, approval, decision, comment, via="link")


def _decide_release(session, release, approval, decision, comment):
    release_workflow.decide(session, release, approval, decision, comment, via="link")


def _release_context(session, release) -> dict:
    content = release.content()
    return {"content": content, "body_html": markdown_to_html(content.get("body_markdown", "")),
            "notes_html": markdown_to_html(content.get("notes_to_editors", "")),
            "boilerplate": releases.boilerplate(session, release.language)}


SUBJECTS: dict[str, ApprovalSubject] = {
    strategy.SUBJECT: ApprovalSubject(
        load=lambda session, subject_id: session.get(strategy.Strategy, subject_id),
        template="approvals/strategy.html",
        current_version=lambda found: found.version,
        decide=_decide_strategy,
    ),
    release_workflow.SUBJECT: ApprovalSubject(
        load=lambda session, subject_id: session.get(releases.Release, subject_id),
        template="approvals/release.html",
        current_version=lambda release: release.revision,
        decide=_decide_release,
        context=_release_context,
    ),
}


def _request_or_abort(token: str):
    session = db()
    try:
        approval = approvals.request_for_token(session, current_app.config["SECRET_KEY"], token)
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
    return render_template(kind.template, subject=subject, approval=approval, token=token, error=None,
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
            return render_template(kind.template, subject=subject, approval=approval, token=token,
                                   error=exc.message, **kind.context(db(), subject)), 422
        return render_template("approvals/closed.html", message=exc.message), exc.status
    db().commit()
    return render_template("approvals/done.html", approval=approval, decision=decision)
