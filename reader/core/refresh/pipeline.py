"""A refresh: download many feeds at once, skip unchanged bodies, parse the rest in the pool and
store each as it arrives; one feed's failure never stops the rest."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, tzinfo
from typing import TYPE_CHECKING

from reader.core.backends.base import Backend, FeedSession
from reader.core.model import FeedConfig, FetchResult, Validators
from reader.core.refresh.results import parse_failed_result, parsed_result, result_or_parse_job
from reader.core.store.database import Store

if TYPE_CHECKING:
    from reader.core.refresh.parse_pool import FeedParser, ParseSettings
    from reader.core.store.image_cache import ImageCache

MAX_FULL_TEXTS_PER_FEED = 30  # a feed that suddenly lists 500 new items must not stall a refresh
# A write transaction takes at most this many waiting feeds, or stops once it holds this many
# articles, so another process waiting for the cache is never kept long.
MAX_FEEDS_PER_WRITE = 16
MAX_ARTICLES_PER_WRITE = 1000

ProgressCallback = Callable[[int, int, FetchResult], None]
"""Called after each feed is stored: (feeds done, feeds in all, that feed's result)."""


class _BatchingWriter:
    """Stores results on one thread, in one transaction for all that arrived while the last
    one was being written: fewer commits and fewer, larger search index segments.

    Lives on the event loop; only `Store.record_fetches` runs on the writer thread.
    """

    def __init__(self, store: Store, executor: ThreadPoolExecutor) -> None:
        self._store = store
        self._executor = executor
        self._waiting: list[tuple[FetchResult, asyncio.Future[int]]] = []
        self._busy = False

    async def write(self, result: FetchResult) -> int:
        """Store one result (with whatever else is waiting); return how many were new."""
        done: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._waiting.append((result, done))
        if not self._busy:
            self._start()
        return await done

    def _start(self) -> None:
        batch: list[tuple[FetchResult, asyncio.Future[int]]] = []
        articles = 0
        while (
            self._waiting and len(batch) < MAX_FEEDS_PER_WRITE and articles < MAX_ARTICLES_PER_WRITE
        ):
            result, done = self._waiting.pop(0)
            if done.cancelled():  # its refresh was cancelled: nothing waits for it any more
                continue
            batch.append((result, done))
            articles += len(result.articles)
        if not batch:
            return
        self._busy = True
        job = asyncio.get_running_loop().run_in_executor(
            self._executor,
            self._store.record_fetches,
            [result for result, _ in batch],
            datetime.now(UTC),
        )
        job.add_done_callback(lambda finished: self._finished(batch, finished))

    def _finished(
        self, batch: list[tuple[FetchResult, asyncio.Future[int]]], job: asyncio.Future[list[int]]
    ) -> None:
        self._busy = False
        error = job.exception() if not job.cancelled() else asyncio.CancelledError()
        for index, (_, done) in enumerate(batch):
            if done.cancelled():
                continue
            if error is not None:
                done.set_exception(error)
            else:
                done.set_result(job.result()[index])
        if self._waiting:
            self._start()


async def fetch_feed(
    session: FeedSession, parser: FeedParser, url: str, known: Validators
) -> FetchResult:
    """Download one feed and parse its body unless unchanged; never raises for the feed's own
    problems (a parser bug included), so one feed cannot end the refresh."""
    from reader.core.feeds.parse import FeedParseError

    download = await session.fetch(url, known)
    job = result_or_parse_job(download, known)
    if isinstance(job, FetchResult):
        return job
    try:
        parsed = await parser.parse(
            job.body, url, job.charset, job.base_url, for_store=job.for_store
        )
    except FeedParseError as error:
        return parse_failed_result(job, known, str(error))
    except Exception as error:
        return parse_failed_result(
            job, known, f"could not parse feed ({type(error).__name__}: {error})"
        )
    return parsed_result(job, parsed)


@dataclass(slots=True)
class RefreshSummary:
    """What a refresh did, feed by feed."""

    results: list[FetchResult] = field(default_factory=list)
    new_articles: int = 0
    received: dict[str, int] = field(default_factory=dict)  # feed URL -> articles it gave
    full_texts: int = 0  # stories fetched for `full_text = true` feeds
    full_text_failures: list[str] = field(default_factory=list)
    images: int = 0  # photos of those stories stored in the image cache (issue 16)

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
    default_tz: tzinfo = UTC,
    parsing: ParseSettings | None = None,
    image_cache: ImageCache | None = None,
) -> RefreshSummary:
    """Fetch `feeds` with at most `concurrency` at once, storing each as soon as it arrives;
    then the web pages of new articles in feeds that ask for full text (in `default_tz`), and
    their photos into `image_cache` when given."""
    # Feed parsing (lxml, multiprocessing) loads with the first refresh, not with this module.
    from reader.core.refresh.parse_pool import ParseSettings, open_parser

    summary = RefreshSummary()
    started = datetime.now(UTC)
    limit = asyncio.Semaphore(max(1, concurrency))
    backlog = asyncio.Semaphore(2 * max(1, concurrency))
    total = len(feeds)

    # Every feed's validators in one query up front: the loop never waits on the store's lock
    # while the writer thread holds it.
    known = {state.url: state.validators for state in store.feed_states()}
    loop = asyncio.get_running_loop()
    # One writer thread: SQLite releases the GIL, so downloads and parsing go on while feeds are
    # written, and writes stay one at a time (one transaction per batch of waiting feeds).
    writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="reader-store")
    batching = _BatchingWriter(store, writer)

    async with backend.session() as session:
        with open_parser(parsing if parsing is not None else ParseSettings()) as parser:

            async def one(feed: FeedConfig) -> None:
                validators = known.get(feed.url)
                if validators is None:
                    state = await loop.run_in_executor(writer, store.feed_state, feed.url)
                    validators = state.validators if state else Validators()
                # `backlog` bounds the parsed results waiting for the writer: when writing is
                # the slow part, downloads pause instead of piling articles up in memory.
                async with backlog:
                    async with limit:
                        result = await fetch_feed(session, parser, feed.url, validators)
                    added = await batching.write(result)
                # The summary keeps each result without its articles (they are in the cache).
                summary.new_articles += added  # not `+= await`: that would read the total first
                summary.received[result.url] = len(result.articles)
                if result.articles:
                    result = replace(result, articles=())
                summary.results.append(result)
                if progress is not None:
                    progress(len(summary.results), total, result)

            try:
                await asyncio.gather(*(one(feed) for feed in feeds))
            finally:
                writer.shutdown(wait=True)

        wanted = [
            item
            for feed in feeds
            if feed.full_text
            for item in store.missing_full_text(feed.url, started, limit=MAX_FULL_TEXTS_PER_FEED)
        ]
        if wanted:
            from reader.core.refresh.fulltext import (
                fill_full_texts,  # extraction libraries load only now
            )

            summary.full_texts, summary.full_text_failures = await fill_full_texts(
                store, session, wanted, default_tz, concurrency=min(4, concurrency)
            )
            if image_cache is not None:  # so a story never opened is complete offline too
                from reader.core.refresh.images import prefetch_article_photos

                article_ids = [article_id for article_id, _link in wanted]
                summary.images = await prefetch_article_photos(
                    store, session, article_ids, image_cache
                )
    order = {feed.url: index for index, feed in enumerate(feeds)}
    summary.results.sort(key=lambda r: order.get(r.url, total))
    return summary
