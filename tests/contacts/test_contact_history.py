"""A contact's history lists every release sent to them (from a real send over SMTP), beside their
own events, newest first, as typed entries that another kind (dispatches) can join."""

import re
from html import unescape

from comms.distribution.service import run_send
from comms.web.contacts import history as contact_history

from support.send_pages import config, make_list  # noqa: F401 (fixtures)
from support.sending import make_release, received_by, send


def test_a_contacts_history_lists_every_release_sent_to_them(client, auth_actions, runtime, users, smtp):
    first = make_release(runtime, users, headline="Geneva meeting opens")
    second = make_release(runtime, users, headline="Clearance < 5 km² left in the north")
    list_id, [ana, ben] = make_list(runtime, "Wires", 2)
    run_send(runtime, send(runtime, first, [list_id]))
    run_send(runtime, send(runtime, second, [list_id]))
    ana_ids = received_by(smtp)["j0@news.example"]
    assert len(ana_ids) == 2

    auth_actions.as_viewer()
    page = unescape(client.get(f"/staff/contacts/{ana}").get_data(as_text=True))
    history = page[page.index("<h2>History</h2>"):]
    rows = re.findall(r'<tr class="history-(\w+)">(.*?)</tr>', history, re.S)
    releases = [row for kind, row in rows if kind == "release"]
    assert len(releases) == 2
    # Newest first: the second release, then the first; each links to its page and names its Message-ID.
    assert "Clearance < 5 km² left in the north" in releases[0] and f'href="/staff/releases/{second}"' in releases[0]
    assert "Geneva meeting opens" in releases[1] and f'href="/staff/releases/{first}"' in releases[1]
    for row in releases:
        assert "release sent" in row
    assert {re.search(r"Message-ID: <code>(.*?)</code>", row).group(1) for row in releases} == set(ana_ids)
    assert [kind for kind, _row in rows][-1] == "event"  # "created" is the oldest line
    assert "created" in rows[-1][1]
    assert "UTC" not in history and re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d CES?T", rows[0][1])  # Geneva time


def test_history_is_a_list_of_typed_entries_from_sources():
    # Each kind joins by adding a source returning Entry rows; the page renders by kind.
    assert contact_history.SOURCES == [contact_history.contact_events, contact_history.releases_sent,
                                       contact_history.dispatches_received]
    assert {"at", "kind", "what", "actor", "details", "title", "link", "status", "reference"} == set(
        contact_history.Entry.__dataclass_fields__)
