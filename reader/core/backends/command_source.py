"""exec: feeds and feed filters: a program's standard output as a feed's download.

`CommandBackend` wraps the HTTP backend for one refresh: an `exec:COMMAND` feed from the user's
config runs its program instead of a request, and a feed with a `filter` has its downloaded body
piped through that program before the refresh parses it. Both go through user_command (split
with shlex, no shell) under the download's own time limit and size cap; a failure is a failed
download like a network error, so the feed keeps its cached articles.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace

from reader.core.backends.base import Backend, FeedDownload, FeedSession, ImageBody, Page
from reader.core.backends.feed_access import exec_command, is_exec_url
from reader.core.backends.user_command import (
    DEFAULT_OUTPUT_CAP,
    DEFAULT_TIMEOUT,
    UserCommandFailed,
    run_user_command,
)
from reader.core.model import FeedConfig, Validators


@dataclass(frozen=True, slots=True)
class CommandLimits:
    """A feed program's limits: the config gives it a feed download's deadline and body cap."""

    timeout: float = DEFAULT_TIMEOUT
    output_cap: int = DEFAULT_OUTPUT_CAP


def run_exec_feed(url: str, limits: CommandLimits) -> FeedDownload:
    """Run an `exec:COMMAND` feed's program; what it prints is the body (it has no validators,
    so the body's hash decides whether it is parsed again)."""
    started = time.monotonic()
    try:
        done = run_user_command(
            exec_command(url), timeout=limits.timeout, output_cap=limits.output_cap
        )
    except UserCommandFailed as error:
        return FeedDownload(url, "failed", error=str(error), seconds=time.monotonic() - started)
    return FeedDownload(url, "ok", body=done.stdout, seconds=time.monotonic() - started)


def filter_download(download: FeedDownload, command: str, limits: CommandLimits) -> FeedDownload:
    """The download with its body piped through `command` (stdin -> stdout); a failed one as is.

    The output is a new document, so the server's charset no longer applies to it: the parser
    reads its own declaration instead.
    """
    if download.outcome != "ok":
        return download
    started = time.monotonic()
    try:
        done = run_user_command(
            command, download.body, timeout=limits.timeout, output_cap=limits.output_cap
        )
    except UserCommandFailed as error:
        return replace(download, outcome="failed", body=b"", error=f"filter: {error}")
    seconds = download.seconds + time.monotonic() - started
    return replace(download, body=done.stdout, charset=None, seconds=seconds)


class CommandFeedSession:
    """A session that runs exec: feeds and filters and leaves everything else to `inner`."""

    def __init__(
        self,
        inner: FeedSession,
        exec_urls: frozenset[str],
        filters: dict[str, str],
        limits: CommandLimits,
    ) -> None:
        self.inner = inner
        self.exec_urls = exec_urls
        self.filters = filters
        self.limits = limits

    async def fetch(self, url: str, validators: Validators) -> FeedDownload:
        """Run or download one feed, then filter it; never raises for the feed's own problems."""
        if is_exec_url(url):
            if url not in self.exec_urls:  # only a feed of the user's own config runs
                return FeedDownload(url, "failed", error="exec: feeds run only from your config")
            download = await asyncio.to_thread(run_exec_feed, url, self.limits)
        else:
            download = await self.inner.fetch(url, validators)
        command = self.filters.get(url)
        if command is None or download.outcome != "ok":
            return download
        return await asyncio.to_thread(filter_download, download, command, self.limits)

    async def fetch_page(self, url: str) -> Page:
        return await self.inner.fetch_page(url)

    async def fetch_image(self, url: str) -> ImageBody:
        return await self.inner.fetch_image(url)


class CommandBackend:
    """`inner` (the HTTP backend) plus the exec: feeds and filters of the user's config."""

    def __init__(
        self, inner: Backend, feeds: Iterable[FeedConfig], limits: CommandLimits | None = None
    ) -> None:
        configured = list(feeds)
        self.inner = inner
        self.exec_urls = frozenset(feed.url for feed in configured if is_exec_url(feed.url))
        self.filters = {feed.url: feed.filter for feed in configured if feed.filter}
        self.limits = limits if limits is not None else CommandLimits()

    @asynccontextmanager
    async def session(self) -> AsyncIterator[CommandFeedSession]:
        async with self.inner.session() as session:
            yield CommandFeedSession(session, self.exec_urls, self.filters, self.limits)
