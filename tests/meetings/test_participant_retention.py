"""Retention: a configurable time after a meeting ends, a periodic job removes its participants' personal
data; what an issued list of participants published (name, title, delegation) stays, the address goes."""

import datetime as dt

import pytest
from sqlalchemy import select

from comms.app import create_app
from comms.config import ConfigError, load_config
from comms.features import schedule
from comms.meetings.participants import ANONYMISED_NAME, Participant
from comms.meetings.registration import anonymise_due
from storage.audit import AuditEvent

from support.app import base_environ
from support.participants import add, delegation_id, make_meeting
from support.web import bearer


def people(runtime):
    with runtime.db.transaction() as session:
        return {p.id: (p.name, p.title, p.email, p.anonymised_at is not None, p.delegation_id)
                for p in session.scalars(select(Participant))}


def test_the_job_is_in_the_schedule():
    assert "participants.anonymise_due" in {periodic.name for periodic in schedule()}


def test_anonymised_after_the_retention_period_except_what_the_list_holds(db_url, instance_path, token_for):
    config = load_config(base_environ(db_url, instance_path, PRESSROOM_PARTICIPANT_RETENTION_DAYS="30"),
                         testing=True)
    app = create_app(config)
    runtime = app.extensions["pressroom"]
    try:
        client, officer = app.test_client(), token_for("officer")
        meeting = make_meeting(client, officer)  # ends 2026-12-18
        later = make_meeting(client, officer, title="Intersessional meeting", kind="intersessional",
                             starts_on="2027-06-01", ends_on="2027-06-03", symbol_prefix="APLC/IM/2027")
        chile = delegation_id(runtime, "CL")
        listed = add(client, officer, meeting["id"], delegation_id=chile, name="Bruno Head", title="Ambassador",
                     email="bruno@minrel.example", role="head", status="approved")
        unlisted = add(client, officer, meeting["id"], delegation_id=chile, name="Carla Private", title="Adviser",
                       email="carla@minrel.example", status="approved", listed=False)
        untouched = add(client, officer, later["id"], delegation_id=chile, name="Dora Future",
                        email="dora@minrel.example")
        response = client.post(f"/api/v1/meetings/{meeting['id']}/list-of-participants", headers=bearer(officer))
        symbol = response.get_json()["symbol"]

        # Thirty days after the meeting's last day is still inside the period.
        assert anonymise_due(runtime, dt.datetime(2027, 1, 17, 12, tzinfo=dt.timezone.utc)) == 0
        assert anonymise_due(runtime, dt.datetime(2027, 1, 18, 12, tzinfo=dt.timezone.utc)) == 2
        found = people(runtime)
        assert found[listed["id"]] == ("Bruno Head", "Ambassador", "", True, chile)
        assert found[unlisted["id"]] == (ANONYMISED_NAME, "", "", True, chile)
        assert found[untouched["id"]] == ("Dora Future", "", "dora@minrel.example", False, chile)
        # Done once: the next tick finds nothing, and each person has one audit line saying what was kept.
        assert anonymise_due(runtime, dt.datetime(2027, 1, 19, tzinfo=dt.timezone.utc)) == 0
        with runtime.db.transaction() as session:
            events = session.scalars(select(AuditEvent).where(AuditEvent.action == "participant.anonymise")).all()
            assert sorted(str(e.details["kept_for"]) for e in events) == sorted([symbol, "None"])
        # An anonymised participant no longer changes.
        patched = client.patch(f"/api/v1/participants/{listed['id']}", json={"email": "new@minrel.example"},
                               headers=bearer(officer))
        assert patched.status_code == 409
        api = client.get(f"/api/v1/participants/{unlisted['id']}", headers=bearer(officer)).get_json()
        assert api["anonymised"] is True and api["email"] == ""
    finally:
        runtime.close()


def test_the_retention_setting_must_be_a_number(db_url, instance_path):
    with pytest.raises(ConfigError):
        load_config(base_environ(db_url, instance_path, PRESSROOM_PARTICIPANT_RETENTION_DAYS="soon"), testing=True)
