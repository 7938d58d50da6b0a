"""Feed bytes to articles: RSS 0.9x/1.0/2.0 and Atom through feedparser, JSON Feed by hand.

Pure (bytes in, data out, no I/O) and a top-level function, so a refresh can run it in a
process pool. We decode the bytes ourselves (feedparser garbles GBK-as-UTF-8, Big5 with Hong
Kong characters and feeds cut inside a character), strip any DTD so no entity can expand, and
hand feedparser UTF-8. Feed HTML is kept as published (no sanitising or URL rewriting here:
the display layer turns it into plain text); titles and authors become clean plain lines.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from functools import partial
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

from reader.core.feeds.dates import feedparser_date_handler, from_utc_tuple, parse_feed_date
from reader.core.feeds.decode import decode_feed
from reader.core.feeds.fast import read_feed as read_feed_fast
from reader.core.model import Article
from reader.core.text.cells import clean_line
from reader.core.text.plain_fast import (
    html_to_plain,  # same output as document.html_to_plain, faster
)

if TYPE_CHECKING:
    from reader.core.store.prepare import PreparedArticle

__all__ = ["FeedParseError", "ParsedFeed", "parse_feed"]

_FEED_HEADERS_TEMPLATE = {"content-type": "application/xml; charset=utf-8"}
_XML_DECLARATION = re.compile(r"^<\?xml[^>]*\?>")
_DOCTYPE_START = re.compile(r"<!DOCTYPE", re.IGNORECASE)
_FIRST_ELEMENT = re.compile(r"<[A-Za-z_]")
_XML_DECLARATION_BYTES = re.compile(rb"^<\?xml[^>]*\?>")
_DOCTYPE_START_BYTES = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_FIRST_ELEMENT_BYTES = re.compile(rb"<[A-Za-z_]")
_CONTROL_BYTES = bytes(range(0x09)) + b"\x0b\x0c" + bytes(range(0x0E, 0x20))  # as decode strips
_CLOSED_ENTRY = re.compile(r"</(?:[\w.-]+:)?(?:item|entry)\s*>", re.IGNORECASE)
_LOOKS_LIKE_HTML = re.compile(r"<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.I)
_FALLBACK_TITLE_CHARS = 60
SHANGHAI = ZoneInfo("Asia/Shanghai")
# Read well-formed RSS/Atom with lxml (reader.core.feeds.fast) before trying feedparser.
# Tests switch it off to compare both paths.
FAST_PATH = True


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """What one feed document holds: its own title and language, and its articles."""

    title: str | None
    language: str | None
    articles: tuple[Article | PreparedArticle, ...]  # prepared: see parse_for_store
    notice: str | None = None  # non-fatal remark, e.g. "kept 2,000 of 50,000 items"


class FeedParseError(Exception):
    """Nothing in the document could be read as a feed; the message says why, readably."""


def parse_feed(
    body: bytes,
    url: str,
    *,
    http_charset: str | None = None,
    default_tz: tzinfo = SHANGHAI,
    max_items: int = 2000,
    base_url: str | None = None,
) -> ParsedFeed:
    """Parse a feed document fetched from `url` into articles, newest `max_items` kept.

    Dates without a zone are taken in `default_tz`. Relative links resolve against
    `base_url` (where the body really came from, after redirects), else `url`. Raises
    FeedParseError when the body is empty or is not a feed at all (an HTML page, broken
    JSON); a feed that merely breaks off keeps the items that were complete.
    """
    if not body.strip():
        raise FeedParseError("empty response: the server sent no feed")
    base = base_url or url
    read = _read_clean_utf8_xml(body, url, base, default_tz)
    if read is not None:
        title, language, drafts = read
    else:
        text = decode_feed(body, http_charset)
        if text.lstrip().startswith("{"):
            title, language, drafts = _read_json_feed(text, url, base, default_tz)
        else:
            title, language, drafts = _read_xml_feed(text, url, base, default_tz)
    unique = _unique_by_id(drafts)
    kept, notice = _keep_newest(unique, max_items)
    # Bodies are only turned into text for the items we keep: that is most of the work.
    return ParsedFeed(title, language, tuple(draft.finish() for draft in kept), notice)


@dataclass(frozen=True, slots=True)
class _Draft:
    """An entry read far enough to dedupe and rank it; `finish` builds the full Article."""

    entry_id: str
    published: datetime | None
    finish: Callable[[], Article]


# ---------------------------------------------------------------------------
# RSS and Atom (feedparser)
# ---------------------------------------------------------------------------

_feedparser_module: Any = None


def _feedparser() -> Any:
    """Import feedparser on first use (it costs ~90 ms, too much for start-up) and register
    the Chinese date handler once."""
    global _feedparser_module
    if _feedparser_module is None:
        import feedparser  # type: ignore[import-untyped]

        feedparser.registerDateHandler(feedparser_date_handler)
        _feedparser_module = feedparser
    return _feedparser_module


def strip_doctype(text: str) -> str:
    """The document without its DOCTYPE (internal subset included), so no entity a feed
    declares (a billion-laughs bomb, an external file) is ever expanded."""
    first_element = _FIRST_ELEMENT.search(text)
    limit = first_element.start() if first_element else len(text)
    start_match = _DOCTYPE_START.search(text, 0, limit)
    if start_match is None:
        return text
    index = start_match.end()
    depth = 0
    quote = ""
    while index < len(text):
        char = text[index]
        if quote:
            if char == quote:
                quote = ""
        elif text.startswith("<!--", index):
            end = text.find("-->", index + 4)
            index = len(text) if end < 0 else end + 2
        elif char in "\"'":
            quote = char
        elif char == "[":
            depth += 1
        elif char == "]":
            depth = max(0, depth - 1)
        elif char == ">" and depth == 0:
            return text[: start_match.start()] + text[index + 1 :]
        index += 1
    return text[: start_match.start()]


def _as_utf8_xml(text: str) -> bytes:
    """The decoded text as UTF-8 bytes that declare UTF-8, DTD removed."""
    text = strip_doctype(text.lstrip())
    text = _XML_DECLARATION.sub('<?xml version="1.0" encoding="utf-8"?>', text, count=1)
    return text.encode("utf-8", "replace")


def as_is_utf8_xml(body: bytes) -> bytes | None:
    """`_as_utf8_xml(decode_feed(body))` without decoding and re-encoding, for the usual body:
    UTF-8 XML that starts with "<", has no control characters and no DOCTYPE. Those bytes
    come out unchanged but for the declaration; anything else gives None."""
    data = body.lstrip(b" \t\r\n")
    if not data.startswith(b"<") or len(data.translate(None, _CONTROL_BYTES)) != len(data):
        return None
    first_element = _FIRST_ELEMENT_BYTES.search(data)
    if _DOCTYPE_START_BYTES.search(data, 0, first_element.start() if first_element else len(data)):
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return _XML_DECLARATION_BYTES.sub(b'<?xml version="1.0" encoding="utf-8"?>', data, count=1)


def _read_clean_utf8_xml(
    body: bytes, url: str, base: str, default_tz: tzinfo
) -> tuple[str | None, str | None, list[_Draft]] | None:
    """The fast path straight from the body's bytes (see `as_is_utf8_xml`), else None."""
    data = as_is_utf8_xml(body) if FAST_PATH else None
    if data is None:
        return None
    fast = read_feed_fast(data, _http_base(base), default_tz)
    return None if fast is None else _drafts_of(*fast, url, base, default_tz)


