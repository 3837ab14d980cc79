"""Approvals close the loop (issue 15 §2): a decision by link or in the app reaches the author,
the submitter and the followers by email and on their dashboards; the approval page says the
press office was told only when it was; panels for approvers and officers; statuses as read;
a used link says who decided and when; the approval page shows what changed since the version
the approver last saw; the approval email keeps lists, cuts at a word, names the language and
gives times in one zone; strategies ask the President again on change; the approver's navigation."""

import re

from sqlalchemy import select

from comms.accounts import users as auth
from comms.accounts.approvals import ApprovalRequest
from comms.rendering.emails import preview_blocks
from comms.rendering.labels import staff_time
from storage.db import utcnow

from support.approval_loop import create, decide, flashes, html_part, link_in, outbox, submit, text_part, to
from support.release_pages import form, html, post, text, world  # noqa: F401 (world: a fixture)

LIST_BODY = ("Delegations agreed three steps:\n\n- finish clearance by 2030\n- report every year\n"
             "- help survivors\n\n" + "More words follow here " * 30)


def _second_officer(runtime) -> int:
    with runtime.db.transaction() as session:
        return auth.create_user(session, "desk@example.org", "officer", name="Desk Officer",
                                password="correct-horse-battery").id


def _submitted(client, auth_actions, users, world, **extra) -> int:
    auth_actions.as_officer()
    release_id = create(client, world, **extra)
    assert submit(client, release_id, [str(users["approver"].id)]).status_code == 303
    auth_actions.logout()
    return release_id


def test_approval_by_link_emails_author_and_followers_and_the_page_says_so(client, auth_actions, runtime, users,
                                                                          world):
    _second_officer(runtime)
    auth_actions.as_officer()
    release_id = create(client, world)
    auth_actions.logout()
    auth_actions.login("desk@example.org", "correct-horse-battery")
    followed = client.get(client_post_follow(client, release_id).headers["Location"])
    assert "You follow this release" in flashes(followed)[0]
    assert "Officer Person, Desk Officer" in text(followed)  # the decisions reach both
    assert submit(client, release_id, [str(users["approver"].id)]).status_code == 303
    auth_actions.logout()
    [request_mail] = to(outbox(runtime), "approver@example.org")
    done = client.post(link_in(request_mail), data={"decision": "approved", "csrf_token": _csrf(client,
                                                                                                 link_in(request_mail))})
    assert done.status_code == 200 and "The press office has been told." in text(done)
    decisions = to(outbox(runtime), "", "Approved: ")
    assert sorted(m["To"] for m in decisions) == ["Desk Officer <desk@example.org>",
                                                  "Officer Person <officer@example.org>"]
    body = text_part(decisions[0])
    assert "Approver Person approved the press release in English on " in body
    assert re.search(r"on \d{1,2} \w+ 20\d\d, \d\d:\d\d CET", body) and "UTC" not in body
    assert "ready to publish" in body and f"/staff/releases/{release_id}" in body


def client_post_follow(client, release_id):
    return post(client, f"/staff/releases/{release_id}/follow", {"follow": "yes"})


def _csrf(client, path) -> str:
    return html(client.get(path)).split('name="csrf_token" value="')[1].split('"')[0]


def test_the_page_does_not_claim_the_office_was_told_when_nobody_could_be(client, auth_actions, runtime, users,
                                                                          world):
    release_id = _submitted(client, auth_actions, users, world)
    with runtime.db.transaction() as session:
        session.get(auth.User, users["officer"].id).active = False  # the only person who would hear
    [request_mail] = to(outbox(runtime), "approver@example.org")
    path = link_in(request_mail)
    done = client.post(path, data={"decision": "approved", "csrf_token": _csrf(client, path)})
    assert done.status_code == 200
    assert "has been told" not in text(done) and "could not be emailed" in text(done)
    assert to(outbox(runtime), "", "Approved: ") == []
    assert release_id


def test_changes_requested_in_the_app_reach_the_author_dashboard_and_list(client, auth_actions, runtime, users,
                                                                          world):
    release_id = _submitted(client, auth_actions, users, world)
    auth_actions.as_approver()
    response = decide(client, release_id, 1, "changes_requested", "Name the three States.\nAnd the year.")
    assert response.status_code == 303
    assert flashes(client.get(response.headers["Location"])) == [
        "You asked for changes; the release is back with its author. The press office has been told."]
    auth_actions.logout()
    [mail] = to(outbox(runtime), "officer@example.org", "Changes requested: ")
    body = text_part(mail)
    assert "Approver Person asked for changes to the press release in English" in body
    assert "  Name the three States.\n  And the year." in body
    assert "Name the three States." in html_part(mail)

    auth_actions.as_officer()
    dashboard = text(client.get("/staff/"))
    panel = dashboard.split('id="changes-requested"')[1].split("</section>")[0]
    assert "Mine clearance completed in three more States" in panel and "Name the three States." in panel
    assert "Changes requested by Approver Person" in dashboard.split('id="decisions"')[1].split("</section>")[0]
    listing = html(client.get("/staff/releases"))
    assert "status-changes_requested" in listing and "Changes requested" in listing
    # Editing the release answers the request: the status is a plain draft again.
    assert post(client, f"/staff/releases/{release_id}/edit", form(world, headline="Three States named")
                ).status_code == 303
    assert "status-changes_requested" not in html(client.get("/staff/releases"))


