"""The release editor: drafting, translating and revising a press release, with a live
preview that shows the release as readers will see it (news/_release_body.html).

The preview pane is refreshed by static/preview.js, which posts the form (CSRF token
included) to /staff/releases/preview; without JavaScript the "Preview" button posts
the form to the editor itself, which renders the preview and saves nothing.
"""

from __future__ import annotations

import re

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from comms.releases import workflow
from comms.releases import service as releases
from comms.meetings.service import Meeting
from comms.releases.service import LANGUAGES, LIMITS, Release, ReleaseError
from comms.rendering.formats import clean_markdown
from comms.web.access import roles_required
from comms.web.context import db
from comms.web.releases.shared import WRITERS, fail, load_release, local_input, me, parse_local, rich_html, template_context, when, zone_name
from contacts.models import Topic

bp = Blueprint("release_editor", __name__, url_prefix="/staff/releases")
bp.context_processor(template_context)
TEXT_FIELDS = ("headline", "subheadline", "dateline", "body_markdown", "notes_to_editors", "media_contacts")
MAX_QUOTES = 20
EMPTY_QUOTE_ROWS = 2
_QUOTE_FIELD = re.compile(r"^quote-(\d{1,2})-(?:text|speaker)$")


# --- between the form and release_workflow ----------------------------------------------------------------------

def form_values(release: Release | None = None, *, content: dict | None = None, language: str = "en",
                translation_of: Release | None = None) -> dict:
    """What the editor shows: a release's current revision, an original to translate, or nothing."""
    source = release or translation_of
    content = content if content is not None else (source.content() if source else {})
    meeting = source.meeting if source else None
    embargo = source.embargo_until if source else None
    return {
        **{field: content.get(field) or "" for field in TEXT_FIELDS},
        "quotes": [{"text": q.get("text", ""), "speaker": q.get("speaker", "")} for q in content.get("quotes") or []],
        "topics": list(content.get("topics") or []),
        "meeting_id": str(meeting.id) if meeting else "",
        "language": release.language if release else language,
        "translation_of": str(translation_of.id) if translation_of else "",
        "embargo_until": local_input(embargo, meeting),
        "approval_policy": source.approval_policy if source else "any",
        "notify_subscribers": release.notify_subscribers if release else True,
    }


def posted_values(form) -> dict:
    """The posted editor, as it shows again after an error or a preview."""
    rows = sorted({int(match.group(1)) for key in form if (match := _QUOTE_FIELD.match(key))})[:MAX_QUOTES]
    quotes = [{"text": form.get(f"quote-{i}-text", ""), "speaker": form.get(f"quote-{i}-speaker", "")} for i in rows]
    return {
        **{field: form.get(field, "") for field in TEXT_FIELDS},
        # Rows left empty are dropped here, so each preview or refusal shows the filled ones plus the
        # usual empty rows, never a growing tail of blanks.
        "quotes": [q for q in quotes if q["text"].strip() or q["speaker"].strip()],
        "topics": [t for t in form.getlist("topics") if t.strip()],
        "meeting_id": form.get("meeting_id", "").strip(),
        "language": form.get("language", "en").strip().lower(),
        "translation_of": form.get("translation_of", "").strip(),
        "embargo_until": form.get("embargo_until", "").strip(),
        "approval_policy": form.get("approval_policy", "any"),
        "notify_subscribers": form.get("notify_subscribers") == "1",
    }


def check_form(values: dict, *, release: Release | None = None) -> tuple[Meeting | None, dict]:
    """The chosen meeting and the settings release_workflow takes, after checking every field of the
    form, content included: one ReleaseError names all that is wrong, not the first thing only."""
    problems: dict[str, str] = {}
    meeting = settings = None
    try:
        meeting = posted_meeting(values)
    except ReleaseError as exc:
        problems.update(exc.fields)
    try:
        check_topics(values)
    except ReleaseError as exc:
        problems.update(exc.fields)
    if values["approval_policy"] not in ("any", "all"):
        problems["approval_policy"] = "any or all"
    settings = {"meeting_id": meeting.id if meeting else None, "approval_policy": values["approval_policy"],
                "notify_subscribers": values["notify_subscribers"]}
    # An unchanged embargo is not re-checked (it may have passed since it was set).
    if release is None or values["embargo_until"] != local_input(release.embargo_until, meeting):
        try:
            settings["embargo_until"] = parse_local(values["embargo_until"], meeting, "embargo_until")
        except ReleaseError as exc:
            problems.update(exc.fields)
    try:
        releases.clean_content(content_input(values), release.content() if release else None)
    except ReleaseError as exc:
        problems.update({k: v for k, v in exc.fields.items() if k not in problems})
    if problems:
        raise ReleaseError("some fields are not valid", problems)
    return meeting, settings


def posted_meeting(values: dict) -> Meeting | None:
    """The chosen meeting; ReleaseError when the id names none."""
    raw = values["meeting_id"]
    if not raw:
        return None
    meeting = db().get(Meeting, int(raw)) if raw.isdigit() and len(raw) <= 9 else None
    if meeting is None:
        raise ReleaseError("choose a meeting from the list", {"meeting_id": "unknown meeting"})
    return meeting


def content_input(values: dict) -> dict:
    """The content fields for release_workflow (which validates and cleans them)."""
    return {**{field: values[field] for field in TEXT_FIELDS},
            "quotes": [q for q in values["quotes"] if q["text"].strip() or q["speaker"].strip()],
            "topics": values["topics"]}


def known_topics() -> list[Topic]:
    return list(db().scalars(select(Topic).order_by(Topic.label)))