def _http_base(base: str) -> str:
    return base if urlsplit(base).scheme in ("http", "https") else ""


def _read_xml_feed(
    text: str, url: str, base: str, default_tz: tzinfo
) -> tuple[str | None, str | None, list[_Draft]]:
    data = _as_utf8_xml(text)
    http_base = _http_base(base)
    # Well-formed RSS/Atom of the usual shapes: lxml, same fields, a fraction of the CPU.
    fast = read_feed_fast(data, http_base, default_tz) if FAST_PATH else None
    feed: Mapping[str, Any]
    if fast is not None:
        feed, entries = fast
    else:
        feed, entries = _read_with_feedparser(data, text, http_base)
    return _drafts_of(feed, entries, url, base, default_tz)


def _drafts_of(
    feed: Mapping[str, Any], entries: list[Any], url: str, base: str, default_tz: tzinfo
) -> tuple[str | None, str | None, list[_Draft]]:
    title = _plain_title(feed.get("title_detail"), feed.get("title")) or None
    language = clean_line(str(feed.get("language") or ""))[:35] or None
    drafts = [
        draft for entry in entries if (draft := _draft_from_entry(entry, url, base, default_tz))
    ]
    return title, language, drafts


def _read_with_feedparser(
    data: bytes, text: str, http_base: str
) -> tuple[Mapping[str, Any], list[Any]]:
    """The robust path: feedparser reads anything, broken feeds included."""
    headers = dict(_FEED_HEADERS_TEMPLATE)
    if http_base:
        headers["content-location"] = http_base
    result = _feedparser().parse(
        io.BytesIO(data),
        response_headers=headers,
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    entries = list(result.get("entries") or [])
    if not entries and not result.get("version"):
        raise FeedParseError(_not_a_feed_message(text, result))
    if result.get("bozo") and entries:
        # Cut off mid-item: keep only entries whose closing tag arrived.
        closed = len(_CLOSED_ENTRY.findall(text))
        del entries[closed:]
    return result.get("feed") or {}, entries


def _not_a_feed_message(text: str, result: Mapping[str, Any]) -> str:
    if _LOOKS_LIKE_HTML.search(text[:4096]):
        return "not a feed: the address serves an HTML page"
    problem = result.get("bozo_exception")
    detail = clean_line(str(problem))[:120] if problem else "no RSS, Atom or JSON Feed found"
    return f"not a feed: {detail}"


def _plain_title(detail: Mapping[str, Any] | None, fallback: Any) -> str:
    """A title as one clean line of plain text, whatever markup the feed put in it."""
    value = detail.get("value") if detail else fallback
    if not value:
        return ""
    value = str(value)
    content_type = str(detail.get("type", "")) if detail else ""
    if "html" in content_type and ("<" in value or "&" in value):
        value = html_to_plain(value)
    return clean_line(value)


def _html_of(detail: Mapping[str, Any] | None) -> str:
    """Feed HTML as published; plain-text content escaped so it can be read as HTML."""
    if not detail:
        return ""
    value = str(detail.get("value") or "")
    if "html" in str(detail.get("type", "text/html")):
        return value
    return _text_as_html(value)


def _text_as_html(text: str) -> str:
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)


