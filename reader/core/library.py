"""The one way in to the core: `open_library` builds config, cache and backend for CLI and UI."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from reader import __version__
from reader.core.config import Config, load_config
from reader.core.model import FeedConfig, FetchResult, StoredArticle
from reader.core.paths import Paths
from reader.core.store.database import Store
from reader.core.text.cells import clean_line

if TYPE_CHECKING:
    from reader.core.backends.base import Backend
    from reader.core.backends.http import FetchSettings
    from reader.core.backends.sync_source import SyncSource
    from reader.core.extract.story import Story
    from reader.core.refresh.parse_pool import ParseSettings
    from reader.core.refresh.pipeline import ProgressCallback, RefreshSummary
    from reader.core.refresh.sync import SyncReport
    from reader.core.script.shown import ShownArticle
    from reader.core.store.image_cache import ImageCache

# For the CLI and the UI, which never import reader.core.store: open_store and the cache's errors.
from pathlib import Path

# exec: feeds (issue 17), which the CLI keeps out of OPML exports.
from reader.core.backends.feed_access import is_exec_url as is_exec_url
from reader.core.backends.sync_source import SyncError as SyncError
from reader.core.store.connection import move_aside as move_aside
from reader.core.store.errors import CorruptDatabaseError as CorruptDatabaseError
from reader.core.store.errors import NewerSchemaError as NewerSchemaError
from reader.core.store.errors import StoreError as StoreError

# The query language, for the CLI and the UI: its syntax error and what a match shows.
from reader.core.store.query.parse import QuerySyntaxError as QuerySyntaxError
from reader.core.store.query.snippet import query_words as query_words
from reader.core.store.query.snippet import snippet as snippet


def fetch_settings(config: Config) -> FetchSettings:
    """The HTTP backend's limits from the user's [settings] table."""
    from reader.core.backends.http import FetchSettings

    s = config.settings
    settings = FetchSettings(
        concurrency=s.concurrency,
        connect_timeout=s.connect_timeout,
        read_timeout=s.read_timeout,
        deadline=s.feed_deadline,
        max_bytes=s.max_feed_bytes,
        proxy=s.proxy or None,
    )
    return replace(settings, user_agent=s.user_agent) if s.user_agent else settings


def feed_backend(config: Config) -> Backend:
    """The refresh's backend: HTTP with the config's limits, agent, proxy and feed logins,
    wrapped so the config's exec: feeds and filters run (issue 17)."""
    from reader.core.backends.command_source import CommandBackend, CommandLimits
    from reader.core.backends.feed_access import feed_logins
    from reader.core.backends.http import HttpBackend

    feeds = [feed for section in config.sections for feed in section.feeds]
    http = HttpBackend(fetch_settings(config), logins=feed_logins(feeds))
    s = config.settings
    return CommandBackend(http, feeds, CommandLimits(s.feed_deadline, s.max_feed_bytes))


def parse_settings(config: Config) -> ParseSettings:
    """How a refresh parses, from the user's [settings] table: a process per core, since a
    refresh of many changed feeds is CPU-bound."""
    from reader.core.refresh.parse_pool import ParseSettings

    s = config.settings
    return ParseSettings(
        default_tz=s.zone,
        # Never keep more per feed than retention allows, or prune and refetch would churn.
        max_items_per_feed=min(s.max_items_per_feed, s.retention_max_per_feed),
        processes=os.cpu_count() or 1,
    )


def page_backend() -> Backend:
    """An HTTP backend with the default limits, for web pages fetched outside a refresh
    (`reader extract URL`)."""
    from reader.core.backends.http import FetchSettings, HttpBackend

    return HttpBackend(FetchSettings(user_agent=f"reader-tui/{__version__}"))


