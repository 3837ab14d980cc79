"""The send pages: a ``config`` whose mail goes to the real SMTP server, mailing lists and CSRF tokens."""

from __future__ import annotations

import pytest

from contacts import lists, service

from support.sending import STAFF
from support.web import csrf_from


@pytest.fixture
def config(config, smtp):
    """Mail goes to the real SMTP server."""
    return config.with_overrides(smtp_url=smtp.url, mail_from="press@isu.example.org")


def make_list(runtime, name, count, *, trusted=False, start=0) -> tuple[int, list[int]]:
    """A list of ``count`` new contacts (j{n}@news.example)."""
    with runtime.db.transaction() as session:
        made = lists.create_list(session, name, STAFF, embargo_trusted=trusted)
        ids = [service.create_contact(session, {"name": f"Journalist {n}", "email": f"j{n}@news.example"}, STAFF).id
               for n in range(start, start + count)]
        lists.add_to_list(session, made, ids, STAFF)
        return made.id, ids


def token(client, release_id) -> str:
    return csrf_from(client.get(f"/staff/releases/{release_id}").get_data(as_text=True))
