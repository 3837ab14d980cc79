"""Exactly once from the user's side, for the web: the API's ``Idempotency-Key`` header and the staff
forms' one-time nonce (docs/design/contract.md "Idempotent POSTs"; storage.idempotency does the work).

- API: a POST that carries ``Idempotency-Key`` claims the key for its caller. The same key with the
  same body answers the first answer again (nothing is done twice); with a different body, 422.
- Forms: each rendered form carries a fresh random ``form_nonce``; the first post with it claims it,
  a second post of the same nonce (a double click, a browser resubmit) is sent where the first went.
"""

from __future__ import annotations

import re
import secrets

from flask import Flask, request
from sqlalchemy.orm import Session

from comms.web.access import current_actor
from comms.web.errors import api_abort
from storage import idempotency

__all__ = ["HEADER", "NONCE_FIELD", "api_claim", "form_claim", "form_nonce", "init_app", "openapi_parameter",
           "replayed"]

HEADER = "Idempotency-Key"
NONCE_FIELD = "form_nonce"
REPLAYED_HEADER = "Idempotent-Replayed"
# Printable ASCII without spaces: a UUID, a ULID or any client's own token fits.
_KEY = re.compile(rf"[\x21-\x7e]{{1,{idempotency.MAX_KEY}}}")


def openapi_parameter(effect: str) -> dict:
    """The OpenAPI description of the optional ``Idempotency-Key`` header of a POST; ``effect`` says
    what a retry with the same key and body does not do again ("sends nothing more")."""
    return {"in": "header", "name": HEADER, "required": False,
            "description": f"a key of the client's choosing (a UUID): a retry with the same key and body gets the "
                           f"first answer and {effect}; another body with it is a 422",
            "schema": {"type": "string", "minLength": 1, "maxLength": idempotency.MAX_KEY, "pattern": "^[!-~]+$"}}


def form_nonce() -> str:
    """A fresh one-time token for a form's hidden ``form_nonce`` field (a template global)."""
    return secrets.token_urlsafe(24)


def init_app(app: Flask) -> None:
    """Make ``form_nonce()`` available to every template."""
    app.add_template_global(form_nonce, "form_nonce")


def _scope(kind: str) -> str:
    # Keys are the caller's own: two people (or a token and a page) never share one.
    actor = current_actor()
    return f"{kind}:{actor.id if actor.id is not None else actor.label}"


def api_claim(session: Session, body: dict) -> idempotency.Claimed | idempotency.Replay | None:
    """The request's Idempotency-Key claimed for ``body`` (None without the header).

    422 for a malformed key or a key already used for a different request.
    """
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not _KEY.fullmatch(key):
        api_abort(422, "invalid", f"{HEADER} is 1 to {idempotency.MAX_KEY} printable characters without spaces",
                  {HEADER: "invalid"})
    digest = idempotency.fingerprint(request.method, request.path, body)
    try:
        return idempotency.claim(session, _scope("api"), key, digest)
    except idempotency.KeyReused:
        session.rollback()
        api_abort(422, "invalid", f"this {HEADER} was already used for a different request; use a new key",
                  {HEADER: "reused"})


def replayed(found: idempotency.Replay):
    """The first answer again, marked as a replay."""
    return found.body, found.status_code, {REPLAYED_HEADER: "true"}


def form_claim(session: Session, endpoint: str) -> idempotency.Claimed | idempotency.Replay | None:
    """The posted form's nonce claimed for ``endpoint``; None when the form has no valid nonce."""
    nonce = request.form.get(NONCE_FIELD, "")
    if not _KEY.fullmatch(nonce):
        return None
    return idempotency.claim(session, _scope(f"form:{endpoint}"), nonce, None)
