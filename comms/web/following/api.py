"""/api/v1/sources and /api/v1/items: followed sites and what they published."""

from __future__ import annotations


from flask_smorest import Blueprint
from sqlalchemy import func, select
from comms.following import admin as follow_admin
from comms.following import on_demand as follow_try
from comms.following.items import ItemFilter, item_to_dict, search_items
from comms.web.access import current_actor, token_required
from comms.web.api.schemas import ErrorSchema, page_of
from comms.web.following.schemas import ItemQuerySchema, ItemSchema, PollResultSchema, SourceInSchema, SourceQuerySchema, SourceSchema
from comms.web.context import db, runtime
from comms.web.errors import api_abort, domain_errors
from feeds.follow.models import Item, Source

blp = Blueprint("api_sources", __name__, url_prefix="/api/v1", description="Followed sources and their items")
SECURITY = [{"bearerAuth": []}]
READERS = ("officer", "approver", "viewer")
WRITERS = ("officer",)


def _source(source_id: int) -> Source:
    with domain_errors():
        return follow_admin.get_source(db(), source_id)


def _count(source_id: int) -> int:
    return db().scalar(select(func.count(Item.id)).where(Item.source_id == source_id)) or 0


@blp.route("/sources", methods=["GET"])
@token_required(*READERS)
@blp.doc(security=SECURITY)
@blp.arguments(SourceQuerySchema, location="query", as_kwargs=True)
@blp.response(200, page_of(SourceSchema))
@blp.alt_response(401, schema=ErrorSchema)
def list_sources(page: int, per_page: int, status: str | None = None):
    """Every followed source, by name, with its health and item count."""
    query = select(Source)
    if status:
        query = query.where(Source.status == status)
    total = db().scalar(select(func.count()).select_from(query.subquery())) or 0
    found = db().scalars(query.order_by(func.lower(Source.name), Source.id).limit(per_page).offset((page - 1) * per_page))
    counts = follow_admin.item_counts(db())
    return {"items": [follow_admin.source_to_dict(s, counts.get(s.id, 0)) for s in found], "total": total}


@blp.route("/sources", methods=["POST"])
@token_required(*WRITERS)
@blp.doc(security=SECURITY)
@blp.arguments(SourceInSchema)
@blp.response(201, SourceSchema)
@blp.alt_response(403, schema=ErrorSchema)
@blp.alt_response(422, schema=ErrorSchema)
def create_source(data: dict):
    """Follow a site: its news page (``kind: auto`` finds a feed if it has one) or a feed."""
    with domain_errors():
        source = follow_admin.create_source(db(), data, current_actor())
        db().commit()
    return follow_admin.source_to_dict(source, 0)


@blp.route("/sources/<int:source_id>", methods=["GET"])
@token_required(*READERS)
@blp.doc(security=SECURITY)
@blp.response(200, SourceSchema)
@blp.alt_response(404, schema=ErrorSchema)
def get_source(source_id: int):
    """One source."""
    return follow_admin.source_to_dict(_source(source_id), _count(source_id))


@blp.route("/sources/<int:source_id>", methods=["PATCH"])
@token_required(*WRITERS)
@blp.doc(security=SECURITY)
@blp.arguments(SourceInSchema)
@blp.response(200, SourceSchema)
@blp.alt_response(404, schema=ErrorSchema)
@blp.alt_response(422, schema=ErrorSchema)
def update_source(data: dict, source_id: int):
    """Change a source: rename, move, pause (``{"paused": true}``), selectors, language, interval."""
    source = _source(source_id)
    with domain_errors():
        follow_admin.update_source(db(), source, data, current_actor())
        db().commit()
    return follow_admin.source_to_dict(source, _count(source_id))


@blp.route("/sources/<int:source_id>", methods=["DELETE"])
@token_required(*WRITERS)
@blp.doc(security=SECURITY)
@blp.response(204)
@blp.alt_response(404, schema=ErrorSchema)
def delete_source(source_id: int):
    """Stop following a site and delete its items."""
    follow_admin.delete_source(db(), _source(source_id), current_actor())
    db().commit()
    return ""


@blp.route("/sources/<int:source_id>/poll", methods=["POST"])
@token_required(*WRITERS)
@blp.doc(security=SECURITY)
@blp.response(200, PollResultSchema)
@blp.alt_response(404, schema=ErrorSchema)
@blp.alt_response(409, schema=ErrorSchema)
def poll_source(source_id: int):
    """Poll the source now and wait for the result (watchlists and pick-ups run as after a scheduled poll)."""
    _source(source_id)
    db().rollback()  # the poll writes in its own transactions; hold no lock meanwhile
    result = follow_try.poll_now(runtime(), source_id)
    if result.busy:
        api_abort(409, "busy", "another worker is polling this site right now; try again in a minute")
    return {"new_items": result.new_items, "updated_items": result.updated_items, "unchanged": result.unchanged,
            "status": result.status, "error": result.error}


@blp.route("/items", methods=["GET"])
@token_required(*READERS)
@blp.doc(security=SECURITY)
@blp.arguments(ItemQuerySchema, location="query", as_kwargs=True)
@blp.response(200, page_of(ItemSchema))
@blp.alt_response(422, schema=ErrorSchema)
def list_items(page: int, per_page: int, **filters):
    """Items from followed sources, newest first: by source, words, date, language, or watchlist flag."""
    flt = ItemFilter(source=filters.get("source"), q=filters.get("q") or "", since=filters.get("since"),
                     language=(filters.get("language") or "").lower(), flagged=bool(filters.get("flagged")))
    found, total = search_items(db(), flt, page=page, per_page=per_page)
    return {"items": [item_to_dict(item) for item in found], "total": total}
