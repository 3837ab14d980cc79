"""Release emails compiled once and personalised per recipient (comms.rendering).

``compile_email`` runs Markdown, the sanitiser, Jinja and MJML (styles inline)
once per (release, language, revision, embargo flag) and keeps the result in an
in-process LRU cache; ``personalise`` only joins pre-split pieces with the
recipient's escaped name and links (microseconds, no recompiling).
"""

from __future__ import annotations

import html as html_lib
import re
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass

from markupsafe import Markup

from comms.rendering.document import RenderContext, RenderError, _document, _render_template, compile_mjml, markup_environment, text_environment
from comms.rendering.labels import labels
from comms.rendering.richtext import strip_control_characters
from comms.rendering.text_layout import Footnotes, wrap_text

SLOTS = ("recipient", "unsubscribe_url", "preferences_url")


@dataclass(frozen=True)
class CompiledEmail:
    """A release's email, compiled once, with holes for each recipient's parts.

    ``html_parts`` and ``text_parts`` alternate literal text (even indexes) and
    slot names (odd indexes: "recipient", "unsubscribe_url", "preferences_url");
    personalise() joins them.
    """

    key: tuple
    language: str
    subject: str
    html_parts: tuple[str, ...]
    text_parts: tuple[str, ...]
    # Why the recipient gets it: they subscribed, or staff added them (the "recipient" slot says which).
    why: str = ""
    why_added: str = ""


class _LRU:
    """A small thread-safe LRU of compiled emails, with counters for tests and benchmarks."""

    def __init__(self, maxsize: int = 64):
        self.maxsize = maxsize
        self.data: OrderedDict = OrderedDict()
        self.lock = threading.Lock()
        self.hits = self.misses = self.compiles = 0

    def get(self, key):
        with self.lock:
            if key in self.data:
                self.hits += 1
                self.data.move_to_end(key)
                return self.data[key]
            self.misses += 1
            return None

    def put(self, key, value) -> None:
        with self.lock:
            self.data[key] = value
            self.data.move_to_end(key)
            while len(self.data) > self.maxsize:
                self.data.popitem(last=False)


_CACHE = _LRU()


def cache_info() -> dict:
    """Counters of the compiled-email cache: hits, misses, compiles (MJML runs), size."""
    with _CACHE.lock:
        return {"hits": _CACHE.hits, "misses": _CACHE.misses, "compiles": _CACHE.compiles,
                "size": len(_CACHE.data), "maxsize": _CACHE.maxsize}


def clear_cache() -> None:
    """Forget every compiled email (counters too)."""
    with _CACHE.lock:
        _CACHE.data.clear()
        _CACHE.hits = _CACHE.misses = _CACHE.compiles = 0


def _split(rendered: str, prefix: str, what: str) -> tuple[str, ...]:
    """``rendered`` cut at its slot marks (``prefix + SLOT + "%%"``): literal, slot, literal, ..."""
    chunks = rendered.split(prefix)
    parts = [chunks[0]]
    for chunk in chunks[1:]:
        slot, sep, rest = chunk.partition("%%")
        if not sep or slot.lower() not in SLOTS:
            raise RenderError(f"the {what} has a damaged per-recipient placeholder")
        parts += [slot.lower(), rest]
    if set(parts[1::2]) != set(SLOTS):
        raise RenderError(f"the {what} lost per-recipient placeholders: {sorted(set(SLOTS) - set(parts[1::2]))}")
    return tuple(parts)


def compile_email(release, *, context: RenderContext, cache: bool = True) -> CompiledEmail:
    """The email of one release, language and revision: Markdown, sanitiser, Jinja, MJML and
    the text part, done once and cached by (release id, language, revision, embargo flag) plus a digest of
    the rest of the context. Raises RenderError on any template or MJML problem."""
    language = context.language or release.language
    key = (release.id, language, context.revision or release.revision, context.is_embargoed(),
           context.fingerprint())
    use_cache = cache and release.id is not None
    if use_cache:
        found = _CACHE.get(key)
        if found is not None:
            return found
    compiled = _compile_email(release, context, key)
    if use_cache:
        _CACHE.put(key, compiled)
    return compiled


