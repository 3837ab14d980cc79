"""/api/v1/me and /api/v1/users."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest import Blueprint

from comms.accounts import users as auth
from comms.web.access import api_user, token_required
from comms.web.api.schemas import ErrorSchema, PaginationSchema, UserSchema, page_of
from comms.web.context import client_ip, db
from comms.web.errors import api_abort

blp = Blueprint("api_users", __name__, url_prefix="/api/v1", description="Staff users")
SECURITY = [{"bearerAuth": []}]


class UserQuerySchema(PaginationSchema):
    role = ma.fields.String(validate=ma.validate.OneOf(auth.ROLES))


@blp.route("/me")
@token_required()
@blp.doc(security=SECURITY)
@blp.response(200, UserSchema)
@blp.alt_response(401, schema=ErrorSchema, description="no or invalid token")
def me():
    """The user the token belongs to."""
    return api_user().to_dict()


@blp.route("/users", methods=["GET"])
@token_required("officer", "approver", "viewer")
@blp.doc(security=SECURITY)
@blp.arguments(UserQuerySchema, location="query", as_kwargs=True)
@blp.response(200, page_of(UserSchema))
@blp.alt_response(401, schema=ErrorSchema, description="no or invalid token")
@blp.alt_response(422, schema=ErrorSchema, description="invalid query")
def list_users(page: int, per_page: int, role: str | None = None):
    """Staff users, optionally with one role."""
    everyone = auth.list_users(db(), role)
    window = everyone[(page - 1) * per_page: page * per_page]
    return {"items": [user.to_dict() for user in window], "total": len(everyone)}


class NewUserSchema(UserSchema):
    email = ma.fields.Email(required=True)
    role = ma.fields.String(required=True, validate=ma.validate.OneOf(auth.ROLES))
    password = ma.fields.String(load_only=True, validate=ma.validate.Length(min=auth.MIN_PASSWORD_LENGTH))


@blp.route("/users", methods=["POST"])
@token_required("admin")
@blp.doc(security=SECURITY)
@blp.arguments(NewUserSchema)
@blp.response(201, UserSchema)
@blp.alt_response(401, schema=ErrorSchema, description="no or invalid token")
@blp.alt_response(403, schema=ErrorSchema, description="only admins create users")
@blp.alt_response(409, schema=ErrorSchema, description="the email is taken")
@blp.alt_response(422, schema=ErrorSchema, description="invalid fields")
def create_user(data: dict):
    """Create a staff account (admins only)."""
    session = db()
    if auth.find_user(session, data["email"]) is not None:
        api_abort(409, "conflict", "a user with that email already exists", {"email": "already taken"})
    try:
        user = auth.create_user(session, data["email"], data["role"], name=data.get("name", ""),
                                password=data.get("password"), actor=api_user(), ip=client_ip())
    except auth.AuthError as exc:
        session.rollback()
        api_abort(422, "invalid", str(exc))
    session.commit()
    return user.to_dict()
