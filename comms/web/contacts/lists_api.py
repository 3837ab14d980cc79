"""/api/v1/lists, /api/v1/segments and /api/v1/topics."""

from __future__ import annotations

from flask_smorest import Blueprint
from sqlalchemy import select

from comms.web.access import current_actor, token_required
from comms.web.contacts.schemas import ContactSchema, ListPatchSchema, ListSchema, MembersResultSchema, MembersSchema, SegmentSchema, TopicSchema
from comms.web.contacts.api import READERS, SECURITY, WRITERS, contact_errors
from comms.web.api.schemas import ErrorSchema, PaginationSchema, page_of
from comms.web.context import db
from comms.web.errors import api_abort
from contacts import lists, service
from contacts.models import ContactList, Segment, Topic
from contacts.search import ContactFilter, search

blp = Blueprint("api_lists", __name__, url_prefix="/api/v1", description="Lists, segments and topics")


def _list(list_id: int):
    # The list the URL names: missing is 404 (a missing list *in a body* stays 422).
    found = db().get(ContactList, list_id)
    if found is None:
        api_abort(404, "not_found", f"no list {list_id}")
    return found


def _segment(segment_id: int) -> Segment:
    segment = db().get(Segment, segment_id)
    if segment is None:
        api_abort(404, "not_found", f"no segment {segment_id}")
    return segment


@blp.route("/lists", methods=["GET"])
@token_required(*READERS)
@blp.doc(security=SECURITY)
@blp.response(200, page_of(ListSchema))
def all_lists():
    """Every list with its size."""
    sizes = lists.list_sizes(db())
    items = [lists.list_to_dict(item, sizes.get(item.id, 0)) for item in lists.all_lists(db())]
    return {"items": items, "total": len(items)}


@blp.route("/lists", methods=["POST"])
@token_required(*WRITERS)
@blp.doc(security=SECURITY)
@blp.arguments(ListSchema)
@blp.response(201, ListSchema)
@blp.alt_response(422, schema=ErrorSchema)
def create_list(data: dict):
    """Create a list; ``embargo_trusted`` lists may receive releases before their embargo lifts."""
    with contact_errors():
        created = lists.create_list(db(), data["name"], current_actor(), description=data["description"],
                                    embargo_trusted=data["embargo_trusted"])
        db().commit()
    return lists.list_to_dict(created, 0)


@blp.route("/lists/<int:list_id>", methods=["GET"])
@token_required(*READERS)
@blp.doc(security=SECURITY)
@blp.response(200, ListSchema)
@blp.alt_response(404, schema=ErrorSchema)
def get_list(list_id: int):
    """One list."""
    found = _list(list_id)
    return lists.list_to_dict(found, lists.list_sizes(db()).get(found.id, 0))


@blp.route("/lists/<int:list_id>", methods=["PATCH"])
@token_required(*WRITERS)
@blp.doc(security=SECURITY)
@blp.arguments(ListPatchSchema)
@blp.response(200, ListSchema)
def update_list(data: dict, list_id: int):
    """Rename a list or change its embargo trust."""
    found = _list(list_id)
    with contact_errors():
        lists.update_list(db(), found, current_actor(), **data)
        db().commit()
    return lists.list_to_dict(found, lists.list_sizes(db()).get(found.id, 0))


@blp.route("/lists/<int:list_id>", methods=["DELETE"])
@token_required(*WRITERS)
@blp.doc(security=SECURITY)
@blp.response(204)
def delete_list(list_id: int):
    """Delete a list; its contacts stay."""
    lists.delete_list(db(), _list(list_id), current_actor())
    db().commit()
    return ""


@blp.route("/lists/<int:list_id>/members", methods=["POST"])
@token_required(*WRITERS)
@blp.doc(security=SECURITY)
@blp.arguments(MembersSchema)
@blp.response(200, MembersResultSchema)
def add_members(data: dict, list_id: int):
    """Add contacts to a list (already present ones are left as they are)."""
    found = _list(list_id)
    with contact_errors():
        added = lists.add_to_list(db(), found, data["contact_ids"], current_actor())
        db().commit()
    return {"changed": added, "size": lists.list_sizes(db()).get(found.id, 0)}


@blp.route("/lists/<int:list_id>/members", methods=["DELETE"])
@token_required(*WRITERS)
@blp.doc(security=SECURITY)
@blp.arguments(MembersSchema)
@blp.response(200, MembersResultSchema)
def remove_members(data: dict, list_id: int):
    """Take contacts off a list."""
    found = _list(list_id)
    removed = lists.remove_from_list(db(), found, data["contact_ids"], current_actor())
    db().commit()
    return {"changed": removed, "size": lists.list_sizes(db()).get(found.id, 0)}


@blp.route("/segments", methods=["GET"])
@token_required(*READERS)
@blp.doc(security=SECURITY)
@blp.response(200, page_of(SegmentSchema))
def all_segments():
    """Every saved segment."""
    items = [lists.segment_to_dict(s) for s in lists.all_segments(db())]
    return {"items": items, "total": len(items)}


@blp.route("/segments", methods=["POST"])
@token_required(*WRITERS)
@blp.doc(security=SECURITY)
@blp.arguments(SegmentSchema)
@blp.response(201, SegmentSchema)
@blp.alt_response(422, schema=ErrorSchema)
def create_segment(data: dict):
    """Save a filter such as ``{"language": "fr", "topic": "victim-assistance"}``."""
    with contact_errors():
        segment = lists.create_segment(db(), data["name"], data["filters"], current_actor(), data["description"])
        db().commit()
    return lists.segment_to_dict(segment)


@blp.route("/segments/<int:segment_id>", methods=["DELETE"])
@token_required(*WRITERS)
@blp.doc(security=SECURITY)
@blp.response(204)
def delete_segment(segment_id: int):
    """Delete a saved segment."""
    lists.delete_segment(db(), _segment(segment_id), current_actor())
    db().commit()
    return ""


@blp.route("/segments/<int:segment_id>/contacts", methods=["GET"])
@token_required(*READERS)
@blp.doc(security=SECURITY)
@blp.arguments(PaginationSchema, location="query", as_kwargs=True)
@blp.response(200, page_of(ContactSchema))
def segment_contacts(segment_id: int, page: int, per_page: int):
    """The contacts a segment matches now."""
    flt: ContactFilter = lists.segment_filter(_segment(segment_id))
    found, total = search(db(), flt, page=page, per_page=per_page)
    return {"items": [service.contact_to_dict(c) for c in found], "total": total}


@blp.route("/topics", methods=["GET"])
@token_required(*READERS)
@blp.doc(security=SECURITY)
@blp.response(200, TopicSchema(many=True))
def topics():
    """The managed topic vocabulary."""
    return [{"slug": t.slug, "label": t.label} for t in db().scalars(select(Topic).order_by(Topic.label))]
