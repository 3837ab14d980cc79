"""A dispatch as each recipient's message (no Flask).

The email (MJML compiled to HTML, and the text part) is rendered once per send with
two slots, the recipient's name and unsubscribe link, filled per message as for
releases (comms.platform.mail.MessageTemplate). Register documents that are public
(general distribution, issued) are linked to their public page; limited ones are
attached, and such messages are built with build_message instead, one MIME tree each.
"""

from __future__ import annotations

import html as html_lib
import re
from typing import Callable

from markupsafe import Markup

from comms.distribution.models import Dispatch
from comms.documents import service as register
from comms.documents.models import RegisterDocument
from comms.meetings.service import Meeting
from comms.platform.mail import MailError, MessageTemplate, OutgoingMessage, build_message
from comms.rendering import emails
from comms.rendering.richtext import markdown_to_html, strip_control_characters
from comms.rendering.text_layout import text_escape
from contacts.models import Contact

# Slot markers: plain letters, so neither MJML nor escaping changes them.
SLOTS = {"to_name": "PRESSROOMSLOTxNAMEx", "unsubscribe_url": "PRESSROOMSLOTxUNSUBx"}
_SPLIT = re.compile("(" + "|".join(SLOTS.values()) + ")")
_NAMES = {marker: name for name, marker in SLOTS.items()}


def _parts(rendered: str) -> tuple[str, ...]:
    """Literal text and slot names alternating, as MessageTemplate takes them."""
    return tuple(_NAMES.get(piece, piece) if i % 2 else piece for i, piece in enumerate(_SPLIT.split(rendered)))


def _join(parts: tuple[str, ...], values: dict[str, str]) -> str:
    return "".join(values[part] if i % 2 else part for i, part in enumerate(parts))


def document_entries(documents: list[RegisterDocument], base_url: str) -> list[dict]:
    """What the email says of each document: symbol, title, public link (or attached)."""
    return [{"symbol": d.symbol or f"Document {d.id}", "title": d.title(),
             "url": f"{base_url}/documents/{d.symbol or f'~{d.id}'}" if d.public else None,
             "attached": not d.public} for d in documents]


def attachments(runtime, documents: list[RegisterDocument]) -> list[tuple[bytes, str, str]]:
    """(bytes, content type, file name) of every language file of the limited documents."""
    found = []
    for document in documents:
        if document.public:
            continue
        for record in register.sorted_files(document):
            stem = (document.symbol or f"document-{document.id}").replace("/", "-")
            name = f"{stem}-{record.language.upper()}.{record.stored_name.rsplit('.', 1)[-1]}"
            path = register.file_path(runtime.config.documents_path, record)
            found.append((path.read_bytes(), record.content_type, name))
    return found


def dispatch_composer(runtime, dispatch_id: int, links: Callable[[object, Contact], tuple[str, str]]):
    """A function building each recipient's message for this dispatch (``links(runtime, contact)``
    gives the unsubscribe and preference URLs, as for releases)."""
    base = runtime.config.base_url or "http://localhost"
    office = runtime.config.office_name
    with runtime.db.transaction() as session:
        dispatch = session.get(Dispatch, dispatch_id)
        meeting = session.get(Meeting, dispatch.meeting_id)
        documents = [session.get(RegisterDocument, i) for i in dispatch.document_ids or []]
        documents = [d for d in documents if d is not None]
        entries = document_entries(documents, base)
        files = attachments(runtime, documents)
        subject, body = dispatch.subject, dispatch.body_markdown
        context = {"office": office, "meeting": {"title": meeting.title}, "subject": subject,
                   "documents": entries, **SLOTS}
    # No ``title``: MRML copies mj-title into <title> and into an aria-label, where it writes < and >
    # back unescaped (quotes stay escaped); the office's name is the title, not the staff-typed subject.
    text, html = emails.render("dispatch", body=Markup(text_escape(body)),
                               body_html=Markup(markdown_to_html(body)), **context)
    text_parts, html_parts = _parts(text), _parts(html)
    domain = runtime.config.mail_from.rpartition("@")[2] or "localhost"
    headers = {"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
               "List-Id": f"{office} dispatches to delegations <dispatches.{domain}>"}
    template = MessageTemplate(subject=subject, text_parts=text_parts, html_parts=html_parts,
                               mail_from=runtime.config.mail_from, from_name=office, headers=headers)

    def compose(contact: Contact, message_id: str):
        unsubscribe_url, _preferences = links(runtime, contact)
        name = " ".join(strip_control_characters(contact.name or "").split())[:200]
        html_values = {"to_name": html_lib.escape(name), "unsubscribe_url": html_lib.escape(unsubscribe_url)}
        text_values = {"to_name": name, "unsubscribe_url": unsubscribe_url}
        if not files:
            return template.render(to_email=contact.email, to_name=contact.name, message_id=message_id,
                                   unsubscribe_url=unsubscribe_url, text_values=text_values,
                                   html_values=html_values)
        if "\r" in unsubscribe_url or "\n" in unsubscribe_url:
            raise MailError("the unsubscribe URL must be one line", permanent=True)
        mime = build_message(OutgoingMessage(
            to_email=contact.email, to_name=contact.name, subject=subject, text=_join(text_parts, text_values),
            html=_join(html_parts, html_values),
            headers={"Message-ID": message_id, "List-Unsubscribe": f"<{unsubscribe_url}>", **headers}),
            runtime.config.mail_from, office)
        for data, content_type, filename in files:
            maintype, _, subtype = content_type.partition("/")
            mime.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
        return mime

    return compose
