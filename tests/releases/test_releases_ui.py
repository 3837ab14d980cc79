"""The staff release pages: the editor (validation, embargo in the meeting's zone, live and
server-side preview, sanitised), submitting for approval with emailed links, approving from
the staff page (never the author), publishing and scheduling, clearing approval on edit,
the word diff between revisions, retraction, translations, boilerplate, roles and CSRF."""

import datetime as dt
import email
import re
from html import unescape
from zoneinfo import ZoneInfo

from sqlalchemy import select

from comms.accounts import users as auth
from comms.meetings import service as meetings
from comms.releases import service as releases
from comms.accounts.approvals import ApprovalRequest
from comms.releases.service import Release
from storage.db import utcnow

from support.release_pages import BODY, form, html, load, post, release_count, text, world  # noqa: F401 (world: a fixture)

ZURICH = ZoneInfo("Europe/Zurich")


def flashes(response) -> list[str]:
    return [unescape(m) for m in re.findall(r'<p class="flash flash-\w+" role="status">([^<]*)</p>', html(response))]


def outbox(runtime) -> list:
    runtime.queue.join()
    folder = runtime.config.outbox_path
    return [email.message_from_bytes(p.read_bytes()) for p in sorted(folder.glob("*.eml"))] if folder.exists() else []


def text_part(message) -> str:
    return next(p for p in message.walk() if p.get_content_type() == "text/plain").get_payload(decode=True).decode()


def create(client, world=None, **extra) -> int:
    response = post(client, "/staff/releases/new", form(world, **extra))
    assert response.status_code == 303, text(response)
    return int(re.search(r"/staff/releases/(\d+)$", response.headers["Location"]).group(1))


def submit(client, release_id, approver_ids, policy="any"):
    return post(client, f"/staff/releases/{release_id}/submit", {"approver_ids": approver_ids, "policy": policy})


def decide(client, release_id, revision, decision="approved", comment=""):
    return post(client, f"/staff/releases/{release_id}/decide",
                {"revision": str(revision), "decision": decision, "comment": comment})


def refused_page(client, response, anchor: str) -> str:
    """A refused action on a release's page: a 303 back to that page (so a reload never posts again);
    the text of the page it leads to, which says why."""
    assert response.status_code == 303 and response.headers["Location"].endswith(anchor), response.status_code
    return text(client.get(response.headers["Location"]))


def approved_release(client, auth_actions, users, world, **extra) -> int:
    """A release drafted by the officer and approved by the approver; the officer is signed in again."""
    auth_actions.as_officer()
    release_id = create(client, world, **extra)
    assert submit(client, release_id, [str(users["approver"].id)]).status_code == 303
    auth_actions.logout()
    auth_actions.as_approver()
    assert decide(client, release_id, 1).status_code == 303
    auth_actions.logout()
    auth_actions.as_officer()
    return release_id


# --- the editor --------------------------------------------------------------------------------------------------

def test_officer_creates_a_release_through_the_editor(client, auth_actions, runtime, world):
    auth_actions.as_officer()
    page = client.get("/staff/releases/new")
    assert page.status_code == 200
    body = html(page)
    assert '<script src="/static/preview.js" defer></script>' in body and "<script>" not in body
    assert 'data-preview-url="/staff/releases/preview"' in body and 'name="csrf_token"' in body
    assert 'type="datetime-local" name="embargo_until"' in body and 'value="mine-clearance"' in body

    response = post(client, "/staff/releases/new", form(world), follow_redirects=True)
    assert response.status_code == 200
    assert flashes(response) == ["Saved the draft “Mine clearance completed in three more States” (revision 1)."]
    page = text(response)
    assert "Mine clearance completed in three more States" in page and "Draft" in page
    assert "<strong>declared</strong>" in html(response) and "This is a great day for the Convention." in page
    [release_id] = re.findall(r"/staff/releases/(\d+)/edit", html(response))
    saved = load(runtime, int(release_id))
    assert saved["status"] == "draft" and saved["revision"] == 1 and saved["meeting_id"] == world["meeting_id"]
    assert saved["content"]["quotes"] == [{"text": "This is a great day for the Convention.",
                                           "speaker": "The President"}]
    assert saved["content"]["topics"] == ["mine-clearance"] and saved["slug"].startswith("mine-clearance-completed")

    listing = client.get("/staff/releases")
    assert listing.status_code == 200 and "Mine clearance completed in three more States" in text(listing)
    assert 'href="/staff/releases/new"' in html(listing)
    assert "Mine clearance" in text(client.get("/staff/releases?status=draft&language=en"))
    assert "Mine clearance" not in text(client.get("/staff/releases?status=published"))
    assert "Mine clearance" not in text(client.get("/staff/releases?language=fr"))
    assert "Mine clearance" in text(client.get(f"/staff/releases?meeting={world['meeting_id']}"))


