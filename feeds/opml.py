"""An OPML 2.0 subscription list (no Flask, no comms): feeds a journalist can import into a reader."""

from __future__ import annotations

import datetime as dt
import email.utils
from dataclasses import dataclass

from lxml import etree

from feeds.build import xml_text


@dataclass(frozen=True)
class Outline:
    """One subscription: a feed (``xml_url``) or, for a site without one, a plain link."""

    text: str
    html_url: str = ""
    xml_url: str = ""
    language: str = ""
    description: str = ""


def build_opml(title: str, groups: list[tuple[str, list[Outline]]], *, modified: dt.datetime,
               owner_name: str = "", docs_url: str = "") -> bytes:
    """OPML bytes: one folder per group. ``modified`` (aware) is dateModified, so equal input gives equal bytes."""
    if modified.tzinfo is None:
        raise ValueError("modified needs a time zone")
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = xml_text(title)
    etree.SubElement(head, "dateModified").text = email.utils.format_datetime(modified.astimezone(dt.timezone.utc))
    if owner_name:
        etree.SubElement(head, "ownerName").text = xml_text(owner_name)
    if docs_url:
        etree.SubElement(head, "docs").text = docs_url
    body = etree.SubElement(root, "body")
    for name, outlines in groups:
        folder = etree.SubElement(body, "outline", text=xml_text(name), title=xml_text(name))
        for outline in outlines:
            attributes = {"text": xml_text(outline.text) or outline.html_url, "title": xml_text(outline.text)}
            if outline.xml_url:
                attributes.update(type="rss", xmlUrl=outline.xml_url)
            else:
                attributes.update(type="link", url=outline.html_url)
            if outline.html_url:
                attributes["htmlUrl"] = outline.html_url
            if outline.language:
                attributes["language"] = outline.language
            if outline.description:
                attributes["description"] = xml_text(outline.description)
            etree.SubElement(folder, "outline", attrib=attributes)
    return etree.tostring(root, pretty_print=True, xml_declaration=True, encoding="UTF-8")