def test_panels_for_approvers_and_officers(client, auth_actions, runtime, users, world):
    waiting_id = _submitted(client, auth_actions, users, world)
    ready_id = _submitted(client, auth_actions, users, world, headline="Ready to go out")
    auth_actions.as_approver()
    page = text(client.get("/staff/"))
    mine = page.split('id="waiting-for-me"')[1].split("</section>")[0]
    assert "Mine clearance completed in three more States" in mine and "Ready to go out" in mine
    assert "CET" in mine and "UTC" not in mine
    assert 'id="awaiting-approval"' not in page  # approvers see what waits for them, not the desk
    assert decide(client, ready_id, 1).status_code == 303
    auth_actions.logout()

    auth_actions.as_officer()
    page = text(client.get("/staff/"))
    awaiting = page.split('id="awaiting-approval"')[1].split("</section>")[0]
    ready = page.split('id="approved-not-published"')[1].split("</section>")[0]
    assert "Mine clearance completed" in awaiting and "Ready to go out" not in awaiting
    assert "Ready to go out" in ready and "approved, not yet published" in ready
    assert 'id="waiting-for-me"' not in page
    assert waiting_id


def test_a_published_release_with_a_draft_correction_shows_both(client, auth_actions, runtime, users, world):
    release_id = _submitted(client, auth_actions, users, world)
    auth_actions.as_approver()
    assert decide(client, release_id, 1).status_code == 303
    auth_actions.logout()
    auth_actions.as_officer()
    assert post(client, f"/staff/releases/{release_id}/publish", {"when": "now", "confirmed": "yes"}).status_code == 303
    assert post(client, f"/staff/releases/{release_id}/edit", form(world, headline="Corrected headline")
                ).status_code == 303
    row = html(client.get("/staff/releases")).split("Corrected headline")[1].split("</tr>")[0]
    assert "status-published" in row and "status-correction" in row and "Correction in draft" in row
    page = html(client.get(f"/staff/releases/{release_id}"))
    assert "status-published" in page and "Correction in draft" in page


def test_a_reused_link_says_what_was_decided_by_whom_and_when(client, auth_actions, runtime, users, world):
    _submitted(client, auth_actions, users, world)
    [request_mail] = to(outbox(runtime), "approver@example.org")
    path = link_in(request_mail)
    client.post(path, data={"decision": "changes_requested", "comment": "Shorter, please.",
                            "csrf_token": _csrf(client, path)})
    with runtime.db.transaction() as session:
        decided_at = session.scalar(select(ApprovalRequest.decided_at))
    again = client.get(path)
    assert again.status_code == 410
    page = text(again)
    assert (f"Changes requested (version 1) by Approver Person on {staff_time(decided_at, 'Europe/Zurich')}."
            in page)
    assert "Shorter, please." in page and "UTC" not in page
    head = client.head(path)
    assert head.status_code == 410


def test_the_approval_page_shows_what_changed_since_the_version_last_seen(client, auth_actions, runtime, users,
                                                                         world):
    release_id = _submitted(client, auth_actions, users, world)
    [first] = to(outbox(runtime), "approver@example.org")
    first_page = text(client.get(link_in(first)))
    assert "What changed since" not in first_page  # nothing seen before
    auth_actions.as_approver()
    assert decide(client, release_id, 1, "changes_requested", "Say which States.").status_code == 303
    auth_actions.logout()
    auth_actions.as_officer()
    assert post(client, f"/staff/releases/{release_id}/edit",
                form(world, body_markdown="Angola, Chile and Ukraine **declared** completion of mine clearance.")
                ).status_code == 303
    assert submit(client, release_id, [str(users["approver"].id)]).status_code == 303
    auth_actions.logout()
    second = [m for m in to(outbox(runtime), "approver@example.org") if "version 2" in text_part(m)][0]
    page = html(client.get(link_in(second)))
    section = page.split('class="card diff approval-changes"')[1].split("</section>")[0]
    assert "What changed since version 1, which you last saw" in section
    assert "<ins>Angola, Chile and Ukraine</ins>" in section and "<del>Three States Parties</del>" in section
    assert "Headline" not in section  # unchanged fields are not listed