def test_validation_errors_are_shown_and_nothing_is_written(client, auth_actions, runtime, world):
    auth_actions.as_officer()
    response = post(client, "/staff/releases/new", form(world, headline="   "))
    assert response.status_code == 422
    assert "Some fields are not valid (headline: required)" in flashes(response)
    assert 'id="headline-error">required<' in html(response)
    assert BODY in text(response)  # what was typed is kept
    too_long = post(client, "/staff/releases/new", form(world, headline="x" * 201))
    # Refused with a message, never cut: the field has no maxlength that would shorten a paste silently.
    assert too_long.status_code == 422 and "longer than 200 characters (it has 201): shorten it" in text(too_long)
    assert 'value="' + "x" * 201 + '"' in html(too_long) and 'maxlength' not in html(too_long).split('name="headline"')[1][:200]
    unknown = post(client, "/staff/releases/new", form(world, topics=["no-such-topic"]))
    assert unknown.status_code == 422 and "unknown topic" in text(unknown)
    meeting = post(client, "/staff/releases/new", form(world, meeting_id="999999"))
    assert meeting.status_code == 422 and "meeting: unknown meeting" in text(meeting)
    junk_time = post(client, "/staff/releases/new", form(world, embargo_until="soon"))
    assert junk_time.status_code == 422 and "embargo: use the form YYYY-MM-DD HH:MM" in text(junk_time)
    assert release_count(runtime) == 0


def test_the_editor_reports_every_problem_at_once(client, auth_actions, runtime, world):
    auth_actions.as_officer()
    response = post(client, "/staff/releases/new", form(world, headline="x" * 250, dateline="y" * 121,
                                                        topics=["no-such-topic"], meeting_id="999999",
                                                        embargo_until="soon", approval_policy="some"))
    assert response.status_code == 422
    [message] = flashes(response)
    for problem in ("headline: longer than 200 characters", "dateline: longer than 120 characters",
                    "topics: unknown topic", "meeting: unknown meeting", "embargo: use the form",
                    "approval policy: any or all"):
        assert problem in message
    page = html(response)
    for field in ("headline", "dateline", "topics", "embargo_until"):
        assert f'id="{field}-error"' in page
    assert release_count(runtime) == 0


def test_the_editor_never_grows_empty_quote_rows(client, auth_actions, runtime, world):
    auth_actions.as_officer()
    data = form(world, headline="")
    for _round in range(3):  # refused (no headline) three times, each time posting back every row shown
        response = post(client, "/staff/releases/new", data)
        assert response.status_code == 422
        page = html(response)
        rows = re.findall(r'name="quote-(\d+)-text"', page)
        assert len(rows) == 3  # the one filled quote and two empty rows to add more
        data = {**form(world, headline=""), **{f"quote-{i}-text": "" for i in rows},
                **{f"quote-{i}-speaker": "" for i in rows}, "quote-0-text": "This is a great day for the Convention.",
                "quote-0-speaker": "The President"}
    preview = post(client, "/staff/releases/new", {**data, "action": "preview"})
    assert len(re.findall(r'name="quote-(\d+)-text"', html(preview))) == 3


