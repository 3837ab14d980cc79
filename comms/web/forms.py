"""Staff forms: POST-redirect-GET and reporting every problem at once.

A refused form is not rendered at the address it was posted to: that address may
answer POST only, and a reload (or Back, or the address bar) would then land on a
405. :func:`refuse` keeps the posted values and each field's problem in the session
for one GET of the form's own page and redirects there (303); the page reads them
back with :func:`kept`. A GET that still reaches a POST-only staff address goes to
the nearest page above it (:func:`page_above`, used by comms.web.errors).

:class:`Problems` lets a form check every field before it refuses, so one round
trip names all that is wrong rather than the first thing only.
"""

from __future__ import annotations

from typing import Callable, TypeVar
from urllib.parse import urlsplit

from flask import current_app, redirect, request, session
from werkzeug.exceptions import HTTPException

from comms.platform.errors import DomainError

_KEY = "_refused_form"
# The session is a signed cookie (about 4 KB in all): long values are not kept, the page
# then shows the form's usual values and the flashed message still names every problem.
_MAX_KEPT = 2500
T = TypeVar("T")


def refuse(url: str, form: str, values: dict | None = None, errors: dict | None = None):
    """Redirect (303) to the page at ``url``, keeping ``form``'s posted values and field errors for it."""
    values = {k: v for k, v in (values or {}).items() if k != "csrf_token"}
    if sum(len(str(k)) + len(str(v)) for k, v in values.items()) > _MAX_KEPT:
        values = {}
    session[_KEY] = {"path": urlsplit(url).path, "form": form, "values": values,
                     "errors": {str(k): str(v)[:300] for k, v in (errors or {}).items()}}
    return redirect(url, 303)


def kept(form: str) -> tuple[dict, dict]:
    """The values and field errors a refused ``form`` left for this page, once; ``({}, {})`` otherwise."""
    state = session.get(_KEY)
    if not state or state.get("form") != form or state.get("path") != request.path:
        return {}, {}
    session.pop(_KEY, None)
    return dict(state.get("values") or {}), dict(state.get("errors") or {})


def page_above(path: str) -> str | None:
    """The nearest staff page above ``path`` that answers GET (``/staff/x/1/publish`` -> ``/staff/x/1``)."""
    if not path.startswith("/staff/"):
        return None
    adapter = current_app.url_map.bind_to_environ(request.environ)
    parts = path.rstrip("/").split("/")
    while len(parts) > 2:
        parts.pop()
        candidate = "/".join(parts)
        try:
            adapter.match(candidate, method="GET")
        except HTTPException:
            continue
        return candidate
    return None


class Problems:
    """Collects each field's problem so a form reports them all at once."""

    def __init__(self) -> None:
        self.fields: dict[str, str] = {}

    def check(self, field: str, parse: Callable[..., T], *args) -> T | None:
        """``parse(*args)``, or None with the refusal's message noted against ``field``."""
        try:
            return parse(*args)
        except DomainError as exc:
            self.fields.setdefault(field, exc.message)
            return None

    def note(self, field: str, problem: str) -> None:
        """Record ``problem`` for ``field`` (the first one found is kept)."""
        self.fields.setdefault(field, problem)

    def raise_any(self, error: type[DomainError]) -> None:
        """Raise ``error`` naming every field's problem, if there is one."""
        if self.fields:
            raise error("some fields are not valid", fields=self.fields)
