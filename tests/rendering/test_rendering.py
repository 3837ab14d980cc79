"""comms.rendering: a release as the public article, an MJML email and a text part.

Real renders throughout (markdown-it, nh3, Jinja, mjml-python): the
email's structure, embargo wording, text wrapping and footnotes, escaping of
names and content (docs/design/security.md items 11-13, 20), MJML errors, the compile cache and
per-recipient personalisation, and GET /api/v1/releases/{id}/render.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from html.parser import HTMLParser

import pytest

from comms.rendering import emails
from comms.rendering import formats as rendering
from comms.releases.context import release_context
from comms.rendering.formats import RenderError, compile_email, personalise, render_release

from support.release_samples import BASE, CONTENT, LIFT, RECIPIENT, sample_context, sample_release

FOOTNOTE_LINE = re.compile(r"^\[\d+\] \S+$")
SCRIPTY = {"script", "svg", "iframe", "object", "embed", "link", "style", "form"}


class Tags(HTMLParser):
    """Every start tag with its attributes."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def all(self, name: str) -> list[dict]:
        return [attrs for tag, attrs in self.tags if tag == name]


def email_for(release=None, context=None, **recipient):
    compiled = compile_email(release or sample_release(), context=context or sample_context())
    return compiled, personalise(compiled, **{**RECIPIENT, **recipient})


@pytest.fixture(autouse=True)
def fresh_cache():
    rendering.clear_cache()
    yield
    rendering.clear_cache()


# --- the email's structure ----------------------------------------------------------------------------------------

def check_email_structure(html: str) -> None:
    tags = Tags(html)
    names = {tag for tag, _ in tags.tags}
    assert not names & SCRIPTY - {"style"}, names & SCRIPTY
    assert "@import" not in html and "fonts.googleapis" not in html and "<link" not in html
    for attrs in tags.all("img"):
        assert attrs.get("alt"), f"an image without alt text: {attrs}"
        assert attrs["src"].startswith("https://")
    widths = [int(w) for w in re.findall(r'\bwidth="(\d+)"', html)]
    widths += [int(w) for w in re.findall(r"(?<![-\w])(?:max-)?width:\s*(\d+)px", html)]
    assert widths and max(widths) <= 600, sorted(widths)[-3:]
    assert re.search(r"max-width:\s*600px", html), "the container is 600 px wide at most"
    for attrs in tags.all("a"):
        assert re.match(r"^(https?://|mailto:)", attrs.get("href", "")), attrs
    for tag, attrs in tags.tags:
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)


def test_release_email_structure():
    compiled, (html, _text) = email_for()
    check_email_structure(html)
    tags = Tags(html)
    assert tags.all("html")[0]["lang"] == "en"
    assert [a["alt"] for a in tags.all("img")] == ["Delegates in the plenary"]
    assert "Mine clearance completed in three more States" in html and "For immediate release" in html
    assert "Notes to editors" in html and "About the Convention" in html and "Media contacts" in html
    hrefs = [a["href"] for a in tags.all("a")]
    assert f"{BASE}/news/report?lang=en" in hrefs  # a relative link in the body, made absolute
    assert RECIPIENT["unsubscribe_url"].replace("&", "&amp;") in html and RECIPIENT["preferences_url"] in html
    assert "This release was sent to Émilie Durand." in html
    # Styles are inline (MJML attributes and the email_style filter); only @media rules need a <style>.
    assert re.search(r'<h1 class="headline" style="[^"]*font-size: 28px', html)
    assert "@media" in html and ".kicker" not in html and html.startswith("<!DOCTYPE html>")
    assert compiled.subject == CONTENT["headline"]


