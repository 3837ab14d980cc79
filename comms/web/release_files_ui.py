"""Staff upload of a release's photo and PDF, and their public URLs."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, request, send_file, url_for
from flask_login import current_user

from comms import newsroom, release_files
from comms.documents import DocumentError, file_path
from comms.releases import Release
from comms.web.access import current_actor, roles_required
from comms.web.context import db, runtime
from comms.web.releases_common import WRITERS, load_release

bp = Blueprint("release_files", __name__)


@bp.route("/staff/releases/<int:release_id>/files", methods=["POST"])
@roles_required(*WRITERS)
def upload(release_id: int):
    """Attach or replace the photo or the PDF."""
    release = load_release(release_id)
    upload_file = request.files.get("file")
    try:
        if upload_file is None or not upload_file.filename:
            raise DocumentError("choose a file", {"file": "required"})
        release_files.attach(db(), release, runtime().config.documents_path, kind=request.form.get("kind", ""),
                             filename=upload_file.filename, data=upload_file.read(),
                             caption=request.form.get("caption", ""),
                             max_bytes=runtime().config.max_upload_bytes, actor=current_actor())
    except DocumentError as exc:
        db().rollback()
        flash(exc.message, "error")
        return redirect(url_for("releases_ui.show", release_id=release.id, _anchor="files"), 303)
    db().commit()
    flash("File attached.", "success")
    return redirect(url_for("releases_ui.show", release_id=release.id, _anchor="files"), 303)


@bp.route("/staff/releases/<int:release_id>/files/<kind>/delete", methods=["POST"])
@roles_required(*WRITERS)
def remove(release_id: int, kind: str):
    """Remove the photo or the PDF."""
    release = load_release(release_id)
    release_files.detach(db(), release, runtime().config.documents_path, kind, current_actor())
    db().commit()
    flash("File removed.", "success")
    return redirect(url_for("releases_ui.show", release_id=release.id, _anchor="files"), 303)


def file_url(release: Release, record) -> str:
    """Where a release's file is served (public once the release is)."""
    return url_for("release_files.download", slug=release.slug, kind=record.kind, filename=record.filename,
                   lang=release.language)


@bp.route("/news/<slug>/files/<kind>/<filename>")
def download(slug: str, kind: str, filename: str):
    """A release's photo or PDF; like the release, nothing before it is public (staff excepted)."""
    language = request.args.get("lang", "en")
    release = newsroom.public_release(db(), slug, language)
    if release is None and current_user.is_authenticated and current_user.user.has_role("officer", "approver",
                                                                                          "viewer"):
        release = db().query(Release).filter_by(slug=slug, language=language).one_or_none()
    if release is None:
        abort(404)
    record = release_files.files_of(db(), release).get(kind)
    if record is None or record.filename != filename:
        abort(404)
    path = file_path(runtime().config.documents_path, record)
    if not path.exists():
        abort(404)
    response = send_file(path, mimetype=record.content_type, download_name=record.filename, conditional=True,
                         etag=record.sha256, max_age=300)
    if record.kind == "pdf":
        response.headers["Content-Disposition"] = f'attachment; filename="{record.filename}"'
    return response
