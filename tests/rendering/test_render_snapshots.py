"""Snapshots of every recipient-facing template, so that any change of output is seen.

Each render is normalised (whitespace collapsed, one tag per line, generated ids
and per-compile placeholders replaced) and compared with tests/snapshots/<name>.
When a change is intended, refresh them and review the diff before committing:

    UPDATE_SNAPSHOTS=1 python -m pytest -q tests/rendering/test_render_snapshots.py
    git diff tests/snapshots/
"""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest

from comms.rendering import emails
from comms.rendering import formats as rendering

from support.paths import TESTS
from support.release_samples import BASE, RECIPIENT, sample_context, sample_release

SNAPSHOTS = TESTS / "snapshots"
UPDATE = os.environ.get("UPDATE_SNAPSHOTS") == "1"
BLOCK_TAGS = ("html", "head", "body", "style", "title", "meta", "table", "tbody", "tr", "td", "div", "p", "h1", "h2",
              "ul", "ol", "li", "blockquote", "figure", "img", "!--")


def normalise(output: str) -> str:
    """Comparable text: ids and placeholders neutral, whitespace collapsed, one block tag per line."""
    text = re.sub(r'\bid="[^"]*"', 'id="ID"', output)
    text = re.sub(r"%%PRESSROOM_[0-9a-f]+_", "%%PRESSROOM_NONCE_", text)
    text = re.sub(r">\s+<", "><", re.sub(r"[ \t\r\n]+", " ", text))
    tags = "|".join(re.escape(t) for t in BLOCK_TAGS)
    text = re.sub(r"<(" + tags + r")\b", r"\n<\1", text)
    text = re.sub(r"</(" + tags + r")>", r"</\1>\n", text)
    return "\n".join(line.strip() for line in text.splitlines() if line.strip()) + "\n"


def normalise_text(output: str) -> str:
    """The text part is compared as it is (its layout is the point), without trailing spaces."""
    return "\n".join(line.rstrip() for line in output.splitlines()) + "\n"


def check(name: str, actual: str) -> None:
    path = SNAPSHOTS / name
    if UPDATE or not path.exists():
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"snapshot {name} did not exist: written, review it and run again")
        return
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, (f"{name} changed; if intended: UPDATE_SNAPSHOTS=1 python -m pytest -q "
                                f"tests/rendering/test_render_snapshots.py, then review git diff tests/snapshots/")


@pytest.fixture(autouse=True)
def fresh_cache():
    rendering.clear_cache()


def release_email(language="en", embargoed=False):
    compiled = rendering.compile_email(sample_release(language=language), context=sample_context(language, embargoed))
    return compiled, rendering.personalise(compiled, **RECIPIENT)


def test_release_article_html():
    check("release.html", normalise(rendering.render_release(sample_release(), "html", context=sample_context())))


def test_release_email_html_and_text():
    compiled, (html, text) = release_email()
    check("release.email.html", normalise(html))
    check("release.txt", normalise_text(text))


def test_embargoed_release_email_in_french():
    compiled, (html, text) = release_email("fr", embargoed=True)
    check("release-embargoed-fr.email.html", normalise(f"<!-- subject: {compiled.subject} -->\n" + html))
    check("release-embargoed-fr.txt", normalise_text(text))


NOTIFICATIONS = {
    "approval_request": dict(title="Mine clearance completed in three more States", what="a press release (en)",
                             url=f"{BASE}/approve/token", requested_by="Olivia Officer", version=2,
                             expires="16 December 2026, 10:00 UTC", preview="Three States Parties declared completion."),
    "subscription_confirm": dict(confirm_url=f"{BASE}/subscribe/confirm/token"),
    "subscription_welcome": dict(preferences_url=f"{BASE}/preferences/token", unsubscribe_url=f"{BASE}/unsubscribe/t"),
}


@pytest.mark.parametrize("name", sorted(NOTIFICATIONS))
def test_notification_emails(name):
    text, html = emails.render(name, to_name="Émilie Durand", office="ISU press office", **NOTIFICATIONS[name])
    check(f"{name}.email.html", normalise(html))
    check(f"{name}.txt", normalise_text(text))


def test_normalise_is_stable_and_the_check_notices_a_change(tmp_path, monkeypatch):
    html = rendering.render_release(sample_release(), "html", context=sample_context())
    assert normalise(normalise(html)) == normalise(html)
    assert normalise('<div id="a1">\n  <p>x  y</p>\n</div>') == normalise('<div id="b2"><p>x y</p></div>')
    monkeypatch.setattr(f"{__name__}.SNAPSHOTS", tmp_path)
    monkeypatch.setattr(f"{__name__}.UPDATE", False)
    (tmp_path / "x.html").write_text("old\n")
    with pytest.raises(AssertionError, match="UPDATE_SNAPSHOTS=1"):
        check("x.html", "new\n")


# The emails members of the public get in their language (press_templates/email/<lang>/).
PUBLIC_EMAILS = {
    **{name: NOTIFICATIONS[name] for name in ("subscription_confirm", "subscription_welcome")},
    "participant_confirm": dict(confirm_url=f"{BASE}/fr/meetings/register/confirm/token",
                                meeting_title="Twenty-Second Meeting of the States Parties", delegation="Senegal"),
    "participant_approved": dict(meeting_title="Twenty-Second Meeting of the States Parties",
                                 venue="CICG, Geneva", delegation="Senegal"),
    "participant_declined": dict(meeting_title="Twenty-Second Meeting of the States Parties",
                                 venue="CICG, Geneva", delegation="Senegal"),
}
ALTERNATE = {"fr": "Suppléant", "es": "Suplente"}


@pytest.mark.parametrize("language", ["fr", "es"])
@pytest.mark.parametrize("name", sorted(PUBLIC_EMAILS))
def test_translated_public_emails(name, language):
    context = dict(PUBLIC_EMAILS[name])
    if name in ("participant_approved", "participant_declined"):
        context.update(role=ALTERNATE[language],
                       meeting_dates=emails.date_span(dt.date(2026, 12, 14), dt.date(2026, 12, 18), language))
    text, html = emails.render(name, language, to_name="Émilie Durand", office="ISU press office", **context)
    check(f"{name}-{language}.email.html", normalise(f"<!-- subject: {emails.subject(name, language)} -->\n" + html))
    check(f"{name}-{language}.txt", normalise_text(text))