def _best_content(contents: Iterable[Mapping[str, Any]] | None) -> str:
    """The richest of an entry's content blocks: HTML first, then anything."""
    blocks = list(contents or [])
    for block in blocks:
        if "html" in str(block.get("type", "")):
            return _html_of(block)
    return _html_of(blocks[0]) if blocks else ""


def _http_link(candidate: Any, base: str) -> str | None:
    """An absolute http(s) link, resolved against `base`; anything else is no link."""
    if not candidate or not isinstance(candidate, str):
        return None
    link = clean_line(candidate)
    if not link:
        return None
    if link.startswith(("http://", "https://")):  # the usual case, already absolute
        return link
    try:
        absolute = urljoin(base, link)
        scheme = urlsplit(absolute).scheme.lower()
    except ValueError:
        return None
    return absolute if scheme in ("http", "https") else None


def _raw_field(entry: Mapping[str, Any], key: str) -> Any:
    """A field exactly as feedparser stored it: FeedParserDict.get maps a missing "updated"
    to "published" (with a deprecation warning), which would hide what the feed said."""
    return dict.get(entry, key) if isinstance(entry, dict) else entry.get(key)


def _entry_date(entry: Mapping[str, Any], default_tz: tzinfo) -> datetime | None:
    """Published, else updated, else created; read from the raw string, our zone for naive."""
    for key in ("published", "updated", "created"):
        raw = _raw_field(entry, key)
        if raw:
            value = parse_feed_date(str(raw), default_tz)
            if value is None:
                value = from_utc_tuple(_raw_field(entry, f"{key}_parsed"))
            if value is not None:
                return value
    return None


def _draft_from_entry(
    entry: Mapping[str, Any], url: str, base: str, default_tz: tzinfo
) -> _Draft | None:
    """Id, date, title and link of an entry; None for an entry with neither title nor link."""
    title = _plain_title(entry.get("title_detail"), entry.get("title"))
    link = _http_link(entry.get("link"), base)
    if not title and not link:
        return None
    published = _entry_date(entry, default_tz)
    entry_id = clean_line(str(entry.get("id") or "")) or link
    if not entry_id:
        raw_date = _raw_field(entry, "published") or _raw_field(entry, "updated")
        entry_id = _hash_id(title, str(raw_date or ""))
    return _Draft(
        entry_id,
        published,
        partial(_article_from_entry, entry, url, entry_id, title, link, published),
    )


def _article_from_entry(
    entry: Mapping[str, Any],
    url: str,
    entry_id: str,
    title: str,
    link: str | None,
    published: datetime | None,
) -> Article:
    content_html = _best_content(entry.get("content"))
    summary_html = _html_of(entry.get("summary_detail"))
    if summary_html == content_html:
        summary_html = ""  # feedparser copies Atom content into summary; keep one copy
    author_detail = entry.get("author_detail") or {}
    author = clean_line(str(author_detail.get("name") or entry.get("author") or "")) or None
    return Article(
        feed_url=url,
        entry_id=entry_id,
        title=title or _fallback_title(content_html or summary_html, link),
        link=link,
        author=author,
        published=published,
        summary_html=summary_html,
        content_html=content_html,
    )