def test_an_over_long_quote_is_refused_not_cut(client, auth_actions, runtime, world):
    auth_actions.as_officer()
    response = post(client, "/staff/releases/new", form(world, **{"quote-0-text": "q" * 3001}))
    assert response.status_code == 422 and "quote 1 is too long (at most 3000 characters" in text(response)
    assert release_count(runtime) == 0


def test_embargo_in_the_past_is_refused_with_400_and_writes_nothing(client, auth_actions, runtime, world):
    auth_actions.as_officer()
    past = (utcnow() - dt.timedelta(hours=2)).astimezone(ZURICH).strftime("%Y-%m-%dT%H:%M")
    response = post(client, "/staff/releases/new", form(world, embargo_until=past))
    assert response.status_code == 400
    assert "The embargo is in the past (embargo: must be in the future)" in flashes(response)
    assert 'id="embargo_until-error">must be in the future<' in html(response)
    assert release_count(runtime) == 0


def test_embargo_is_entered_in_the_meetings_time_zone(client, auth_actions, runtime, world):
    auth_actions.as_officer()
    release_id = create(client, world, embargo_until="2030-06-03T10:00")
    assert load(runtime, release_id)["embargo"] == dt.datetime(2030, 6, 3, 8, 0, tzinfo=dt.timezone.utc)
    page = text(client.get(f"/staff/releases/{release_id}"))
    # Staff read one zone (issue 15); the journalists' embargo line in the previews keeps UTC beside it.
    assert "<dt>Embargo</dt><dd>3 June 2030, 10:00 CEST</dd>" in html(client.get(f"/staff/releases/{release_id}"))
    assert "3 June 2030, 10:00 CEST (08:00 UTC)" in page
    editor = html(client.get(f"/staff/releases/{release_id}/edit"))
    assert 'value="2030-06-03T10:00"' in editor and "Europe/Zurich" in editor
    # Without a meeting the time is the office's, Geneva's.
    other = create(client, None, headline="Without a meeting", embargo_until="2030-06-03T10:00")
    assert load(runtime, other)["embargo"] == dt.datetime(2030, 6, 3, 8, 0, tzinfo=dt.timezone.utc)
    assert "<dt>Embargo</dt><dd>3 June 2030, 10:00 CEST</dd>" in html(client.get(f"/staff/releases/{other}"))


XSS_BODY = ("Hello <img src=x onerror=alert(1)> and [click](javascript:alert(1)) "
            "<svg><script>alert(2)</script></svg> and [ok](https://example.org/a)")


def test_preview_endpoint_returns_sanitised_html(client, auth_actions, runtime, world):
    auth_actions.as_officer()
    response = post(client, "/staff/releases/preview", form(
        world, headline="<script>alert(3)</script>Headline", body_markdown=XSS_BODY,
        notes_to_editors="[x](javascript:alert(4)) <img src=x onerror=alert(5)>",
        **{"quote-0-text": "<svg onload=alert(6)>"}))
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert response.headers["Cache-Control"] == "private, no-store"
    body = html(response)
    for tag in ("<img", "<svg", "<script"):
        assert tag not in body.lower()
    assert 'href="javascript:' not in body and "href='javascript:" not in body
    assert not re.search(r"<[^>]+\son\w+=", body)  # no event handler attribute on any tag
    assert '<a href="https://example.org/a" rel="noopener noreferrer">ok</a>' in body
    assert "&lt;script&gt;alert(3)&lt;/script&gt;Headline" in body  # the headline is text
    assert "About the Convention" in body  # the boilerplate, as on the public page
    assert release_count(runtime) == 0


def test_preview_shows_the_embargo_and_tolerates_an_unfinished_form(client, auth_actions, world):
    auth_actions.as_officer()
    response = post(client, "/staff/releases/preview", form(world, headline="", body_markdown="Draft *text*",
                                                            embargo_until="2030-06-03T10:00",
                                                            topics=["no-such-topic"]))
    assert response.status_code == 200
    assert "No headline yet" in text(response) and "<em>text</em>" in html(response)
    assert "Embargoed until 3 June 2030, 10:00 CEST" in text(response)


