"""Turning other sites' bytes into a tree and their text into something safe to keep.

One lxml parse per page (the listing extractor and feed discovery share it),
the character set found the way a browser finds it, pathological nesting
flattened before libxml2 sees it (it silently drops content below depth 2048),
and every string that leaves this package cleaned of control characters,
repaired when it is obvious mojibake, and sanitised with nh3 when it is HTML.
"""

from __future__ import annotations

import codecs
import html
import re

import lxml.etree as etree
import lxml.html
import nh3

# Elements whose text is never part of a news item.
DROPPED_TAGS = ("script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math", "select",
                "textarea", "button")
SUMMARY_TAGS = {"p", "br", "a", "em", "strong", "b", "i", "ul", "ol", "li", "blockquote"}
SUMMARY_ATTRIBUTES = {"a": {"href"}}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff]")
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]{0,200}\?>")
# A run of many opening (or closing) tags in a row: the "100,000 nested divs" attack.
_OPEN_RUN = re.compile(r"(<[a-zA-Z][a-zA-Z0-9]{0,10}\b[^<>]{0,400}>\s*)\1{200,}")
_CLOSE_RUN = re.compile(r"(</[a-zA-Z][a-zA-Z0-9]{0,10}\s*>\s*)\1{200,}")
_MOJIBAKE = re.compile("[ÃÂÅâ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc"
                       "\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122]")
_PARSER = lxml.html.HTMLParser(huge_tree=True, remove_comments=True, remove_pis=True)


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        codec = codecs.lookup(name.strip().strip("'\"")).name
    except LookupError:
        return None
    # Browsers read "ISO-8859-1" and "ASCII" pages as Windows-1252.
    return "cp1252" if codec in ("latin-1", "iso8859-1", "ascii") else codec


def decode_html(body: bytes | str, encoding: str | None = None) -> str:
    """The page as text: the given encoding, else a BOM, else ``<meta charset>``, else UTF-8, else Windows-1252."""
    if isinstance(body, str):
        return body
    for bom, name in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                      (codecs.BOM_UTF16_BE, "utf-16-be")):
        if body.startswith(bom):
            return body[len(bom):].decode(name, errors="replace")
    codec = _codec(encoding)
    if codec is None:
        found = _META_CHARSET.search(body[:4096])
        codec = _codec(found.group(1).decode("ascii", "replace")) if found else None
    if codec is None or codec == "utf-8":
        try:
            return body.decode("utf-8")
        except UnicodeDecodeError:
            codec = codec or "cp1252"
    return body.decode(codec, errors="replace")


def _flatten_runs(text: str) -> str:
    return _CLOSE_RUN.sub(r"\1", _OPEN_RUN.sub(r"\1", text))


def parse_html(body, encoding: str | None = None):
    """The page's root element (lxml.html), scripts, styles, forms' widgets and comments removed.

    ``body`` may be bytes, text or an already parsed lxml element or tree (it is then cleaned in place).
    """
    if isinstance(body, etree._ElementTree):
        root = body.getroot()
    elif isinstance(body, etree._Element):
        root = body
    else:
        text = _XML_DECLARATION.sub("", decode_html(body, encoding), count=1)
        if not text.strip():
            text = "<html></html>"
        root = lxml.html.document_fromstring(text, parser=_PARSER)
        # libxml2 silently drops what lies below depth 2048: far fewer elements than tags means it did.
        tags = text.count("<")
        if tags > 4000 and root.xpath("count(//*)") * 4 < tags:
            root = lxml.html.document_fromstring(_flatten_runs(text), parser=_PARSER)
    etree.strip_elements(root, *DROPPED_TAGS, etree.Comment, etree.ProcessingInstruction, with_tail=False)
    return root


def strip_controls(text: str) -> str:
    """Text without C0/C1 control characters (tabs and line breaks become spaces elsewhere)."""
    return _CONTROL.sub("", text or "")


def repair(text: str) -> str:
    """Undo UTF-8 read as Windows-1252 ("DÃ©minage" -> "Déminage") when the text plainly shows it."""
    if text and _MOJIBAKE.search(text):
        import ftfy  # only pages that need it pay for the import

        return ftfy.fix_encoding(text)
    return text


def clean_text(text: str | None) -> str:
    """One line of plain text: controls removed, mojibake repaired, whitespace collapsed."""
    return " ".join(repair(strip_controls(text or "")).split())


def text_of(element) -> str:
    """The visible text of an element, whitespace collapsed."""
    return " ".join(element.text_content().split())


def summary_html(text: str, limit: int = 400) -> str:
    """Plain text as a short, escaped HTML summary."""
    text = clean_text(text)
    if len(text) > limit:
        text = text[: limit].rsplit(" ", 1)[0] + "…"
    return nh3.clean(html.escape(text, quote=False), tags=set())


def sanitize_html(fragment: str, limit: int = 2000) -> str:
    """HTML from another site reduced to a small safe allowlist (docs/design/security.md item 9)."""
    cleaned = nh3.clean(repair(strip_controls(fragment or "")), tags=SUMMARY_TAGS, attributes=SUMMARY_ATTRIBUTES,
                        url_schemes={"http", "https"}, link_rel="noopener noreferrer nofollow")
    cleaned = cleaned.strip()
    if len(cleaned) > limit:
        return summary_html(html.unescape(nh3.clean(cleaned, tags=set())), limit=limit // 4)
    return cleaned


def html_to_text(fragment: str) -> str:
    """The text of an HTML fragment (tags dropped, entities decoded)."""
    return clean_text(html.unescape(nh3.clean(fragment or "", tags=set())))
