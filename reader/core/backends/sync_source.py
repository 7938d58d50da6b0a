"""The interface of an aggregator server as a source of articles and read/star state.

A sync source only transports: it logs in, lists what the server holds and sends marks; the
refresh (refresh/sync.py) decides what the cache records.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

MarkField = Literal["read", "starred"]
# Pages a listing may take before a source stops: a server that never says "no more" cannot
# keep a fetch going for ever.
MAX_PAGES = 10_000


class SyncError(Exception):
    """The server cannot be used now; str() is one line for the user (never the password)."""


@dataclass(frozen=True, slots=True)
class RemoteCategory:
    """A category of the server's subscriptions: a section here."""

    id: int
    title: str


@dataclass(frozen=True, slots=True)
class RemoteFeed:
    """One subscription on the server."""

    id: int
    title: str
    url: str
    category_id: int | None  # None: uncategorised


@dataclass(frozen=True, slots=True)
class RemoteArticle:
    """One article as the server gives it, with its state there."""

    id: int
    feed_id: int
    title: str
    link: str | None
    author: str | None
    published: datetime | None  # timezone-aware
    content_html: str
    read: bool
    starred: bool


class SyncSource(Protocol):
    """An open connection to one account on one aggregator server."""

    service: str
    can_subscribe: bool  # False: subscriptions are changed on the server itself (Fever)

    def login(self) -> None:
        """Log in and check the API; raise SyncError with the reason it cannot be used."""
        ...

    def categories(self) -> list[RemoteCategory]: ...

    def feeds(self) -> list[RemoteFeed]: ...

    def articles_since(self, since_id: int) -> Iterator[list[RemoteArticle]]:
        """Articles with ids above `since_id`, a page at a time."""
        ...

    def unread_ids(self) -> set[int]: ...

    def starred_ids(self) -> set[int]: ...

    def mark(self, article_ids: Sequence[int], field: MarkField, value: bool) -> None:
        """Set read or starred to `value` on the server for these articles."""
        ...

    def subscribe(self, url: str, category: str | None) -> None: ...

    def unsubscribe(self, url: str) -> None: ...

    def close(self) -> None: ...
