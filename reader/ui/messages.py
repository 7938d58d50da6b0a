"""Messages that workers post when their work is done; handlers on the screen update widgets."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from textual.message import Message

from reader.core.model import FetchResult
from reader.ui.article_text import ArticleRow


@dataclass
class ListingsLoaded(Message):
    """A page of the article list arrived from the cache, as rows in the current script."""

    section: str
    offset: int
    rows: list[ArticleRow]
    total: int
    keep_id: int | None = None  # the article to keep selected (after a refresh), if any


@dataclass
class CountsLoaded(Message):
    """Unread counts per section arrived from the cache."""

    unread_counts: dict[str, int]
    failed_feeds: int
    section_names: dict[str, str]  # section name -> name in the current script
    last_refreshed: datetime | None  # the latest fetch of any feed


@dataclass
class RefreshProgressed(Message):
    """One more feed of a running refresh is done."""

    done: int
    total: int
    result: FetchResult

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, RefreshProgressed)


@dataclass
class RefreshFinished(Message):
    """A refresh is over (with what it did); the list and counts should be reloaded."""

    section: str | None
    new_articles: int
    failed_feeds: int
    fetched_feeds: int  # feeds the refresh tried, failed or not


@dataclass
class SearchFinished(Message):
    """Search results arrived."""

    query: str
    rows: list[ArticleRow]
    partial: bool = False  # a search index rebuild is still under way
    error: str | None = None  # the query's syntax error, for the count line
