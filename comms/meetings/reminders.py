"""Milestone reminders: an open milestone due within 48 hours emails its owner, once.

Found by the scheduler's database poll. Each milestone is claimed with a
conditional UPDATE before its email goes out, so two workers never both send;
if sending fails the claim is released and the next poll tries again.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from comms.platform.jobs import periodic, run_job
from comms.meetings.strategy import Milestone, due_milestones
from storage.db import utcnow

REMIND_WITHIN = dt.timedelta(hours=48)


def _message(milestone: Milestone, base_url: str) -> tuple[str, str]:
    meeting = milestone.strategy.meeting
    subject = f"Reminder: \u201c{milestone.title}\u201d is due {milestone.due_on:%-d %B %Y}"
    link = f"{base_url}/staff/meetings/{meeting.id}" if base_url else ""
    text = (f"Hello {milestone.owner.display_name},\n\n"
            f"The milestone \u201c{milestone.title}\u201d of the communication strategy for {meeting.title} "
            f"is due on {milestone.due_on:%A %-d %B %Y} and is still {milestone.status.replace('_', ' ')}.\n\n"
            + (f"Open the meeting: {link}\n" if link else ""))
    return subject, text


@periodic("milestones.remind")
def remind_due_milestones(runtime, now: dt.datetime | None = None) -> int:
    """Email the owners of milestones due soon; returns how many reminders went out."""
    now = now or utcnow()
    sent = 0
    with runtime.db.transaction() as session:
        candidates = [m.id for m in due_milestones(session, now, REMIND_WITHIN)]
    for milestone_id in candidates:
        with runtime.db.transaction() as session:
            claimed = session.execute(update(Milestone).where(Milestone.id == milestone_id,
                                                              Milestone.reminder_sent_at.is_(None))
                                      .values(reminder_sent_at=now)).rowcount == 1
        if not claimed:
            continue
        try:
            with runtime.db.transaction() as session:
                milestone = session.get(Milestone, milestone_id)
                owner = milestone.owner
                subject, text = _message(milestone, runtime.config.base_url)
            run_job(runtime, "mail.send", [owner.email, subject, text, None, owner.display_name])
            sent += 1
        except Exception:
            with runtime.db.transaction() as session:
                session.execute(update(Milestone).where(Milestone.id == milestone_id)
                                .values(reminder_sent_at=None))
            raise
    return sent
