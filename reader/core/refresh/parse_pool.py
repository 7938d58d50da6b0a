"""Parsing feed bodies off the event loop: in a fork pool of processes started on the first body,
else in a thread, so downloads keep flowing and a refresh of many changed feeds uses every core.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import tzinfo
from functools import partial
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from reader.core.feeds.feedparser_rules import feedparser_helpers
from reader.core.feeds.parse import ParsedFeed, parse_feed
from reader.core.model import DEFAULT_TIMEZONE, PreparedArticle
from reader.core.store.prepare import prepare
from reader.core.store.search import index_form_utf8

T = TypeVar("T")


def _shanghai() -> tzinfo:
    return ZoneInfo(DEFAULT_TIMEZONE)


@dataclass(frozen=True)
class ParseSettings:
    """How a refresh parses feeds; the user's config fills these in."""

    default_tz: tzinfo = field(default_factory=_shanghai)  # zone for dates given without one
    max_items_per_feed: int = 2000  # newest kept when a feed carries more
    processes: int = 0  # more than one: a pool of that many processes; else a thread


@dataclass(frozen=True, slots=True)
class PreparedFeed:
    """A parsed feed whose articles carry what the store writes for them (`parse_for_store`)."""

    title: str | None
    language: str | None
    articles: tuple[PreparedArticle, ...]
    notice: str | None = None


def parse_for_store(body: bytes, url: str, **options: Any) -> PreparedFeed:
    """`parse_feed`, with every article prepared: run in a parse worker, this moves the store's
    digest, body packing and index words off its one writer thread."""
    parsed = parse_feed(body, url, **options)
    articles = tuple(prepare(article) for article in parsed.articles)
    return PreparedFeed(parsed.title, parsed.language, articles, parsed.notice)


class FeedParser:
    """Parses feed bodies in the given executor (a process pool), else in a thread."""

    def __init__(self, settings: ParseSettings, executor: Executor | None = None) -> None:
        self.settings = settings
        self.executor = executor

    async def parse(
        self, body: bytes, url: str, charset: str | None, base_url: str, *, for_store: bool
    ) -> ParsedFeed | PreparedFeed:
        """Parse one body fetched from `url`; `for_store` also prepares every article."""
        worker: Callable[..., ParsedFeed | PreparedFeed] = (
            parse_for_store if for_store else parse_feed
        )
        job = partial(
            worker,
            body,
            url,
            http_charset=charset,
            default_tz=self.settings.default_tz,
            max_items=self.settings.max_items_per_feed,
            base_url=base_url,
        )
        if self.executor is not None:
            return await asyncio.get_running_loop().run_in_executor(self.executor, job)
        return await asyncio.to_thread(job)


@contextmanager
def open_parser(settings: ParseSettings, executor: Executor | None = None) -> Iterator[FeedParser]:
    """A parser for one refresh: in `executor` when given, else in a pool of `settings.processes`
    processes that starts on the first body and is shut down on exit, else in a thread."""
    pool = None
    if executor is None and settings.processes > 1:
        executor = pool = LazyProcessPool(settings.processes)
    try:
        yield FeedParser(settings, executor)
    finally:
        if pool is not None:
            pool.shutdown(wait=True)


def exit_with_parent(parent: int) -> None:
    """Pool worker initializer: when the reader dies without shutting the pool down (kill -9,
    OOM killer), its workers would wait on their job queue forever; this makes them exit."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, name="reader-parent-watch", daemon=True).start()


class LazyProcessPool(Executor):
    """A process pool that starts its workers on the first job, so a refresh where every feed
    answers 304 (or an unchanged body) never pays for starting processes."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: ProcessPoolExecutor | None = None

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        if self._pool is None:
            # The search index's tables are built and feedparser's helpers (the fast path calls
            # them) imported once here, while the other cores are still idle: every worker
            # inherits them, instead of each importing feedparser on its first feed.
            index_form_utf8("")
            feedparser_helpers()
            # fork: the workers need only the parser, already imported here, and fork never
            # re-runs the program's main module (spawn would re-run `python -m reader`).
            context = multiprocessing.get_context("fork")
            self._pool = ProcessPoolExecutor(
                self.workers,
                mp_context=context,
                initializer=exit_with_parent,
                initargs=(os.getpid(),),
            )
        return self._pool.submit(fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=wait, cancel_futures=cancel_futures)
            self._pool = None
