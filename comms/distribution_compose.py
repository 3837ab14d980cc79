"""Turning a release into one recipient's message for comms.distribution.

The release's email is compiled once per send (comms.rendering: MJML, inlined
CSS, text part) from its approved revision; each recipient only gets their
name and their own unsubscribe and preference links filled in.
"""

from __future__ import annotations

from typing import Callable

from comms import rendering, releases
from comms.distribution import message_for
from comms.mail import OutgoingMessage
from contacts.models import Contact
from contacts.subscriptions import preferences_link_token


def links_for(runtime, contact: Contact) -> tuple[str, str]:
    """The recipient's unsubscribe and preference URLs (the routes of comms.web.subscribe)."""
    base = runtime.config.base_url or "http://localhost"
    return (f"{base}/unsubscribe/{contact.token}",
            f"{base}/preferences/{preferences_link_token(runtime.config.secret_key, contact)}")


def composer_for(runtime, release_id: int) -> Callable[[Contact, str], OutgoingMessage]:
    """A function building each recipient's message for this release.

    Raises rendering.RenderError before anything is sent if the email cannot be built.
    """
    base = runtime.config.base_url or "http://localhost"
    with runtime.db.transaction() as session:
        release = session.get(releases.Release, release_id)
        session.refresh(release)
        context = rendering.release_context(session, release, base_url=base, office=runtime.config.office_name,
                                            revision=release.approved_revision)
        compiled = rendering.compile_email(release, context=context)
    domain = runtime.config.mail_from.rpartition("@")[2] or "localhost"
    list_id = f"{runtime.config.office_name} press releases <press-releases.{domain}>"

    def compose(contact: Contact, message_id: str) -> OutgoingMessage:
        unsubscribe_url, preferences_url = links_for(runtime, contact)
        html, text = rendering.personalise(compiled, name=contact.name, unsubscribe_url=unsubscribe_url,
                                           preferences_url=preferences_url)
        return message_for(contact, subject=compiled.subject[:250], text=text, html=html, message_id=message_id,
                           unsubscribe_url=unsubscribe_url, list_id=list_id)

    return compose