def _hash_id(title: str, raw_date: str) -> str:
    digest = hashlib.sha1(f"{title}\n{raw_date}".encode(), usedforsecurity=False)
    return "sha1:" + digest.hexdigest()


def _fallback_title(body_html: str, link: str | None) -> str:
    """An untitled item (RSS allows them) is named by its first words, else its link."""
    first_line = clean_line(html_to_plain(body_html) if body_html else "")[:_FALLBACK_TITLE_CHARS]
    return first_line or link or ""


# ---------------------------------------------------------------------------
# JSON Feed 1.0 / 1.1
# ---------------------------------------------------------------------------


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _json_string(value: str) -> str:
    """A JSON string as text we can store: JSON may escape half of a surrogate pair
    ("\\ud800"), which no UTF-8 file or database can hold; each becomes U+FFFD."""
    return _LONE_SURROGATE.sub("\ufffd", value)  # json pairs up the valid ones itself


def _text_field(item: Mapping[str, Any], key: str) -> str:
    """A string field of a JSON Feed object; anything of another type counts as absent."""
    value = item.get(key)
    return _json_string(value) if isinstance(value, str) else ""


def _json_id(item: Mapping[str, Any]) -> str:
    """JSON Feed ids are strings, but numbers are common in the wild."""
    value = item.get("id")
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return clean_line(_text_field(item, "id"))


def _json_author(item: Mapping[str, Any]) -> str | None:
    authors = item.get("authors")
    candidates = authors if isinstance(authors, list) else [item.get("author")]
    names = [
        clean_line(_json_string(a["name"]))
        for a in candidates
        if isinstance(a, dict) and isinstance(a.get("name"), str) and a["name"].strip()
    ]
    return ", ".join(names) or None


def _read_json_feed(
    text: str, url: str, base: str, default_tz: tzinfo
) -> tuple[str | None, str | None, list[_Draft]]:
    try:
        document = json.loads(text)
    except ValueError as error:
        raise FeedParseError(f"not a feed: broken JSON ({error})") from error
    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        raise FeedParseError("not a feed: JSON without an items list")
    title = clean_line(_text_field(document, "title")) or None
    language = clean_line(_text_field(document, "language"))[:35] or None
    drafts: list[_Draft] = []
    for item in document["items"]:
        if isinstance(item, dict):
            article = _article_from_json_item(item, url, base, default_tz)
            if article is not None:
                drafts.append(_Draft(article.entry_id, article.published, partial(_same, article)))
    return title, language, drafts


def _same(article: Article) -> Article:
    return article


def _article_from_json_item(
    item: Mapping[str, Any], url: str, base: str, default_tz: tzinfo
) -> Article | None:
    title = clean_line(_text_field(item, "title"))
    link = _http_link(_text_field(item, "url"), base) or _http_link(
        _text_field(item, "external_url"), base
    )
    if not title and not link:
        return None
    content_html = _text_field(item, "content_html")
    content_text = _text_field(item, "content_text")
    summary = _text_field(item, "summary")
    if not content_html:
        content_html = _text_as_html(content_text)
    summary_html = _text_as_html(summary) if summary else ""
    raw_date = _text_field(item, "date_published") or _text_field(item, "date_modified")
    entry_id = _json_id(item) or link or _hash_id(title, raw_date)
    return Article(
        feed_url=url,
        entry_id=entry_id,
        title=title or _fallback_title(content_html or summary_html, link),
        link=link,
        author=_json_author(item),
        published=parse_feed_date(raw_date, default_tz),
        summary_html=summary_html,
        content_html=content_html,
    )


# ---------------------------------------------------------------------------
# Shared finishing steps
# ---------------------------------------------------------------------------


def _unique_by_id(drafts: Iterable[_Draft]) -> list[_Draft]:
    """The first entry for each id; later repeats in the same document are dropped."""
    seen: set[str] = set()
    unique: list[_Draft] = []
    for draft in drafts:
        if draft.entry_id not in seen:
            seen.add(draft.entry_id)
            unique.append(draft)
    return unique


def _keep_newest(drafts: list[_Draft], max_items: int) -> tuple[list[_Draft], str | None]:
    """At most `max_items` entries, the newest by date (undated ones rank below the dated,
    earlier in the feed first), in their original order; with a notice when some went."""
    if max_items <= 0 or len(drafts) <= max_items:
        return drafts, None

    def recency(index: int) -> tuple[bool, float, int]:
        published = drafts[index].published
        return (published is not None, published.timestamp() if published else 0.0, -index)

    order = sorted(range(len(drafts)), key=recency, reverse=True)
    kept = sorted(order[:max_items])
    notice = f"kept the newest {max_items:,} of {len(drafts):,} items"
    return [drafts[i] for i in kept], notice
