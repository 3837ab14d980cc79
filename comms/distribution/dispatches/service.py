"""Planning dispatches and reading them back (no Flask). docs/design/contract.md "Dispatches".

A dispatch is a subject, a Markdown body and register documents for one meeting,
sent to the focal points of some delegations and the members of some lists. It is
planned as exactly one send of the shared ledger (comms.distribution.service), so it
has the releases' guarantees: each contact once (a unique row per send and contact),
suppressed, unsubscribed, bounced and paused contacts skipped, crash-resumable,
SMTP 4xx retried and 5xx suppressing (docs/design/security.md items 21, 23, 24).
"""

from __future__ import annotations

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from comms.distribution.dispatches import audience
from comms.distribution.models import Delivery, Dispatch, Send, SendError
from comms.distribution.service import plan_deliveries, progress
from comms.documents.models import RegisterDocument
from comms.meetings.service import Meeting
from comms.rendering.limits import RichTextError
from comms.rendering.richtext import check_rich_text, clean_markdown
from contacts.models import Contact, ContactEvent
from storage.audit import Actor

MAX_SUBJECT = 250
MAX_DOCUMENTS = 20
# Limited documents travel as attachments: keep each message a size every mail server takes.
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
UNSUBSCRIBE_EVENT = "unsubscribe"


def _subject(raw) -> str:
    subject = " ".join(str(raw or "").split()) if isinstance(raw, str) else ""
    # Line breaks were folded above; a subject with other control characters is refused, never cleaned
    # silently (docs/design/security.md item 21: no header injection through the subject).
    if not subject or len(subject) > MAX_SUBJECT or any(ord(ch) < 32 or ord(ch) == 127 for ch in subject):
        raise SendError(f"the subject is one line of 1 to {MAX_SUBJECT} characters", 422, {"subject": "invalid"})
    if isinstance(raw, str) and ("\r" in raw or "\n" in raw):
        raise SendError("the subject is one line: no line breaks", 422, {"subject": "line break"})
    return subject


def _body(raw) -> str:
    if not isinstance(raw, str):
        raise SendError("body_markdown is text", 422, {"body_markdown": "invalid"})
    body = clean_markdown(raw)
    try:
        check_rich_text(body)
    except RichTextError as exc:
        raise SendError(f"the body cannot be sent: {exc}", 422, {"body_markdown": str(exc)}) from exc
    return body


def check_documents(session: Session, values) -> list[RegisterDocument]:
    """The register documents to send: issued ones only (public ones are linked, limited ones attached)."""
    values = values or []
    if not isinstance(values, list) or len(values) > MAX_DOCUMENTS \
            or any(isinstance(v, bool) or not isinstance(v, int) or not 0 < v < 2**31 for v in values):
        raise SendError(f"document_ids is a list of at most {MAX_DOCUMENTS} document ids", 422,
                        {"document_ids": "invalid"})
    found = []
    for document_id in dict.fromkeys(values):
        document = session.get(RegisterDocument, document_id)
        if document is None:
            raise SendError(f"there is no document {document_id}", 422, {"document_ids": "unknown"})
        if document.status != "issued":
            raise SendError(f"{document.symbol or document.title()} is {document.status}: only issued documents "
                            "are dispatched", 422, {"document_ids": "not issued"})
        found.append(document)
    attached = sum(f.size for d in found if not d.public for f in d.files)
    if attached > MAX_ATTACHMENT_BYTES:
        raise SendError("the limited documents to attach are larger than "
                        f"{MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB together", 422, {"document_ids": "too large"})
    return found


def check_limited_audience(documents: list[RegisterDocument], list_ids: list[int]) -> None:
    """Limited documents go only to delegations' focal points, never to contact lists (journalists):
    SendError 422 on ``document_ids`` when both are asked for (docs/design/security.md item 36)."""
    limited = [d for d in documents if d.distribution == "limited"]
    if limited and list_ids:
        names = ", ".join(d.symbol or d.title() for d in limited[:5])
        raise SendError(f"{names} {'is' if len(limited) == 1 else 'are'} limited: limited documents go only to "
                        "delegations' focal points, so send them without lists", 422,
                        {"document_ids": "limited: only to delegations"})