def test_preview_button_works_without_javascript(client, auth_actions, runtime, world):
    auth_actions.as_officer()
    response = post(client, "/staff/releases/new", form(world, action="preview", body_markdown="A **bold** move"))
    assert response.status_code == 200
    preview = html(response).split('id="preview-body"')[1]
    assert "A <strong>bold</strong> move" in preview
    assert "A **bold** move" in html(response)  # the editor keeps the Markdown
    assert release_count(runtime) == 0


# --- approval ----------------------------------------------------------------------------------------------------

def test_submit_emails_the_approvers_a_signed_link(client, auth_actions, runtime, users, world):
    auth_actions.as_officer()
    release_id = create(client, world)
    page = text(client.get(f"/staff/releases/{release_id}"))
    assert "Submit revision 1 for approval" in page and "office holder" in page
    assert re.search(rf'name="approver_ids" value="{users["approver"].id}" checked', html(
        client.get(f"/staff/releases/{release_id}")))  # the meeting's President is ticked by default
    nobody = submit(client, release_id, [])
    # A refusal goes back to the release's page (303): a reload there never posts again.
    assert nobody.status_code == 303 and nobody.headers["Location"].endswith(f"/staff/releases/{release_id}#approval")
    assert "choose at least one approver" in " ".join(flashes(client.get(nobody.headers["Location"]))).lower()
    assert load(runtime, release_id)["status"] == "draft"
    response = submit(client, release_id, [str(users["approver"].id)], policy="all")
    assert response.status_code == 303
    followed = client.get(response.headers["Location"])
    assert flashes(followed) == ["Revision 1 is submitted for approval; Approver Person has been emailed a link."]
    assert "In review" in text(followed) and "pending" in text(followed)
    [message] = outbox(runtime)
    assert message["To"] == "Approver Person <approver@example.org>"
    link = re.search(r"http://\S+/approve/\S+", text_part(message)).group(0)
    assert client.get(link.replace("http://localhost", "")).status_code == 200
    saved = load(runtime, release_id)
    assert saved["status"] == "in_review" and saved["policy"] == "all"
    again = submit(client, release_id, [str(users["approver"].id)])
    assert "Only a draft can be submitted (this one is in_review)" in refused_page(client, again, "#approval")


def test_an_approver_approves_from_the_staff_page_and_the_author_cannot(client, auth_actions, runtime, users,
                                                                          world):
    with runtime.db.transaction() as session:
        auth.create_user(session, "cochair@example.org", "approver", name="Co Chair", password="correct-horse-battery")
    auth_actions.as_admin()  # an admin holds every role, approver included, but never approves their own release
    release_id = create(client, world)
    assert submit(client, release_id, [str(users["approver"].id)]).status_code == 303
    own = decide(client, release_id, 1)
    assert own.status_code == 403 and "Nobody approves a release they wrote." in text(own)
    assert "Approve revision 1" not in text(client.get(f"/staff/releases/{release_id}"))
    auth_actions.logout()

    auth_actions.login("cochair@example.org")  # an approver who was not asked
    assert "Approve revision 1" not in text(client.get(f"/staff/releases/{release_id}"))
    assert decide(client, release_id, 1).status_code == 403
    auth_actions.logout()

    auth_actions.as_approver()
    page = html(client.get(f"/staff/releases/{release_id}"))
    assert "Approve revision 1" in page and "Three States Parties <strong>declared</strong> completion" in page
    stale = decide(client, release_id, 0)
    assert "no longer current" in refused_page(client, stale, "#approval")
    no_comment = decide(client, release_id, 1, "changes_requested", "")
    assert "Say what should change" in refused_page(client, no_comment, "#approval")
    assert load(runtime, release_id)["status"] == "in_review"
    response = decide(client, release_id, 1)
    assert response.status_code == 303
    followed = client.get(response.headers["Location"])
    assert flashes(followed) == ["You approved revision 1. It is ready to publish. The press office has been told."]
    saved = load(runtime, release_id)
    assert saved["status"] == "approved" and saved["approved"] == 1
    assert "via staff" in text(followed) and "approval.approved" in text(followed)
    assert "not waiting for approval any more" in refused_page(client, decide(client, release_id, 1), "#approval")


