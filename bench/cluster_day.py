"""A press office's day, driven through the HTTP API of several web processes in turn.

An embargo-trusted list, contacts imported as CSV, followed sources, then
releases created, submitted to the meeting's President, approved, published
(half under an embargo a little in the future) and sent to the list. Used by
bench/cluster.py.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import requests

SUBJECT_RE = re.compile(r"release (\d+) of (\d+)")
BODY = "\n\n".join(["The States Parties reviewed **progress** in mine clearance, victim assistance and "
                    "stockpile destruction, and heard from survivors. [Read more](https://example.org/more)."] * 4)
CONTACT_DOMAIN = "wire.example"


class ApiError(SystemExit):
    """An API call answered something else than the bench expected."""


class Api:
    """JSON calls that alternate between the web processes' base URLs."""

    def __init__(self, bases: list[str]):
        self.bases, self.calls = bases, 0
        self.per_base = {base: 0 for base in bases}
        self.http = requests.Session()

    def call(self, method: str, path: str, token: str, *, json=None, data=None, content_type: str | None = None,
             expect: tuple[int, ...] = (200, 201, 202, 204)):
        """One request to the next web process in turn; its JSON (None for 204)."""
        base = self.bases[self.calls % len(self.bases)]
        self.calls += 1
        self.per_base[base] += 1
        headers = {"Authorization": f"Bearer {token}"}
        if content_type:
            headers["Content-Type"] = content_type
        response = self.http.request(method, base + "/api/v1" + path, json=json, data=data, headers=headers,
                                     timeout=600)
        if response.status_code not in expect:
            raise ApiError(f"{method} {path} on {base} answered {response.status_code}: {response.text[:400]}")
        return response.json() if response.content else None

    def close(self) -> None:
        """Close the HTTP connections."""
        self.http.close()


@dataclass
class Day:
    """What the day created, for waiting and checking."""

    list_id: int = 0
    contacts: int = 0
    source_ids: list[int] = field(default_factory=list)
    release_ids: list[int] = field(default_factory=list)
    embargoed_ids: list[int] = field(default_factory=list)
    send_ids: list[int] = field(default_factory=list)
    first_send_at: float = 0.0
    api_calls: dict[str, int] = field(default_factory=dict)


def contacts_csv(count: int) -> str:
    """``count`` journalists, all on the embargo-trusted list."""
    rows = ["name,email,outlet,country,languages,lists"]
    rows += [f"Journalist {n},j{n}@news{n % 50}.{CONTACT_DOMAIN},Wire {n % 50},CH,en,Embargo-trusted wires"
             for n in range(count)]
    return "\r\n".join(rows) + "\r\n"


def drop_default_sources(api: Api, token: str) -> int:
    """Delete the real sites migrations seed: a bench never polls the real web."""
    found = api.call("GET", "/sources?per_page=100", token)["items"]
    for source in found:
        api.call("DELETE", f"/sources/{source['id']}", token)
    return len(found)


def prepare(api: Api, officer: str, approver_id: int, contacts: int, sources: list[dict]) -> tuple[Day, int]:
    """The list, the contacts, the sources and a meeting whose President approves releases."""
    day = Day()
    today = dt.date.today()
    meeting = api.call("POST", "/meetings", officer, json={
        "title": "Twenty-Second Meeting of the States Parties", "kind": "msp", "starts_on": today.isoformat(),
        "ends_on": (today + dt.timedelta(days=4)).isoformat(), "timezone": "Europe/Zurich", "venue": "Geneva",
        "office_holders": [{"user_id": approver_id, "role": "president"}]})
    day.list_id = api.call("POST", "/lists", officer, json={
        "name": "Embargo-trusted wires", "description": "wire services bound by embargoes",
        "embargo_trusted": True})["id"]
    report = api.call("POST", "/contacts/import", officer, data=contacts_csv(contacts).encode(),
                      content_type="text/csv")
    if report["created"] != contacts or report["errors"]:
        raise ApiError(f"the import created {report['created']} of {contacts} contacts: {report['errors'][:3]}")
    day.contacts = contacts
    for source in sources:
        day.source_ids.append(api.call("POST", "/sources", officer, json=source)["id"])
    return day, meeting["id"]


def publish_and_send(api: Api, day: Day, officer: str, approver: str, meeting_id: int, releases: int,
                     embargo_seconds: float, clock) -> None:
    """Each release: create, submit (to the office holder), approve, publish, send to the list."""
    for number in range(1, releases + 1):
        embargoed = number % 2 == 0
        body = {"headline": f"Cluster day release {number} of {releases}: States Parties review progress",
                "dateline": "GENEVA", "body_markdown": BODY, "meeting_id": meeting_id,
                "notes_to_editors": "Background on the website.", "topics": []}
        if embargoed:
            lift = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=embargo_seconds)
            body["embargo_until"] = lift.isoformat()
        release = api.call("POST", "/releases", officer, json=body)
        api.call("POST", f"/releases/{release['id']}/submit", officer, json={})
        api.call("POST", f"/releases/{release['id']}/approve", approver, json={"revision": release["revision"]})
        published = api.call("POST", f"/releases/{release['id']}/publish", officer, json={})
        expected = "scheduled" if embargoed else "published"
        if published["status"] != expected:
            raise ApiError(f"release {release['id']} is {published['status']}, not {expected}")
        sent = api.call("POST", f"/releases/{release['id']}/send", officer, json={"list_ids": [day.list_id]})
        if not day.send_ids:
            day.first_send_at = clock()
        day.release_ids.append(release["id"])
        day.send_ids.append(sent["send_id"])
        if embargoed:
            day.embargoed_ids.append(release["id"])
    day.api_calls = dict(api.per_base)