def create_dispatch(session: Session, meeting: Meeting, data: dict, *, actor: Actor, mail_from: str) -> Dispatch:
    """Check the input, resolve the recipients (treaty status as of today) and plan the dispatch's send.

    ``data``: subject, body_markdown, document_ids, delegations ("all", "states_parties",
    "observers" or a list of ids) and list_ids. SendError (422) for bad input.
    """
    subject, body = _subject(data.get("subject")), _body(data.get("body_markdown", ""))
    documents = check_documents(session, data.get("document_ids"))
    day = audience.today()
    delegations = data.get("delegations")
    chosen_delegations = audience.delegation_ids(session, delegations, day)
    chosen_lists = audience.list_ids(session, data.get("list_ids"))
    if delegations in (None, "", []) and not chosen_lists:
        raise SendError("choose the delegations or at least one list", 422, {"delegations": "empty"})
    check_limited_audience(documents, chosen_lists)
    dispatch = Dispatch(meeting_id=meeting.id, subject=subject, body_markdown=body,
                        document_ids=[d.id for d in documents],
                        delegations=delegations if isinstance(delegations, str) else chosen_delegations,
                        list_ids=chosen_lists, as_of=day, created_by=actor.label)
    session.add(dispatch)
    session.flush()
    wanted = audience.recipient_ids(session, chosen_delegations, chosen_lists)
    contacts = list(session.scalars(select(Contact).where(Contact.id.in_(wanted)))) if wanted else []
    send = plan_deliveries(session, Send(dispatch_id=dispatch.id, list_ids=chosen_lists, segment_ids=[],
                                         created_by=actor.label), contacts, mail_from=mail_from)
    actor.record(session, "dispatch.send", object_type="dispatch", object_id=dispatch.id,
                 details={"meeting_id": meeting.id, "send_id": send.id, "recipients": send.total,
                          "suppressed": send.skipped_suppressed, "documents": [d.id for d in documents]})
    return dispatch


def send_of(session: Session, dispatch: Dispatch) -> Send:
    """The dispatch's one send."""
    return session.scalars(select(Send).where(Send.dispatch_id == dispatch.id)).one()


def get_dispatch(session: Session, dispatch_id: int) -> Dispatch:
    """The dispatch with this id; SendError 404 if there is none."""
    dispatch = session.get(Dispatch, dispatch_id) if 0 < dispatch_id < 2**31 else None
    if dispatch is None:
        raise SendError(f"no dispatch {dispatch_id}", 404)
    return dispatch


def dispatch_progress(session: Session, dispatch: Dispatch) -> dict:
    """docs/design/contract.md's ``{status, total, sent, failed, suppressed}`` (and pending) of a dispatch."""
    state = progress(session, send_of(session, dispatch))
    return {"dispatch_id": dispatch.id, "send_id": state["id"], "meeting_id": dispatch.meeting_id,
            **{key: state[key] for key in ("status", "total", "sent", "failed", "pending", "suppressed")}}


def dispatch_report(session: Session, dispatch: Dispatch) -> dict:
    """The progress plus "unsubscribed since" (recipients who unsubscribed after it reached them)."""
    send = send_of(session, dispatch)
    unsubscribed = session.scalar(
        select(func.count(func.distinct(Delivery.contact_id)))
        .join(ContactEvent, and_(ContactEvent.contact_id == Delivery.contact_id,
                                 ContactEvent.kind == UNSUBSCRIBE_EVENT, ContactEvent.at >= Delivery.sent_at))
        .where(Delivery.send_id == send.id, Delivery.status == "sent")) or 0
    return {**dispatch_progress(session, dispatch), "unsubscribed_since": int(unsubscribed)}


def meeting_dispatches(session: Session, meeting_id: int) -> list[tuple[Dispatch, dict]]:
    """A meeting's dispatches, newest first, each with its progress."""
    found = session.scalars(select(Dispatch).where(Dispatch.meeting_id == meeting_id)
                            .order_by(Dispatch.id.desc()))
    return [(item, dispatch_progress(session, item)) for item in found]


def received_by(session: Session, contact_id: int, limit: int = 100) -> list[dict]:
    """The dispatches a contact was sent (the ledger's rows), newest first: for their history."""
    rows = session.execute(
        select(Dispatch.id, Dispatch.subject, Dispatch.meeting_id, Meeting.title, Delivery.status, Delivery.sent_at,
               Dispatch.created_at)
        .join(Send, Send.dispatch_id == Dispatch.id).join(Delivery, Delivery.send_id == Send.id)
        .join(Meeting, Meeting.id == Dispatch.meeting_id)
        .where(Delivery.contact_id == contact_id).order_by(Dispatch.id.desc()).limit(limit)).all()
    return [{"dispatch_id": row[0], "subject": row[1], "meeting_id": row[2], "meeting": row[3], "status": row[4],
             "sent_at": row[5], "created_at": row[6]} for row in rows]


def received_by_delegation(session: Session, delegation_id: int, limit: int = 100) -> list[dict]:
    """The dispatches that reached a delegation's people (its focal points, by their delegation), newest
    first, each with how many of them it was sent to and how many it reached: for the delegation's record."""
    sent = func.sum(case((Delivery.status == "sent", 1), else_=0))
    rows = session.execute(
        select(Dispatch.id, Dispatch.subject, Meeting.title, Dispatch.created_at, func.count(Delivery.id), sent)
        .join(Send, Send.dispatch_id == Dispatch.id).join(Delivery, Delivery.send_id == Send.id)
        .join(Contact, Contact.id == Delivery.contact_id).join(Meeting, Meeting.id == Dispatch.meeting_id)
        .where(Contact.delegation_id == delegation_id)
        .group_by(Dispatch.id, Dispatch.subject, Meeting.title, Dispatch.created_at)
        .order_by(Dispatch.id.desc()).limit(limit)).all()
    return [{"dispatch_id": row[0], "subject": row[1], "meeting": row[2], "created_at": row[3], "people": row[4],
             "sent": int(row[5] or 0)} for row in rows]
