"""/api/v1/releases: drafting, revisions, approval, publication; /api/v1/news for the public."""

from __future__ import annotations


from flask import current_app
from flask_smorest import Blueprint
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload


from comms.accounts import users as auth
from comms.rendering import emails
from comms.releases import newsroom
from comms.releases import workflow
from comms.releases.service import Release, filtered_releases, get_release, release_to_dict
from comms.web.access import api_user, token_required
from comms.web.releases.schemas import PublicQuerySchema, PublishSchema, ReleaseCreateSchema, ReleaseQuerySchema, ReleaseSchema, RetractSchema, RevisionDecisionSchema, SubmitResultSchema, SubmitSchema
from comms.web.api.schemas import ERROR_RESPONSE as ERROR_REF, ErrorSchema, page_of
from comms.web.context import db, runtime
from comms.web.errors import api_abort, domain_errors
from comms.web.releases.links import public_url, review_emails_or_error
from comms.rendering import formats as rendering
from comms.releases.context import release_context
from comms.web.decision_mail import tell_press_office
from comms.web.context import runtime

blp = Blueprint("api_releases", __name__, url_prefix="/api/v1", description="Press releases")
SECURITY = [{"bearerAuth": []}]
STAFF = ("officer", "approver", "viewer")


def _release(release_id: int) -> Release:
    with domain_errors():
        return get_release(db(), release_id)


def _dump(release: Release) -> dict:
    return release_to_dict(release, public_url(release) if release.is_public else None)


@blp.route("/releases", methods=["GET"])
@token_required(*STAFF)
@blp.doc(security=SECURITY)
@blp.arguments(ReleaseQuerySchema, location="query", as_kwargs=True)
@blp.response(200, page_of(ReleaseSchema))
def list_releases(page: int, per_page: int, status=None, language=None, meeting=None):
    """Releases for staff, newest first."""
    query = filtered_releases(status, language, meeting)
    total = db().scalar(select(func.count()).select_from(query.subquery()))
    # Only the page's rows, with their revisions in one query: every item shows its current revision.
    found = db().scalars(query.order_by(Release.updated_at.desc(), Release.id.desc())
                         .offset((page - 1) * per_page).limit(per_page).options(selectinload(Release.revisions)))
    return {"items": [_dump(r) for r in found], "total": total}


@blp.route("/releases", methods=["POST"])
@token_required("officer")
@blp.doc(security=SECURITY)
@blp.arguments(ReleaseCreateSchema)
@blp.response(201, ReleaseSchema)
@blp.alt_response(400, schema=ErrorSchema, description="embargo in the past")
@blp.alt_response(422, schema=ErrorSchema)
def create_release(data: dict):
    """Draft a release (revision 1); ``translation_of`` links a translation."""
    with domain_errors():
        release = workflow.create_release(db(), data, api_user())
        db().commit()
    return _dump(release)


@blp.route("/releases/<int:release_id>", methods=["GET"])
@token_required(*STAFF)
@blp.doc(security=SECURITY)
@blp.response(200, ReleaseSchema)
@blp.alt_response(404, schema=ErrorSchema)
def get_one(release_id: int):
    """One release, with its current revision."""
    return _dump(_release(release_id))


@blp.route("/releases/<int:release_id>", methods=["PATCH"])
@token_required("officer")
@blp.doc(security=SECURITY)
@blp.arguments(ReleaseSchema)
@blp.response(200, ReleaseSchema)
@blp.alt_response(409, schema=ErrorSchema)
def patch_release(data: dict, release_id: int):
    """Change a release; content changes make a new revision and clear approval."""
    release = _release(release_id)
    with domain_errors():
        workflow.update_release(db(), release, data, api_user())
        db().commit()
    return _dump(release)


@blp.route("/releases/<int:release_id>/submit", methods=["POST"])
@token_required("officer")
@blp.doc(security=SECURITY)
@blp.arguments(SubmitSchema)
@blp.response(202, SubmitResultSchema)
@blp.alt_response(409, schema=ErrorSchema)
def submit(data: dict, release_id: int):
    """Ask approvers (default: the meeting's office holders) to approve the current revision."""
    release = _release(release_id)
    if data.get("approver_ids"):
        approvers = [db().get(auth.User, i) for i in data["approver_ids"]]
        if None in approvers:
            api_abort(422, "invalid", "unknown approver", {"approver_ids": "unknown user"})
    else:
        approvers = workflow.default_approvers(release)
    with domain_errors():
        requests = workflow.submit(db(), current_app.config["SECRET_KEY"], release, approvers, api_user(),
                                   data.get("policy"))
        messages = review_emails_or_error(release, requests, api_user())
        db().commit()
    emails.queue_approval_messages(runtime(), messages)
    return {"status": release.status, "requests": [
        {"id": r.id, "approver_id": r.approver_id, "revision": r.version, "expires_at": r.expires_at.isoformat()}
        for r, _token in requests]}


def _decide(release_id: int, data: dict, decision: str):
    release = _release(release_id)
    me = api_user()
    refusal = workflow.approval_refusal(db(), release, me)
    if refusal:
        api_abort(403, "forbidden", refusal)
    if data["revision"] != release.revision:
        api_abort(409, "conflict", f"revision {data['revision']} is not the current revision ({release.revision})")
    request = workflow.open_request_for(db(), release, me)
    if request is None:
        api_abort(403, "forbidden", "you were not asked to approve this revision")
    with domain_errors():
        workflow.decide(db(), release, request, decision, data["comment"], via="api", actor=me)
        db().commit()
    tell_press_office(db(), request, release)
    return _dump(release)


