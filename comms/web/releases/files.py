"""Staff upload of a release's photo and PDF (each change a new revision), and their URLs."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, send_file, url_for
from flask_login import current_user

from comms.releases import newsroom
from comms.releases import files as release_files
from comms.meetings.documents import DocumentError, file_path
from comms.releases.service import Release, ReleaseError
from comms.web.access import roles_required
from comms.web.context import db, runtime
from comms.web.releases.shared import WRITERS, load_release, me

bp = Blueprint("release_files", __name__)


@bp.route("/staff/releases/<int:release_id>/files", methods=["POST"])
@roles_required(*WRITERS)
def upload(release_id: int):
    """Attach or replace the photo or the PDF: a new revision, to be approved like a text edit."""
    release = load_release(release_id)
    upload_file = request.files.get("file")
    try:
        if upload_file is None or not upload_file.filename:
            raise DocumentError("choose a file", {"file": "required"})
        revision = release.revision
        release_files.attach(db(), release, runtime().config.documents_path, kind=request.form.get("kind", ""),
                             filename=upload_file.filename, data=upload_file.read(),
                             caption=request.form.get("caption", ""),
                             max_bytes=runtime().config.max_upload_bytes, editor=me())
    except (DocumentError, ReleaseError) as exc:
        db().rollback()
        flash(exc.message, "error")
        return redirect(url_for("releases_ui.show", release_id=release.id, _anchor="files"), 303)
    db().commit()
    flash(_revised("File attached", release, revision), "success")
    return redirect(url_for("releases_ui.show", release_id=release.id, _anchor="files"), 303)


@bp.route("/staff/releases/<int:release_id>/files/<kind>/delete", methods=["POST"])
@roles_required(*WRITERS)
def remove(release_id: int, kind: str):
    """Remove the photo or the PDF: a new revision, to be approved like a text edit."""
    release = load_release(release_id)
    revision = release.revision
    try:
        release_files.detach(db(), release, kind, me())
    except ReleaseError as exc:
        db().rollback()
        flash(exc.message, "error")
        return redirect(url_for("releases_ui.show", release_id=release.id, _anchor="files"), 303)
    db().commit()
    flash(_revised("File removed", release, revision), "success")
    return redirect(url_for("releases_ui.show", release_id=release.id, _anchor="files"), 303)


def _revised(done: str, release: Release, before: int) -> str:
    """The flash after a file change: say that it made a revision which needs approval."""
    if release.revision == before:
        return f"{done}: nothing changed."
    text = f"{done} in revision {release.revision}; it needs approval"
    if release.published_revision:
        text += f" (the public page keeps revision {release.published_revision}'s files until then)"
    return text + "."


def file_url(release: Release, record, revision: int | None = None) -> str:
    """Where a release's file is served: the public URL (public once the release is); with
    ``revision``, the staff view of that revision's file."""
    return url_for("release_files.download", slug=release.slug, kind=record.kind, filename=record.filename,
                   lang=release.language, rev=revision)


def _is_staff() -> bool:
    return current_user.is_authenticated and current_user.user.has_role("officer", "approver", "viewer")


def _named(files: dict, kind: str, filename: str):
    record = files.get(kind)
    return record if record is not None and record.filename == filename else None


def _staff_file(slug: str, language: str, kind: str, filename: str, revision: int | None):
    """For staff: the file a revision names (default: the current revision), public or not."""
    release = db().query(Release).filter_by(slug=slug, language=language).one_or_none()
    if release is None:
        return None
    try:
        return _named(release_files.files_of(db(), release, revision), kind, filename)
    except ReleaseError:  # no such revision
        return None


@bp.route("/news/<slug>/files/<kind>/<filename>")
def download(slug: str, kind: str, filename: str):
    """A release's photo or PDF; like the release, nothing before it is public (staff excepted).

    The public gets the published revision's files only (attachments are content); staff
    may also open a draft revision's files, never cached by anyone else."""
    language = request.args.get("lang", "en")
    revision = request.args.get("rev", type=int)
    record, staff_only = None, False
    if revision is None:
        release = newsroom.public_release(db(), slug, language)
        record = _named(release_files.public_files(db(), release), kind, filename) if release else None
    if record is None and _is_staff():
        record, staff_only = _staff_file(slug, language, kind, filename, revision), True
    if record is None:
        abort(404)
    path = file_path(runtime().config.documents_path, record)
    if not path.exists():
        abort(404)
    # send_file writes Content-Disposition per RFC 6266: an ASCII filename= and, for other
    # names (Arabic, Russian, Chinese...), filename*=UTF-8''... (docs/design/security.md item 35).
    response = send_file(path, mimetype=record.content_type, download_name=record.filename, conditional=True,
                         etag=record.sha256, max_age=300, as_attachment=record.kind == "pdf")
    if staff_only:  # possibly not public: no shared cache may keep it
        response.headers["Cache-Control"] = "private, no-store"
    return response
