"""One-line fields refuse line breaks and control characters where they are typed (issue 13,
finding 10): the release editor's headline, subheadline, dateline and quote speakers, photo
captions, meeting titles and staff names, all of which end up in email headers. The API side of
the release fields, and what happens to an approval email anyway, is in test_security_email
(item 21)."""

import pytest

from contacts.text import control_problem, single_line_problem

from support.meetings import MEETING
from support.release_api import create, setup  # noqa: F401  (a fixture)
from support.release_pages import PNG, form, load, post, release_count, text, upload, world  # noqa: F401  (a fixture)
from support.web import bearer

BREAKS = ["two\nlines", "two\r\nBcc: victim@evil.example", "tab\x0bbed", "nul\x00", "sep\u2028arator",
          "next\x85line", "=?utf-8?q?x=0D=0ABcc=3A_a@evil.example?="]


@pytest.mark.parametrize("value", BREAKS)
def test_the_rule_refuses_breaks_controls_and_encoded_words(value):
    assert single_line_problem(value)


@pytest.mark.parametrize("value", ["Mine clearance completed", "Déminage terminé — Genève", "إزالة الألغام",
                                   "With\ta tab", "Equals = and ? marks", ""])
def test_the_rule_keeps_ordinary_text(value):
    assert single_line_problem(value) is None


def test_multiline_text_keeps_the_crlf_a_textarea_sends_but_not_other_controls():
    assert control_problem("First line\r\nSecond line\n\tindented", multiline=True) is None
    assert control_problem("nul\x00inside", multiline=True)
    assert control_problem("vertical\x0btab", multiline=True)


@pytest.mark.parametrize("field", ["headline", "subheadline", "dateline", "quote-0-speaker"])
def test_the_release_editor_refuses_a_line_break_and_writes_nothing(client, auth_actions, runtime, world, field):
    auth_actions.as_officer()
    response = post(client, "/staff/releases/new", form(world, **{field: "Mine clearance\r\nBcc: a@evil.example"}))
    assert response.status_code == 422 and "contains line breaks or control characters" in text(response)
    assert release_count(runtime) == 0


def test_a_caption_with_a_line_break_is_refused_and_makes_no_revision(client, setup, auth_actions,  # noqa: F811
                                                                       runtime):
    release = create(client, setup)
    auth_actions.as_officer()
    refused = upload(client, release["id"], "photo", PNG, "plenary.png", "Delegates\r\nBcc: a@evil.example")
    assert refused.status_code == 303
    page = text(client.get(refused.headers["Location"]))
    assert "the caption must be one line" in page
    assert load(runtime, release["id"])["revision"] == 1


def test_meeting_titles_and_staff_names_refuse_line_breaks(client, token_for):
    officer, admin = bearer(token_for("officer")), bearer(token_for("admin"))
    meeting = client.post("/api/v1/meetings", json={**MEETING, "title": "22MSP\nBcc: a@evil.example"},
                          headers=officer)
    assert meeting.status_code == 422 and "line breaks" in meeting.get_json()["error"]["message"]
    made = client.post("/api/v1/meetings", json=MEETING, headers=officer).get_json()
    patched = client.patch(f"/api/v1/meetings/{made['id']}", json={"venue": "CICG\r\nGeneva"}, headers=officer)
    assert patched.status_code == 422
    user = client.post("/api/v1/users", json={"email": "new@example.org", "role": "approver",
                                              "name": "New\r\nBcc: a@evil.example"}, headers=admin)
    assert user.status_code == 422 and "line breaks" in user.get_json()["error"]["message"]
