"""A release's photo and PDF: typed by content, hidden until the release is public."""

import json

from sqlalchemy import text

from comms.accounts import users as auth
from comms.releases import files as release_files
from comms.releases import workflow
from comms.releases.service import Release
from storage import migrate
from storage.db import Database, utcnow

from support.release_api import approve, create, setup  # noqa: F401  (fixture)
from support.release_pages import PNG, upload

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def test_photo_and_pdf_follow_the_release(client, setup, auth_actions):  # noqa: F811
    release = create(client, setup)
    auth_actions.as_officer()
    assert upload(client, release["id"], "photo", PNG, "../../photo.exe", "Delegates in the plenary").status_code == 303
    assert upload(client, release["id"], "pdf", PDF, "release.pdf").status_code == 303
    refused = upload(client, release["id"], "photo", PDF, "not-an-image.png")
    assert refused.status_code == 303
    page = client.get(f"/staff/releases/{release['id']}").get_data(as_text=True)
    assert "only JPEG, PNG or WebP images" in page and "photo.png" in page and "release.pdf" in page
    photo_url = f"/news/{release['slug']}/files/photo/photo.png?lang=en"
    assert client.get(photo_url).status_code == 200  # staff preview
    auth_actions.logout()
    assert client.get(photo_url).status_code == 404  # not public yet
    current = client.get(f"/api/v1/releases/{release['id']}", headers=setup["officer"]).get_json()
    assert current["revision"] == 3  # each attachment made a revision (the refused one did not)
    approve(client, setup, current)
    client.post(f"/api/v1/releases/{release['id']}/publish", json={}, headers=setup["officer"])
    photo = client.get(photo_url)
    assert photo.status_code == 200 and photo.data == PNG and photo.mimetype == "image/png"
    html = client.get(f"/news/{release['slug']}?lang=en").get_data(as_text=True)
    assert 'alt="Delegates in the plenary"' in html and "og:image" in html and "Download this release as PDF" in html
    pdf = client.get(f"/news/{release['slug']}/files/pdf/release.pdf?lang=en")
    assert pdf.status_code == 200 and pdf.headers["Content-Disposition"].startswith("attachment")


def test_viewers_cannot_attach(client, setup, auth_actions):  # noqa: F811
    release = create(client, setup)
    auth_actions.as_viewer()
    assert upload(client, release["id"], "photo", PNG, "p.png").status_code == 403


def test_migration_0011_names_existing_files_in_every_revision(empty_db_url):
    """Before 0011 a file belonged to the release, whatever its revision: after the upgrade every
    revision names it (nothing public changes), and the downgrade keeps one file per kind."""
    database = Database(empty_db_url)
    migrate.upgrade(database.engine, "0009")
    now = utcnow()
    with database.engine.begin() as connection:
        release_id = connection.execute(text(
            "INSERT INTO releases (slug, language, status, revision, approval_policy, slug_locked, correction_note,"
            " retraction_note, public_search, public_topics, created_at, updated_at, published_revision,"
            " first_published_at) VALUES ('mines', 'en', 'draft', 2, 'any', true, '', '', '', '', :now, :now, 1, :now)"
            " RETURNING id"), {"now": now}).scalar_one()
        for number in (1, 2):
            connection.execute(text(
                "INSERT INTO release_revisions (release_id, number, content, author_label, created_at)"
                " VALUES (:release, :number, :content, 'officer@example.org', :now)"),
                {"release": release_id, "number": number, "content": json.dumps({"headline": f"Mines {number}"}),
                 "now": now})
        file_id = connection.execute(text(
            "INSERT INTO release_files (release_id, kind, filename, stored_name, content_type, size, sha256,"
            " caption, uploaded_at) VALUES (:release, 'photo', 'plenary.png', :stored, 'image/png', 3, 'abc',"
            " 'Delegates', :now) RETURNING id"), {"release": release_id, "stored": "a" * 32 + ".png",
                                                  "now": now}).scalar_one()
    migrate.upgrade(database.engine)
    with database.transaction() as session:
        release = session.get(Release, release_id)
        for number in (1, 2):
            assert release.content(number)["attachments"] == {"photo": {
                "file_id": file_id, "filename": "plenary.png", "caption": "Delegates", "sha256": "abc"}}
        assert release_files.public_files(session, release)["photo"].filename == "plenary.png"
    migrate.downgrade(database.engine, "0009")
    with database.engine.connect() as connection:
        contents = [json.loads(c) if isinstance(c, str) else c for c in connection.execute(
            text("SELECT content FROM release_revisions ORDER BY number")).scalars()]
        assert contents == [{"headline": "Mines 1"}, {"headline": "Mines 2"}]
        assert connection.execute(text("SELECT count(*) FROM release_files")).scalar_one() == 1
    database.dispose()


def test_the_approver_sees_the_photo_of_the_revision_asked_about(client, setup, auth_actions, runtime,  # noqa: F811
                                                                  users):
    """Attachments are content, so the approval page shows them, served through the link itself."""
    release = create(client, setup)
    auth_actions.as_officer()
    assert upload(client, release["id"], "photo", PNG, "plenary.png", "Delegates in the plenary").status_code == 303
    auth_actions.logout()
    with runtime.db.transaction() as session:
        found = session.get(Release, release["id"])
        [(_request, token)] = workflow.submit(session, "test-secret-key", found,
                                              [session.get(auth.User, users["approver"].id)],
                                              session.get(auth.User, users["officer"].id))
    page = client.get(f"/approve/{token}").get_data(as_text=True)
    assert "plenary.png" in page and "Delegates in the plenary" in page
    photo = client.get(f"/approve/{token}/files/photo")
    assert photo.data == PNG and photo.headers["Cache-Control"] == "private, no-store"
    assert client.get(f"/approve/{token}/files/pdf").status_code == 404
    auth_actions.as_officer()
    upload(client, release["id"], "photo", PNG, "plenary.png", "Another caption")  # a new revision
    auth_actions.logout()
    assert client.get(f"/approve/{token}/files/photo").status_code == 409
