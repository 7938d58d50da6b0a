"""Tiny Tiny RSS's JSON API as a sync source: POST JSON to api/, a session id in every body.

The API answers HTTP 200 for its own errors (status 1 and content.error), so every answer is
checked for both; unknown fields from newer servers are ignored.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any, TypeGuard

from reader.core.backends.sync_call import ApiClient
from reader.core.backends.sync_source import (
    MAX_PAGES,
    MarkField,
    RemoteArticle,
    RemoteCategory,
    RemoteFeed,
    SyncError,
)

PAGE = 200  # the most getHeadlines gives in one call
MIN_API_LEVEL = 1  # since_id, show_content and updateArticle are all there from level 1
ALL_FEEDS, STARRED_FEED = -4, -1
UNREAD_FIELD, STAR_FIELD = 2, 0
# subscribeToFeed's content.status.code: 0 already subscribed, 1 added, others failures.
SUBSCRIBED_CODES = {0, 1}


def api_address(url: str) -> str:
    """The API endpoint from the configured address, given with or without api/."""
    base = url if url.endswith("/") else url + "/"
    return base if base.endswith("/api/") else base + "api/"


class TtrssSource:
    """One logged-in client of a tt-rss server; the session is bound to our User-Agent."""

    service = "ttrss"
    can_subscribe = True

    def __init__(
        self, url: str, user: str, password: str, *, timeout: float = 30.0, page: int = PAGE
    ) -> None:
        self.endpoint = api_address(url)
        self._user = user
        self._password = password
        self._page = page
        self._session_id: str | None = None
        self._client = ApiClient("tt-rss", timeout)

    def close(self) -> None:
        self._client.close()

    # ---- calls ---------------------------------------------------------------------------

    def _post(self, body: dict[str, Any]) -> Any:
        """One API call; its content, or SyncError naming what went wrong."""
        data = self._client.post(self.endpoint, json_body=body)
        if not isinstance(data, dict) or "status" not in data or "content" not in data:
            raise SyncError("tt-rss server answered something that is not its API")
        if data["status"] != 0:
            content = data["content"]
            code = content.get("error") if isinstance(content, dict) else None
            raise _ApiError(str(code or "unknown error"))
        return data["content"]

    def _call(self, op: str, **parameters: Any) -> Any:
        """An API call in the session, logging in again once when the session has expired."""
        if self._session_id is None:
            self.login()
        try:
            return self._post({"op": op, "sid": self._session_id, **parameters})
        except _ApiError as error:
            if error.code != "NOT_LOGGED_IN":
                raise SyncError(f"tt-rss refused {op}: {error.code}") from None
        self.login()
        try:
            return self._post({"op": op, "sid": self._session_id, **parameters})
        except _ApiError as error:
            raise SyncError(f"tt-rss refused {op}: {error.code}") from None

    def login(self) -> None:
        try:
            content = self._post({"op": "login", "user": self._user, "password": self._password})
        except _ApiError as error:
            if error.code == "API_DISABLED":
                raise SyncError("tt-rss: the API is disabled for this user") from None
            if error.code == "LOGIN_ERROR":
                raise SyncError("tt-rss refused the login (user or password wrong)") from None
            raise SyncError(f"tt-rss refused the login: {error.code}") from None
        session_id = content.get("session_id") if isinstance(content, dict) else None
        if not isinstance(session_id, str) or not session_id:
            raise SyncError("tt-rss server answered something that is not its API")
        self._session_id = session_id
        level = content.get("api_level")
        if level is None:
            level = self._post({"op": "getApiLevel", "sid": session_id}).get("level")
        if not isinstance(level, int) or level < MIN_API_LEVEL:
            raise SyncError(f"tt-rss: unknown API level {level!r}")

    # ---- what the server holds -----------------------------------------------------------

    def categories(self) -> list[RemoteCategory]:
        rows = _rows(self._call("getCategories", include_empty=True))
        return [
            RemoteCategory(id=int(row["id"]), title=str(row["title"]))
            for row in rows
            if _is_int(row.get("id")) and int(row["id"]) >= 0
        ]

    def feeds(self) -> list[RemoteFeed]:
        rows = _rows(self._call("getFeeds", cat_id=-3))
        feeds = []
        for row in rows:
            if not _is_int(row.get("id")) or int(row["id"]) <= 0 or not row.get("feed_url"):
                continue  # special feeds (starred, published, ...) have negative ids
            category = row.get("cat_id")
            feeds.append(
                RemoteFeed(
                    id=int(row["id"]),
                    title=str(row.get("title") or row["feed_url"]),
                    url=str(row["feed_url"]),
                    category_id=int(category) if _is_int(category) and category > 0 else None,
                )
            )
        return feeds

    def articles_since(self, since_id: int) -> Iterator[list[RemoteArticle]]:
        # Oldest first, so a page stored is a cursor that never skips an article.
        for number in range(MAX_PAGES):
            rows = _rows(
                self._call(
                    "getHeadlines",
                    feed_id=ALL_FEEDS,
                    view_mode="all_articles",
                    since_id=since_id,
                    skip=number * self._page,
                    limit=self._page,
                    show_content=True,
                    # As published, as direct feeds keep it (feed HTML is data here, never
                    # markup); the server's sanitizer is also its slowest part of this call.
                    sanitize=False,
                    order_by="date_reverse",
                )
            )
            page = [article for row in rows if (article := _article(row)) is not None]
            if page:
                yield page
            if len(rows) < self._page:
                return

    def _ids(self, feed_id: int, view_mode: str) -> set[int]:
        ids: set[int] = set()
        for number in range(MAX_PAGES):
            rows = _rows(
                self._call(
                    "getHeadlines",
                    feed_id=feed_id,
                    view_mode=view_mode,
                    skip=number * self._page,
                    limit=self._page,
                    show_content=False,
                    show_excerpt=False,
                )
            )
            ids.update(int(row["id"]) for row in rows if _is_int(row.get("id")))
            if len(rows) < self._page:
                break
        return ids

    def unread_ids(self) -> set[int]:
        return self._ids(ALL_FEEDS, "unread")

    def starred_ids(self) -> set[int]:
        return self._ids(STARRED_FEED, "all_articles")

    # ---- changes -------------------------------------------------------------------------

    def mark(self, article_ids: Sequence[int], field: MarkField, value: bool) -> None:
        if not article_ids:
            return
        if field == "read":
            code, mode = UNREAD_FIELD, int(not value)
        else:
            code, mode = STAR_FIELD, int(value)
        for start in range(0, len(article_ids), 1000):
            chunk = article_ids[start : start + 1000]
            # A comma-separated string: a JSON array makes this server answer HTTP 500.
            ids = ",".join(str(int(i)) for i in chunk)
            self._call("updateArticle", article_ids=ids, mode=mode, field=code)

    def subscribe(self, url: str, category: str | None) -> None:
        category_id = 0
        if category:
            known = {c.title: c.id for c in self.categories()}
            if category not in known:
                raise SyncError(f"tt-rss has no category {category!r}: make it on the server")
            category_id = known[category]
        content = self._call("subscribeToFeed", feed_url=url, category_id=category_id)
        status = content.get("status") if isinstance(content, dict) else None
        code = status.get("code") if isinstance(status, dict) else None
        if code not in SUBSCRIBED_CODES:
            message = status.get("message") if isinstance(status, dict) else None
            raise SyncError(f"tt-rss could not subscribe to {url} (code {code}) {message or ''}")

    def unsubscribe(self, url: str) -> None:
        feed = next((f for f in self.feeds() if f.url == url), None)
        if feed is None:
            raise SyncError(f"tt-rss has no subscription {url}")
        self._call("unsubscribeFeed", feed_id=feed.id)


class _ApiError(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _rows(content: Any) -> list[dict[str, Any]]:
    if not isinstance(content, list):
        raise SyncError("tt-rss server answered something that is not its API")
    return [row for row in content if isinstance(row, dict)]


def _article(row: dict[str, Any]) -> RemoteArticle | None:
    """A headline as a RemoteArticle; None for one without the fields every client needs."""
    if not _is_int(row.get("id")) or not _is_int(row.get("feed_id")):
        return None
    updated = row.get("updated")
    published = datetime.fromtimestamp(updated, UTC) if _is_int(updated) and updated > 0 else None
    link = row.get("link")
    author = row.get("author")
    content = row.get("content")
    return RemoteArticle(
        id=int(row["id"]),
        feed_id=int(row["feed_id"]),
        title=str(row.get("title") or ""),
        link=link if isinstance(link, str) and link.startswith(("http://", "https://")) else None,
        author=author if isinstance(author, str) and author else None,
        published=published,
        content_html=content if isinstance(content, str) else "",
        read=not bool(row.get("unread")),
        starred=bool(row.get("marked")),
    )
