"""JSON Feed 1.0 and 1.1, read by hand: titles, links, ids, authors and bodies as Articles."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import tzinfo
from functools import partial
from typing import Any

from reader.core.feeds.dates import parse_feed_date
from reader.core.feeds.errors import FeedParseError
from reader.core.feeds.items import (
    Draft,
    FeedHead,
    fallback_title,
    hash_id,
    http_link,
    text_as_html,
)
from reader.core.model import Article
from reader.core.text.cells import clean_line

__all__ = ["read_json_feed"]

_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def read_json_feed(text: str, url: str, base: str, default_tz: tzinfo) -> FeedHead:
    """The title, language and drafts of a JSON Feed document; FeedParseError when `text`
    is not JSON or has no items list."""
    try:
        document = json.loads(text)
    except ValueError as error:
        raise FeedParseError(f"not a feed: broken JSON ({error})") from error
    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        raise FeedParseError("not a feed: JSON without an items list")
    title = clean_line(_text_field(document, "title")) or None
    language = clean_line(_text_field(document, "language"))[:35] or None
    drafts: list[Draft] = []
    for item in document["items"]:
        if isinstance(item, dict):
            article = _article_from_json_item(item, url, base, default_tz)
            if article is not None:
                drafts.append(Draft(article.entry_id, article.published, partial(_same, article)))
    return title, language, drafts


def _same(article: Article) -> Article:
    return article


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


def _article_from_json_item(
    item: Mapping[str, Any], url: str, base: str, default_tz: tzinfo
) -> Article | None:
    title = clean_line(_text_field(item, "title"))
    link = http_link(_text_field(item, "url"), base) or http_link(
        _text_field(item, "external_url"), base
    )
    if not title and not link:
        return None
    content_html = _text_field(item, "content_html")
    content_text = _text_field(item, "content_text")
    summary = _text_field(item, "summary")
    if not content_html:
        content_html = text_as_html(content_text)
    summary_html = text_as_html(summary) if summary else ""
    raw_date = _text_field(item, "date_published") or _text_field(item, "date_modified")
    entry_id = _json_id(item) or link or hash_id(title, raw_date)
    return Article(
        feed_url=url,
        entry_id=entry_id,
        title=title or fallback_title(content_html or summary_html, link),
        link=link,
        author=_json_author(item),
        published=parse_feed_date(raw_date, default_tz),
        summary_html=summary_html,
        content_html=content_html,
    )
