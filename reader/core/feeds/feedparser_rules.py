"""How feedparser names elements and attributes and cleans values, copied for the fast path,
with the few feedparser helpers it calls as they are (loaded with feedparser, on first use)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from reader.core.feeds.feedparser_path import load_feedparser

__all__ = [
    "FeedparserHelpers",
    "Unsupported",
    "attributes_of",
    "content_type_of",
    "element_name",
    "feedparser_helpers",
    "leaf_text",
    "repair_latin1",
]


class Unsupported(Exception):
    """Something feedparser would read in a way we do not copy: use feedparser."""


@dataclass(frozen=True, slots=True)
class FeedparserHelpers:
    """feedparser's own functions and tables that the fast path calls rather than copies."""

    namespaces: Mapping[str, str]  # lower-cased namespace URI -> feedparser's prefix
    known_prefixes: frozenset[str]  # lower-cased
    looks_like_html: Callable[[str], Any]
    urljoin: Callable[[str, str], Any]
    make_safe_absolute_uri: Callable[[str, str], Any]
    parse_date: Callable[[str], Any]


@cache
def feedparser_helpers() -> FeedparserHelpers:
    """The helpers, imported on first use together with feedparser itself."""
    load_feedparser()  # registers our Chinese date handler once
    from feedparser.datetimes import _parse_date
    from feedparser.mixin import _FeedParserMixin
    from feedparser.urls import _urljoin, make_safe_absolute_uri

    namespaces = {uri.lower(): prefix for uri, prefix in _FeedParserMixin.namespaces.items()}
    return FeedparserHelpers(
        namespaces=namespaces,
        known_prefixes=frozenset(prefix.lower() for prefix in namespaces.values()),
        looks_like_html=_FeedParserMixin.looks_like_html,
        urljoin=_urljoin,
        make_safe_absolute_uri=make_safe_absolute_uri,
        parse_date=_parse_date,
    )


_name_cache: dict[str, str] = {}


def element_name(element: Any) -> str:
    """feedparser's name for an element: lower-cased, with its standard prefix for known
    namespaces ("dc:creator", "content:encoded"); RSS and Atom elements have none."""
    tag = element.tag
    if not isinstance(tag, str):
        raise Unsupported("comment, processing instruction or entity in the tree")
    cached = _name_cache.get(tag)
    if cached is not None:
        return cached
    if tag[0] != "{":
        name = tag.lower()
    else:
        namespace, local = tag[1:].split("}", 1)
        lowered = namespace.lower()
        if "backend.userland.com/rss" in lowered:
            lowered = "http://backend.userland.com/rss"
        prefix = feedparser_helpers().namespaces.get(lowered)
        if prefix is None:
            # An unknown namespace: feedparser names it by the document's own prefix.
            return _unknown_namespace_name(element, local)
        name = f"{prefix.lower()}:{local.lower()}" if prefix else local.lower()
    if len(_name_cache) < 4096:
        _name_cache[tag] = name
    return name


def _unknown_namespace_name(element: Any, local: str) -> str:
    prefix = (element.prefix or "").lower()
    if not prefix or prefix in feedparser_helpers().known_prefixes:
        raise Unsupported("unknown namespace that feedparser would read as a known one")
    return f"?{prefix}:{local.lower()}"  # "?": a namespace feedparser has no handlers for


def attributes_of(element: Any) -> dict[str, str]:
    """Attributes keyed as feedparser keys them: lower-cased, known namespaces prefixed."""
    result: dict[str, str] = {}
    for key, value in element.attrib.items():
        if key[0] == "{":
            namespace, local = key[1:].split("}", 1)
            prefix = feedparser_helpers().namespaces.get(namespace.lower(), "")
            key = f"{prefix}:{local}" if prefix else local
        key = key.lower()
        if key in result:
            raise Unsupported("attributes that differ only in case")
        if key in ("rel", "type"):
            value = value.lower()
        result[key] = value
    return result


def leaf_text(element: Any) -> str:
    """The text of an element that holds no elements (markup inside goes to feedparser)."""
    if len(element):
        raise Unsupported(f"markup inside <{element.tag}>")
    return element.text or ""


def repair_latin1(value: str) -> str:
    """feedparser's repair of UTF-8 that was read as latin-1 ("Ã©" becomes "é")."""
    if value.isascii():
        return value
    try:
        return value.encode("iso-8859-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


def content_type_of(attributes: Mapping[str, str], default: str) -> str:
    """A content element's type, mapped like feedparser maps it; xhtml, base64 and anything
    else unusual are not ours."""
    if "mode" in attributes or "src" in attributes:
        raise Unsupported("base64 or out-of-line content")
    value = attributes.get("type", default)
    mapped = {"text": "text/plain", "plain": "text/plain", "html": "text/html"}.get(value, value)
    if mapped not in ("text/plain", "text/html"):
        raise Unsupported(f"content of type {value!r}")
    return mapped
