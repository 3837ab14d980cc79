"""The demo's delegations side: focal points of a few delegations and 22MSP participants in every state."""

from sqlalchemy import func, select

from comms.meetings.participants import Participant
from comms.platform.seeding import seed_demo
from contacts.models import Contact


def test_demo_focal_points_and_participants_are_seeded_once(runtime, client):
    seed_demo(runtime.db)
    seed_demo(runtime.db)
    with runtime.db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Contact).where(Contact.delegation_id.is_not(None))) == 4
        found = session.scalars(select(Participant)).all()
        assert len(found) == 6
        assert {p.status for p in found} == {"approved", "requested"}
        assert {p.delegation.name for p in found} >= {"Chile", "Senegal", "International Committee of the Red Cross"}
