"""The demo world: complete, idempotent, and its logins work."""

from sqlalchemy import func, select

from comms.accounts import users as auth
from comms.meetings import demo
from comms.meetings import service as meetings
from comms.platform.seeding import DemoWorld, seed_demo

from support.web import AuthActions


def counts(runtime):
    with runtime.db.transaction() as session:
        return (session.scalar(select(func.count()).select_from(auth.User)),
                session.scalar(select(func.count()).select_from(meetings.Meeting)),
                session.scalar(select(func.count()).select_from(meetings.OfficeHolder)))


def test_demo_world_has_the_meeting_and_its_people(runtime):
    world = seed_demo(runtime.db)
    assert {login.role for login in world.logins} == {"admin", "approver", "officer"}
    assert sum(login.role == "officer" for login in world.logins) == 2
    with runtime.db.transaction() as session:
        meeting = meetings.find_meeting_by_title(session, demo.MEETING_TITLE)
        assert meeting.kind == "msp" and "Geneva" in meeting.venue and meeting.timezone == "Europe/Zurich"
        offices = {(h.role, h.user.role) for h in meeting.office_holders}
        assert offices == {("president", "approver"), ("co_chair", "approver")}
        assert meeting.president().email == "president@demo.pressroom.test"


def test_seeding_twice_changes_nothing(runtime):
    seed_demo(runtime.db)
    first = counts(runtime)
    seed_demo(runtime.db)
    assert counts(runtime) == first == (5, 1, 2)


def test_a_failing_seeder_leaves_nothing_behind(runtime):
    import comms.platform.seeding as seeding

    def broken(session, world: DemoWorld):
        raise RuntimeError("seeder failed")

    seeding.broken_for_test = broken
    try:
        seed_demo(runtime.db, ["comms.meetings.demo:seed_people_and_meeting", "comms.platform.seeding:broken_for_test"])
    except RuntimeError:
        pass
    finally:
        del seeding.broken_for_test
    assert counts(runtime) == (0, 0, 0)


def test_demo_logins_work_and_the_dashboard_shows_the_meeting(runtime, client):
    world = seed_demo(runtime.db)
    actions = AuthActions(client, {})
    for login in world.logins:
        response = actions.login(login.email, login.password)
        assert response.status_code == 302, login.email
        page = client.get("/staff/").get_data(as_text=True)
        assert demo.MEETING_TITLE in page and "Ambassador Elena Marchetti" in page
        actions.logout()


def test_demo_press_contacts_and_lists(runtime):
    from contacts import lists
    from contacts.models import Contact

    seed_demo(runtime.db)
    seed_demo(runtime.db)
    with runtime.db.transaction() as session:
        # Press contacts: the demo's delegations' focal points are contacts too (comms.meetings.demo_delegates).
        contacts = session.scalars(select(Contact).where(Contact.delegation_id.is_(None))).all()
        assert len(contacts) == 40
        assert len({c.country for c in contacts}) >= 25 and len({c.outlet_id for c in contacts}) >= 35
        assert {"fr", "es", "en", "ar"} <= {code for c in contacts for code in c.languages}
        all_lists = lists.all_lists(session)
        assert len(all_lists) == 3 and sum(item.embargo_trusted for item in all_lists) == 1
        sizes = lists.list_sizes(session)
        assert all(sizes.get(item.id, 0) > 0 for item in all_lists)


def test_demo_meeting_programme(runtime, tmp_path):
    from comms.meetings import documents
    from comms.meetings import strategy

    seed_demo(runtime.db, documents_path=tmp_path)
    seed_demo(runtime.db, documents_path=tmp_path)
    with runtime.db.transaction() as session:
        meeting = meetings.find_meeting_by_title(session, demo.MEETING_TITLE)
        found = strategy.get_strategy(session, meeting)
        assert found.version == 1 and len(found.milestones) == 6
        assert {m.owner.role for m in found.milestones} == {"officer"}
        assert len(meeting.side_events) == 4
        assert all(meeting.local(e.starts_at).date() > meeting.starts_on for e in meeting.side_events)
        docs = documents.documents_of(session, meeting)
        assert len(docs) == 3 and all(len(d.files) == 3 for d in docs)
        assert all((tmp_path / f.stored_name).read_bytes().startswith(b"%PDF") for d in docs for f in d.files)
    first_wave = {f.stored_name for d in docs for f in d.files}
    assert len(first_wave) == 9 and first_wave <= {p.name for p in tmp_path.glob("*.pdf")}


def test_demo_releases_at_every_stage(runtime, tmp_path):
    from comms.releases import newsroom
    from comms.releases.service import Release

    seed_demo(runtime.db, documents_path=tmp_path)
    seed_demo(runtime.db, documents_path=tmp_path)
    with runtime.db.transaction() as session:
        releases = session.scalars(select(Release)).all()
        assert len(releases) == 7  # five releases, one of them also in French and Spanish
        statuses = {r.slug: r.status for r in releases if r.language == "en"}
        assert statuses["closing-press-conference"] == "draft"
        assert statuses["survivors-take-centre-stage"] == "in_review"
        assert statuses["president-opens-the-meeting"] == "scheduled"
        corrected = next(r for r in releases if r.slug == "accreditation-open-for-media")
        assert corrected.updated_published_at is not None and corrected.published_revision == 2
        public, total = newsroom.search_public(session)
        assert total == 4 and {r.language for r in public} == {"en", "fr", "es"}