def test_notification_emails_share_the_frame():
    cases = {
        "approval_request": dict(title="Mine clearance", what="a press release (en)", url=f"{BASE}/approve/t",
                                 requested_by="Officer O'Brien", version=2, expires="1 December 2026, 10:00 UTC",
                                 preview="Three States Parties declared completion."),
        "subscription_confirm": dict(confirm_url=f"{BASE}/subscribe/confirm/t"),
        "subscription_welcome": dict(preferences_url=f"{BASE}/preferences/p", unsubscribe_url=f"{BASE}/unsubscribe/u"),
    }
    for name, context in cases.items():
        text, html = emails.render(name, to_name="<b>x</b> & Co", office="ISU press office", **context)
        check_email_structure(html)
        assert "ISU press office" in html and "#10243e" in html  # the release email's header
        assert "&lt;b&gt;x&lt;/b&gt; &amp; Co" in html and "<b>x</b>" not in html
        # The text part is not HTML (docs/design/security.md item 12): the name reads as typed, never entity-escaped.
        assert "Hello <b>x</b> & Co," in text and "&lt;" not in text and "&amp;" not in text
    text, _html = emails.render("approval_request", to_name="Ana", office="ISU", **cases["approval_request"])
    assert "Officer O'Brien" in text  # apostrophes stay readable


# --- embargo (docs/design/security.md item 20) --------------------------------------------------------------------------------------

def test_embargo_banner_and_subject():
    compiled, (html, text) = email_for(context=sample_context(embargoed=True))
    banner = "EMBARGOED UNTIL 14 December 2026, 10:00 CET (09:00 UTC)"
    assert compiled.subject == f"{banner}: {CONTENT['headline']}"
    assert html.index(banner) < html.index("<h1")
    assert re.search(r'<div style="display:none;[^>]*>' + re.escape(banner), html)  # the inbox preview says it too
    assert text.splitlines()[0] == banner
    assert "For immediate release" not in html and "FOR IMMEDIATE RELEASE" not in text
    article = render_release(sample_release(), "html", context=sample_context(embargoed=True))
    assert article.startswith(f'<p class="embargo-banner" role="note"><strong>{banner}</strong></p>')
    # Once the embargo has lifted, the same release renders without it (and is compiled anew).
    lifted = sample_context(embargoed=True, now=LIFT + dt.timedelta(minutes=1))
    compiled_after, (html_after, text_after) = email_for(context=lifted)
    assert "EMBARGOED" not in html_after and "EMBARGOED" not in compiled_after.subject
    assert text_after.startswith("FOR IMMEDIATE RELEASE")
    assert rendering.cache_info()["compiles"] == 2


def test_labels_in_french_and_spanish():
    french = sample_release(language="fr", headline="Déminage achevé dans trois États de plus")
    compiled, (html, text) = email_for(french, sample_context("fr", embargoed=True))
    assert compiled.subject.startswith("SOUS EMBARGO JUSQU'AU 14 décembre 2026, 10:00 CET (09:00 UTC): ")
    for label in ("Notes aux rédactions", "À propos de la Convention", "Contacts presse", "Se désabonner",
                  "Préférences", "Ce communiqué a été envoyé à Émilie Durand."):
        assert label in html, label
    assert "NOTES AUX RÉDACTIONS" in text and "« Every mine cleared" in text
    assert Tags(html).all("html")[0]["lang"] == "fr"
    spanish = sample_release(language="es")
    _compiled, (html, text) = email_for(spanish, sample_context("es"))
    for label in ("Para difusión inmediata", "Notas para los editores", "Acerca de la Convención",
                  "Contactos de prensa", "Darse de baja", "Preferencias", "Français"):
        assert label in html, label
    assert "PARA DIFUSIÓN INMEDIATA" in text
    german = sample_release(language="de")  # no labels of its own: English ones
    assert "Notes to editors" in render_release(german, "html", context=sample_context("de"))


# --- the text part -------------------------------------------------------------------------------------------------

def test_text_part_is_wrapped_and_footnoted():
    _compiled, (_html, text) = email_for()
    lines = text.splitlines()
    too_long = [line for line in lines if len(line) > 72 and not FOOTNOTE_LINE.match(line)]
    assert too_long == []
    flat = " ".join(text.split())
    assert "clearance obligations [1]" in flat and "a report [2] on victim" in flat
    links = lines[lines.index("Links:") + 1:]
    assert all(FOOTNOTE_LINE.match(line) for line in links)
    numbered = dict(line.split(" ", 1) for line in links)
    assert numbered["[1]"] == "https://example.org/art5"
    assert numbered["[2]"] == f"{BASE}/news/report?lang=en"
    assert RECIPIENT["unsubscribe_url"] in numbered.values() and RECIPIENT["preferences_url"] in numbered.values()
    assert [int(n.strip("[]")) for n in numbered] == list(range(1, len(numbered) + 1))
    # A mailto link whose text is the address gets no footnote; lists and quotes keep their shape.
    assert "Journalists can write to press@apminebanconvention.example." in text
    assert "- survey and clearance of 120 square kilometres;" in text and "> Delegations welcomed" in text
    assert "  \u201cEvery mine cleared is a field returned to a family.\u201d" in text
    assert "MEDIA CONTACTS" in text and "-- \nThis release was sent to Émilie Durand." in text
    assert "<" not in text and "&amp;" not in text


