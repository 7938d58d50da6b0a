"""Store: the SQLite cache of feeds, articles, read/star state and search, as one object.

Each method hands the shared connection (`connection.Database`) to the module named in its
section, which does the job.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, tzinfo
from pathlib import Path

from reader.core.model import (
    ArticleMark,
    FeedState,
    FetchResult,
    Listing,
    MarksImported,
    PageMeta,
    Section,
    StoredArticle,
)
from reader.core.store import feeds, marks, outbox, queries, reindex, upkeep, writes
from reader.core.store.connection import Database, opening_errors
from reader.core.store.filters import FilterRules, flagged
from reader.core.store.outbox import PendingChange
from reader.core.store.query.compile import CompiledQuery
from reader.core.store.query.rules import FilterRule
from reader.core.store.stories.reads import with_copies


class Store:
    """The article cache in one SQLite file; safe to share between threads and processes."""

    def __init__(self, database: Database) -> None:
        self._database = database
        self.path = database.path
        self._rules = FilterRules()  # the config's [[filter]] rules (set_filters)

    # ---- opening and closing ---------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, *, quick_check: bool = False) -> Store:
        """Open (creating parent folders and the file) and migrate the cache at ``path``.

        Raises NewerSchemaError before touching a file from a newer reader, and
        CorruptDatabaseError for a file SQLite cannot read (``quick_check`` scans every page too,
        which costs time on a big cache).
        """
        database = Database.open(path, quick_check=quick_check)
        with opening_errors(database.path, database.connection.close):
            reindex.reindex_if_changed(database)
            upkeep.vacuum_if_pending(database)
        return cls(database)

    def close(self) -> None:
        """Close the connection; the Store cannot be used afterwards."""
        self._database.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ---- feeds and sections (feeds.py) -----------------------------------------------------

    def sync_feeds(self, sections: Sequence[Section]) -> None:
        """Make the cache's sections and feeds match the config, in its order."""
        feeds.sync_feeds(self._database, sections)

    def sections(self) -> list[str]:
        """The configured sections, in config order."""
        return feeds.sections(self._database)

    def feed_states(self, section: str | None = None) -> list[FeedState]:
        """Configured feeds (of one section, or all) in config order."""
        return feeds.feed_states(self._database, section)

    def feed_state(self, url: str) -> FeedState | None:
        """One feed as the cache knows it, configured or not; None if never seen."""
        return feeds.feed_state(self._database, url)

    # ---- writing fetch results (writes.py) -------------------------------------------------

    def record_fetch(self, result: FetchResult, fetched_at: datetime) -> int:
        """Store one feed's fetch outcome in one write transaction; return how many were new."""
        return writes.record_fetch(self._database, result, fetched_at, self._rules)

    def record_fetches(self, results: Sequence[FetchResult], fetched_at: datetime) -> list[int]:
        """`record_fetch` for several feeds in one write transaction; how many were new in each."""
        return writes.record_fetches(self._database, results, fetched_at, self._rules)

    def set_full_text(self, article_id: int, html: str, page_meta: PageMeta | None = None) -> None:
        """Keep the story extracted from the article's web page and what the page says about it."""
        writes.set_full_text(self._database, article_id, html, page_meta)

    # ---- read and starred (marks.py) -------------------------------------------------------

    def set_read(self, article_ids: Iterable[int], read: bool) -> None:
        """Mark articles read or unread, each with every copy of its story (unknown ids are
        ignored)."""
        marks.set_read(self._database, article_ids, read)

    def set_starred(self, article_id: int, starred: bool) -> None:
        """Star or unstar one article; starred articles are never pruned."""
        marks.set_starred(self._database, article_id, starred)

    def mark_section_read(self, section: str) -> int:
        """Mark every article of a section read (and the copies of its stories elsewhere);
        returns how many of the section's were unread."""
        return marks.mark_section_read(self._database, section)

    def article_marks(self) -> list[ArticleMark]:
        """Every cached article's read and star state, by feed URL and GUID (issue 17)."""
        return marks.article_marks(self._database)

    def import_marks(self, article_marks: Sequence[ArticleMark]) -> MarksImported:
        """Apply read and star states by feed URL and GUID, as marks made here (outbox too)."""
        return marks.import_marks(self._database, article_marks)

    # ---- the sync outbox and server state (outbox.py) --------------------------------------

    def set_sync_service(self, service: str | None) -> None:
        """Record the sync server's kind (None: direct feeds); marks queue changes while set."""
        outbox.set_sync_service(self._database, service)

    def sync_service(self) -> str | None:
        return self._database.meta(outbox.SYNC_SERVICE_KEY)

    def pending_changes(self) -> list[PendingChange]:
        """Read and star changes waiting to be sent to the sync server."""
        return outbox.pending(self._database)

    def pending_count(self) -> int:
        return outbox.pending_count(self._database)

    def changes_sent(self, changes: Sequence[PendingChange]) -> None:
        """Forget changes the server has taken (unless newer ones came in meanwhile)."""
        outbox.sent(self._database, changes)

    def apply_server_marks(
        self, feed_urls: Sequence[str], unread: set[int], starred: set[int]
    ) -> int:
        """Take the server's read/star state for these feeds' articles; waiting changes win."""
        return outbox.apply_server_marks(self._database, feed_urls, unread, starred)

    def sync_cursor(self) -> int:
        """The highest server article id pulled so far (0: none)."""
        return outbox.sync_cursor(self._database)

    def set_sync_cursor(self, since_id: int) -> None:
        outbox.set_sync_cursor(self._database, since_id)

    # ---- filter rules (filters.py) ---------------------------------------------------------

    def set_filters(self, rules: Sequence[FilterRule], zone: tzinfo = UTC) -> None:
        """Use the config's [[filter]] rules from now on: hide and highlight in every read,
        read and star on each article when it is first stored."""
        self._rules = FilterRules(rules, zone, self._database)

    # ---- pages, counts, one article, search (queries.py) -----------------------------------

    def listings(
        self,
        section: str | None = None,
        *,
        feed_url: str | None = None,
        unread_only: bool = False,
        starred_only: bool = False,
        limit: int = 100,
        offset: int = 0,
        order: str = "newest",
        also_id: int | None = None,
        include_hidden: bool = False,
        one_row_per_story: bool = True,
    ) -> list[Listing]:
        """One page of articles in `order` (see queries.LIST_ORDERS; section None: every
        configured section); `also_id` stays listed under `unread_only`; what a hide rule
        matches only with `include_hidden` (flagged `hidden`); a story once (its first copy
        here, naming the others) unless `one_row_per_story` is False."""
        page = queries.listings(
            self._database,
            section,
            feed_url=feed_url,
            unread_only=unread_only,
            starred_only=starred_only,
            limit=limit,
            offset=offset,
            order=order,
            also_id=also_id,
            hidden=None if include_hidden else self._rules.condition("hide"),
            one_row_per_story=one_row_per_story,
        )
        page = with_copies(self._database, page)
        return flagged(self._database, page, self._rules, hidden=include_hidden)

    def count(
        self,
        section: str | None = None,
        *,
        unread_only: bool = False,
        starred_only: bool = False,
        also_id: int | None = None,
    ) -> int:
        """How many rows a listing with the same filters would page through (a story once)."""
        return queries.count(
            self._database,
            section,
            unread_only=unread_only,
            starred_only=starred_only,
            also_id=also_id,
            hidden=self._rules.condition("hide"),
        )

    def titles_seen_last(self, limit: int = 5) -> list[str]:
        """Titles of the articles stored last (the news a refresh brought), newest first."""
        return queries.titles_seen_last(self._database, limit)

    def unread_counts(self) -> dict[str, int]:
        """Unread articles per configured section, in config order, zeros included."""
        return queries.unread_counts(self._database, self._rules.condition("hide"))

    def article(self, article_id: int) -> StoredArticle | None:
        """Everything needed to read one article (with its story's other copies), or None if
        it is not cached."""
        stored = queries.article(self._database, article_id)
        if stored is None or stored.listing.story_id is None:
            return stored
        return replace(stored, listing=with_copies(self._database, [stored.listing])[0])

    def search(
        self,
        query: str,
        *,
        section: str | None = None,
        limit: int = 100,
        offset: int = 0,
        regional_words: bool = True,
    ) -> list[Listing]:
        """Articles whose title or text holds every word of ``query`` in either script (every
        copy of a story: search finds articles)."""
        page = queries.search(
            self._database,
            query,
            section=section,
            limit=limit,
            offset=offset,
            regional_words=regional_words,
            hidden=self._rules.condition("hide"),
        )
        return with_copies(self._database, page)

    # ---- the query language (query/, queries.py) ------------------------------------------

    def compile_query(
        self, text: str, *, now: datetime, zone: tzinfo = UTC, regional_words: bool = True
    ) -> CompiledQuery:
        """The query language's `text` as SQL for `query_listings`; raises QuerySyntaxError."""
        return queries.compiled_query(
            text, now=now, zone=zone, regional_words=regional_words, database=self._database
        )

    def query_listings(
        self,
        query: CompiledQuery,
        *,
        section: str | None = None,
        limit: int = 100,
        offset: int = 0,
        include_hidden: bool = False,
        order: str = "newest",
        unread_only: bool = False,
        also_id: int | None = None,
    ) -> list[Listing]:
        """One page of the articles `query` matches (in `section`, or every section) in `order`;
        what a hide rule matches only with `include_hidden` (flagged `hidden`); with
        `unread_only`, the read ones are left out but `also_id`."""
        page = queries.query_listings(
            self._database,
            query,
            section=section,
            limit=limit,
            offset=offset,
            hidden=None if include_hidden else self._rules.condition("hide"),
            order=order,
            unread_only=unread_only,
            also_id=also_id,
        )
        page = with_copies(self._database, page)
        return flagged(self._database, page, self._rules, hidden=include_hidden)

    def query_count(
        self,
        query: CompiledQuery,
        *,
        section: str | None = None,
        unread_only: bool = False,
        also_id: int | None = None,
    ) -> int:
        """How many articles `query` matches (only the unread ones with `unread_only`, and
        `also_id`)."""
        return queries.query_count(
            self._database,
            query,
            section=section,
            unread_only=unread_only,
            hidden=self._rules.condition("hide"),
            also_id=also_id,
        )

    def mark_query_read(self, query: CompiledQuery) -> int:
        """Mark read every article `query` matches (a query section); returns how many were
        unread. Articles hide rules keep out are left as they are."""
        ids = queries.unread_matching(self._database, query, self._rules.condition("hide"))
        self.set_read(ids, True)
        return len(ids)

    def missing_full_text(
        self, feed_url: str, seen_since: datetime, limit: int = 50
    ) -> list[tuple[int, str]]:
        """(id, link) of a feed's recent articles with a web link that still lack full text."""
        return queries.missing_full_text(self._database, feed_url, seen_since, limit)

    # ---- search index rebuild (reindex.py) -------------------------------------------------

    def index_backlog(self) -> int:
        """How many articles a search index rebuild still has to take in (0: search is whole)."""
        return reindex.index_backlog(self._database)

    def catch_up_index(self, batch: int = reindex.REINDEX_BATCH) -> int:
        """Index the next `batch` articles of a rebuild; return how many still wait."""
        return reindex.catch_up_index(self._database, batch)

    # ---- upkeep (upkeep.py) ----------------------------------------------------------------

    def prune(self, *, max_age_days: int, max_per_feed: int, now: datetime) -> int:
        """Delete unstarred articles too old or beyond the newest ``max_per_feed`` of a feed."""
        return upkeep.prune(
            self._database, max_age_days=max_age_days, max_per_feed=max_per_feed, now=now
        )

    def shrink(self, *, force: bool = False) -> int:
        """Give free pages back to the file system; returns how many pages were freed."""
        return upkeep.shrink(self._database, force=force)

    def integrity_ok(self) -> bool:
        """True when ``PRAGMA integrity_check`` finds nothing wrong (reads every page)."""
        return upkeep.integrity_ok(self._database)