@dataclass
class Library:
    """Config, cache and backend of one reader instance.

    The HTTP backend is made on first use, so commands that only read the cache (list, show,
    search) start without importing libcurl and asyncio.
    """

    paths: Paths
    config: Config
    store: Store
    given_backend: Backend | None = field(default=None, repr=False)
    made_backend: Backend | None = field(default=None, init=False, repr=False)  # from the config
    last_sync: SyncReport | None = None  # what the last refresh from a sync server did

    @property
    def backend(self) -> Backend:
        if self.given_backend is not None:
            return self.given_backend
        if self.made_backend is None:
            self.made_backend = feed_backend(self.config)
        return self.made_backend

    def sync_source(self) -> SyncSource:
        """A client of the configured sync server (not logged in yet); raises SyncError when its
        password cannot be had."""
        from reader.core.backends.sync_settings import PasswordCommandFailed
        from reader.core.backends.sync_source import SyncError

        sync = self.config.sync
        assert sync is not None
        try:
            password = sync.resolve_password()
        except PasswordCommandFailed as error:
            raise SyncError(str(error)) from None
        timeout = self.config.settings.read_timeout
        if sync.service == "fever":
            from reader.core.backends.fever import FeverSource

            return FeverSource(sync.url, sync.user, password, timeout=timeout)
        from reader.core.backends.ttrss import TtrssSource

        return TtrssSource(sync.url, sync.user, password, timeout=timeout)

    def section_names(self) -> list[str]:
        """The sections: the config's, or the sync server's categories as last pulled."""
        if self.config.sync is not None:
            return self.store.sections()
        return [section.name for section in self.config.sections]

    def query_sections(self) -> dict[str, str]:
        """The config's [[query]] sections (issue 15), name -> query, in config order; a feed
        section (or sync category) of the same name wins over one."""
        feed_sections = set(self.section_names())
        return {q.name: q.query for q in self.config.queries if q.name not in feed_sections}

    def feeds(self, section: str | None = None) -> list[FeedConfig]:
        """Feeds of one section or all, in order: the config's, or the sync server's."""
        if self.config.sync is not None:
            return [FeedConfig(url=s.url, title=s.title) for s in self.store.feed_states(section)]
        return [
            feed
            for s in self.config.sections
            if section is None or s.name == section
            for feed in s.feeds
        ]

    def refresh(
        self, section: str | None = None, progress: ProgressCallback | None = None
    ) -> RefreshSummary:
        """Fetch the feeds of `section` (all when None) and store them; blocking, so call it from a
        worker thread in the UI. Prunes by the retention settings afterwards."""
        import asyncio

        if self.config.sync is not None:
            return self._sync(progress)

        from reader.core.refresh.pipeline import refresh_feeds

        summary = asyncio.run(
            refresh_feeds(
                self.store,
                self.backend,
                self.feeds(section),
                concurrency=self.config.settings.concurrency,
                progress=progress,
                default_tz=self.config.settings.zone,
                parsing=parse_settings(self.config),
                # Photos of `full_text = true` feeds' new stories, unless photos are off.
                image_cache=self.image_cache if self.config.settings.images == "on" else None,
            )
        )
        self.prune()
        return summary

    def _sync(self, progress: ProgressCallback | None) -> RefreshSummary:
        """A refresh from the sync server (every section: the server fetches the feeds)."""
        from reader.core.backends.sync_source import SyncError
        from reader.core.refresh.pipeline import RefreshSummary
        from reader.core.refresh.sync import SyncReport, sync_with_server

        assert self.config.sync is not None
        try:
            source = self.sync_source()
        except SyncError as error:
            service = self.config.sync.service
            summary = RefreshSummary()
            summary.results.append(FetchResult(url=service, status="failed", error=str(error)))
            self.last_sync = SyncReport(
                service, pending=self.store.pending_count(), error=str(error)
            )
            return summary
        try:
            summary, self.last_sync = sync_with_server(self.store, source, progress)
        finally:
            source.close()
        self.prune()
        return summary

    def push_changes(self) -> SyncReport:
        """Send the marks waiting in the outbox now, without pulling (for a push soon after a
        change, when online); the report says what was sent and what still waits."""
        from reader.core.refresh.sync import SyncReport, push_changes

        assert self.config.sync is not None
        service = self.config.sync.service
        try:
            source = self.sync_source()
            try:
                source.login()
                pushed = push_changes(self.store, source)
            finally:
                source.close()
        except SyncError as error:
            return SyncReport(service, pending=self.store.pending_count(), error=str(error))
        return SyncReport(service, pushed=pushed, pending=self.store.pending_count())

    def subscribe(self, urls: Sequence[str], category: str | None) -> list[str]:
        """Subscribe on the sync server to `urls` in `category` (uncategorised when the server
        has no such category); notes for the user. Raises SyncError (Fever cannot subscribe)."""
        source = self.sync_source()
        notes = []
        try:
            if not source.can_subscribe:
                source.subscribe(urls[0] if urls else "", category)  # raises its reason
            source.login()
            if category and category not in {c.title for c in source.categories()}:
                notes.append(f"the server has no category {category!r}: subscribed uncategorised")
                category = None
            for url in urls:
                source.subscribe(url, category)
        finally:
            source.close()
        return notes

    def unsubscribe(self, url: str) -> None:
        """Unsubscribe on the sync server; raises SyncError (Fever cannot unsubscribe)."""
        source = self.sync_source()
        try:
            if source.can_subscribe:
                source.login()
            source.unsubscribe(url)
        finally:
            source.close()

    def sync_server_name(self) -> str | None:
        """The sync server as the user may see it (kind and address, no credentials)."""
        from urllib.parse import urlsplit

        if self.config.sync is None:
            return None
        parts = urlsplit(self.config.sync.url)
        port = f":{parts.port}" if parts.port else ""
        return f"{self.config.sync.service} at {parts.scheme}://{parts.hostname}{port}{parts.path}"

    def full_text(self, article_id: int) -> StoredArticle:
        """Fetch, extract and cache the story of one article from its web page; blocking (call it
        from a worker). Raises FullTextError with a readable reason; the summary is kept."""
        import asyncio

        from reader.core.refresh.fulltext import FullTextError, fetch_story

        article = self.store.article(article_id)
        if article is None:
            raise FullTextError(f"no article with id {article_id}")
        link = article.listing.link
        if not link:
            raise FullTextError("this article has no web page to fetch")

        async def run() -> Story:
            async with self.backend.session() as session:
                return await fetch_story(session, link, self.config.settings.zone)

        story = asyncio.run(run())
        self.store.set_full_text(article_id, story.to_html(), story.page_meta())
        stored = self.store.article(article_id)
        assert stored is not None
        return stored

    # ---- photos (issue 16) -------------------------------------------------------------------

    @property
    def image_cache(self) -> ImageCache:
        """The display copies of photos under the cache folder, capped by `image_cache_mb`."""
        from reader.core.store.image_cache import ImageCache

        cap = self.config.settings.image_cache_mb * 1024 * 1024
        return ImageCache(self.paths.cache_dir / "images", cap)

    def cached_image(self, url: str) -> Path | None:
        """A photo's display copy when it is on disk already (no network)."""
        return self.image_cache.get(url)

    def fetch_images(self, urls: list[str]) -> dict[str, Path | str]:
        """Each photo's display copy, downloading those not cached yet; a URL without one gets
        the reason. Blocking: call it from a worker."""
        import asyncio

        from reader.core.refresh.images import cached_outcomes, download_images

        cache = self.image_cache
        outcomes, missing = cached_outcomes(urls, cache)
        if not missing:  # everything on disk: no network, so it works offline
            return outcomes

        async def run() -> dict[str, Path | str]:
            async with self.backend.session() as session:
                return await download_images(session, missing, cache)

        return outcomes | asyncio.run(run())

    def prune(self) -> int:
        s = self.config.settings
        return self.store.prune(
            max_age_days=s.retention_days,
            max_per_feed=s.retention_max_per_feed,
            now=datetime.now(UTC),
        )

    def reload_config(self) -> None:
        """Re-read the config file (after add/remove/import); bring the cache's feed list along."""
        self.config = load_config(self.paths.config_file)
        self.made_backend = None  # feeds, logins and filters may have changed
        if self.config.sync is None:  # with a sync server, its subscriptions are the feeds
            self.store.sync_feeds(self.config.sections)
        self.store.set_filters(self.config.filters, self.config.settings.zone)

    def close(self) -> None:
        self.store.close()