def test_long_words_and_long_names_still_wrap():
    long_name = "Maria de los Ángeles " * 6
    release = sample_release(body_markdown=("word " * 200) + "https://example.org/" + "x" * 90)
    _compiled, (_html, text) = email_for(release, name=long_name)
    for line in text.splitlines():
        assert len(line) <= 72 or FOOTNOTE_LINE.match(line) or " " not in line.strip(), line


# --- escaping (docs/design/security.md items 11, 12, 13) -----------------------------------------------------------------------------

def test_markup_in_names_and_content_stays_text():
    release = sample_release(headline="Headline <b>x</b>", media_contacts="<b>x</b> press@example.org",
                             quotes=[{"text": "Said <b>x</b>", "speaker": "<b>x</b>"}], dateline="<b>x</b>")
    context = sample_context(boilerplate="About <b>x</b>")
    compiled, (html, text) = email_for(release, context, name="<b>x</b>")
    article = render_release(release, "html", context=context)
    assert "<b>x</b>" not in article
    for output in (html, article):
        assert not Tags(output).all("b")  # never an element: only text (or an attribute value)
        assert output.count("&lt;b&gt;x&lt;/b&gt;") >= 5  # headline, dateline, quote, speaker, contacts...
    assert "This release was sent to &lt;b&gt;x&lt;/b&gt;." in html
    # The text part is plain text (docs/design/security.md item 12): markup reads as typed there, with no entities.
    assert "This release was sent to <b>x</b>." in text and "&lt;" not in text
    assert "Headline <b>x</b>" in text and "About <b>x</b>" in text
    assert compiled.subject == "Headline <b>x</b>"  # a header is text: the mail layer encodes it
    # In an attribute, a quote cannot break out.
    photo = rendering.FileLink(f"{BASE}/p.jpg", caption='"><script>alert(1)</script>', size=1)
    _compiled, (html, _text) = email_for(release, dataclasses.replace(context, files={"photo": photo}))
    assert [a["alt"] for a in Tags(html).all("img")] == ['"><script>alert(1)</script>']
    assert not Tags(html).all("script")


def declarations(style: str) -> set[tuple[str, str]]:
    """A style attribute (or a CSS block's body) as a set of (property, value) pairs."""
    pairs = (part.split(":", 1) for part in style.split(";") if ":" in part)
    return {(name.strip().lower(), value.strip()) for name, value in pairs}