def test_the_approval_email_keeps_lists_cuts_at_a_word_names_the_language_and_one_zone(client, auth_actions,
                                                                                        runtime, users, world):
    _submitted(client, auth_actions, users, world, body_markdown=LIST_BODY, language="fr",
               headline="Les États parties adoptent un plan")
    [mail] = to(outbox(runtime), "approver@example.org")
    body = text_part(mail)
    assert "approve a press release in French:" in body
    assert "  - finish clearance by 2030\n  - report every year\n  - help survivors\n" in body
    assert "More words follow here More" in body and "…" in body
    cut = body.split("…")[0].rsplit("\n", 1)[-1]
    assert cut.endswith("here") or cut.endswith("More") or cut.endswith("words") or cut.endswith("follow")
    assert re.search(r"until \d{1,2} \w+ 20\d\d, \d\d:\d\d CET\.", body) and "UTC" not in body
    assert "<li>report every year</li>" in html_part(mail)


def test_preview_blocks_keep_lists_and_cut_at_a_word():
    blocks = preview_blocks("Intro *text*.\n\n1. one\n2. two words here\n\nAfter.", limit=25)
    assert blocks == [{"kind": "paragraph", "text": "Intro text."}, {"kind": "item", "text": "one"},
                      {"kind": "item", "text": "two words…"}]
    assert preview_blocks("") == []
    assert preview_blocks("Ελληνικά κείμενα " * 40)[0]["text"].endswith("…")


def test_the_approver_navigation_shows_only_what_an_approver_uses(client, auth_actions, users, world):
    auth_actions.as_approver()
    nav = html(client.get("/staff/")).split('aria-label="Main"')[1].split("</nav>")[0]
    assert "Waiting for me" in nav and "Releases" in nav and "Meetings" in nav
    for hidden in ("Contacts", "Lists", "Following", "API tokens", "People"):
        assert hidden not in nav
    auth_actions.logout()
    auth_actions.as_officer()
    nav = html(client.get("/staff/")).split('aria-label="Main"')[1].split("</nav>")[0]
    assert "Contacts" in nav and "Following" in nav


def test_only_officers_follow_and_the_form_needs_its_token(client, auth_actions, runtime, users, world):
    auth_actions.as_officer()
    release_id = create(client, world)
    auth_actions.logout()
    auth_actions.as_approver()
    assert client_post_follow(client, release_id).status_code == 403
    auth_actions.logout()
    auth_actions.as_officer()
    assert client.post(f"/staff/releases/{release_id}/follow", data={"follow": "yes"}).status_code == 400
    assert client_post_follow(client, release_id).status_code == 303
    assert client_post_follow(client, release_id).status_code == 303  # following twice is following once
    assert post(client, f"/staff/releases/{release_id}/follow", {"follow": "no"}).status_code == 303
    assert client_post_follow(client, 999999).status_code == 404


def test_approval_times_on_the_release_page_are_in_genevas_zone_without_a_meeting(client, auth_actions, runtime,
                                                                                 users):
    auth_actions.as_officer()
    release_id = create(client, None, headline="No meeting for this one")
    assert submit(client, release_id, [str(users["approver"].id)]).status_code == 303
    table = text(client.get(f"/staff/releases/{release_id}")).split('class="requests"')[1].split("</table>")[0]
    assert re.search(r"\d{1,2} \w+ 20\d\d, \d\d:\d\d CES?T", table) and "UTC" not in table


def test_a_huge_comment_is_refused_and_non_latin_names_reach_the_office_intact(client, auth_actions, runtime, users,
                                                                               world):
    with runtime.db.transaction() as session:
        session.get(auth.User, users["approver"].id).name = "سفيرة إيلينا 马尔凯蒂"
    release_id = _submitted(client, auth_actions, users, world)
    [request_mail] = to(outbox(runtime), "approver@example.org")
    path = link_in(request_mail)
    huge = client.post(path, data={"decision": "changes_requested", "comment": "x" * 100_000,
                                   "csrf_token": _csrf(client, path)})
    assert huge.status_code == 422 and "keep the comment under 5,000 characters" in text(huge)
    done = client.post(path, data={"decision": "changes_requested", "comment": "Нужно уточнить цифры.",
                                   "csrf_token": _csrf(client, path)})
    assert done.status_code == 200 and "They have been told what you asked for." in text(done)
    [decision] = to(outbox(runtime), "officer@example.org", "Changes requested: ")
    body = text_part(decision)
    assert "سفيرة إيلينا 马尔凯蒂 asked for changes" in body and "  Нужно уточнить цифры." in body
    assert release_id
