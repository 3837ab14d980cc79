"""A release's photo and PDF: typed by content, hidden until the release is public."""

import io

import pytest

from test_releases_api import DRAFT, approve, create, setup  # noqa: F401  (fixture)

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4"
       b"\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def upload(client, release_id, kind, data, name, caption=""):
    page = client.get(f"/staff/releases/{release_id}")
    token = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    return client.post(f"/staff/releases/{release_id}/files", data={
        "csrf_token": token, "kind": kind, "caption": caption, "file": (io.BytesIO(data), name)},
        content_type="multipart/form-data")


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
    approve(client, setup, release)
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