def test_a_late_decision_cannot_move_an_approved_release(client, auth_actions, runtime, users, world):
    with runtime.db.transaction() as session:
        auth.create_user(session, "cochair@example.org", "approver", name="Co Chair", password="correct-horse-battery")
        second_id = session.scalar(select(auth.User.id).where(auth.User.email == "cochair@example.org"))
    auth_actions.as_officer()
    release_id = create(client, world)
    assert submit(client, release_id, [str(users["approver"].id), str(second_id)]).status_code == 303
    auth_actions.logout()
    auth_actions.as_approver()
    assert decide(client, release_id, 1).status_code == 303  # "any": one approval is enough
    auth_actions.logout()
    auth_actions.login("cochair@example.org")
    assert "Approve revision 1" not in text(client.get(f"/staff/releases/{release_id}"))
    late = decide(client, release_id, 1, "changes_requested", "Too late?")
    assert "not waiting for approval any more (it is approved)" in refused_page(client, late, "#approval")
    assert load(runtime, release_id)["status"] == "approved"


def test_an_approver_requests_changes(client, auth_actions, runtime, users, world):
    auth_actions.as_officer()
    release_id = create(client, world)
    submit(client, release_id, [str(users["approver"].id)])
    auth_actions.logout()
    auth_actions.as_approver()
    response = decide(client, release_id, 1, "changes_requested", "Name the three States.")
    assert response.status_code == 303
    assert load(runtime, release_id)["status"] == "draft"
    auth_actions.logout()
    auth_actions.as_officer()
    page = text(client.get(f"/staff/releases/{release_id}"))
    assert "changes requested" in page and "Name the three States." in page


# --- publication -------------------------------------------------------------------------------------------------

def test_publish_now_asks_for_confirmation_first(client, auth_actions, runtime, users, world):
    release_id = approved_release(client, auth_actions, users, world)
    page = html(client.get(f"/staff/releases/{release_id}"))
    # With JavaScript the button asks (static/confirm.js reads data-confirm) ...
    assert re.search(r'<button type="submit" name="when" value="now" class="primary" data-confirm="Publish “Mine clearance '
                     r'completed in three more States” now\? It goes public at once', page)
    assert "confirm.js" in page and 'name="confirmed" value=""' in page
    # ... and without it, an unconfirmed "Publish now" publishes nothing: the page asks instead.
    unconfirmed = post(client, f"/staff/releases/{release_id}/publish", {"when": "now"})
    assert unconfirmed.status_code == 303 and unconfirmed.headers["Location"].endswith("?confirm=publish#publication")
    assert load(runtime, release_id)["status"] == "approved"
    asking = html(client.get(unconfirmed.headers["Location"]))
    assert 'class="stack confirm-publish" role="alertdialog"' in asking and ">Yes, publish now</button>" in asking
    confirmed = post(client, f"/staff/releases/{release_id}/publish", {"when": "now", "confirmed": "yes"})
    assert confirmed.status_code == 303 and load(runtime, release_id)["status"] == "published"
    assert "confirm-publish" not in html(client.get(f"/staff/releases/{release_id}?confirm=publish"))


def test_publish_now_makes_it_visible_on_the_newsroom(client, auth_actions, runtime, users, world):
    release_id = approved_release(client, auth_actions, users, world)
    assert "Mine clearance completed" not in text(client.get("/news/"))
    response = post(client, f"/staff/releases/{release_id}/publish", {"when": "now", "confirmed": "yes"})
    assert response.status_code == 303
    followed = client.get(response.headers["Location"])
    saved = load(runtime, release_id)
    public = f"http://localhost/news/{saved['slug']}?lang=en"
    assert flashes(followed) == [f"Published. The release is public at {public}"]
    assert f'href="{public}" class="public-url"' in html(followed)
    assert saved["status"] == "published" and saved["published"] == 1
    auth_actions.logout()
    assert "Mine clearance completed in three more States" in text(client.get("/news/"))
    assert client.get(f"/news/{saved['slug']}?lang=en").status_code == 200


