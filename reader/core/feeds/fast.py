"""A fast reading of well-formed RSS 2.0, RSS 1.0 and Atom 1.0 with lxml that gives exactly the
dicts feedparser gives for the fields ``reader.core.feeds.items`` reads.

Anything this does not read the way feedparser does (an XML error, an unknown element, a
repeated field, markup in a field, xhtml or base64 content, C1 characters, e-mail authors)
answers None: ask feedparser.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import tzinfo
from typing import Any

from lxml import etree

from reader.core.feeds.dates import parse_feed_date
from reader.core.feeds.feedparser_rules import (
    Unsupported,
    attributes_of,
    content_type_of,
    element_name,
    feedparser_helpers,
    leaf_text,
    repair_latin1,
)

__all__ = ["PLAIN_ABSOLUTE_URL", "read_feed"]

Entry = dict[str, Any]

_ATOM = "http://www.w3.org/2005/Atom"
_RSS10 = "http://purl.org/rss/1.0/"
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"

# Characters feedparser remaps from windows-1252 (U+0080-U+009F), raw or as a character
# reference: documents holding them go to feedparser.
_C1 = re.compile(rb"\xc2[\x80-\x9f]|&#(?:0*(?:12[89]|1[3-5][0-9])|[xX]0*[89][0-9a-fA-F]);")
# An attribute that may be a base URI (xml:base, or feedparser's plain "base").
_BASE_ATTRIBUTE = re.compile(rb"[\s:]base\s*=")  # searched in the lower-cased document
_ENTITY_IN_LINK = re.compile(r"&([A-Za-z0-9_]+);")
# An absolute http(s) URL that feedparser's urljoin hands back unchanged whatever the base: a
# plain ASCII host right after "//", and no query, fragment, parameters, spaces or controls
# for urlparse/urlunparse to re-assemble. Most feed links are this; they skip the join.
PLAIN_ABSOLUTE_URL = re.compile(
    r"https?://[A-Za-z0-9.\-_~%!$&'()*+,=:@]+(?:/[^?#;\x00-\x20\x7f]*)?"
)


class _Reader:
    """Reads one document; `atom` selects Atom's rules where feedparser has two sets."""

    def __init__(self, base: str, atom: bool, default_tz: tzinfo, track_base: bool) -> None:
        self.base = base
        self.atom = atom
        self.default_tz = default_tz
        self.track_base = track_base

    # -- base URIs ------------------------------------------------------------------

    def base_of(self, element: Any, parent_base: str) -> str:
        """The base URI in force inside `element` (feedparser's xml:base tracking)."""
        if not self.track_base:
            return parent_base
        attributes = attributes_of(element)
        declared = attributes.get("xml:base", attributes.get("base"))
        if declared is None:
            return parent_base
        if not parent_base:
            raise Unsupported("xml:base without a base to resolve it against")
        safe = feedparser_helpers().make_safe_absolute_uri(parent_base, declared or parent_base)
        return safe or parent_base

    def resolve(self, value: str, base: str) -> str:
        if PLAIN_ABSOLUTE_URL.fullmatch(value):
            return value
        return str(feedparser_helpers().urljoin(base, value))

    # -- the feed ------------------------------------------------------------------

    def feed_field(self, element: Any, feed: dict[str, Any], base: str) -> None:
        """A channel/feed child: title and language are read, known others skipped."""
        name = element_name(element)
        if name in ("title", "dc:title"):
            if "title" in feed:
                raise Unsupported("two feed titles")
            value, content_type = self.text_field(element, "text/plain", base)
            feed["title"] = value
            feed["title_detail"] = {"type": content_type, "value": value}
        elif name in ("language", "dc:language"):
            if "language_element" in feed:
                raise Unsupported("two feed languages")
            feed["language_element"] = True
            feed["language"] = repair_latin1(leaf_text(element).strip())
        elif name in _FEED_SKIPPED or _skippable_namespace(name):
            _check_nested(element)
        else:
            raise Unsupported(f"feed element {name}")

    def text_field(self, element: Any, default_type: str, base: str) -> tuple[str, str]:
        """A title/summary/content value and its type, as feedparser stores them."""
        attributes = attributes_of(element)
        content_type = content_type_of(attributes, default_type)
        value = repair_latin1(leaf_text(element).strip())
        if not self.atom and content_type == "text/plain" and ("<" in value or "&" in value):
            if feedparser_helpers().looks_like_html(value):
                content_type = "text/html"
        return value, content_type

    # -- entries ---------------------------------------------------------------------

    def entry(self, item: Any, base: str) -> Entry:
        base = self.base_of(item, base)
        attributes = attributes_of(item) if item.attrib else {}
        if "lastmod" in attributes or "href" in attributes:
            raise Unsupported("CDF attributes on an item")
        entry: Entry = {}
        about = attributes.get("rdf:about")
        if about:
            entry["id"] = about
        seen: set[str] = set()
        for child in item:
            name = element_name(child)
            handler = _ENTRY_FIELDS.get(name)
            if handler is None:
                if name in _ENTRY_SKIPPED or _skippable_namespace(name):
                    _check_nested(child)
                    continue
                raise Unsupported(f"entry element {name}")
            handler(self, child, entry, seen, self.base_of(child, base))
        return entry

    def _once(self, seen: set[str], key: str) -> None:
        if key in seen:
            raise Unsupported(f"two {key} fields in one entry")
        seen.add(key)

    def title(self, child: Any, entry: Entry, seen: set[str], base: str) -> None:
        self._once(seen, "title")
        value, content_type = self.text_field(child, "text/plain", base)
        entry["title"] = value
        entry["title_detail"] = {"type": content_type, "value": value}

    def summary(self, child: Any, entry: Entry, seen: set[str], base: str) -> None:
        self._once(seen, "summary")
        default = "text/html" if element_name(child) == "description" else "text/plain"
        value, content_type = self.text_field(child, default, base)
        entry["summary_detail"] = {"type": content_type, "value": value}

    def content(self, child: Any, entry: Entry, seen: set[str], base: str) -> None:
        self._once(seen, "content")
        default = "text/plain" if element_name(child) == "content" else "text/html"
        value, content_type = self.text_field(child, default, base)
        entry["content"] = [{"type": content_type, "value": value}]

    def link(self, child: Any, entry: Entry, seen: set[str], base: str) -> None:
        attributes = attributes_of(child)
        if "url" in attributes or "uri" in attributes:
            raise Unsupported("link with url/uri attributes")
        if "href" in attributes:
            rel = attributes.get("rel", "alternate")
            default_type = "application/atom+xml" if rel == "self" else "text/html"
            link_type = attributes.get("type", default_type)
            link_type = {"html": "text/html", "xhtml": "application/xhtml+xml"}.get(
                link_type, link_type
            )
            href = self.resolve(attributes["href"], base)
            if rel == "alternate" and link_type in ("text/html", "application/xhtml+xml"):
                entry["link"] = href
            _check_nested(child)
            return
        if attributes.keys() - {"xml:lang"}:
            raise Unsupported("link with attributes but no href")
        value = leaf_text(child).strip()
        if value:
            value = self.resolve(value, base)
        value = repair_latin1(value)
        value = _ENTITY_IN_LINK.sub(r"&\g<1>", value.replace("&amp;", "&"))
        entry["link"] = value

    def guid(self, child: Any, entry: Entry, seen: set[str], base: str) -> None:
        self._once(seen, "id")
        attributes = attributes_of(child)
        is_link = attributes.get("ispermalink", "true") == "true"
        value = leaf_text(child).strip()
        if value and is_link:
            value = self.resolve(value, base)
        value = repair_latin1(value)
        entry["id"] = value
        if is_link:
            entry.setdefault("link", value)

    def author(self, child: Any, entry: Entry, seen: set[str], base: str) -> None:
        self._once(seen, "author")
        if len(child):
            name = self._atom_author_name(child)
            entry["author_detail"] = {"name": name}
            entry["author"] = name
            return
        value = repair_latin1(leaf_text(child).strip())
        if "@" in value:
            raise Unsupported("an author with an e-mail address")
        entry["author"] = value
        if value:
            entry["author_detail"] = {"name": value}

    def _atom_author_name(self, author: Any) -> str:
        if (author.text or "").strip():
            raise Unsupported("text beside an author's name")
        names = []
        for part in author:
            part_name = element_name(part)
            if part_name not in ("name", "email", "uri", "url", "homepage"):
                raise Unsupported(f"author element {part_name}")
            if (part.tail or "").strip():
                raise Unsupported("text beside an author's name")
            text = leaf_text(part)
            if part_name == "name":
                names.append(text.strip())
        if len(names) != 1 or not names[0]:
            raise Unsupported("an author without exactly one name")
        return names[0]


