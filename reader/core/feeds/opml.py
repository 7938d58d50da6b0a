"""OPML subscription lists in and out: top-level outlines are sections, and the feeds under them
(at any depth) belong to them.

listparser reads what real exports contain (raw ``&``, HTML-ish markup, missing declarations);
ElementTree writes, escaping every attribute so a title with ``&`` or ``"`` survives.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import listparser

from reader.core.feeds.decode import decode_feed
from reader.core.model import FeedConfig, Section
from reader.core.text.cells import clean_line
from reader.core.text.urls import resolve_url

UNCATEGORISED = "未分類"  # the section for feeds that sit at the top level of the file

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


@dataclass(frozen=True)
class OpmlImport:
    """What an OPML file gave: sections with their feeds, and why anything was left out."""

    sections: list[Section]
    skipped: list[str]  # one readable reason per feed left out


def read_opml(data: bytes) -> OpmlImport:
    """Sections and feeds from an OPML file's bytes; never raises on bad input.

    Only http(s) feed addresses are taken (a file: or javascript: xmlUrl is skipped with a
    reason); a feed listed twice is kept where it first appears.
    """
    try:
        parsed = listparser.parse(_as_utf8(data))
    except Exception as exc:  # listparser is lenient; this is for the unforeseen
        return OpmlImport([], [f"not a readable OPML file ({type(exc).__name__})"])
    feeds_by_section: dict[str, list[FeedConfig]] = {}
    skipped: list[str] = []
    seen: dict[str, str] = {}  # normalised URL -> section it went to
    for entry in parsed.get("feeds", []):
        raw_url = str(entry.get("url") or "")
        title = clean_line(str(entry.get("title") or "")) or None
        label = f"{title} ({clean_line(raw_url)})" if title else clean_line(raw_url)
        url = resolve_url(raw_url)
        if url is None:
            skipped.append(f"{label}: not an http(s) feed address")
            continue
        categories: list[Any] = list(entry.get("categories") or [])
        section = _section_name(categories[0] if categories else [])
        key = _url_key(url)
        if key in seen:
            skipped.append(f"{label}: listed twice, kept in section {seen[key]}")
            continue
        for other in categories[1:]:
            other_section = _section_name(other)
            if other_section != section:
                skipped.append(
                    f"{label}: also listed in section {other_section}, kept in {section}"
                )
        seen[key] = section
        if title == url:
            title = None  # written that way by write_opml for feeds without a title
        feeds_by_section.setdefault(section, []).append(FeedConfig(url=url, title=title))
    if not feeds_by_section and not skipped:
        skipped.append("no feeds found (is this an OPML file?)")
    sections = [Section(name, tuple(feeds)) for name, feeds in feeds_by_section.items()]
    return OpmlImport(sections, skipped)


def _as_utf8(data: bytes) -> bytes:
    """The document decoded the way feeds are (GBK, Big5 too) and re-encoded as declared UTF-8,
    since listparser's HTML parser takes undeclared bytes as Latin-1."""
    # Bytes, never str: listparser fetches a str that looks like a URL.
    text = _XML_DECLARATION.sub("", decode_feed(bytes(data)), count=1)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + text).encode("utf-8")


def _section_name(path: Iterable[Any]) -> str:
    """The top-level category of a listparser category path; nested ones flatten into it."""
    for part in path:
        name = clean_line(str(part))
        if name:
            return name
    return UNCATEGORISED


def _url_key(url: str) -> str:
    """A URL compared case-insensitively in scheme and host, as servers treat it."""
    parts = urlsplit(url)
    return urlunsplit(
        (parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", parts.query, "")
    )


def write_opml(sections: Sequence[Section], title: str = "reader") -> bytes:
    """An OPML 2.0 document (UTF-8) with one top-level outline per section and its feeds.

    A feed without a title is written with its URL as text, which read_opml turns back
    into no title.
    """
    root = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(root, "head")
    ElementTree.SubElement(head, "title").text = clean_line(title)
    body = ElementTree.SubElement(root, "body")
    for section in sections:
        name = clean_line(section.name)
        group = ElementTree.SubElement(body, "outline", text=name, title=name)
        for feed in section.feeds:
            feed_title = clean_line(feed.title or "") or feed.url
            ElementTree.SubElement(
                group,
                "outline",
                type="rss",
                text=feed_title,
                title=feed_title,
                xmlUrl=clean_line(feed.url),
            )
    ElementTree.indent(root)
    document: bytes = ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
    return document + b"\n"
