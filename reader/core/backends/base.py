"""The backend interface: where articles come from (HTTP feeds, the demo, a sync server later).

A refresh opens one session per run and calls `fetch` once per feed, concurrently. A session
never raises for a feed's own problems: every failure is a `FetchResult(status="failed")`
with a readable message, so one broken feed cannot stop the rest.
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Protocol

from reader.core.model import FetchResult, Validators


@dataclass(frozen=True)
class Page:
    """A web page (not a feed) as downloaded, for full-text extraction."""

    body: bytes
    charset: str | None
    url: str  # after redirects, so relative links resolve right


class FeedSession(Protocol):
    """An open connection pool (or the like) that fetches feeds during one refresh."""

    async def fetch(self, url: str, validators: Validators) -> FetchResult:
        """Fetch one feed, sending `validators` so an unchanged feed costs next to nothing."""
        ...

    async def fetch_page(self, url: str) -> Page:
        """Download an article's web page for its full text; raises with a readable message."""
        ...


class Backend(Protocol):
    """A source of feeds; `session()` is entered once per refresh and shared by all fetches."""

    def session(self) -> AbstractAsyncContextManager[FeedSession]:
        """Open the resources one refresh needs; they are released when the block exits."""
        ...
