"""The public newsroom as a site (issue 15 section 3): the office's name and navigation, pages in
English, French and Spanish from the URL or Accept-Language, one list item per release, language
fallbacks, the dateline's date, release tools (print view, subscribe, feeds, share), a favicon, a skip
link, form errors tied to their fields, and every email From the office's name."""

import datetime as dt
import email
import re
from dataclasses import replace

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from comms.accounts import users as auth
from comms.rendering import datelines
from comms.meetings import service as meetings
from comms.releases import workflow
from comms.platform.notifications import send_email
from comms.releases.service import get_release
from comms.web.releases import newsroom as newsroom_view
from comms.web import i18n
from support.paths import ROOT
from support.web import csrf_from

OFFICE = "Anti-Personnel Mine Ban Convention press office"


def publish_release(runtime, users, *, headline, language="en", translation_of=None, embargo=None):
    """Create, approve and publish a release (dateline a place only); returns its id."""
    with runtime.db.transaction() as session:
        officer = session.get(auth.User, users["officer"].id)
        approver = session.get(auth.User, users["approver"].id)
        release = workflow.create_release(session, {
            "headline": headline, "body_markdown": "The meeting opens today.", "topics": ["mine-clearance"],
            "language": language, "dateline": "GENEVA", "translation_of": translation_of,
            "embargo_until": embargo}, officer)
        [(request, _token)] = workflow.submit(session, "test-secret-key", release, [approver], officer)
        workflow.decide(session, release, request, "approved")
        workflow.publish(session, release, officer)
        return release.id


@pytest.fixture
def story(runtime, users):
    """An English release published with French and Spanish translations; returns the original's id."""
    original = publish_release(runtime, users, headline="Mine clearance completed in three more States")
    publish_release(runtime, users, headline="Le déminage est achevé dans trois États de plus", language="fr",
                    translation_of=original)
    publish_release(runtime, users, headline="Se completa el desminado en tres Estados más", language="es",
                    translation_of=original)
    return original


def text(response) -> str:
    return response.get_data(as_text=True)


# --- the office's site -------------------------------------------------------------------------------------------

def test_header_names_the_office_links_to_the_newsroom_and_titles_end_with_it(client):
    page = text(client.get("/news/"))
    assert re.search(r'<a class="brand" href="/news/"><img src="/static/mark.svg" alt=""[^>]*><span>'
                     + re.escape(OFFICE), page)
    assert re.search(r"<title>Newsroom · " + re.escape(OFFICE) + "</title>", page)
    nav = page[page.index('aria-label="Site"'):page.index("</nav>")]
    assert re.findall(r'href="([^"]+)"', nav) == ["/news/", "/meetings/", "/documents/", "/calendar.ics", "/feeds/",
                                                  "/subscribe"]
    assert ">Pressroom<" not in page


def test_the_office_name_is_a_setting(app, runtime, client, monkeypatch):
    monkeypatch.setattr(runtime, "config", replace(runtime.config, office_name="Oficina de prensa"))
    assert "<title>Feeds · Oficina de prensa</title>" in text(client.get("/feeds/"))


def test_documents_in_the_navigation_leads_to_the_register(client):
    assert client.get("/documents/").status_code == 200
    page = text(client.get("/documents/"))
    nav = page[page.index('aria-label="Site"'):page.index("</nav>")]
    assert '<a href="/documents/" aria-current="page">Documents</a>' in nav


def test_the_french_navigation_keeps_the_language_prefix(client):
    page = text(client.get("/fr/news/"))
    nav = page[page.index('aria-label="Site"'):]
    assert re.findall(r'href="([^"]+)"', nav[:nav.index("</nav>")])[:3] == ["/fr/news/", "/fr/meetings/",
                                                                          "/fr/documents/"]


def test_skip_link_favicon_and_error_pages_lead_to_the_newsroom(client):
    page = text(client.get("/no/such/page"))
    assert '<a class="skip-link" href="#main">Skip to content</a>' in page and 'id="main"' in page
    assert '<link rel="icon" href="/static/mark.svg" type="image/svg+xml">' in page
    assert '<a href="/news/">Go to the newsroom</a>' in page and "Page not found" in page
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml" and b"<svg" in icon.data


def test_public_meetings_page_lists_meetings_with_dates_in_words(runtime, client):
    with runtime.db.transaction() as session:
        meeting = meetings.create_meeting(session, title="Intersessional Meetings", kind="intersessional",
                                          starts_on=dt.date(2026, 6, 16), ends_on=dt.date(2026, 6, 18),
                                          timezone="Europe/Zurich")
    page = text(client.get("/fr/meetings/"))
    assert "Intersessional Meetings" in page and "16 juin 2026" in page and "Réunions passées" in page
    assert f'href="/fr/meetings/{meeting.id}"' in page


