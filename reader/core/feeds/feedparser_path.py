"""The robust path: feedparser reads RSS 0.9x/1.0/2.0 and Atom, broken feeds included.

feedparser is imported on first use, not at start-up, and our Chinese date handler is
registered with it once.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from typing import Any

from reader.core.feeds.dates import feedparser_date_handler
from reader.core.feeds.errors import FeedParseError
from reader.core.text.cells import clean_line

__all__ = ["load_feedparser", "read_with_feedparser"]

_FEED_HEADERS_TEMPLATE = {"content-type": "application/xml; charset=utf-8"}
_CLOSED_ENTRY = re.compile(r"</(?:[\w.-]+:)?(?:item|entry)\s*>", re.IGNORECASE)
_LOOKS_LIKE_HTML = re.compile(r"<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.I)

_feedparser_module: Any = None


def load_feedparser() -> Any:
    """The feedparser module, imported on first use (its import is too slow for start-up),
    with the Chinese date handler registered once."""
    global _feedparser_module
    if _feedparser_module is None:
        import feedparser

        feedparser.registerDateHandler(feedparser_date_handler)
        _feedparser_module = feedparser
    return _feedparser_module


def read_with_feedparser(
    data: bytes, text: str, http_base: str
) -> tuple[Mapping[str, Any], list[Any]]:
    """The feed and entries feedparser reads from `data` (UTF-8 XML of the decoded `text`);
    entries cut off mid-item are dropped. Raises FeedParseError when it is no feed at all."""
    headers = dict(_FEED_HEADERS_TEMPLATE)
    if http_base:
        headers["content-location"] = http_base
    result = load_feedparser().parse(
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
