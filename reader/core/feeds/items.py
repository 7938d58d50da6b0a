"""Articles from feedparser-shaped entries (what feedparser and the fast path both give), and
the helpers the JSON Feed reader shares: links, ids, untitled items.

Feed HTML is kept as published (the display layer turns it into plain text); titles and
authors become clean plain lines.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, tzinfo
from functools import partial
from typing import Any
from urllib.parse import urljoin, urlsplit

from reader.core.feeds.dates import from_utc_tuple, parse_feed_date
from reader.core.model import Article
from reader.core.text.cells import clean_line
from reader.core.text.plain_fast import html_to_plain

__all__ = [
    "Draft",
    "FeedHead",
    "drafts_from_entries",
    "fallback_title",
    "hash_id",
    "http_link",
    "text_as_html",
]

_FALLBACK_TITLE_CHARS = 60
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


@dataclass(frozen=True, slots=True)
class Draft:
    """An entry read far enough to dedupe and rank it; `finish` builds the full Article."""

    entry_id: str
    published: datetime | None
    finish: Callable[[], Article]


# A feed's own title and language, and its entries as drafts.
FeedHead = tuple[str | None, str | None, list[Draft]]


def drafts_from_entries(
    feed: Mapping[str, Any], entries: Iterable[Any], url: str, base: str, default_tz: tzinfo
) -> FeedHead:
    """The title, language and drafts of a feed read into feedparser's dicts; entries with
    neither title nor link are left out."""
    title = _plain_title(feed.get("title_detail"), feed.get("title")) or None
    language = clean_line(str(feed.get("language") or ""))[:35] or None
    drafts = [
        draft for entry in entries if (draft := _draft_from_entry(entry, url, base, default_tz))
    ]
    return title, language, drafts


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
    return text_as_html(value)


def text_as_html(text: str) -> str:
    """Plain text as HTML paragraphs (blank lines separate them), every character escaped."""
    paragraphs = [p.strip() for p in _PARAGRAPH_BREAK.split(text) if p.strip()]
    return "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)


def _best_content(contents: Iterable[Mapping[str, Any]] | None) -> str:
    """The richest of an entry's content blocks: HTML first, then anything."""
    blocks = list(contents or [])
    for block in blocks:
        if "html" in str(block.get("type", "")):
            return _html_of(block)
    return _html_of(blocks[0]) if blocks else ""


def http_link(candidate: Any, base: str) -> str | None:
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
) -> Draft | None:
    """Id, date, title and link of an entry; None for an entry with neither title nor link."""
    title = _plain_title(entry.get("title_detail"), entry.get("title"))
    link = http_link(entry.get("link"), base)
    if not title and not link:
        return None
    published = _entry_date(entry, default_tz)
    entry_id = clean_line(str(entry.get("id") or "")) or link
    if not entry_id:
        raw_date = _raw_field(entry, "published") or _raw_field(entry, "updated")
        entry_id = hash_id(title, str(raw_date or ""))
    return Draft(
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
        title=title or fallback_title(content_html or summary_html, link),
        link=link,
        author=author,
        published=published,
        summary_html=summary_html,
        content_html=content_html,
    )


def hash_id(title: str, raw_date: str) -> str:
    """An id for an entry that has neither id nor link: a hash of its title and raw date."""
    digest = hashlib.sha1(f"{title}\n{raw_date}".encode(), usedforsecurity=False)
    return "sha1:" + digest.hexdigest()


def fallback_title(body_html: str, link: str | None) -> str:
    """An untitled item (RSS allows them) is named by its first words, else its link."""
    first_line = clean_line(html_to_plain(body_html) if body_html else "")[:_FALLBACK_TITLE_CHARS]
    return first_line or link or ""