def test_body_elements_carry_their_styles_inline():
    # Many mail clients drop <style>: every element of the body needs its style attribute.
    release = sample_release(body_markdown="Para with a [link](https://example.org/a).\n\n## Heading\n\n"
                                           "1. one\n2. two\n\n> quoted\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    _compiled, (html, _text) = email_for(release)
    body = html.split('<div class="release-body">')[1].split("</div>")[0]
    styles = rendering.EMAIL_STYLES["body"]
    tags = Tags(body)
    for name in ("p", "a", "h2", "ol", "li", "blockquote", "table", "th", "td"):
        found = [attrs for attrs in tags.all(name) if "class" not in attrs]
        assert found and all(declarations(styles[name]) <= declarations(attrs.get("style", "")) for attrs in found), name
    assert "color: #0b5cad" in styles["a"] and "margin" in styles["p"]
    assert re.search(r'class="dateline" style="[^"]*margin: 0 0 12px;', body)
    footer = Tags(html.split('class="footer"')[1])
    assert all("color: #4a5565" in a["style"] for a in footer.all("a"))
    text_links = [a for a in Tags(html).all("a") if a.get("target") != "_blank"]  # not MJML's photo/button links
    assert text_links and all(a.get("style") for a in text_links)  # every text link coloured
    _text, notice = emails.render("subscription_confirm", to_name="A", office="ISU", confirm_url=f"{BASE}/c")
    assert re.search(r'<h1 class="headline" style="[^"]*font-size: 28px', notice)
    assert re.search(r'<p class="button-link" style="[^"]*word-break: break-all', notice)


def test_content_can_never_bring_its_own_style():
    # docs/design/security.md items 11, 12: a style (or any attribute) only ever comes from EMAIL_STYLES, never from content,
    # not even from a "<p" inside an attribute value, which nh3 leaves unescaped there.
    allowed = {pair for scope in rendering.EMAIL_STYLES.values() for style in scope.values()
               for pair in declarations(style)}
    body = ('<p style="color:red" onclick="x">raw</p> <span style="x">s</span> '
            '[t](https://example.org/t "<p onmouseover=alert(1) x") '
            '![alt <p x](https://example.org/i.png "<a style=\"position:fixed\" b")')
    release = sample_release(body_markdown=body, notes_to_editors=body, headline='x" style="color:red',
                             dateline='<p style="color:red">')
    _compiled, (html, _text) = email_for(release, sample_context(boilerplate='<p style="color:red">'), name=body)
    tags = Tags(html)
    for tag, attrs in tags.tags:
        assert not [key for key in attrs if key.startswith("on")], (tag, attrs)
    body_tags = Tags(html.split('<div class="release-body">')[1].split("</blockquote>")[0])
    # What css-inline copies in comes from MRML's own reset rules, which it writes in every <head>.
    from mjml import mjml2html

    bare = mjml2html("<mjml><mj-body></mj-body></mjml>", fonts={}).split("</head>")[0]
    resets = {pair for block in re.findall(r"\{([^{}]*)\}", bare) for pair in declarations(block)}
    assert {pair for _tag, attrs in body_tags.tags for pair in declarations(attrs.get("style", ""))} <= allowed | resets
    assert "position:fixed" not in {attrs.get("style") for _tag, attrs in tags.tags}
    assert "color:red" not in {attrs.get("style") for _tag, attrs in tags.tags}
    titles = [a.get("title") for a in tags.all("a") if a.get("title")]
    assert "<p onmouseover=alert(1) x" in titles  # the value stayed one attribute value
    # The style pass itself: an attribute value is never taken for a tag.
    styled = rendering.style_html('<a href="https://e.org" title="<p onmouseover=x y">t</a>', "body")
    assert styled == ('<a href="https://e.org" title="<p onmouseover=x y" style="color: #0b5cad;'
                      'text-decoration: underline;">t</a>')


def test_newlines_in_a_name_stay_on_one_line():
    _compiled, (html, text) = email_for(name="Eve\r\nBcc: victim@evil.example")
    assert "This release was sent to Eve Bcc: victim@evil.example." in html
    assert "Eve\r\n" not in text and "\r" not in text


XSS = ('Hi <img src=x onerror="alert(1)"> [click](javascript:alert(1)) <svg><script>alert(2)</script></svg> '
       '<a href="javascript:alert(3)">a</a> [ok](https://example.org/ok)')


def test_xss_payloads_stay_stripped_in_every_format():
    release = sample_release(body_markdown=XSS, notes_to_editors=XSS)
    context = sample_context()
    outputs = {name: render_release(release, name, context=context) for name in ("html", "email", "text")}
    for name in ("html", "email"):
        tags = Tags(outputs[name])
        assert not {tag for tag, _ in tags.tags} & {"script", "svg"}, name
        assert [a for a in tags.all("img") if a.get("src") == "x"] == [], name
        assert all(not a.get("href", "").lower().startswith("javascript") for a in tags.all("a")), name
        assert all(not key.startswith("on") for _tag, attrs in tags.tags for key in attrs), name
    text = outputs["text"]
    # The text part is plain text, not HTML (docs/design/security.md item 12): typed markup reads as typed, without entities,
    # and only http(s) links become footnotes.
    assert '<img src=x onerror="alert(1)">' in text and "&lt;" not in text
    urls = [line.split(" ", 1)[1] for line in text.splitlines() if FOOTNOTE_LINE.match(line)]
    assert "https://example.org/ok" in urls and not [u for u in urls if not u.startswith(("https://", "http://"))]


def test_template_syntax_in_content_is_never_evaluated():
    release = sample_release(headline="{{ 7 * 7 }} {% for x in range(3) %}x{% endfor %}",
                             body_markdown="{{ config }} {{ ''.__class__ }}")
    for name in ("html", "email", "text"):
        output = render_release(release, name, context=sample_context())
        assert "{{ 7 * 7 }}" in output and "49" not in output and "xxx" not in output
        assert "{{ config }}" in output


def test_templates_autoescape_and_are_sandboxed():
    for env, names in ((rendering.markup_environment(), ("release.mjml", "release.html", "email/document.mjml")),
                       (rendering.text_environment(), ("release.txt", "email/document.txt"))):
        assert env.sandboxed and env.autoescape is (env is rendering.markup_environment())  # .txt is not HTML
        for name in names:
            assert env.get_template(name).environment is env
    assert emails.environment() is rendering.markup_environment()
    from jinja2.exceptions import SecurityError

    with pytest.raises(SecurityError):
        rendering.markup_environment().from_string("{{ x.__class__.__mro__ }}").render(x="")


# --- MJML ----------------------------------------------------------------------------------------------------------

def test_mjml_errors_become_render_errors():
    with pytest.raises(RenderError, match="MJML"):
        rendering.compile_mjml("<mjml><mj-body><mj-section><mj-column><mj-text>unclosed</mj-column></mj-body>")
    with pytest.raises(RenderError):
        rendering.compile_mjml('<mjml><mj-body><mj-include path="/etc/passwd" /></mj-body></mjml>')
    ok = rendering.compile_mjml("<mjml><mj-body><mj-section><mj-column><mj-text>ok</mj-text></mj-column>"
                                "</mj-section></mj-body></mjml>")
    assert "ok" in ok and "googleapis" not in ok


def test_emails_need_an_absolute_base_url_and_clean_links():
    with pytest.raises(RenderError, match="absolute base URL"):
        compile_email(sample_release(), context=sample_context(base_url=""))
    compiled = compile_email(sample_release(), context=sample_context())
    for bad in ("javascript:alert(1)", "/relative", 'https://x.example/"onmouseover="x', "https://x.example/ a"):
        with pytest.raises(RenderError):
            personalise(compiled, name="A", unsubscribe_url=bad, preferences_url=f"{BASE}/p")
    with pytest.raises(rendering.UnknownFormat):
        render_release(sample_release(), "pdf", context=sample_context())


# --- compile once, personalise many --------------------------------------------------------------------------------

def test_compiled_once_per_release_language_revision_and_embargo():
    release = sample_release(revision=2)
    first = compile_email(release, context=sample_context())
    assert compile_email(release, context=sample_context()) is first
    info = rendering.cache_info()
    assert (info["compiles"], info["hits"], info["misses"]) == (1, 1, 1)
    assert first.key[:4] == (1, "en", 2, False)
    compile_email(release, context=sample_context(revision=1))  # another revision
    compile_email(release, context=sample_context(embargoed=True))  # embargo flag
    compile_email(release, context=sample_context(boilerplate="Edited by an admin."))  # what else it shows
    assert rendering.cache_info()["compiles"] == 4
    assert compile_email(release, context=sample_context(), cache=False) is not first
    assert rendering.cache_info()["compiles"] == 5


def test_personalising_never_recompiles():
    compiled = compile_email(sample_release(), context=sample_context())
    before = rendering.cache_info()["compiles"]
    outputs = []
    for n in range(200):
        html, text = personalise(compiled, name=f"Reader {n}", unsubscribe_url=f"{BASE}/unsubscribe/t{n}?a=1&b={n}",
                                 preferences_url=f"{BASE}/preferences/p{n}")
        outputs.append((html, text))
    assert rendering.cache_info()["compiles"] == before
    html, text = outputs[7]
    assert f'href="{BASE}/unsubscribe/t7?a=1&amp;b=7"' in html and f"{BASE}/unsubscribe/t7?a=1&b=7" in text
    assert "Reader 7" in html and "Reader 8" not in html and "%%PRESSROOM" not in html + text
    # Everything but the recipient's parts is shared.
    def generic(html, n):
        return html.replace(f"Reader {n}", "R").replace(f"t{n}?a=1&amp;b={n}", "U").replace(f"p{n}", "P")

    assert generic(outputs[3][0], 3) == generic(outputs[4][0], 4)


def test_text_in_a_release_cannot_fill_a_slot():
    release = sample_release(body_markdown="%%PRESSROOM_0123456789ab_UNSUBSCRIBE_URL%% and %%PRESSROOM_x_RECIPIENT%%")
    _compiled, (html, text) = email_for(release)
    assert "%%PRESSROOM_0123456789ab_UNSUBSCRIBE_URL%%" in html and "%%PRESSROOM_x_RECIPIENT%%" in text


# --- the database, the public page and the API ---------------------------------------------------------------------

from support.release_api import DRAFT, approve, create, setup  # noqa: E402,F401  (fixture)


def test_release_context_links_only_what_the_public_can_open(client, setup, runtime):  # noqa: F811
    from comms.releases.service import get_release

    draft = create(client, setup, media_contacts="Press office")
    lift = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(hours=3)).replace(microsecond=0)
    embargoed = create(client, setup, headline="Under embargo", embargo_until=lift.isoformat())
    for release in (draft, embargoed):
        approve(client, setup, release)
        client.post(f"/api/v1/releases/{release['id']}/publish", json={}, headers=setup["officer"])
    with runtime.db.session() as session:
        public = get_release(session, draft["id"])
        context = release_context(session, public, base_url=BASE + "/", office="ISU")
        assert context.page_url == f"{BASE}/news/{draft['slug']}?lang=en" and context.timezone == "Europe/Zurich"
        assert "Convention" in context.boilerplate and not context.is_embargoed()
        held = get_release(session, embargoed["id"])
        context = release_context(session, held, base_url=BASE, office="ISU",
                                            revision=held.published_revision)
        assert context.is_embargoed() and context.page_url == "" and context.files == {}
        compiled = compile_email(held, context=context)
        assert compiled.subject.startswith("EMBARGOED UNTIL ") and compiled.subject.endswith(": Under embargo")
        html, _text = personalise(compiled, **RECIPIENT)
        assert "/news/" + embargoed["slug"] not in html  # no link that answers 404 until the lift


