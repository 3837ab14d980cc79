"""The delivery report of a release, from a real send through a real SMTP server: sent,
failed (a 550), suppressed (skipped at send time) and "unsubscribed since" (a recipient
who then used the one-click link), on the release page as an SVG chart and as JSON at
GET /api/v1/releases/{id}/report; and the send estimate agreeing with create_send."""

import re
from html import unescape

from sqlalchemy import select

from comms.distribution import report as delivery_report
from comms.distribution.service import Delivery, Send, create_send
from comms.releases.service import get_release
from contacts import lists, service, suppression
from contacts.models import ContactList

from support.send_pages import config, make_list, token  # noqa: F401 (fixtures)
from support.sending import STAFF, make_release


def received_to(smtp, address):
    return [item.message for item in smtp.received if address in item.rcpt_tos]


def test_report_matches_a_real_send(client, auth_actions, runtime, users, smtp, token_for):
    release_id = make_release(runtime, users)
    wires, ids = make_list(runtime, "Wires", 6)
    with runtime.db.transaction() as session:
        suppression.suppress(session, service.get_contact(session, ids[4]), STAFF, "do not contact")
        suppression.unsubscribe(session, service.get_contact(session, ids[5]), STAFF)  # before: not "since"
    smtp.handler.refuse["j3@news.example"] = "550 5.1.1 No such user"
    auth_actions.as_officer()
    response = client.post(f"/staff/releases/{release_id}/send", data={"csrf_token": token(client, release_id),
                                                                        "list_ids": [str(wires)]})
    assert response.status_code == 303
    runtime.queue.join()
    assert sorted(r for item in smtp.received for r in item.rcpt_tos) == ["j0@news.example", "j1@news.example",
                                                                         "j2@news.example"]
    # j1 unsubscribes afterwards with the one-click link of the message they received (RFC 8058).
    [message] = received_to(smtp, "j1@news.example")
    link = message["List-Unsubscribe"].strip("<>")
    path = re.sub(r"^https?://[^/]+", "", link)
    assert client.post(path, data={"List-Unsubscribe": "One-Click"}).status_code == 200

    expected = {"sent": 3, "failed": 1, "pending": 0, "suppressed": 2, "already_received": 0,
                "unsubscribed_since": 1}
    with runtime.db.transaction() as session:
        report = delivery_report.release_report(session, get_release(session, release_id))
    assert {key: report[key] for key in expected} == expected
    assert [(s["total"], s["sent"], s["failed"], s["suppressed"], s["status"]) for s in report["sends"]] == \
        [(4, 3, 1, 2, "done")]

    api = client.get(f"/api/v1/releases/{release_id}/report",
                     headers={"Authorization": f"Bearer {token_for('viewer')}"})
    assert api.status_code == 200
    body = api.get_json()
    assert {key: body[key] for key in expected} == expected
    assert body["sends"][0]["created_at"].endswith("+00:00")

    html = unescape(client.get(f"/staff/releases/{release_id}").get_data(as_text=True))
    chart = re.search(r'<svg class="report-chart".*?</svg>', html, re.S).group(0)
    values = dict(re.findall(r'data-key="(\w+)" data-value="(\d+)"', chart))
    assert values == {"sent": "3", "failed": "1", "suppressed": "2", "unsubscribed_since": "1"}
    assert "style=" not in chart  # CSP: colours come from classes
    widths = dict(re.findall(r'<g class="bar bar-(\w+)".*?<rect class="bar-fill"[^>]* width="(\d+)"', chart, re.S))
    assert int(widths["sent"]) > int(widths["suppressed"]) > int(widths["failed"]) > 0
    # Each figure once: the chart's values carry them, with no second list of the same numbers.
    for key, value in values.items():
        assert len(re.findall(rf'data-figure="{key}"', html)) == 1
        assert re.search(rf'data-figure="{key}">{value}<', chart)
    assert '<dl class="details report-figures">' not in html
    # A single send: its table does not repeat the totals above.
    sends = re.search(r'<table class="sends">.*?</table>', html, re.S).group(0)
    assert "<th scope=\"col\">Sent</th>" not in sends and "<td>4</td>" in sends
    # No raw API hints on the page.
    assert "/api/v1" not in html and "As JSON" not in html

    # Per recipient: status, time and Message-ID, the failed one first.
    table = re.search(r'<table class="recipients">.*?</table>', html, re.S).group(0)
    rows = re.findall(r'<tr class="recipient recipient-(\w+)">(.*?)</tr>', table, re.S)
    assert [status for status, _row in rows] == ["failed", "sent", "sent", "sent"]
    assert "j3@news.example" in rows[0][1]
    with runtime.db.transaction() as session:
        ledger = {d.contact_id: d for d in session.scalars(select(Delivery).where(Delivery.release_id == release_id))}
        sent_ids = [d.message_id for d in ledger.values() if d.status == "sent"]
    for message_id in sent_ids:
        assert f"<code>{message_id}</code>" in table
    for _status, row in rows[1:]:
        assert re.search(r"\d{1,2} \w+ \d{4}, \d\d:\d\d", row)  # when it went out
    delivered = {message["Message-ID"] for item in smtp.received for message in [item.message]}
    assert delivered == set(sent_ids)


def test_report_api_needs_a_token_and_a_release(client, runtime, users, token_for):
    release_id = make_release(runtime, users)
    assert client.get(f"/api/v1/releases/{release_id}/report").status_code == 401
    headers = {"Authorization": f"Bearer {token_for('viewer')}"}
    missing = client.get("/api/v1/releases/9999/report", headers=headers)
    assert missing.status_code == 404 and missing.get_json()["error"]["code"] == "not_found"
    empty = client.get(f"/api/v1/releases/{release_id}/report", headers=headers).get_json()
    assert empty == {"release_id": release_id, "sent": 0, "failed": 0, "pending": 0, "suppressed": 0,
                     "already_received": 0, "unsubscribed_since": 0, "sends": []}


def test_report_is_in_the_openapi_document(client):
    spec = client.get("/api/openapi.json").get_json()
    operation = spec["paths"]["/api/v1/releases/{release_id}/report"]["get"]
    assert set(operation["responses"]) >= {"200", "404"}
    schema_ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    properties = spec["components"]["schemas"][schema_ref.rsplit("/", 1)[1]]["properties"]
    assert {"sent", "failed", "suppressed", "unsubscribed_since", "sends"} <= set(properties)


def test_estimate_agrees_with_create_send(runtime, users):
    release_id = make_release(runtime, users)
    first, first_ids = make_list(runtime, "First", 5)
    second, second_ids = make_list(runtime, "Second", 3, start=5)
    with runtime.db.transaction() as session:
        lists.add_to_list(session, session.get(ContactList, second), first_ids[:2], STAFF)
        suppression.suppress(session, service.get_contact(session, first_ids[0]), STAFF, "no")
        suppression.unsubscribe(session, service.get_contact(session, second_ids[0]), STAFF)
        release = get_release(session, release_id)
        create_send(session, release, list_ids=[first], actor=STAFF, mail_from="press@example.org")
    with runtime.db.transaction() as session:
        release = get_release(session, release_id)
        guess = delivery_report.estimate(session, release, [first, second])
        send = create_send(session, release, list_ids=[first, second], actor=STAFF, mail_from="press@example.org")
        assert guess == {"members": 8, "recipients": send.total, "suppressed": send.skipped_suppressed,
                         "already_received": send.skipped_already}
        assert (send.total, send.skipped_suppressed, send.skipped_already) == (2, 2, 4)
        assert session.scalar(select(Send.id).where(Send.id == send.id)) == send.id
