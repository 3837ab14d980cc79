"""Staff calendar (a month grid or a list) and an officer's "this week" page: meetings,
side events (in their meeting's zone) and strategy milestones."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from comms.meetings import service as meetings
from comms.meetings import strategy
from comms.web.access import roles_required
from comms.web.context import db
from comms.web.meetings.shared import READERS, sign_off_summary, template_context

bp = Blueprint("calendar_ui", __name__, url_prefix="/staff")
bp.context_processor(template_context)
OPEN_STATUSES = ("planned", "in_progress")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass
class Entry:
    """One thing on one day of the calendar."""

    kind: str  # meeting | side_event | milestone
    day: dt.date
    title: str
    url: str
    meeting: meetings.Meeting
    time: str = ""  # local start time of a side event
    detail: str = ""
    status: str = ""

    @property
    def sort_key(self) -> tuple:
        return ({"meeting": 0, "side_event": 1, "milestone": 2}[self.kind], self.time, self.title)


def meetings_between(session, first: dt.date, last: dt.date) -> list[meetings.Meeting]:
    """Meetings that run on any day from ``first`` to ``last``."""
    query = select(meetings.Meeting).where(meetings.Meeting.starts_on <= last, meetings.Meeting.ends_on >= first)
    return list(session.scalars(query.order_by(meetings.Meeting.starts_on, meetings.Meeting.id)))


def side_events_between(session, first: dt.date, last: dt.date) -> list[tuple[dt.date, meetings.SideEvent]]:
    """Side events whose local start date (in their meeting's zone) falls from ``first`` to ``last``."""
    # Every zone is within a day of UTC, so a day's margin each side finds them all; the local date decides.
    low = dt.datetime.combine(first - dt.timedelta(days=1), dt.time(), dt.timezone.utc)
    high = dt.datetime.combine(last + dt.timedelta(days=2), dt.time(), dt.timezone.utc)
    query = select(meetings.SideEvent).where(meetings.SideEvent.starts_at >= low, meetings.SideEvent.starts_at < high)
    found = []
    for event in session.scalars(query.order_by(meetings.SideEvent.starts_at)):
        day = event.meeting.local(event.starts_at).date()
        if first <= day <= last:
            found.append((day, event))
    return found


def milestones_between(session, first: dt.date, last: dt.date) -> list[strategy.Milestone]:
    """Milestones due from ``first`` to ``last``."""
    query = select(strategy.Milestone).where(strategy.Milestone.due_on >= first, strategy.Milestone.due_on <= last)
    return list(session.scalars(query.order_by(strategy.Milestone.due_on, strategy.Milestone.id)))


def milestone_entry(milestone: strategy.Milestone) -> Entry:
    meeting = milestone.strategy.meeting
    owner = milestone.owner.display_name if milestone.owner else "no owner"
    return Entry("milestone", milestone.due_on, milestone.title,
                 url_for("strategy_ui.edit", meeting_id=meeting.id, _anchor="milestones"), meeting,
                 detail=f"{meeting.title} · {owner}", status=milestone.status)


def side_event_entry(day: dt.date, event: meetings.SideEvent) -> Entry:
    meeting = event.meeting
    local_start, local_end = meeting.local(event.starts_at), meeting.local(event.ends_at)
    return Entry("side_event", day, event.title,
                 url_for("meetings_ui.show", meeting_id=meeting.id, _anchor=f"side-event-{event.id}"), meeting,
                 time=local_start.strftime("%H:%M"),
                 detail=f"{local_start:%H:%M}–{local_end:%H:%M} {local_start:%Z}"
                        + (f" · {event.room}" if event.room else "") + f" · {meeting.title}")


def agenda(session, first: dt.date, last: dt.date) -> dict[dt.date, list[Entry]]:
    """Everything from ``first`` to ``last``, by day."""
    days: dict[dt.date, list[Entry]] = {}
    for meeting in meetings_between(session, first, last):
        url = url_for("meetings_ui.show", meeting_id=meeting.id)
        day = max(meeting.starts_on, first)
        while day <= min(meeting.ends_on, last):
            number = (day - meeting.starts_on).days + 1
            total = (meeting.ends_on - meeting.starts_on).days + 1
            days.setdefault(day, []).append(Entry("meeting", day, meeting.title, url, meeting,
                                                  detail=f"day {number} of {total}" if total > 1 else meeting.venue))
            day += dt.timedelta(days=1)
    for day, event in side_events_between(session, first, last):
        days.setdefault(day, []).append(side_event_entry(day, event))
    for milestone in milestones_between(session, first, last):
        days.setdefault(milestone.due_on, []).append(milestone_entry(milestone))
    for entries in days.values():
        entries.sort(key=lambda entry: entry.sort_key)
    return days


def month_from(value: str | None, today: dt.date) -> tuple[int, int]:
    """``YYYY-MM`` (or this month when absent); a 400 page for anything else."""
    if not value:
        return today.year, today.month
    match = _MONTH.match(value.strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or not 1900 <= int(match.group(1)) <= 2999:
        abort(400, "Choose a month as YYYY-MM, e.g. 2026-12.")
    return int(match.group(1)), int(match.group(2))


def _shift(year: int, month: int, delta: int) -> str:
    index = year * 12 + month - 1 + delta
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


@bp.route("/calendar")
@roles_required(*READERS)
def month():
    """A month of meetings, side events and milestones: a grid of weeks, or a list (``?view=list``)."""
    today = dt.date.today()
    year, number = month_from(request.args.get("month"), today)
    view = "list" if request.args.get("view") == "list" else "grid"
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, number)
    first, last = (weeks[0][0], weeks[-1][-1]) if view == "grid" else (
        dt.date(year, number, 1), dt.date(year, number, calendar.monthrange(year, number)[1]))
    days = agenda(db(), first, last)
    return render_template(
        "meetings/calendar.html", view=view, weeks=weeks, days=days, today=today, month_start=dt.date(year, number, 1),
        month=f"{year:04d}-{number:02d}", previous=_shift(year, number, -1), following=_shift(year, number, 1),
        this_month=f"{today.year:04d}-{today.month:02d}", weekdays=list(calendar.day_abbr),
        list_days=sorted(day for day in days if day.month == number),
    )


def week_of(value: str | None, today: dt.date) -> dt.date:
    """The Monday of the week holding ``value`` (YYYY-MM-DD) or today."""
    day = today
    if value:
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            day = None
        if day is None or not 1900 <= day.year <= 2999:
            abort(400, "Choose a day as YYYY-MM-DD, e.g. 2026-12-14.")
    return day - dt.timedelta(days=day.weekday())


@bp.route("/week")
@roles_required(*READERS)
def week():
    """This week for an officer: my open milestones (and overdue ones), everyone's, side events,
    meetings, and strategies still waiting for sign-off."""
    session, today = db(), dt.date.today()
    start = week_of(request.args.get("start"), today)
    end = start + dt.timedelta(days=6)
    me = current_user.user
    mine = list(session.scalars(select(strategy.Milestone).where(
        strategy.Milestone.owner_id == me.id, strategy.Milestone.status.in_(OPEN_STATUSES),
        strategy.Milestone.due_on <= end).order_by(strategy.Milestone.due_on, strategy.Milestone.id)))
    everyone = milestones_between(session, start, end)
    side_events = [side_event_entry(day, event) for day, event in side_events_between(session, start, end)]
    waiting = []
    for found in session.scalars(select(strategy.Strategy).join(meetings.Meeting)
                                 .where(strategy.Strategy.version > 0, meetings.Meeting.ends_on >= today)
                                 .order_by(meetings.Meeting.starts_on)):
        if not found.is_signed_off:
            waiting.append(sign_off_summary(found))
    return render_template(
        "meetings/week.html", start=start, end=end, today=today, mine=[milestone_entry(m) for m in mine],
        everyone=[milestone_entry(m) for m in everyone], side_events=side_events,
        meetings=meetings_between(session, start, end), waiting=waiting,
        previous=(start - dt.timedelta(days=7)).isoformat(), following=(start + dt.timedelta(days=7)).isoformat(),
    )