# --- languages ---------------------------------------------------------------------------------------------------

def test_the_url_prefix_chooses_the_language_and_keeps_links_in_it(client, story):
    response = client.get("/fr/news/", headers={"Accept-Language": "es"})
    page = text(response)
    assert response.status_code == 200 and '<html lang="fr">' in page
    assert "<h1>Salle de presse</h1>" in page and "Aller au contenu" in page
    assert 'href="/fr/feeds/"' in page and 'href="/fr/subscribe"' in page and 'href="/fr/news/"' in page
    # The reader's language is shown first: the French version is the one linked from the headline.
    assert re.search(r'<h2><a href="/fr/news/[^"]+\?lang=fr">Le déminage', page)
    assert "Accept-Language" not in response.headers.get("Vary", "")


def test_without_a_prefix_accept_language_decides_and_caches_are_told(client, story):
    response = client.get("/news/", headers={"Accept-Language": "es-ES,es;q=0.9,en;q=0.5"})
    assert "<h1>Sala de prensa</h1>" in text(response) and '<html lang="es">' in text(response)
    assert "Accept-Language" in response.headers["Vary"]
    assert "<h1>Newsroom</h1>" in text(client.get("/en/news/", headers={"Accept-Language": "fr"}))
    assert "<h1>Newsroom</h1>" in text(client.get("/news/", headers={"Accept-Language": "de"}))


def test_the_language_switcher_links_the_same_page_in_each_language(client):
    page = text(client.get("/fr/feeds/?x=1"))
    assert 'href="/en/feeds/?x=1" lang="en"' in page and 'href="/es/feeds/?x=1" lang="es"' in page
    assert ">Français</a>" in page and ">Español</a>" in page


@pytest.mark.parametrize("path, words", [
    ("/fr/subscribe", "Les communiqués de presse par courriel"),
    ("/es/subscribe", "Comunicados de prensa por correo"),
    ("/fr/feeds/", "Flux pour les journalistes"),
    ("/es/feeds/", "Canales para periodistas"),
    ("/fr/nowhere", "Page introuvable"),
    ("/es/nowhere", "Página no encontrada"),
])
def test_public_pages_are_translated(client, path, words):
    assert words in text(client.get(path))


def test_the_error_page_links_to_the_newsroom_in_its_language(client):
    assert '<a href="/fr/news/">Aller à la salle de presse</a>' in text(client.get("/fr/nowhere"))


def test_every_catalog_string_is_translated_and_the_template_is_current():
    with open(ROOT / "babel.cfg") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    extracted = {message[2] if isinstance(message[2], str) else message[2][0]
                 for message in extract_from_dir(ROOT, method_map, options_map, keywords={
                     "_": None, "gettext": None, "ngettext": (1, 2), "_l": None})}
    with open(ROOT / "comms/translations/messages.pot", "rb") as handle:
        template = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    assert extracted == template, "run: pybabel extract -F babel.cfg -k _l --no-location --sort-output " \
                                  "--omit-header -o comms/translations/messages.pot ."
    for code in ("fr", "es"):
        with open(ROOT / f"comms/translations/{code}/LC_MESSAGES/messages.po", "rb") as handle:
            catalog = read_po(handle, locale=code)
        ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
        assert ids == template, code
        untranslated = [m.id for m in catalog if m.id and not all(m.string if isinstance(m.string, tuple)
                                                                  else (m.string,))]
        assert untranslated == [], code


def test_catalogs_compile_into_the_instance_folder_and_only_when_changed(tmp_path):
    i18n.compile_catalogs(i18n.CATALOGS, tmp_path)
    compiled = tmp_path / "fr/LC_MESSAGES/messages.mo"
    assert compiled.exists() and (tmp_path / "es/LC_MESSAGES/messages.mo").exists()
    before = compiled.stat().st_mtime_ns
    i18n.compile_catalogs(i18n.CATALOGS, tmp_path)
    assert compiled.stat().st_mtime_ns == before


def test_dates_in_words_per_language_and_times_in_geneva(app):
    moment = dt.datetime(2026, 12, 14, 23, 30, tzinfo=dt.timezone.utc)  # already the 15th in Geneva
    with app.test_request_context("/fr/news/", environ_overrides={"pressroom.locale": "fr"}):
        assert i18n.date_words(moment) == "15 décembre 2026"
        assert i18n.time_local(moment) == "00:30"
        assert i18n.time_local(moment, "America/Bogota") == "18:30"
    with app.test_request_context("/", environ_overrides={"pressroom.locale": "en"}):
        assert i18n.date_words(moment) == "15 December 2026" and i18n.time_local(moment) == "00:30"
    with app.test_request_context("/", environ_overrides={"pressroom.locale": "es"}):
        assert i18n.date_words(dt.date(2026, 12, 14)) == "14 de diciembre de 2026"
        assert i18n.date_words(moment, style="weekday") == "martes, 15 de diciembre"


