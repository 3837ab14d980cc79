"""Staff pages for a meeting's participants: the table with credentials status, bulk approval (each person
told by email), corrections, issuing the list of participants, and other roles refused."""

from sqlalchemy import select

from comms.meetings.participants import Participant

from support.participants import add, delegation_id, make_meeting, outbox
from support.web import csrf_from


def statuses(runtime):
    with runtime.db.transaction() as session:
        return {p.name: (p.status, p.credentials) for p in session.scalars(select(Participant))}


def test_bulk_approve_credentials_and_issue_the_list(client, runtime, auth_actions, token_for):
    officer = token_for("officer")
    meeting = make_meeting(client, officer)
    chile, peru = delegation_id(runtime, "CL"), delegation_id(runtime, "PE")
    ana = add(client, officer, meeting["id"], delegation_id=chile, name="Ana Morales", email="ana@minrel.example")
    luis = add(client, officer, meeting["id"], delegation_id=peru, name="Luis Quispe", email="luis@rree.example")
    add(client, officer, meeting["id"], delegation_id=peru, name="Rosa Waiting")
    auth_actions.as_officer()
    page = client.get(f"/staff/meetings/{meeting['id']}/participants")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Ana Morales" in html and "Issue the list of participants" in html
    assert f'href="/staff/meetings/{meeting["id"]}/participants"' in \
        client.get(f"/staff/meetings/{meeting['id']}").get_data(as_text=True)
    token = csrf_from(html)

    done = client.post(f"/staff/meetings/{meeting['id']}/participants/bulk", data={
        "action": "approved", "participant_ids": [str(ana["id"]), str(luis["id"])], "csrf_token": token},
        follow_redirects=True)
    assert "Approved: 2 participants" in done.get_data(as_text=True)
    assert sorted(m["To"] for m in outbox(runtime)) == ["Ana Morales <ana@minrel.example>",
                                                        "Luis Quispe <luis@rree.example>"]
    client.post(f"/staff/participants/{ana['id']}", data={"credentials": "note_verbale", "csrf_token": token})
    assert statuses(runtime)["Ana Morales"] == ("approved", "note_verbale")
    assert statuses(runtime)["Rosa Waiting"] == ("requested", "none")

    none_ticked = client.post(f"/staff/meetings/{meeting['id']}/participants/bulk",
                              data={"action": "approved", "csrf_token": token})
    assert none_ticked.status_code == 400
    unknown = client.post(f"/staff/meetings/{meeting['id']}/participants/bulk",
                          data={"action": "approved", "participant_ids": ["424242"], "csrf_token": token})
    assert unknown.status_code == 404
    assert client.post(f"/staff/meetings/{meeting['id']}/participants/bulk",
                       data={"action": "promoted", "participant_ids": [str(ana["id"])],
                             "csrf_token": token}).status_code == 400

    issued = client.post(f"/staff/meetings/{meeting['id']}/list-of-participants", data={"csrf_token": token},
                         follow_redirects=True)
    assert "Issued APLC/MSP.22/2026/INF.1, naming 2 participants" in issued.get_data(as_text=True)
    assert "Issue a revised list of participants" in issued.get_data(as_text=True)


def test_adding_by_hand_with_bad_input_and_non_latin_names(client, runtime, auth_actions, token_for):
    meeting = make_meeting(client, token_for("officer"))
    auth_actions.as_officer()
    token = csrf_from(client.get(f"/staff/meetings/{meeting['id']}/participants").get_data(as_text=True))
    url = f"/staff/meetings/{meeting['id']}/participants"
    bad = client.post(url, data={"delegation_id": "", "name": "Nobody", "csrf_token": token})
    assert bad.status_code == 400 and "choose a delegation" in bad.get_data(as_text=True)
    good = client.post(url, data={"delegation_id": str(delegation_id(runtime, "CN")), "name": "王小明",
                                  "role": "head", "credentials": "credentials", "listed": "yes", "csrf_token": token},
                       follow_redirects=True)
    assert good.status_code == 200 and "王小明" in good.get_data(as_text=True)
    assert statuses(runtime)["王小明"] == ("requested", "credentials")


def test_other_roles_read_but_do_not_change(client, runtime, auth_actions, token_for):
    officer = token_for("officer")
    meeting = make_meeting(client, officer)
    ana = add(client, officer, meeting["id"], delegation_id=delegation_id(runtime, "CL"), name="Ana Morales")
    for role in ("viewer", "approver"):
        auth_actions.as_role(role)
        page = client.get(f"/staff/meetings/{meeting['id']}/participants")
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and "Approve ticked" not in html
        token = csrf_from(html)
        for url, data in ((f"/staff/meetings/{meeting['id']}/participants/bulk",
                           {"action": "approved", "participant_ids": [str(ana["id"])]}),
                          (f"/staff/participants/{ana['id']}", {"status": "approved"}),
                          (f"/staff/meetings/{meeting['id']}/list-of-participants", {}),
                          (f"/staff/meetings/{meeting['id']}/participants", {"name": "X"})):
            assert client.post(url, data={**data, "csrf_token": token}).status_code == 403, (role, url)
        auth_actions.logout()
    assert statuses(runtime)["Ana Morales"] == ("requested", "none")
    assert client.get(f"/staff/meetings/{meeting['id']}/participants").status_code == 302  # signed out
