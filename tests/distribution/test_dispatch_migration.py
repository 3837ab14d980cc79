"""Migration 0019 on a database in use: release sends and their deliveries survive going down to
0015 and up again (on SQLite the deliveries are set aside while sends is rebuilt, so its
ON DELETE CASCADE cannot take them), and dispatches go with the downgrade."""

from sqlalchemy import func, select, text

from comms.distribution import service as ledger
from comms.distribution.models import Delivery, Dispatch, Send
from comms.releases.service import get_release
from storage import migrate

from support.dispatching import make_meeting, make_world, plan
from support.sending import STAFF, make_contacts, make_release, received_by, rt, send  # noqa: F401 (fixture)


def ledger_rows(rt) -> list[tuple]:
    with rt.db.engine.connect() as connection:
        return connection.execute(text("SELECT id, release_id, contact_id, send_id, status, message_id "
                                       "FROM deliveries ORDER BY id")).all()


def test_release_deliveries_survive_the_migration_both_ways(rt, smtp, users):
    release_id = make_release(rt, users)
    list_ids, contact_ids = make_contacts(rt, 5)
    send_id = send(rt, release_id, list_ids)
    ledger.run_send(rt, send_id)
    meeting_id, _world = make_meeting(rt), make_world(rt)
    _dispatch_id, dispatch_send = plan(rt, meeting_id, delegations="all")
    release_rows = [row for row in ledger_rows(rt) if row.send_id == send_id]
    assert len(release_rows) == 5 and all(row.status == "sent" for row in release_rows)

    rt.db.engine.dispose()
    migrate.downgrade(rt.db.engine, "0015")
    assert ledger_rows(rt) == release_rows  # the dispatch's rows went with it, the release's stayed
    migrate.upgrade(rt.db.engine)
    assert ledger_rows(rt) == release_rows
    with rt.db.transaction() as session:
        assert session.scalar(select(func.count(Dispatch.id))) == 0
        assert session.get(Send, send_id).release_id == release_id
        # The release's ledger still refuses a second row for a contact who has it.
        again = ledger.create_send(session, get_release(session, release_id), list_ids=list_ids, actor=STAFF,
                                   mail_from=rt.config.mail_from)
        assert again.total == 0 and again.skipped_already == 5
    assert dispatch_send not in {row.send_id for row in ledger_rows(rt)}
    assert len(received_by(smtp)) == 5
    assert Delivery.__table__.c.release_id.nullable
