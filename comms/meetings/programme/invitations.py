"""Bilateral invitations by email with an iCalendar part (METHOD:REQUEST, then CANCEL), and the
job that sends them (no Flask).

The office (the From address) is the ORGANIZER; the office holder and the delegation's focal
points are ATTENDEEs. The UID is the bilateral's own, and SEQUENCE goes up with every move,
so calendar clients update or remove the entry they already hold.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from comms.meetings.programme.changes import summary_text
from comms.meetings.programme.models import Bilateral
from comms.platform import jobs
from comms.platform.jobs import job
from comms.platform.mail import OutgoingMessage, build_message
from contacts.delegations import focal_points
from feeds.ics import CalendarEntry, build_calendar
from storage.db import utcnow


def recipients(session: Session, bilateral: Bilateral) -> list[tuple[str, str]]:
    """(email, name) of the office holder and of the delegation's focal points that have an address."""
    found = [(bilateral.office_holder.email, bilateral.office_holder.display_name)]
    for contact in focal_points(session, bilateral.delegation_id):
        if contact.email and contact.email not in {email for email, _name in found}:
            found.append((contact.email, contact.name))
    return found


def invitation_ics(bilateral: Bilateral, attendees: list[tuple[str, str]], organizer: tuple[str, str],
                   method: str) -> bytes:
    """The invitation (REQUEST) or cancellation (CANCEL) as ICS bytes."""
    meeting = bilateral.meeting
    entry = CalendarEntry(
        uid=bilateral.uid, title=f"Bilateral: {bilateral.office_holder.display_name} and {bilateral.delegation.name}",
        start=bilateral.starts_at, end=bilateral.ends_at, timezone=meeting.timezone,
        location=", ".join(part for part in (bilateral.room, meeting.venue) if part),
        description="\n".join([f"Topic: {bilateral.topic}", *(f"Attending: {a}" for a in bilateral.attendees or [])]),
        sequence=bilateral.sequence, updated=bilateral.updated_at, organizer=organizer, attendees=tuple(attendees),
        status="CANCELLED" if method == "CANCEL" else "CONFIRMED")
    return build_calendar([entry], name=meeting.title, stamp=utcnow(), method=method)


def invitation_messages(session: Session, bilateral: Bilateral, organizer: tuple[str, str], method: str
                        ) -> list[tuple]:
    """One job's arguments per recipient: (email, name, subject, text, ics text, method)."""
    meeting = bilateral.meeting
    people = recipients(session, bilateral)
    ics = invitation_ics(bilateral, people, organizer, method).decode()
    starts, ends = meeting.local(bilateral.starts_at), meeting.local(bilateral.ends_at)
    when = f"{starts:%A %-d %B %Y, %H:%M}-{ends:%H:%M} {starts:%Z}"
    verb = "Cancelled" if method == "CANCEL" else ("Updated" if bilateral.sequence else "Confirmed")
    subject = f"{verb}: bilateral meeting with {bilateral.delegation.name} ({meeting.title})"[:200]
    lines = [f"{verb}: a bilateral meeting between {bilateral.office_holder.display_name} and the delegation of "
             f"{bilateral.delegation.name}.", "", f"When: {when}", f"Where: {bilateral.room or 'to be announced'}, "
             f"{meeting.venue}", f"Topic: {bilateral.topic}"]
    if bilateral.attendees:
        lines.append(f"Attending: {', '.join(bilateral.attendees)}")
    lines += ["", "The attached invitation updates your calendar."]
    return [(email, name, subject, "\n".join(lines), ics, method) for email, name in people]


@job("bilateral.invitation")
def send_invitation(runtime, to_email: str, to_name: str, subject: str, text: str, ics: str, method: str) -> str:
    """Send one invitation email with its text/calendar part and the same file attached."""
    message = OutgoingMessage(to_email=to_email, to_name=to_name, subject=subject, text=text)
    mime = build_message(message, runtime.config.mail_from, runtime.config.office_name)
    data = ics.encode()
    # A text/calendar alternative is what Outlook and Gmail act on; the attachment is for the rest.
    mime.add_alternative(data, maintype="text", subtype="calendar", params={"method": method, "charset": "utf-8"})
    mime.add_attachment(data, maintype="application", subtype="ics", filename="invite.ics")
    mailer = runtime.mailer()
    try:
        return mailer.send(mime)
    finally:
        mailer.close()


def queue_invitations(runtime, messages: list[tuple]) -> int:
    """Queue prepared invitations (after the caller's commit); returns how many."""
    for message in messages:
        jobs.enqueue(runtime, "bilateral.invitation", *message)
    return len(messages)


def organizer_of(runtime) -> tuple[str, str]:
    """The office as ORGANIZER: its From address and name."""
    return runtime.config.mail_from, runtime.config.office_name


def change_notice_messages(session: Session, meeting, programme, url: str, delegation_ids: list[int] | None
                           ) -> list[tuple]:
    """``mail.send`` arguments telling delegations' focal points what the last publication moved.

    Without ``delegation_ids`` it goes to every delegation invited to speak in the published
    programme. This is the function a dispatch capability calls; queue with :func:`queue_change_notices`."""
    subject, text = programme_change_summary(meeting, programme, url)
    if delegation_ids is None:
        ids: list[int] = []
        for version in programme.versions:
            if version.version == programme.published_version:
                for item in version.content["sessions"]:
                    ids += [i for i in item.get("speakers", []) if i not in ids]
        delegation_ids = ids
    messages, seen = [], set()
    for delegation_id in delegation_ids:
        for contact in focal_points(session, delegation_id):
            if contact.email and contact.email not in seen:
                seen.add(contact.email)
                messages.append((contact.email, subject, text, None, contact.name))
    return messages


def programme_change_summary(meeting, programme, url: str) -> tuple[str, str]:
    """Subject and text of the notice for the last publication's changes."""
    return summary_text(meeting, programme.published_version or programme.version, programme.last_changes or [], url)


def queue_change_notices(runtime, messages: list[tuple]) -> int:
    """Queue prepared change notices (after the caller's commit); returns how many."""
    for message in messages:
        jobs.enqueue(runtime, "mail.send", *message)
    return len(messages)