def test_the_public_page_renders_the_article(client, setup):  # noqa: F811
    release = create(client, setup, quotes=[{"text": "A quote", "speaker": "The President"}],
                     notes_to_editors="Some notes.", media_contacts="press@example.org")
    approve(client, setup, release)
    client.post(f"/api/v1/releases/{release['id']}/publish", json={}, headers=setup["officer"])
    page = client.get(f"/news/{release['slug']}?lang=en").get_data(as_text=True)
    article = page.split('<article class="card release"')[1].split("</article>")[0]
    assert "<h1>" + DRAFT["headline"] + "</h1>" in article and 'class="release-body"' in article
    assert '<p class="speaker">— The President</p>' in article and "Notes to editors" in article
    assert '<a href="mailto:press@example.org">press@example.org</a>' in article
    assert "style=" not in article  # the site's CSP allows no inline styles


def test_render_endpoint(client, setup, token_for):  # noqa: F811
    release = create(client, setup, body_markdown="Body with [a link](/news/other?lang=en).")
    url = f"/api/v1/releases/{release['id']}/render"
    html = client.get(url, headers=setup["viewer"])
    assert html.status_code == 200 and html.mimetype == "text/html"
    assert DRAFT["headline"] in html.get_data(as_text=True) and "release-body" in html.get_data(as_text=True)
    email = client.get(url + "?format=email", headers=setup["viewer"])
    body = email.get_data(as_text=True)
    assert email.status_code == 200 and email.mimetype == "text/html" and body.startswith("<!DOCTYPE html>")
    assert 'href="http://localhost/news/other?lang=en"' in body and "Unsubscribe" in body
    text = client.get(url + "?format=text", headers=setup["approver"])
    assert text.status_code == 200 and text.content_type == "text/plain; charset=utf-8"
    assert text.get_data(as_text=True).startswith("FOR IMMEDIATE RELEASE\n")
    unknown = client.get(url + "?format=pdf", headers=setup["officer"])
    assert unknown.status_code == 422 and unknown.get_json()["error"]["code"] == "invalid"
    assert client.get(url).status_code == 401
    assert client.get("/api/v1/releases/999999/render?format=text", headers=setup["officer"]).status_code == 404
    spec = client.get("/api/openapi.json").get_json()
    assert "/api/v1/releases/{release_id}/render" in spec["paths"]