def _compile_email(release, context: RenderContext, key: tuple) -> CompiledEmail:
    doc = _document(release, context, absolute=True)
    # Unguessable per compile, so text in a release can never be mistaken for a slot.
    nonce = secrets.token_hex(6)
    prefix = f"%%PRESSROOM_{nonce}_"
    marks = {slot: f"{prefix}{slot.upper()}%%" for slot in SLOTS}
    slots = {"recipient": Markup(marks["recipient"]), "unsubscribe_url": marks["unsubscribe_url"],
             "preferences_url": marks["preferences_url"]}
    source = _render_template(markup_environment(), "release.mjml", doc=doc, slots=slots, office=doc["office"],
                              home_url=doc["home_url"], lang=doc["language"], dir=doc["dir"],
                              title=doc["headline"], preview=doc["preheader"])
    html = compile_mjml(source)
    with _CACHE.lock:
        _CACHE.compiles += 1
    text = _render_template(text_environment(), "release.txt", doc=doc, slots=slots, links=Footnotes())
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"
    return CompiledEmail(key=key, language=doc["language"], subject=doc["subject"],
                         html_parts=_split(html, prefix, "email HTML"), text_parts=_split(text, prefix, "text part"),
                         why=doc["why"], why_added=doc["labels"]["why_added"].format(office=doc["office"]))


# An absolute http(s) URL with a host, and nothing that could end an attribute or a header.
_LINK = re.compile(r"https?://[^/?#\s\"'<>\\\x00-\x1f\x7f][^\s\"'<>\\\x00-\x1f\x7f]*", re.IGNORECASE)


def _check_link(url: str, what: str) -> str:
    if not _LINK.fullmatch(url or ""):
        raise RenderError(f"the {what} must be an absolute http(s) URL")
    return url


def recipient_values(compiled: CompiledEmail, *, name: str, unsubscribe_url: str, preferences_url: str,
                     self_subscribed: bool = True) -> tuple[dict[str, str], dict[str, str]]:
    """The slots' values for one recipient: (for the HTML part, for the text part).

    ``name`` is escaped (HTML in the HTML part, text escaping in the text part)
    and cleaned of control characters; both URLs must be absolute http(s) and
    are escaped for attributes. Raises RenderError for a bad URL. The recipient
    line says why they get the email: "you subscribed" only to someone who did
    (``self_subscribed``); a contact staff added is told so instead.
    """
    words = labels(compiled.language)
    clean = " ".join(strip_control_characters(name or "").split())[:200]
    sentence = words["sent_to"].format(name=clean) if clean else words["sent_to_you"]
    why = compiled.why if self_subscribed else compiled.why_added
    unsubscribe = _check_link(unsubscribe_url, "unsubscribe URL")
    preferences = _check_link(preferences_url, "preferences URL")
    html_values = {"recipient": html_lib.escape(f"{sentence} {why}".rstrip(), quote=True),
                   "unsubscribe_url": html_lib.escape(unsubscribe, quote=True),
                   "preferences_url": html_lib.escape(preferences, quote=True)}
    text_values = {"recipient": str(wrap_text(sentence)) + (f"\n{wrap_text(why)}" if why else ""),
                   "unsubscribe_url": unsubscribe,
                   "preferences_url": preferences}
    return html_values, text_values


def personalise(compiled: CompiledEmail, *, name: str, unsubscribe_url: str, preferences_url: str,
                self_subscribed: bool = True) -> tuple[str, str]:
    """(html, text) of ``compiled`` for one recipient, without recompiling anything (see recipient_values)."""
    html_values, text_values = recipient_values(compiled, name=name, unsubscribe_url=unsubscribe_url,
                                                preferences_url=preferences_url, self_subscribed=self_subscribed)
    html = "".join(html_values[part] if i % 2 else part for i, part in enumerate(compiled.html_parts))
    text = "".join(text_values[part] if i % 2 else part for i, part in enumerate(compiled.text_parts))
    return html, text
