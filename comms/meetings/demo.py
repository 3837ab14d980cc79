"""The foundation's part of the demo world: the team and the 22MSP in Geneva."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from comms.accounts import users as auth
from comms.meetings import service as meetings
from comms.platform.seeding import DemoLogin, DemoWorld

DEMO_PASSWORD = "pressroom-demo"
MEETING_TITLE = "Twenty-Second Meeting of the States Parties"

# (key, email, name, role, title, organisation, phone); invented people.
PEOPLE = [
    ("admin", "admin@demo.pressroom.test", "Nadia Haddad", "admin", "Systems administrator",
     "Implementation Support Unit", ""),
    ("president", "president@demo.pressroom.test", "Ambassador Elena Marchetti", "approver",
     "President of the Twenty-Second Meeting of the States Parties", "Permanent Mission of the Presidency, Geneva",
     "+41 22 000 00 01"),
    ("co_chair", "cochair@demo.pressroom.test", "Mr. Kwame Asante", "approver",
     "Co-Chair, Committee on Victim Assistance", "Permanent Mission, Geneva", "+41 22 000 00 02"),
    ("officer1", "officer@demo.pressroom.test", "Claire Dubois", "officer", "Media officer",
     "Implementation Support Unit", "+41 22 000 00 03"),
    ("officer2", "officer2@demo.pressroom.test", "Javier Ortega", "officer", "Communications officer",
     "Implementation Support Unit", "+41 22 000 00 04"),
]


def seed_people_and_meeting(session: Session, world: DemoWorld) -> None:
    """Staff accounts and the Twenty-Second Meeting of the States Parties."""
    users = {}
    for key, email, name, role, title, organisation, phone in PEOPLE:
        user = auth.find_user(session, email)
        if user is None:
            user = auth.create_user(session, email, role, name=name, password=DEMO_PASSWORD,
                                    title=title, organisation=organisation, phone=phone)
        users[key] = user
        world.logins.append(DemoLogin(label=name, email=email, password=DEMO_PASSWORD, role=role))
    meeting = meetings.find_meeting_by_title(session, MEETING_TITLE)
    if meeting is None:
        # Three weeks ahead of the first seeding, so the demo shows an upcoming meeting.
        starts = dt.date.today() + dt.timedelta(days=21)
        meeting = meetings.create_meeting(
            session, title=MEETING_TITLE, kind="msp", starts_on=starts, ends_on=starts + dt.timedelta(days=4),
            timezone="Europe/Zurich", venue="International Conference Centre Geneva (CICG), Geneva",
            languages=["en", "fr", "es"],
        )
    meetings.add_office_holder(session, meeting, users["president"], "president")
    meetings.add_office_holder(session, meeting, users["co_chair"], "co_chair")
    world.refs["users"] = users
    world.refs["meeting"] = meeting
