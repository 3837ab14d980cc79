"""Turning a release (or a dispatch: comms.distribution.dispatches.compose) into one recipient's
message for comms.distribution.

The release's email is compiled once per send (comms.rendering: MJML, inlined
CSS, text part) from its approved revision, and its MIME message is built once
too (comms.platform.mail.MessageTemplate: headers, multipart/alternative, quoted-printable
bodies); each recipient only gets their name, their own unsubscribe and
preference links, their To and Message-ID put into the bytes.
"""

from __future__ import annotations

from email.message import EmailMessage
from typing import Callable

from comms.distribution.dispatches.compose import dispatch_composer
from comms.distribution.models import Send
from comms.rendering import formats as rendering
from comms.releases.context import release_context
from comms.releases import service as releases
from comms.platform.mail import MessageTemplate, PreparedMessage
from contacts.models import Contact
from contacts.subscriptions import preferences_link_token


def links_for(runtime, contact: Contact) -> tuple[str, str]:
    """The recipient's unsubscribe and preference URLs (the routes of comms.web.contacts.subscribe)."""
    base = runtime.config.base_url or "http://localhost"
    return (f"{base}/unsubscribe/{contact.token}",
            f"{base}/preferences/{preferences_link_token(runtime.config.secret_key, contact)}")


def composer_for(runtime, release_id: int) -> Callable[[Contact, str], PreparedMessage | EmailMessage]:
    """A function building each recipient's message for this release, ready for the mailer.

    ``contact`` needs ``id``, ``email``, ``name`` and ``token`` (and may say ``self_subscribed``). Raises
    rendering.RenderError before anything is sent if the email cannot be built.
    """
    base = runtime.config.base_url or "http://localhost"
    with runtime.db.transaction() as session:
        release = session.get(releases.Release, release_id)
        session.refresh(release)
        context = release_context(session, release, base_url=base, office=runtime.config.office_name,
                                            revision=release.approved_revision)
        compiled = rendering.compile_email(release, context=context)
    domain = runtime.config.mail_from.rpartition("@")[2] or "localhost"
    template = MessageTemplate(
        subject=compiled.subject[:250], text_parts=compiled.text_parts, html_parts=compiled.html_parts,
        mail_from=runtime.config.mail_from, from_name=runtime.config.office_name,
        headers={"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                 "List-Id": f"{runtime.config.office_name} press releases <press-releases.{domain}>"})

    def compose(contact: Contact, message_id: str) -> PreparedMessage | EmailMessage:
        unsubscribe_url, preferences_url = links_for(runtime, contact)
        # A row from the ledger's claim says whether they subscribed themselves; a bare Contact is
        # taken as a subscriber, as before.
        html_values, text_values = rendering.recipient_values(
            compiled, name=contact.name, unsubscribe_url=unsubscribe_url, preferences_url=preferences_url,
            self_subscribed=bool(getattr(contact, "self_subscribed", True)))
        return template.render(to_email=contact.email, to_name=contact.name, message_id=message_id,
                               unsubscribe_url=unsubscribe_url, text_values=text_values, html_values=html_values)

    return compose


def composer_for_send(runtime, send_id: int) -> Callable[[Contact, str], PreparedMessage | EmailMessage]:
    """The composer of whatever this send carries: its release, or its dispatch to delegations."""
    with runtime.db.transaction() as session:
        send = session.get(Send, send_id)
        release_id, dispatch_id = send.release_id, send.dispatch_id
    if dispatch_id is not None:
        return dispatch_composer(runtime, dispatch_id, links_for)
    return composer_for(runtime, release_id)