@blp.route("/releases/<int:release_id>/approve", methods=["POST"])
@token_required("approver")
@blp.doc(security=SECURITY)
@blp.arguments(RevisionDecisionSchema)
@blp.response(200, ReleaseSchema)
@blp.alt_response(409, schema=ErrorSchema, description="not the current revision")
def approve(data: dict, release_id: int):
    """Approve the current revision (never the author's own release)."""
    return _decide(release_id, data, "approved")


@blp.route("/releases/<int:release_id>/request-changes", methods=["POST"])
@token_required("approver")
@blp.doc(security=SECURITY)
@blp.arguments(RevisionDecisionSchema)
@blp.response(200, ReleaseSchema)
@blp.alt_response(409, schema=ErrorSchema, description="not the current revision, or not awaiting approval")
def request_changes(data: dict, release_id: int):
    """Send the release back to its author with a comment."""
    return _decide(release_id, data, "changes_requested")


@blp.route("/releases/<int:release_id>/publish", methods=["POST"])
@token_required("officer")
@blp.doc(security=SECURITY)
@blp.arguments(PublishSchema)
@blp.response(200, ReleaseSchema)
@blp.alt_response(409, schema=ErrorSchema, description="not approved")
def publish(data: dict, release_id: int):
    """Publish now, at a time, or when the embargo lifts (exactly once)."""
    release = _release(release_id)
    with domain_errors():
        workflow.publish(db(), release, api_user(), at=data["at"], correction_note=data["correction_note"])
        db().commit()
    return _dump(release)


@blp.route("/releases/<int:release_id>/unschedule", methods=["POST"])
@token_required("officer")
@blp.doc(security=SECURITY)
@blp.response(200, ReleaseSchema)
@blp.alt_response(409, schema=ErrorSchema, description="the release is not scheduled")
def unschedule(release_id: int):
    """Take a scheduled release back to approved."""
    release = _release(release_id)
    with domain_errors():
        workflow.unschedule(db(), release, api_user())
        db().commit()
    return _dump(release)


@blp.route("/releases/<int:release_id>/retract", methods=["POST"])
@token_required("officer")
@blp.doc(security=SECURITY)
@blp.arguments(RetractSchema)
@blp.response(200, ReleaseSchema)
def retract(data: dict, release_id: int):
    """Retract a published release (its page stays with a notice)."""
    release = _release(release_id)
    with domain_errors():
        workflow.retract(db(), release, api_user(), data["note"])
        db().commit()
    return _dump(release)


@blp.route("/news", methods=["GET"])
@blp.arguments(PublicQuerySchema, location="query", as_kwargs=True)
@blp.response(200, page_of(ReleaseSchema))
def public_news(page: int, per_page: int, lang="", topic="", meeting=None, q=""):
    """Public releases (no token): only published, listed and past their embargo."""
    found, total = newsroom.search_public(db(), language=lang, topic=topic, meeting_id=meeting, q=q, page=page,
                                          per_page=per_page)
    items = []
    for release in found:
        content = release.public_content
        items.append({**release_to_dict(release, public_url(release)),
                      **{k: content.get(k) for k in ("headline", "subheadline", "dateline", "body_markdown",
                                                     "quotes", "notes_to_editors", "media_contacts", "topics")},
                      "revision": release.published_revision, "status": "published"})
    return {"items": items, "total": total}


RENDER_FORMATS = ("html", "email", "text")


@blp.route("/releases/<int:release_id>/render", methods=["GET"])
@token_required(*STAFF)
@blp.doc(security=SECURITY, parameters=[{
    "name": "format", "in": "query", "required": False, "schema": {"type": "string", "enum": list(RENDER_FORMATS),
                                                                     "default": "html"},
    "description": "html: the public page's article; email: the email HTML (MJML); text: the email's text part"}],
    responses={"200": {"description": "the rendered release",
                       "content": {"text/html": {"schema": {"type": "string"}},
                                   "text/plain": {"schema": {"type": "string"}}}},
               "404": {"description": "no such release", "content": {"application/json": {"schema": ERROR_REF}}},
               "422": {"description": "unknown format, or stored text over the rich-text limits",
                       "content": {"application/json": {"schema": ERROR_REF}}},
               "500": {"description": "the email could not be compiled",
                       "content": {"application/json": {"schema": ERROR_REF}}}})
def render_release_as(release_id: int):
    """The current revision rendered as the public article, the email HTML or the text part.

    Links are absolute (PRESSROOM_BASE_URL, else this host); the page, photo and
    PDF are linked only once the release is public, as in a real send. The
    unsubscribe and preferences links of the email preview are placeholders.
    """
    from flask import request


    output = request.args.get("format", "html")
    if output not in rendering.RENDERERS:
        api_abort(422, "invalid", f"unknown format {output!r}", {"format": f"one of {', '.join(RENDER_FORMATS)}"})
    release = _release(release_id)
    context = release_context(db(), release, base_url=runtime().config.base_url or request.host_url,
                                        office=runtime().config.office_name)
    try:
        body = rendering.render_release(release, output, context=context)
    except rendering.ContentRefused as exc:  # stored content over the rich-text limits (docs/design/security.md item 31)
        api_abort(422, "invalid", f"the release cannot be rendered: {exc}", {exc.field: exc.reason})
    except rendering.RenderError as exc:  # a template or MJML fault: nothing to fix in the request
        api_abort(500, "internal", f"the release could not be rendered: {exc}")
    media_type = rendering.RENDERERS[output].media_type
    return current_app.response_class(body, mimetype=media_type.split(";")[0],
                                      headers={"Cache-Control": "private, no-store"})