def check_topics(values: dict) -> None:
    unknown = set(values["topics"]) - {topic.slug for topic in known_topics()}
    if unknown:
        raise ReleaseError("some fields are not valid", {"topics": f"unknown topic {sorted(unknown)[0][:40]!r}"})


# --- the preview -------------------------------------------------------------------------------------------------

def preview_content(values: dict) -> dict:
    """Content for the preview: cleaned like a saved revision, but never refused (too long is cut; text over
    the rich-text limits is shown as a notice by preview_context)."""
    raw = content_input(values)
    for field in TEXT_FIELDS:
        raw[field] = raw[field][:LIMITS[field]]
    headline = clean_markdown(raw["headline"])
    try:
        content = releases.clean_content({**raw, "headline": headline or "untitled"}, check_rich=False)
    except ReleaseError:  # not expected once cut to size; an empty preview beats an error
        content = releases.clean_content({"headline": "untitled"}, check_rich=False)
    content["headline"] = headline
    return content


def preview_context(values: dict, language: str | None = None) -> dict:
    """What releases/_preview.html needs; the HTML in it is sanitised (comms.rendering)."""
    content = preview_content(values)
    language = language or (values["language"] if values["language"] in LANGUAGES else "en")
    try:
        meeting = posted_meeting(values)
        embargo = parse_local(values["embargo_until"], meeting, "embargo_until")
    except ReleaseError:
        meeting, embargo = None, None
    return {"content": content, "language": language,
            "body_html": rich_html(content.get("body_markdown", "")),
            "notes_html": rich_html(content.get("notes_to_editors", "")),
            "boilerplate": releases.boilerplate(db(), language), "embargo_text": when(embargo, meeting)}


@bp.route("/preview", methods=["POST"])
@roles_required(*WRITERS)
def preview():
    """The release as it will look, from the posted editor (an HTML fragment for preview.js)."""
    values = posted_values(request.form)
    body = render_template("releases/_preview.html", **preview_context(values))
    return body, 200, {"Content-Type": "text/html; charset=utf-8", "Cache-Control": "private, no-store"}


# --- pages -------------------------------------------------------------------------------------------------------

def render_editor(values: dict, *, release: Release | None = None, original: Release | None = None,
                  errors: dict | None = None, status: int = 200):
    """The editor with its preview pane."""
    session = db()
    meetings_list = list(session.scalars(select(Meeting).order_by(Meeting.starts_on.desc())))
    chosen = next((m for m in meetings_list if str(m.id) == values["meeting_id"]), None)
    topics = known_topics()
    quotes = values["quotes"] + [{"text": "", "speaker": ""}] * EMPTY_QUOTE_ROWS
    return render_template(
        "releases/edit.html", values=values, release=release, original=original, errors=errors or {},
        meetings=meetings_list, topics=topics, quotes=quotes[:MAX_QUOTES + EMPTY_QUOTE_ROWS],
        embargo_zone=zone_name(chosen), limits=LIMITS,
        preview=preview_context(values, release.language if release else None),
    ), status


def _original(raw_id: str) -> Release | None:
    if not raw_id:
        return None
    return load_release(int(raw_id)) if raw_id.isdigit() and len(raw_id) <= 9 else abort(404)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*WRITERS)
def new():
    """Draft a release, or a translation of one (``?translation_of=ID&language=fr``)."""
    if request.method != "POST":  # GET and HEAD only read (docs/design/security.md item 30)
        original = _original(request.args.get("translation_of", "").strip())
        language = request.args.get("language", "en").strip().lower()
        if language not in LANGUAGES:
            language = "en"
        return render_editor(form_values(language=language, translation_of=original), original=original)
    values = posted_values(request.form)
    original = _original(values["translation_of"])
    if request.form.get("action") == "preview":
        return render_editor(values, original=original)
    session = db()
    try:
        _meeting, settings = check_form(values)
        raw = {**content_input(values), **settings, "language": values["language"],
               "translation_of": original.id if original else None}
        release = workflow.create_release(session, raw, me())
    except ReleaseError as exc:
        status = fail(exc)
        return render_editor(values, original=original, errors=exc.fields, status=status)
    session.commit()
    flash(f"Saved the draft “{release.content()['headline']}” (revision 1).", "success")
    return redirect(url_for("releases_ui.show", release_id=release.id), 303)


@bp.route("/<int:release_id>/edit", methods=["GET", "POST"])
@roles_required(*WRITERS)
def edit(release_id: int):
    """Revise a release: a content change is a new revision and clears any approval."""
    release = load_release(release_id)
    if request.method != "POST":  # GET and HEAD only read (docs/design/security.md item 30)
        return render_editor(form_values(release), release=release)
    values = posted_values(request.form)
    values["language"], values["translation_of"] = release.language, ""
    if request.form.get("action") == "preview":
        return render_editor(values, release=release)
    session = db()
    was_approved = release.approved_revision is not None or release.status in ("in_review", "scheduled")
    was_public = release.published_revision is not None
    try:
        _meeting, settings = check_form(values, release=release)
        raw = {**content_input(values), **settings}
        revised = workflow.update_release(session, release, raw, me())
    except ReleaseError as exc:
        status = fail(exc)
        return render_editor(values, release=release, errors=exc.fields, status=status)
    session.commit()
    if not revised:
        flash("The text did not change; other settings are saved.", "success")
    else:
        message = f"Saved revision {release.revision}."
        if was_approved:
            message += " The earlier approval no longer applies: submit this revision for approval."
        if was_public:
            message += " The public page keeps the published text until this correction is approved and published."
        flash(message, "success")
    return redirect(url_for("releases_ui.show", release_id=release.id), 303)