def _skippable_namespace(name: str) -> bool:
    return name[0] == "?" or name.split(":")[0] in _SKIPPED_PREFIXES


def _check_nested(element: Any) -> None:
    """A skipped element must not hide one that feedparser would read as a field."""
    for inner in element.iterdescendants():
        name = element_name(inner)
        if name.rsplit(":", 1)[-1] in _FIELD_WORDS:
            raise Unsupported(f"{name} nested where feedparser might read it")


def _date_reader(key: str) -> Callable[[_Reader, Any, Entry, set[str], str], None]:
    def read(reader: _Reader, child: Any, entry: Entry, seen: set[str], base: str) -> None:
        reader._once(seen, key)
        value = repair_latin1(leaf_text(child).strip())
        entry[key] = value
        if parse_feed_date(value, reader.default_tz) is None:
            entry[f"{key}_parsed"] = feedparser_helpers().parse_date(value)

    return read


_ENTRY_FIELDS: dict[str, Callable[[_Reader, Any, Entry, set[str], str], None]] = {
    "title": _Reader.title,
    "link": _Reader.link,
    "guid": _Reader.guid,
    "id": _Reader.guid,
    "description": _Reader.summary,
    "summary": _Reader.summary,
    "content:encoded": _Reader.content,
    "content": _Reader.content,
    "author": _Reader.author,
    "dc:creator": _Reader.author,
    "dc:author": _Reader.author,
    "pubdate": _date_reader("published"),
    "published": _date_reader("published"),
    "issued": _date_reader("published"),
    "dcterms:issued": _date_reader("published"),
    "updated": _date_reader("updated"),
    "modified": _date_reader("updated"),
    "dc:date": _date_reader("updated"),
    "dcterms:modified": _date_reader("updated"),
    "created": _date_reader("created"),
    "dcterms:created": _date_reader("created"),
}
# Entry children that feed no field we read (feedparser stores them elsewhere).
_ENTRY_SKIPPED = frozenset(
    "category comments enclosure dc:subject wfw:commentrss wfw:comment slash:comments "
    "feedburner:origlink contributor rights dc:rights".split()
)
_FEED_SKIPPED = frozenset(
    "link description copyright managingeditor webmaster pubdate lastbuilddate category "
    "generator docs cloud ttl image rating textinput skiphours skipdays subtitle id updated "
    "author contributor icon logo rights items dc:creator dc:date dc:rights dc:publisher "
    "dc:subject dc:description".split()
)
# Namespaces whose elements never touch the fields we read (syndication hints, trackbacks).
_SKIPPED_PREFIXES = frozenset({"sy", "wfw", "slash", "trackback", "admin", "creativecommons"})
# Words that name a field somewhere in feedparser; nested under a skipped element, they could
# land in our fields (an image's <title> does not, but we do not rely on that).
_FIELD_WORDS = frozenset(
    "title language item entry source content encoded summary description body fullitem "
    "xhtml_body pubdate published updated issued created modified date".split()
)
_IMAGE_PARTS = frozenset({"title", "url", "link", "width", "height", "description", "name"})


