"""Release listings read one page from the database, not every row (found by bench/load.py).

/api/v1/releases used to load every release and slice the list in Python, and
both it and /news/ lazily loaded each listed release's revisions, one query per
release. These tests pin the paging (order, totals, filters) and that the number
of SQL statements for a page does not grow with the number of releases.
"""

from __future__ import annotations

import secrets

from sqlalchemy import event

from comms.accounts import users as auth
from comms.releases import workflow

from support.web import bearer


def _make_releases(runtime, users, count: int, *, published: bool = True, language: str = "en") -> list[int]:
    ids = []
    with runtime.db.transaction() as session:
        officer = session.get(auth.User, users["officer"].id)
        approver = session.get(auth.User, users["approver"].id)
        for n in range(count):
            release = workflow.create_release(session, {"headline": f"Progress in clearance, update {n}",
                                                        "body_markdown": f"Update **{n}**.", "language": language},
                                              officer)
            if published:
                [(request, _token)] = workflow.submit(session, secrets.token_hex(8), release, [approver], officer)
                workflow.decide(session, release, request, "approved", via="staff", actor=approver)
                workflow.publish(session, release, officer)
            ids.append(release.id)
    return ids


class StatementCounter:
    """Counts the SQL statements the app's engine runs inside the block."""

    def __init__(self, engine):
        self.engine, self.count = engine, 0

    def _count(self, *_args):
        self.count += 1

    def __enter__(self):
        event.listen(self.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *exc):
        event.remove(self.engine, "before_cursor_execute", self._count)


def test_api_release_list_pages_in_order_with_the_total(client, runtime, users, token_for):
    ids = _make_releases(runtime, users, 7)
    drafts = _make_releases(runtime, users, 2, published=False, language="fr")
    headers = bearer(token_for("officer"))
    first = client.get("/api/v1/releases?per_page=4", headers=headers).get_json()
    second = client.get("/api/v1/releases?per_page=4&page=2", headers=headers).get_json()
    beyond = client.get("/api/v1/releases?per_page=4&page=9", headers=headers).get_json()
    assert first["total"] == second["total"] == beyond["total"] == 9
    listed = [r["id"] for r in first["items"] + second["items"]]
    assert listed == list(reversed(ids + drafts))[:8] and beyond["items"] == []
    assert first["items"][0]["headline"] == "Progress in clearance, update 1"  # the newest draft, its revision
    only_drafts = client.get("/api/v1/releases?status=draft", headers=headers).get_json()
    assert only_drafts["total"] == 2 and {r["id"] for r in only_drafts["items"]} == set(drafts)
    french = client.get("/api/v1/releases?language=fr&per_page=1", headers=headers).get_json()
    assert french["total"] == 2 and len(french["items"]) == 1


def test_listing_queries_do_not_grow_with_the_number_of_releases(client, runtime, users, token_for):
    headers = bearer(token_for("officer"))
    paths = ["/api/v1/releases?per_page=50", "/news/", "/api/v1/news"]
    _make_releases(runtime, users, 3)
    for path in paths:
        assert client.get(path, headers=headers).status_code == 200  # caches and sessions warmed
    few = {}
    for path in paths:
        with StatementCounter(runtime.db.engine) as counter:
            assert client.get(path, headers=headers).status_code == 200
        few[path] = counter.count
    _make_releases(runtime, users, 15)
    for path in paths:
        with StatementCounter(runtime.db.engine) as counter:
            response = client.get(path, headers=headers)
        assert response.status_code == 200
        assert counter.count == few[path], (path, few[path], counter.count)
    assert client.get("/api/v1/releases?per_page=50", headers=headers).get_json()["total"] == 18