def open_library(
    paths: Paths,
    config: Config | None = None,
    backend: Backend | None = None,
    store: Store | None = None,
) -> Library:
    """Load the config (writing the default on first run), open the cache and sync its feed list.

    Raises ConfigError for a bad config and StoreError for a cache we cannot use."""
    config = config or load_config(paths.config_file)
    store = store or Store.open(paths.database)
    if config.sync is None:  # with a sync server, its subscriptions are the feeds
        store.sync_feeds(config.sections)
        if store.sync_service() is not None:
            # [sync] was removed: marks stop queueing (what waits is kept for its return).
            store.set_sync_service(None)
    store.set_filters(config.filters, config.settings.zone)  # [[filter]] rules (issue 15)
    return Library(paths=paths, config=config, store=store, given_backend=backend)


def open_store(path: Path) -> Store:
    """Open the cache alone, for callers that report its errors before building the library
    (open_library then takes the store)."""
    return Store.open(path)


def full_text_or_reason(library: Library, article_id: int) -> StoredArticle | str:
    """The article with its whole story fetched, or why it could not be had (the summary stays);
    for the CLI and the UI, which never import reader.core.refresh."""
    from reader.core.refresh.fulltext import FullTextError

    try:
        return library.full_text(article_id)
    except FullTextError as error:
        return str(error)