def _check_feed_child(reader: _Reader, element: Any, feed: dict[str, Any], base: str) -> None:
    name = element_name(element)
    if name in ("image", "textinput"):
        for part in element:  # an image's or text input's own title is not the feed's
            if element_name(part) not in _IMAGE_PARTS:
                raise Unsupported(f"{name} element {element_name(part)}")
            leaf_text(part)
        return
    reader.feed_field(element, feed, base)


# ---------------------------------------------------------------------------
# Documents
# ---------------------------------------------------------------------------


def read_feed(
    data: bytes, base: str, default_tz: tzinfo
) -> tuple[dict[str, Any], list[Entry]] | None:
    """The feed dict and entry dicts feedparser would give for `data` (UTF-8 XML without a
    DTD), for the fields reader reads; None when feedparser must read it instead.

    `base` is the base URI feedparser would start from ("" when the feed's address is not
    http(s)).
    """
    # Plain substring tests first: the patterns are slow to scan 100 KB with.
    if (b"\xc2" in data or b"&#" in data) and _C1.search(data):
        return None
    lowered = data.lower()
    track_base = b"base" in lowered and _BASE_ATTRIBUTE.search(lowered) is not None
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        load_dtd=False,
        strip_cdata=True,
    )
    try:
        root = etree.fromstring(data, parser)
    except (etree.XMLSyntaxError, ValueError):
        return None
    try:
        return _read_document(root, base, default_tz, track_base)
    except Unsupported:
        return None


