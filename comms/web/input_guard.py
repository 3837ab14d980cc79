"""Bounds on request input, checked once for every request before authentication and before any
view or parser sees it (docs/design/security.md item 31).

- JSON bodies: nesting at most ``MAX_JSON_DEPTH`` (measured without recursion, before the body is
  parsed), integers within the database's 64-bit range, no NaN or Infinity, and no NUL or lone
  surrogate in any key or string (PostgreSQL refuses both; encoding one for SQLite raises).
- Query strings and form fields: no NUL character.

Refusals are 422 in docs/design/contract.md's error shape under /api, a 400 page elsewhere.
"""

from __future__ import annotations

import json
import math
import re
from array import array
from itertools import accumulate

from flask import Flask, abort, request

from comms.web.errors import api_abort, wants_json

MAX_JSON_DEPTH = 32
# BIGINT, the widest integer column; INTEGER ids are bounded further by their schemas.
MIN_JSON_INT, MAX_JSON_INT = -(2**63), 2**63 - 1
MAX_QUERY_INT = 2**31 - 1
MAX_PAGE = 1_000_000  # as the API's ?page=
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")  # as signed bytes: +1, +1, -1, -1
_SURROGATE = re.compile("[\ud800-\udfff]")


class InputRefused(ValueError):
    """The request holds input outside the bounds; ``fields`` says where."""

    def __init__(self, message: str, fields: dict[str, str]):
        super().__init__(message)
        self.message = message
        self.fields = fields


def json_depth(raw: bytes) -> int:
    """How deeply arrays and objects nest in a JSON text, counted in one pass without recursion.

    Strings are blanked first, so brackets inside them do not count; then each opening bracket
    is +1 and each closing one -1, and the deepest running total is the nesting (all in C loops,
    so even a body at the size limit is counted in about a second).
    """
    steps = array("b", _JSON_STRING.sub(b'""', raw).translate(_STEPS, _NOT_BRACKETS))
    return max(0, max(accumulate(steps), default=0))


class _TooLarge:
    """Stands in for an integer literal outside the 64-bit range, so its path can be reported."""


_TOO_LARGE = _TooLarge()
_NOT_FINITE = object()


def _bounded_int(text: str):
    # Called by the JSON parser with the digits as written, before Python converts them
    # (a 5,000-digit literal would otherwise hit int()'s own limit as a ValueError).
    if len(text.lstrip("-")) > 19 or not MIN_JSON_INT <= int(text) <= MAX_JSON_INT:
        return _TOO_LARGE
    return int(text)


def _finite_float(text: str):
    value = float(text)
    return value if math.isfinite(value) else _NOT_FINITE


def _no_constant(name: str):
    raise InputRefused(f"{name} is not JSON", {"body": f"{name} is not allowed"})


def _problem(value) -> str | None:
    if value is _TOO_LARGE:
        return "integers must fit in 64 bits"
    if value is _NOT_FINITE:
        return "numbers must be finite"
    if not isinstance(value, str):
        return None
    if "\x00" in value:
        return "contains a NUL character"
    if _SURROGATE.search(value):
        return "contains a lone surrogate (not valid Unicode)"
    return None


def _shown(path: str) -> str:
    # A field name fit to echo back: NUL and lone surrogates written out as escapes.
    return path.replace("\x00", "\\0").encode("utf-8", "backslashreplace").decode("utf-8")


def problem_fields(value) -> dict[str, str]:
    """Every place in parsed JSON holding NUL or a lone surrogate (in a key or a string) or an
    out-of-range number, by path (``a.b[2]``).

    Walks with an explicit stack, so no nesting depth can exhaust Python's recursion limit.
    """
    found: dict[str, str] = {}
    stack = [("", value)]
    while stack:
        path, item = stack.pop()
        problem = _problem(item)
        if problem:
            found[_shown(path) or "body"] = problem
        elif isinstance(item, dict):
            for key, child in item.items():
                child_path = f"{path}.{key}" if path else str(key)
                key_problem = _problem(key)
                if key_problem:
                    found[_shown(child_path)] = key_problem
                else:
                    stack.append((child_path, child))
        elif isinstance(item, list):
            stack.extend((f"{path}[{index}]" if path else f"[{index}]", child) for index, child in enumerate(item))
    return found


def check_json(raw: bytes) -> None:
    """Refuse (InputRefused) a JSON body outside the bounds; malformed JSON is left to the parser's 400."""
    if json_depth(raw) > MAX_JSON_DEPTH:
        raise InputRefused(f"JSON nests deeper than {MAX_JSON_DEPTH} levels",
                           {"body": f"nested more than {MAX_JSON_DEPTH} levels"})
    try:
        parsed = json.loads(raw, parse_int=_bounded_int, parse_float=_finite_float, parse_constant=_no_constant)
    except InputRefused:
        raise
    except (ValueError, RecursionError):
        return
    fields = problem_fields(parsed)
    if fields:
        raise InputRefused("some values are outside what Pressroom accepts", fields)


def _form_fields() -> dict[str, str]:
    fields: dict[str, str] = {}
    sources = [request.args]
    if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
        sources.append(request.form)
    for source in sources:
        for key, values in source.lists():
            if "\x00" in key or any("\x00" in v for v in values):
                fields[_shown(key)] = "contains a NUL character"
    return fields


def guard_request_input():
    """The before-request hook: refuse input outside the bounds, in the caller's error shape."""
    try:
        fields = _form_fields()
        if fields:
            raise InputRefused("NUL characters are not allowed", fields)
        if request.is_json:
            raw = request.get_data(cache=True)
            if raw.strip():
                check_json(raw)
    except InputRefused as refused:
        if wants_json():
            api_abort(422, "invalid", refused.message, refused.fields)
        abort(400, f"{refused.message}: " + "; ".join(f"{k} {v}" for k, v in refused.fields.items()))
    return None


def query_int(name: str, default: int | None = None, *, minimum: int = 1, maximum: int = MAX_QUERY_INT) -> int | None:
    """A whole number from the query string, ``default`` when absent or blank.

    Anything else (words, a number past ``maximum``) is a 400 page naming the
    parameter, rather than an overflow in the database driver.
    """
    raw = request.args.get(name, "").strip()
    if not raw:
        return default
    if not raw.isascii() or not raw.isdigit() or len(raw) > len(str(maximum)) or not minimum <= int(raw) <= maximum:
        abort(400, f"“{name}” must be a whole number from {minimum} to {maximum:,}.")
    return int(raw)


def init_app(app: Flask) -> None:
    """Run the guard before every request."""
    app.before_request(guard_request_input)