# --- the newsroom's list ---------------------------------------------------------------------------------------

def test_a_release_is_listed_once_with_its_languages(client, story):
    page = text(client.get("/news/"))
    assert page.count('class="card news-item"') == 1 and "1 release<" in page
    languages = page[page.index('class="languages"'):]
    assert re.findall(r'hreflang="(\w+)"', languages[:languages.index("</p>")]) == ["en", "es", "fr"]
    assert ">French</a>" in languages and ">Spanish</a>" in languages
    assert re.search(r'<h2><a href="/news/[^"]+\?lang=en">Mine clearance', page)
    # Filtering by a language shows that language's version of the story.
    assert re.search(r'<h2><a href="/news/[^"]+\?lang=es">Se completa', text(client.get("/news/?lang=es")))


def test_page_two_lists_the_older_releases(client, runtime, users, monkeypatch):
    monkeypatch.setattr(newsroom_view, "PAGE_SIZE", 2)
    for number in range(3):
        publish_release(runtime, users, headline=f"Release number {number}")
    first, second = text(client.get("/news/")), text(client.get("/news/?page=2"))
    assert "Release number 2" in first and "Release number 1" in first and '<a href="/news/?page=2" rel="next">Older</a>' in first
    assert "Release number 0" in second and "Release number 2" not in second and 'rel="prev"' in second


def test_a_language_nobody_publishes_in_falls_back_to_every_language(client, story):
    page = text(client.get("/news/?lang=de"))
    assert "No release is published in German yet: showing every language." in page
    assert page.count('class="card news-item"') == 1


def test_a_release_asked_for_in_a_missing_language_redirects_to_one_that_exists(client, runtime, story):
    with runtime.db.session() as session:
        slug = get_release(session, story).slug
    response = client.get(f"/news/{slug}?lang=de")
    assert response.status_code == 302 and response.headers["Location"] == f"/news/{slug}?lang=en"
    response = client.get(f"/fr/news/{slug}?lang=de")
    assert response.headers["Location"] == f"/fr/news/{slug}?lang=fr"
    assert client.get("/news/no-such-release?lang=de").status_code == 404


def test_the_dateline_takes_the_publication_date_unless_the_officer_wrote_one():
    published = dt.datetime(2027, 3, 2, 23, 15, tzinfo=dt.timezone.utc)  # 3 March in Geneva
    assert datelines.compose("GENEVA", published, "en") == "GENEVA, 3 March 2027"
    assert datelines.compose("GENÈVE", published, "fr") == "GENÈVE, 3 mars 2027"
    assert datelines.compose("GENEVA,", published, "en", "America/Bogota") == "GENEVA, 2 March 2027"
    assert datelines.compose("GENEVA, 1 March 2027", published, "en") == "GENEVA, 1 March 2027"
    assert datelines.compose("", published, "en") == ""


def test_the_release_page_prints_the_publication_date_in_the_dateline(client, runtime, users):
    release_id = publish_release(runtime, users, headline="Dateline check")
    with runtime.db.session() as session:
        release = get_release(session, release_id)
        slug, published = release.slug, release.first_published_at
    expected = datelines.compose("GENEVA", published, "en")
    assert f"<strong>{expected}</strong>" in text(client.get(f"/news/{slug}?lang=en"))


# --- the release page --------------------------------------------------------------------------------------------

def test_release_page_links_subscribe_feeds_print_and_shares_without_scripts(client, runtime, story):
    with runtime.db.session() as session:
        slug = get_release(session, story).slug
    page = text(client.get(f"/news/{slug}?lang=en"))
    assert '<div class="release-page">' in page
    assert f'href="/news/{slug}/print?lang=en"' in page and 'href="/subscribe"' in page and 'href="/feeds/"' in page
    share = page[page.index('aria-label="Share"'):]
    share = share[:share.index("</nav>")]
    assert "https://www.linkedin.com/sharing/share-offsite/?url=" in share and "mailto:?subject=" in share
    scripts = re.findall(r"<script[^>]*>", page)
    assert scripts == ['<script type="application/ld+json">']
    assert " style=" not in page and "<style" not in page

    printed = client.get(f"/news/{slug}/print?lang=en")
    body = text(printed)
    assert printed.status_code == 200 and '<link rel="stylesheet" href="/static/print.css">' in body
    assert "Mine clearance completed in three more States" in body and "<script" not in body
    assert " style=" not in body and 'class="topbar"' not in body


@pytest.mark.parametrize("path", ["/news/", "/fr/news/", "/meetings/", "/favicon.ico", "/es/feeds/",
                                  "/fr/subscribe"])
