"""Verdicts of a cluster run, from the database and what the SMTP sink received.

- no email lost: every ledger row marked sent was received by its contact with
  the row's Message-ID;
- no email duplicated: no (release, contact) received under two Message-IDs
  (the release read from the subject, independently of the ledger), and no
  received Message-ID the ledger does not know; the same Message-ID received
  twice is a redelivery (allowed after a crash) and counted on its own;
- every release published exactly once (one ``release.publish`` audit event),
  embargoed ones by the scheduler and not before the embargo;
- no duplicate followed items, and the second polls created none.

Plain SQL on purpose: the checks do not trust the models they check.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

from sqlalchemy import text

from cluster_day import SUBJECT_RE


def ledger_rows(conn) -> list[tuple]:
    """(release_id, lower(email), message_id, status) for every ledger row."""
    return [tuple(row) for row in conn.execute(text(
        "SELECT d.release_id, lower(c.email), d.message_id, d.status FROM deliveries d "
        "JOIN contacts c ON c.id = d.contact_id"))]


def check_mail(conn, records: list[tuple[str, str, str]], release_numbers: dict[int, int]) -> dict:
    """Lost, duplicated and redelivered messages: the ledger against the sink."""
    ledger = ledger_rows(conn)
    contacts = {email for (email,) in conn.execute(text("SELECT lower(email) FROM contacts"))}
    received = [(rcpt, message_id, subject) for rcpt, message_id, subject in records if rcpt in contacts]
    pairs = Counter((rcpt, message_id) for rcpt, message_id, _subject in received)
    by_message_id = {message_id: (release_id, email) for release_id, email, message_id, _status in ledger}
    sent = [row for row in ledger if row[3] == "sent"]
    lost = sum((email, message_id) not in pairs for _r, email, message_id, _s in sent)
    unknown = sum(by_message_id.get(message_id, (None, None))[1] != rcpt for rcpt, message_id in pairs)
    by_subject, by_ledger = defaultdict(set), defaultdict(set)
    unreadable_subjects = 0
    for rcpt, message_id, subject in received:
        match = SUBJECT_RE.search(subject)
        if match is None:
            unreadable_subjects += 1
        else:
            by_subject[(int(match.group(1)), rcpt)].add(message_id)
        if message_id in by_message_id:
            by_ledger[by_message_id[message_id]].add(message_id)
    duplicates = sum(len(ids) > 1 for ids in by_subject.values()) + sum(len(ids) > 1 for ids in by_ledger.values())
    status = Counter(row[3] for row in ledger)
    # A row claimed more than once was taken over from a worker that stopped (or retried after a 4xx).
    taken_over = conn.execute(text("SELECT count(*) FROM deliveries WHERE attempts > 1")).scalar()
    received_unmarked = sum(status_ != "sent" and (email, message_id) in pairs
                            for _r, email, message_id, status_ in ledger)
    wrong_release = sum(release_numbers.get(release_id) is not None
                        and (release_numbers[release_id], email) not in by_subject
                        for release_id, email, message_id, status_ in sent if (email, message_id) in pairs)
    return {"ledger_rows": len(ledger), "ledger_sent": len(sent), "ledger_unsent": len(ledger) - len(sent),
            "ledger_status": dict(status), "received": len(received), "received_distinct": len(pairs),
            "lost": lost, "duplicates": duplicates, "unknown_message_ids": unknown,
            "redeliveries": sum(n - 1 for n in pairs.values()), "received_not_marked_sent": received_unmarked,
            "unreadable_subjects": unreadable_subjects, "wrong_release_subject": wrong_release,
            "rows_claimed_again": taken_over}


def check_publication(conn, embargoed_ids: list[int], release_ids: list[int]) -> dict:
    """Each release published exactly once; embargoed ones by the scheduler, at or after the embargo."""
    rows = conn.execute(text(
        "SELECT r.id, r.status, r.embargo_until, r.first_published_at, "
        "(SELECT count(*) FROM audit_events a WHERE a.action = 'release.publish' AND a.object_type = 'release' "
        " AND a.object_id = CAST(r.id AS VARCHAR)), "
        "(SELECT count(*) FROM audit_events a WHERE a.action = 'release.publish' AND a.object_type = 'release' "
        " AND a.object_id = CAST(r.id AS VARCHAR) AND a.actor_label = 'scheduler') "
        "FROM releases r")).all()
    info = {row[0]: row for row in rows}
    embargoed = set(embargoed_ids)
    lifted_once = early = not_once = unpublished = 0
    for release_id in release_ids:
        _id, status, embargo_until, first_published_at, events, by_scheduler = info[release_id]
        if status != "published":
            unpublished += 1
        if events != 1:
            not_once += 1
        if release_id in embargoed:
            if first_published_at is not None and embargo_until is not None and first_published_at < embargo_until:
                early += 1
            if events == 1 and by_scheduler == 1 and status == "published":
                lifted_once += 1
    return {"releases": len(release_ids), "embargoed": len(embargoed), "embargo_lifts_once": lifted_once,
            "published_early": early, "publish_events_not_one": not_once, "unpublished": unpublished}


def check_items(conn, second_round_at: dt.datetime | None) -> dict:
    """Followed items: total, duplicates per source, and what the second polls created."""
    items = conn.execute(text("SELECT count(*) FROM follow_items")).scalar()
    duplicate_keys = conn.execute(text(
        "SELECT count(*) FROM (SELECT source_id, url_key FROM follow_items GROUP BY source_id, url_key "
        "HAVING count(*) > 1) d")).scalar()
    duplicate_guids = conn.execute(text(
        "SELECT count(*) FROM (SELECT source_id, guid FROM follow_items WHERE guid IS NOT NULL "
        "GROUP BY source_id, guid HAVING count(*) > 1) d")).scalar()
    created_late = conn.execute(text("SELECT count(*) FROM follow_items WHERE first_seen_at >= :at"),
                                {"at": second_round_at}).scalar() if second_round_at else None
    statuses = dict(conn.execute(text("SELECT status, count(*) FROM follow_sources GROUP BY status")).all())
    polled_twice = conn.execute(text("SELECT count(*) FROM follow_sources WHERE last_polled_at >= :at"),
                                {"at": second_round_at}).scalar() if second_round_at else 0
    return {"items": items, "duplicate_items": duplicate_keys + duplicate_guids,
            "items_created_by_second_poll": created_late, "sources": sum(statuses.values()),
            "source_status": statuses, "sources_polled_twice": polled_twice}


def verdict(mail: dict, publication: dict, items: dict, *, expected_messages: int, stalled: bool) -> bool:
    """True when every promise held."""
    return (not stalled and mail["lost"] == 0 and mail["duplicates"] == 0 and mail["unknown_message_ids"] == 0
            and mail["ledger_unsent"] == 0 and mail["ledger_sent"] == expected_messages
            and mail["received_not_marked_sent"] == 0 and mail["wrong_release_subject"] == 0
            and publication["embargo_lifts_once"] == publication["embargoed"]
            and publication["published_early"] == 0 and publication["publish_events_not_one"] == 0
            and publication["unpublished"] == 0
            and items["duplicate_items"] == 0 and items["items_created_by_second_poll"] == 0
            and items["sources_polled_twice"] == items["sources"] and items["items"] > 0)
