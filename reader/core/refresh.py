"""Fetch many feeds at once and store what they give; one feed's failure never stops the rest."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from reader.core.backends.base import Backend
from reader.core.model import FeedConfig, FetchResult, Validators
from reader.core.store import Store

ProgressCallback = Callable[[int, int, FetchResult], None]
"""Called after each feed is stored: (feeds done, feeds in all, that feed's result)."""


@dataclass(slots=True)
class RefreshSummary:
    """What a refresh did, feed by feed."""

    results: list[FetchResult] = field(default_factory=list)
    new_articles: int = 0

    @property
    def ok(self) -> list[FetchResult]:
        return [r for r in self.results if r.status == "ok"]

    @property
    def not_modified(self) -> list[FetchResult]:
        return [r for r in self.results if r.status == "not_modified"]

    @property
    def failed(self) -> list[FetchResult]:
        return [r for r in self.results if r.status == "failed"]


async def refresh_feeds(
    store: Store,
    backend: Backend,
    feeds: Sequence[FeedConfig],
    *,
    concurrency: int = 8,
    progress: ProgressCallback | None = None,
) -> RefreshSummary:
    """Fetch `feeds` with at most `concurrency` at once, storing each as soon as it arrives."""
    summary = RefreshSummary()
    limit = asyncio.Semaphore(max(1, concurrency))
    total = len(feeds)

    async with backend.session() as session:

        async def one(feed: FeedConfig) -> None:
            state = store.feed_state(feed.url)
            validators = state.validators if state else Validators()
            async with limit:
                result = await session.fetch(feed.url, validators)
            # Storing is quick (one transaction) and keeps memory flat: no result waits for the rest.
            summary.new_articles += store.record_fetch(result, datetime.now(UTC))
            summary.results.append(result)
            if progress is not None:
                progress(len(summary.results), total, result)

        await asyncio.gather(*(one(feed) for feed in feeds))
    order = {feed.url: index for index, feed in enumerate(feeds)}
    summary.results.sort(key=lambda r: order.get(r.url, total))
    return summary