def test_head_acts_like_get_on_the_new_routes(client, path):
    got, head = client.get(path), client.head(path)
    assert head.status_code == got.status_code == 200
    assert head.data == b"" and head.headers["Content-Type"] == got.headers["Content-Type"]


def test_head_on_the_print_view(client, runtime, story):
    with runtime.db.session() as session:
        slug = get_release(session, story).slug
    assert client.head(f"/fr/news/{slug}/print?lang=fr").status_code == 200
    assert client.head(f"/news/{slug}?lang=de").status_code == 302


def test_unpublished_releases_have_no_print_view_either(client, runtime, users):
    with runtime.db.transaction() as session:
        draft = workflow.create_release(session, {"headline": "Secret draft", "body_markdown": "x", "language": "en"},
                                        session.get(auth.User, users["officer"].id))
        slug = draft.slug
    assert client.get(f"/news/{slug}/print?lang=en").status_code == 404
    assert client.get(f"/news/{slug}?lang=fr").status_code == 404


# --- forms -------------------------------------------------------------------------------------------------------

def test_subscribe_errors_are_tied_to_their_fields(client):
    page = client.get("/fr/subscribe")
    response = client.post("/fr/subscribe", data={"csrf_token": csrf_from(text(page)), "name": "", "email": "nope"})
    body = text(response)
    assert 'aria-invalid="true" aria-describedby="consent-error"' in body and 'id="consent-error"' in body
    response = client.post("/fr/subscribe", data={"csrf_token": csrf_from(text(page)), "name": "Marta",
                                                  "email": "nope", "consent": "yes", "languages": "es"})
    body = text(response)
    assert re.search(r'<input type="email" name="email"[^>]*aria-invalid="true" aria-describedby="email-error"', body)
    assert 'id="email-error"' in body
    assert 'aria-invalid' not in re.search(r'<input name="outlet"[^>]*>', body).group(0)


# --- emails ------------------------------------------------------------------------------------------------------

def test_staff_notifications_come_from_the_office_name(runtime, instance_path):
    send_email(runtime, "claire@example.org", "Approval needed", "Please review.", to_name="Claire")
    [sent] = sorted((instance_path / "outbox").glob("*.eml"))
    message = email.message_from_bytes(sent.read_bytes())
    assert message["From"] == f'"{OFFICE}" <{runtime.config.mail_from}>' or \
        message["From"] == f"{OFFICE} <{runtime.config.mail_from}>"


def test_placeholders_read_as_examples_or_questions_not_as_values():
    """A placeholder that looks like a filled-in value ("en", a URL, a phone number) gets skipped by people
    who think the field is done: each one is an example ("e.g. ...") or a description in words."""
    found = []
    for template in sorted((ROOT / "comms/templates").rglob("*.html")):
        found += [(template.name, value) for value in re.findall(r'placeholder="([^"]*)"', template.read_text())]
    assert found
    value_like = [(name, value) for name, value in found if not value.startswith("e.g. ")
                  and (re.search(r"[\d@]|://", value) or " " not in value)]
    assert value_like == []
    assert re.search(r"::placeholder \{[^}]*font-style: italic", (ROOT / "comms/static/style.css").read_text())


def test_item_20_an_embargoed_translation_shows_nowhere_on_the_site(client, runtime, users):
    """docs/design/security.md item 20: the list's languages, the language fallback and the print view
    all go through the one public rule, so a translation under embargo is not revealed by any of them."""
    original = publish_release(runtime, users, headline="Treaty milestone")
    embargo = dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=3)
    publish_release(runtime, users, headline="Étape du traité", language="fr", translation_of=original,
                    embargo=embargo)
    with runtime.db.session() as session:
        slug = get_release(session, original).slug
    listing = text(client.get("/fr/news/"))
    assert "Étape du traité" not in listing and "Treaty milestone" in listing
    languages = listing[listing.index('class="languages"'):]
    assert re.findall(r'hreflang="(\w+)"', languages[:languages.index("</p>")]) == ["en"]
    assert "Étape du traité" not in text(client.get("/fr/news/?lang=fr"))
    response = client.get(f"/fr/news/{slug}/print?lang=fr")
    assert response.status_code == 302 and response.headers["Location"] == f"/fr/news/{slug}/print?lang=en"
    assert "Étape du traité" not in text(client.get(f"/fr/news/{slug}/print?lang=en"))


def test_item_16_the_language_switcher_never_links_off_the_site(client):
    """docs/design/security.md item 16: the switcher's links are this path under another prefix, so a path
    like //evil.example stays a local path."""
    page = text(client.get("/fr//evil.example"))
    links = re.findall(r'<a href="([^"]+)" lang="(?:en|fr|es)"', page)
    assert links and all(link.startswith(("/en/", "/fr/", "/es/")) for link in links)