def test_publishing_needs_approval(client, auth_actions, runtime, world):
    auth_actions.as_officer()
    release_id = create(client, world)
    response = post(client, f"/staff/releases/{release_id}/publish", {"when": "now", "confirmed": "yes"})
    assert response.status_code == 303
    assert "The current revision is not approved" in flashes(client.get(response.headers["Location"]))
    assert load(runtime, release_id)["status"] == "draft"


def test_embargo_schedules_and_unschedule_returns_to_approved(client, auth_actions, runtime, users, world):
    future = (utcnow() + dt.timedelta(days=30)).astimezone(ZURICH).replace(second=0, microsecond=0)
    release_id = approved_release(client, auth_actions, users, world,
                                  embargo_until=future.strftime("%Y-%m-%dT%H:%M"))
    page = text(client.get(f"/staff/releases/{release_id}"))
    assert "Publish when the embargo lifts" in page
    response = post(client, f"/staff/releases/{release_id}/publish", {"when": "now", "confirmed": "yes"})
    assert response.status_code == 303
    assert "becomes public when its embargo lifts" in flashes(client.get(response.headers["Location"]))[0]
    saved = load(runtime, release_id)
    assert saved["status"] == "scheduled" and saved["publish_at"] == future.astimezone(dt.timezone.utc)
    assert "Mine clearance completed" not in text(client.get("/news/"))
    assert post(client, f"/staff/releases/{release_id}/unschedule").status_code == 303
    assert load(runtime, release_id)["status"] == "approved"
    # publish at a time in the past is refused; a later time schedules
    past = (utcnow() - dt.timedelta(days=1)).astimezone(ZURICH).strftime("%Y-%m-%dT%H:%M")
    refused = post(client, f"/staff/releases/{release_id}/publish", {"when": "at", "at": past})
    assert refused.status_code == 303 and refused.headers["Location"].endswith("#publication")
    again = client.get(refused.headers["Location"])
    assert "The publication time is in the past" in text(again) and f'value="{past}"' in html(again)  # kept
    assert f'value="{past}"' not in html(client.get(refused.headers["Location"]))  # for one GET only
    missing = post(client, f"/staff/releases/{release_id}/publish", {"when": "at", "at": ""})
    assert missing.status_code == 303 and "Choose when to publish" in text(client.get(missing.headers["Location"]))
    later = (future + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    assert post(client, f"/staff/releases/{release_id}/publish", {"when": "at", "at": later}).status_code == 303
    assert load(runtime, release_id)["publish_at"] == (future + dt.timedelta(days=2)).astimezone(dt.timezone.utc)


def test_editing_after_approval_clears_it(client, auth_actions, runtime, users, world):
    release_id = approved_release(client, auth_actions, users, world)
    editor = html(client.get(f"/staff/releases/{release_id}/edit"))
    assert "clears the approval" in editor and "Mine clearance completed" in editor
    response = post(client, f"/staff/releases/{release_id}/edit",
                    form(world, body_markdown="Four States Parties **declared** completion of mine clearance."))
    assert response.status_code == 303
    followed = client.get(response.headers["Location"])
    assert flashes(followed) == ["Saved revision 2. The earlier approval no longer applies: submit this revision "
                                 "for approval."]
    saved = load(runtime, release_id)
    assert (saved["status"], saved["revision"], saved["approved"]) == ("draft", 2, None)
    refused = post(client, f"/staff/releases/{release_id}/publish", {"when": "now", "confirmed": "yes"})
    assert refused.status_code == 303 and load(runtime, release_id)["status"] == "draft"
    with runtime.db.transaction() as session:
        statuses = {r.version: r.status for r in session.scalars(select(ApprovalRequest))}
    assert statuses == {1: "approved"}
    # Saving the same text again makes no revision.
    same = post(client, f"/staff/releases/{release_id}/edit",
                form(world, body_markdown="Four States Parties **declared** completion of mine clearance."))
    assert flashes(client.get(same.headers["Location"])) == ["The text did not change; other settings are saved."]
    assert load(runtime, release_id)["revision"] == 2


def test_diff_between_two_revisions_marks_words(client, auth_actions, runtime, world):
    auth_actions.as_officer()
    release_id = create(client, world)
    post(client, f"/staff/releases/{release_id}/edit",
         form(world, body_markdown="Four States Parties **declared** completion of all mine clearance.",
              subheadline="A milestone"))
    page = html(client.get(f"/staff/releases/{release_id}"))
    assert f"/staff/releases/{release_id}/diff?from=1&amp;to=2" in page
    diff = client.get(f"/staff/releases/{release_id}/diff?from=1&to=2")
    assert diff.status_code == 200
    body = html(diff)
    assert "<del>Three</del><ins>Four</ins>" in body and "<ins>all </ins>" in body
    assert "Revision 1 → 2" in text(diff) and "+2 / −1 words" in text(diff)
    assert client.get(f"/staff/releases/{release_id}/diff?from=1&to=9").status_code == 404
    # A diff never lets Markdown or HTML through as markup.
    post(client, f"/staff/releases/{release_id}/edit", form(world, body_markdown="<script>alert(1)</script>"))
    body = html(client.get(f"/staff/releases/{release_id}/diff?from=2&to=3"))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;</ins>" in body and "<script>alert" not in body


def test_retract_needs_a_note_and_removes_it_from_the_newsroom(client, auth_actions, runtime, users, world):
    release_id = approved_release(client, auth_actions, users, world)
    post(client, f"/staff/releases/{release_id}/publish", {"when": "now", "confirmed": "yes"})
    missing = post(client, f"/staff/releases/{release_id}/retract", {"note": "  "})
    assert missing.status_code == 303
    assert "Say why the release is retracted" in text(client.get(missing.headers["Location"]))
    assert load(runtime, release_id)["status"] == "published"
    response = post(client, f"/staff/releases/{release_id}/retract", {"note": "Figures were wrong."})
    assert response.status_code == 303
    page = text(client.get(response.headers["Location"]))
    assert "Retracted" in page and "Figures were wrong." in page
    assert load(runtime, release_id)["status"] == "retracted"
    assert "Mine clearance completed" not in text(client.get("/news/"))
    edit = post(client, f"/staff/releases/{release_id}/edit", form(world, body_markdown="New"))
    assert edit.status_code == 409 and "cannot be edited" in text(edit)


def test_translate_into_french(client, auth_actions, runtime, world):
    auth_actions.as_officer()
    release_id = create(client, world)
    page = html(client.get(f"/staff/releases/{release_id}"))
    link = f"/staff/releases/new?translation_of={release_id}&amp;language=fr"
    assert link in page and "Translate into FR" in page and "Translate into ES" in page
    editor = client.get(link.replace("&amp;", "&"))
    assert editor.status_code == 200 and "Translate into Français" in text(editor)
    assert "Mine clearance completed in three more States" in text(editor)  # the original's text to replace
    response = post(client, "/staff/releases/new", form(world, headline="Déminage achevé dans trois États",
                                                        language="fr", translation_of=str(release_id)))
    assert response.status_code == 303
    french_id = int(response.headers["Location"].rsplit("/", 1)[1])
    saved = load(runtime, french_id)
    assert saved["translation_of"] == release_id and saved["language"] == "fr"
    assert saved["slug"] == load(runtime, release_id)["slug"]
    again = post(client, "/staff/releases/new", form(world, language="fr", translation_of=str(release_id)))
    assert again.status_code == 409 and "already a fr version" in text(again)
    page = text(client.get(f"/staff/releases/{release_id}"))
    assert "Déminage achevé dans trois États" in page and "Translate into FR" not in page
    assert client.get("/staff/releases/new?translation_of=99999&language=fr").status_code == 404


# --- boilerplate, roles, CSRF ------------------------------------------------------------------------------------

def test_admin_edits_the_boilerplate(client, auth_actions, runtime):
    auth_actions.as_officer()
    page = client.get("/staff/boilerplate")
    assert page.status_code == 200 and "Only administrators change it." in text(page)
    assert 'name="text"' not in html(page)
    assert post(client, "/staff/boilerplate", {"language": "fr", "text": "Texte"}).status_code == 403
    auth_actions.logout()
    auth_actions.as_admin()
    response = post(client, "/staff/boilerplate", {"language": "fr", "text": "La Convention interdit les mines."})
    assert response.status_code == 303 and response.headers["Location"].endswith("#boilerplate-fr")
    assert flashes(client.get(response.headers["Location"])) == ["Saved the FR paragraph about the Convention."]
    with runtime.db.transaction() as session:
        assert releases.boilerplate(session, "fr") == "La Convention interdit les mines."
    empty = post(client, "/staff/boilerplate", {"language": "fr", "text": " "})
    assert empty.status_code == 422 and "Write the paragraph" in text(empty)
    unknown = post(client, "/staff/boilerplate", {"language": "xx", "text": "Text"})
    assert unknown.status_code == 422
    assert "boilerplate.update" in text(client.get("/staff/audit?object_type=boilerplate"))


def test_viewers_read_but_every_post_is_403(client, auth_actions, runtime, users, world):
    auth_actions.as_officer()
    release_id = create(client, world)
    auth_actions.logout()
    auth_actions.as_viewer()
    assert client.get("/staff/releases").status_code == 200
    page = client.get(f"/staff/releases/{release_id}")
    assert page.status_code == 200 and "Submit revision" not in text(page) and "Edit</a>" not in html(page)
    assert 'href="/staff/releases/new"' not in html(client.get("/staff/releases"))
    assert client.get("/staff/releases/new").status_code == 403
    assert client.get(f"/staff/releases/{release_id}/edit").status_code == 403
    assert client.get(f"/staff/releases/{release_id}/diff").status_code == 200  # readers compare revisions
    for url, data in [("/staff/releases/new", form(world)), ("/staff/releases/preview", form(world)),
                      (f"/staff/releases/{release_id}/edit", form(world)),
                      (f"/staff/releases/{release_id}/submit", {"approver_ids": [str(users["approver"].id)]}),
                      (f"/staff/releases/{release_id}/decide", {"revision": "1", "decision": "approved"}),
                      (f"/staff/releases/{release_id}/publish", {"when": "now", "confirmed": "yes"}),
                      (f"/staff/releases/{release_id}/unschedule", {}),
                      (f"/staff/releases/{release_id}/retract", {"note": "x"}),
                      ("/staff/boilerplate", {"language": "en", "text": "x"})]:
        assert post(client, url, data).status_code == 403, url
    assert load(runtime, release_id)["status"] == "draft"
    auth_actions.logout()
    assert client.get("/staff/releases").status_code == 302  # to the login page


def test_posts_without_a_csrf_token_are_refused(client, auth_actions, runtime, users, world):
    auth_actions.as_officer()
    release_id = create(client, world)
    for url, data in [("/staff/releases/new", form(world)), ("/staff/releases/preview", form(world)),
                      (f"/staff/releases/{release_id}/edit", form(world, headline="Changed")),
                      (f"/staff/releases/{release_id}/submit", {"approver_ids": [str(users["approver"].id)]}),
                      (f"/staff/releases/{release_id}/publish", {"when": "now", "confirmed": "yes"})]:
        response = client.post(url, data=data)
        assert response.status_code == 400, url
        assert "This form has expired" in text(response)
    assert release_count(runtime) == 1 and load(runtime, release_id)["revision"] == 1
    assert outbox(runtime) == []


def test_unknown_release_is_404(client, auth_actions):
    auth_actions.as_officer()
    assert client.get("/staff/releases/424242").status_code == 404
    assert client.get("/staff/releases/424242/edit").status_code == 404
    assert post(client, "/staff/releases/424242/publish", {"when": "now", "confirmed": "yes"}).status_code == 404