def _read_document(
    root: Any, base: str, default_tz: tzinfo, track_base: bool
) -> tuple[dict[str, Any], list[Entry]] | None:
    tag = root.tag
    if tag == "rss":
        atom = False
        containers = [child for child in root]
        if len(containers) != 1 or containers[0].tag != "channel":
            return None
    elif tag == f"{{{_ATOM}}}feed":
        atom = True
        if any(
            uri in (_RSS10, "http://my.netscape.com/rdf/simple/0.9/") for uri in _declared(root)
        ):
            return None
        containers = [root]
    elif tag == f"{{{_RDF}}}RDF":
        atom = False
        if _ATOM in _declared(root):  # feedparser might take the document for Atom
            return None
        containers = [child for child in root if child.tag == f"{{{_RSS10}}}channel"]
        if len(containers) != 1 or _precedes_channel(root, containers[0]):
            return None
    else:
        return None
    if base:  # feedparser passes its base through make_safe_absolute_uri at every element
        safe = feedparser_helpers().make_safe_absolute_uri
        settled = safe(base, base) or base
        if (safe(settled, settled) or settled) != settled:
            return None
        base = settled
    reader = _Reader(base, atom, default_tz, track_base)
    feed: dict[str, Any] = {}
    language = _root_language(root)
    if language:
        feed["language"] = language
    entries: list[Entry] = []
    root_base = reader.base_of(root, base)
    entry_tag = "entry" if atom else "item"
    for container in containers:
        container_base = (
            reader.base_of(container, root_base) if container is not root else root_base
        )
        for child in container:
            if element_name(child) == entry_tag:
                entries.append(reader.entry(child, container_base))
            else:
                _check_feed_child(reader, child, feed, reader.base_of(child, container_base))
    if tag == f"{{{_RDF}}}RDF":
        for child in root:
            if child is containers[0]:
                continue
            name = element_name(child)
            if name == "item":
                entries.append(reader.entry(child, root_base))
            elif name in ("image", "textinput"):
                _check_feed_child(reader, child, {}, root_base)
            else:
                return None
    if not entries:
        return None
    feed.pop("language_element", None)
    return feed, entries


def _declared(root: Any) -> set[str]:
    """Every namespace URI declared anywhere in the document."""
    uris = set(root.nsmap.values())
    for element in root.iter():
        if element.nsmap is not None:
            uris.update(element.nsmap.values())
    return uris


def _precedes_channel(root: Any, channel: Any) -> bool:
    """Whether an RSS 1.0 item comes before the channel (feedparser then keeps no feed title)."""
    for child in root:
        if child is channel:
            return False
        if child.tag == f"{{{_RSS10}}}item":
            return True
    return False


def _root_language(root: Any) -> str | None:
    """xml:lang (or lang) on an Atom <feed> or RSS 2.0 <rss>: feedparser's feed language."""
    if root.tag not in ("rss", f"{{{_ATOM}}}feed"):
        return None
    attributes = attributes_of(root)
    value = attributes.get("xml:lang", attributes.get("lang"))
    return value.replace("_", "-") if value else None
