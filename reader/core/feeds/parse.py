"""Feed bytes to articles: decode, read with the lxml fast path, feedparser or the JSON Feed
reader, then drop repeated ids and keep the newest items.

We decode the bytes ourselves (feedparser garbles GBK-as-UTF-8, Big5 with Hong Kong characters
and feeds cut inside a character); pure and top-level, so a refresh can run it in a pool.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from reader.core.feeds.decode import decode_feed
from reader.core.feeds.errors import FeedParseError
from reader.core.feeds.fast import read_feed as read_feed_fast
from reader.core.feeds.feedparser_path import read_with_feedparser
from reader.core.feeds.items import Draft, FeedHead, drafts_from_entries
from reader.core.feeds.jsonfeed import read_json_feed
from reader.core.feeds.utf8_xml import as_is_utf8_xml, as_utf8_xml
from reader.core.model import DEFAULT_TIMEZONE, Article

# FeedParseError is part of parse_feed's contract, so callers may import it from here too.
__all__ = ["FeedParseError", "ParsedFeed", "parse_feed"]

SHANGHAI = ZoneInfo(DEFAULT_TIMEZONE)
# Read well-formed RSS/Atom with lxml (reader.core.feeds.fast) before trying feedparser.
# Tests switch it off to compare both paths.
FAST_PATH = True


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    """What one feed document holds: its own title and language, and its articles."""

    title: str | None
    language: str | None
    articles: tuple[Article, ...]
    notice: str | None = None  # non-fatal remark, e.g. "kept 2,000 of 50,000 items"


def parse_feed(
    body: bytes,
    url: str,
    *,
    http_charset: str | None = None,
    default_tz: tzinfo = SHANGHAI,
    max_items: int = 2000,
    base_url: str | None = None,
) -> ParsedFeed:
    """Parse a feed fetched from `url` into articles (the newest `max_items`), dates without a
    zone in `default_tz` and links relative to `base_url` (after redirects), else `url`.

    Raises FeedParseError for an empty body or one that is no feed; a feed that breaks off
    keeps its complete items."""
    if not body.strip():
        raise FeedParseError("empty response: the server sent no feed")
    base = base_url or url
    read = _read_clean_utf8_xml(body, url, base, default_tz)
    if read is not None:
        title, language, drafts = read
    else:
        text = decode_feed(body, http_charset)
        if text.lstrip().startswith("{"):
            title, language, drafts = read_json_feed(text, url, base, default_tz)
        else:
            title, language, drafts = _read_xml_feed(text, url, base, default_tz)
    unique = _unique_by_id(drafts)
    kept, notice = _keep_newest(unique, max_items)
    # Bodies are only turned into text for the items we keep: that is most of the work.
    return ParsedFeed(title, language, tuple(draft.finish() for draft in kept), notice)


def _read_clean_utf8_xml(body: bytes, url: str, base: str, default_tz: tzinfo) -> FeedHead | None:
    """The fast path straight from the body's bytes (see `as_is_utf8_xml`), else None."""
    data = as_is_utf8_xml(body) if FAST_PATH else None
    if data is None:
        return None
    fast = read_feed_fast(data, _http_base(base), default_tz)
    return None if fast is None else drafts_from_entries(*fast, url, base, default_tz)


def _http_base(base: str) -> str:
    return base if urlsplit(base).scheme in ("http", "https") else ""


def _read_xml_feed(text: str, url: str, base: str, default_tz: tzinfo) -> FeedHead:
    data = as_utf8_xml(text)
    http_base = _http_base(base)
    # Well-formed RSS/Atom of the usual shapes: lxml, same fields, a fraction of the CPU.
    fast = read_feed_fast(data, http_base, default_tz) if FAST_PATH else None
    if fast is not None:
        return drafts_from_entries(*fast, url, base, default_tz)
    feed, entries = read_with_feedparser(data, text, http_base)
    return drafts_from_entries(feed, entries, url, base, default_tz)


def _unique_by_id(drafts: list[Draft]) -> list[Draft]:
    """The first entry for each id; later repeats in the same document are dropped."""
    seen: set[str] = set()
    unique: list[Draft] = []
    for draft in drafts:
        if draft.entry_id not in seen:
            seen.add(draft.entry_id)
            unique.append(draft)
    return unique


def _keep_newest(drafts: list[Draft], max_items: int) -> tuple[list[Draft], str | None]:
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
