"""A slow reference for the query language: each article's fields checked in plain Python,
to hold the compiled SQL to (property tests)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

from reader.core.store.query.compile import has_content
from reader.core.store.query.parse import Age, All, Day, Field, Node, Not, State, Words
from reader.core.store.schema import to_micros
from reader.core.store.search import article_words, index_tokens


@dataclass(frozen=True)
class ReferenceArticle:
    """What the reference needs of one cached article."""

    id: int
    title: str
    summary_html: str
    content_html: str
    author: str | None
    link: str | None
    feed_title: str
    feed_url: str
    section: str
    read: bool
    starred: bool
    sort_key: datetime


def _holds(haystack: list[str], needle: list[str]) -> bool:
    width = len(needle)
    return any(haystack[at : at + width] == needle for at in range(len(haystack) - width + 1))


def _text_holds(text: str | None, needle_text: str) -> bool:
    needle = index_tokens(needle_text)
    return bool(text) and bool(needle) and _holds(index_tokens(text or ""), needle)


def matches(tree: All, article: ReferenceArticle, now: datetime, zone: tzinfo) -> bool:
    """Whether `article` matches `tree`, the way the language's documentation says."""
    return has_content(tree) and _matches(tree, article, now, zone)


def _matches(node: Node, article: ReferenceArticle, now: datetime, zone: tzinfo) -> bool:
    if isinstance(node, Words):
        words = index_tokens(
            article_words(article.title, article.summary_html, article.content_html)
        )
        parts = [node.text] if node.quoted else node.text.split()
        needles = [index_tokens(part) for part in parts]
        return all(_holds(words, needle) for needle in needles if needle)
    if isinstance(node, Field):
        if node.name == "title":
            return _text_holds(article.title, node.text)
        if node.name == "author":
            return _text_holds(article.author, node.text)
        if node.name == "link":
            return _text_holds(article.link, node.text)
        if node.name == "feed":
            return _text_holds(article.feed_title, node.text) or _text_holds(
                article.feed_url, node.text
            )
        return _text_holds(article.section, node.text)
    if isinstance(node, State):
        return {"unread": not article.read, "read": article.read, "starred": article.starred}[
            node.name
        ]
    key = to_micros(article.sort_key)
    if isinstance(node, Age):
        limit = to_micros(now - timedelta(hours=node.hours))
        return key > limit if node.newer else key <= limit
    if isinstance(node, Day):
        midnight = to_micros(datetime.combine(node.day, time(), tzinfo=zone))
        return key >= midnight if node.after else key < midnight
    if isinstance(node, Not):
        return not _matches(node.term, article, now, zone)
    results = (_matches(term, article, now, zone) for term in node.terms)
    return all(results) if isinstance(node, All) else any(results)