# ---- the user's own programs and files (issue 17): pipe, save, bookmark, notify ------------
# For the CLI and the UI, which never import reader.core.backends: the runner's one-line error.
from reader.core.backends.user_command import UserCommandFailed as UserCommandFailed  # noqa: E402

NOTIFY_TITLES = 5  # titles notify_command gets after the count


def _run_configured(library: Library, command: str | list[str], stdin: str = "") -> str:
    """Run one of the user's programs with the configured time limit; its output as text."""
    from reader.core.backends.user_command import run_user_command

    done = run_user_command(
        command, stdin.encode("utf-8"), timeout=library.config.settings.command_timeout
    )
    return done.stdout.decode("utf-8", "replace")


def pipe_article(library: Library, command: str, shown: ShownArticle) -> str:
    """Send the article (title, link, text as shown) to `command`'s standard input; its output.
    Raises UserCommandFailed saying in one line why it did not work."""
    return _run_configured(library, command, shown.pipe_input())


def bookmark_article(library: Library, shown: ShownArticle) -> str:
    """Run bookmark_command with the URL, title, feed title and first lines as arguments."""
    from reader.core.backends.user_command import command_argv

    command = library.config.settings.bookmark_command
    if not command.strip():
        raise UserCommandFailed("no bookmark_command in the config")
    return _run_configured(library, command_argv(command) + shown.bookmark_arguments())


def notify_new_articles(library: Library, count: int) -> str | None:
    """After a refresh that brought `count` articles, run notify_command (when set) with the
    count and the titles stored last; the one-line error, or None."""
    from reader.core.backends.user_command import command_argv

    command = library.config.settings.notify_command
    if count <= 0 or not command.strip():
        return None
    newest = library.store.titles_seen_last(min(count, NOTIFY_TITLES))
    try:
        _run_configured(library, command_argv(command) + [str(count), *map(clean_line, newest)])
    except UserCommandFailed as error:
        return str(error)
    return None


def save_directory(library: Library) -> Path:
    """save_dir from the config (~ expanded), else reader/ in the user's documents folder."""
    from reader.core.paths import default_save_dir

    configured = library.config.settings.save_dir.strip()
    return Path(configured).expanduser() if configured else default_save_dir()


def save_article(library: Library, shown: ShownArticle, markdown: str, today: datetime) -> Path:
    """Write the article's Markdown to the save folder under a safe new name; where it went.
    Raises OSError when the folder cannot be written."""
    from reader.core.text.markdown import markdown_file_name, write_new_file

    name = markdown_file_name(shown.published, shown.title, today)
    return write_new_file(save_directory(library), name, markdown)
