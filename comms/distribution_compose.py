"""Turning a release into one recipient's message for comms.distribution.

The release is rendered once per send; each recipient only gets their name and
their own unsubscribe and preference links filled in.
"""

from __future__ import annotations

from typing import Callable

from comms import releases
from comms.distribution import embargo_in_force, message_for
from comms.mail import OutgoingMessage
from comms.rendering import markdown_to_html, plain_text
from contacts.models import Contact
from contacts.subscriptions import preferences_link_token


def links_for(runtime, contact: Contact) -> tuple[str, str]:
    """The recipient's unsubscribe and preference URLs (the routes of comms.web.subscribe)."""
    base = runtime.config.base_url or "http://localhost"
    return (f"{base}/unsubscribe/{contact.token}",
            f"{base}/preferences/{preferences_link_token(runtime.config.secret_key, contact)}")


def embargo_line(release: releases.Release) -> str:
    """"EMBARGOED UNTIL <time, zone>" in the meeting's zone (UTC without a meeting)."""
    zone = release.meeting.zone if release.meeting else None
    moment = release.embargo_until.astimezone(zone) if zone else release.embargo_until
    return f"EMBARGOED UNTIL {moment:%-d %B %Y, %H:%M} {moment.tzname()}"


def composer_for(runtime, release_id: int) -> Callable[[Contact, str], OutgoingMessage]:
    """A function building each recipient's message for this release."""
    with runtime.db.transaction() as session:
        release = session.get(releases.Release, release_id)
        session.refresh(release)
        compiled = _simple_compiled(session, release, runtime)
        embargo = embargo_line(release) if embargo_in_force(release) else ""
        subject = (f"{embargo}: " if embargo else "") + compiled["subject"]
        list_id = f"{runtime.config.office_name} press releases <press-releases." \
                  f"{(runtime.config.mail_from.rpartition('@')[2] or 'localhost')}>"

    def compose(contact: Contact, message_id: str) -> OutgoingMessage:
        unsubscribe_url, preferences_url = links_for(runtime, contact)
        html, text = _simple_personalise(compiled, contact, unsubscribe_url, preferences_url)
        return message_for(contact, subject=subject[:250], text=text, html=html, message_id=message_id,
                           unsubscribe_url=unsubscribe_url, list_id=list_id)

    return compose


def _simple_compiled(session, release, runtime) -> dict:
    content = release.content(release.approved_revision)
    embargo = embargo_line(release) if embargo_in_force(release) else ""
    return {"subject": content["headline"], "embargo": embargo, "content": content,
            "body_html": markdown_to_html(content.get("body_markdown", "")),
            "body_text": plain_text(content.get("body_markdown", "")),
            "boilerplate": releases.boilerplate(session, release.language)}


def _simple_personalise(compiled: dict, contact, unsubscribe_url: str, preferences_url: str) -> tuple[str, str]:
    from markupsafe import escape

    content = compiled["content"]
    banner = f"<p><strong>{escape(compiled['embargo'])}</strong></p>" if compiled["embargo"] else ""
    html = (f"<html><body>{banner}<h1>{escape(content['headline'])}</h1><p>{escape(content.get('dateline', ''))}</p>"
            f"{compiled['body_html']}<p>{escape(compiled['boilerplate'])}</p>"
            f"<p><a href=\"{escape(unsubscribe_url)}\">Unsubscribe</a> · "
            f"<a href=\"{escape(preferences_url)}\">Preferences</a></p></body></html>")
    text = "\n\n".join(part for part in (compiled["embargo"], content["headline"], content.get("dateline", ""),
                                         compiled["body_text"], compiled["boilerplate"],
                                         f"Unsubscribe: {unsubscribe_url}", f"Preferences: {preferences_url}") if part)
    return html, text
