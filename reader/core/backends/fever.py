"""The Fever API as a sync source: form POSTs to `?api&...` with an md5 api_key.

Fever can list and mark but not subscribe: subscriptions are changed on the server itself.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from reader.core.backends.sync_call import ApiClient
from reader.core.backends.sync_source import (
    MAX_PAGES,
    MarkField,
    RemoteArticle,
    RemoteCategory,
    RemoteFeed,
    SyncError,
)

CANNOT_SUBSCRIBE = "a Fever server cannot subscribe or unsubscribe: do it on the server itself"


class FeverSource:
    """A client of one Fever account; every call carries the key, so there is no session."""

    service = "fever"
    can_subscribe = False

    def __init__(self, url: str, user: str, password: str, *, timeout: float = 30.0) -> None:
        self.endpoint = url
        self._api_key = hashlib.md5(f"{user}:{password}".encode()).hexdigest()
        self._client = ApiClient("Fever", timeout)

    def close(self) -> None:
        self._client.close()

    def _call(
        self, *flags: str, form: dict[str, str] | None = None, **parameters: int
    ) -> dict[str, Any]:
        """One call: `flags` and `parameters` in the query, the key (and `form`) posted."""
        query = "&".join(["api", *flags, *(f"{k}={v}" for k, v in parameters.items())])
        data = self._client.post(
            self.endpoint, query=query, form={"api_key": self._api_key, **(form or {})}
        )
        if not isinstance(data, dict) or "auth" not in data:
            raise SyncError("Fever server answered something that is not its API")
        if data["auth"] != 1:
            raise SyncError("Fever refused the login (user or password wrong)")
        return data

    def login(self) -> None:
        level = self._call().get("api_version")
        if not isinstance(level, int) or level < 1:
            raise SyncError(f"Fever: unknown API level {level!r}")

    def categories(self) -> list[RemoteCategory]:
        rows = self._call("groups").get("groups")
        return [
            RemoteCategory(id=int(row["id"]), title=str(row.get("title") or row["id"]))
            for row in _rows(rows)
            if isinstance(row.get("id"), int)
        ]

    def feeds(self) -> list[RemoteFeed]:
        data = self._call("feeds")
        group_of: dict[int, int] = {}
        for link in _rows(data.get("feeds_groups")):
            for feed_id in _ids(link.get("feed_ids")):
                group_of.setdefault(feed_id, int(link.get("group_id") or 0))
        return [
            RemoteFeed(
                id=int(row["id"]),
                title=str(row.get("title") or row["url"]),
                url=str(row["url"]),
                category_id=group_of.get(int(row["id"])) or None,
            )
            for row in _rows(data.get("feeds"))
            if isinstance(row.get("id"), int) and isinstance(row.get("url"), str)
        ]

    def articles_since(self, since_id: int) -> Iterator[list[RemoteArticle]]:
        cursor = since_id
        for _ in range(MAX_PAGES):
            rows = _rows(self._call("items", since_id=cursor).get("items"))
            page = [article for row in rows if (article := _article(row)) is not None]
            if not page:
                return
            yield page
            cursor = max(article.id for article in page)

    def unread_ids(self) -> set[int]:
        return set(_ids(self._call("unread_item_ids").get("unread_item_ids")))

    def starred_ids(self) -> set[int]:
        return set(_ids(self._call("saved_item_ids").get("saved_item_ids")))

    def mark(self, article_ids: Sequence[int], field: MarkField, value: bool) -> None:
        if field == "read":
            state = "read" if value else "unread"
        else:
            state = "saved" if value else "unsaved"
        for article_id in article_ids:  # Fever marks one item a call
            self._call(form={"mark": "item", "as": state, "id": str(int(article_id))})

    def subscribe(self, url: str, category: str | None) -> None:
        raise SyncError(CANNOT_SUBSCRIBE)

    def unsubscribe(self, url: str) -> None:
        raise SyncError(CANNOT_SUBSCRIBE)


def _rows(value: Any) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise SyncError("Fever server answered something that is not its API")
    return [row for row in value if isinstance(row, dict)]


def _ids(value: Any) -> list[int]:
    """Fever's comma-separated id lists ("1,2,3"; empty: none)."""
    if isinstance(value, int):
        return [value]
    if not isinstance(value, str):
        return []
    return [int(part) for part in value.split(",") if part.strip().isdigit()]


def _article(row: dict[str, Any]) -> RemoteArticle | None:
    if not isinstance(row.get("id"), int) or not isinstance(row.get("feed_id"), int):
        return None
    created = row.get("created_on_time")
    link, author, html = row.get("url"), row.get("author"), row.get("html")
    return RemoteArticle(
        id=int(row["id"]),
        feed_id=int(row["feed_id"]),
        title=str(row.get("title") or ""),
        link=link if isinstance(link, str) and link.startswith(("http://", "https://")) else None,
        author=author if isinstance(author, str) and author else None,
        published=datetime.fromtimestamp(created, UTC)
        if isinstance(created, int) and created > 0
        else None,
        content_html=html if isinstance(html, str) else "",
        read=bool(row.get("is_read")),
        starred=bool(row.get("is_saved")),
    )
