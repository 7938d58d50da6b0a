"""The SQLite cache: feeds, articles, read/star state, search; the only writer of the database.

One connection per Store, shared by threads under a lock (Textual thread workers come and go, so
per-thread connections would leak). Writes are short ``BEGIN IMMEDIATE`` transactions and the
connection waits up to ``BUSY_TIMEOUT_S`` for another process's write, so a TUI and a cron
``reader fetch`` can share one file. Every list the UI shows is one indexed query for one page.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from reader.core.model import (
    Article,
    FeedState,
    FetchResult,
    PreparedArticle,
    Section,
    Validators,
)
from reader.core.script.fold import FOLD_VERSION
from reader.core.store import reindex as store_index
from reader.core.store.codec import pack
from reader.core.store.migrations import VACUUM_PENDING_KEY
from reader.core.store.prepare import digest_of, row_values
from reader.core.store.queries import StoreQueries
from reader.core.store.schema import (
    SCHEMA_VERSION,
    CorruptDatabaseError,
    NewerSchemaError,
    StoreError,
    from_micros,
    header_user_version,
    migrate,
    to_micros,
)
from reader.core.store.search import (
    INDEX_TEXT_VERSION,
    SEARCH_INDEX_DDL,
)

__all__ = [
    "CorruptDatabaseError",
    "NewerSchemaError",
    "Store",
    "StoreError",
    "move_aside",
]

BUSY_TIMEOUT_S = 10.0
_LOCKED_RETRIES = 5  # after the busy timeout itself, for the rare lock SQLite does not wait on
_PRUNE_BATCH = 500
_REINDEX_BATCH = 2000  # articles a rebuild step indexes: about 0.6 s
# After a prune, free pages are given back to the file system once they are more than this
# share of the file (a little slack is reused by the next refresh), this many per transaction.
_FREE_SHARE_TO_SHRINK = 0.2
_MIN_FREE_PAGES_TO_SHRINK = 256
_VACUUM_PAGES_PER_STEP = 4096
# A contentless index forgets a deleted article by adding a "delete" entry, which only goes when
# segments are merged. After a prune deleting more than this share of the articles, the index
# is merged down in steps of this many pages (one transaction each), so its space is given back.
_MERGE_AFTER_PRUNED_SHARE = 0.1
_MERGE_PAGES_PER_STEP = 2000

_MAX_ROWID = 2**63 - 1
_SQLITE_BUSY = 5
_SQLITE_LOCKED = 6
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26


def _error_code(error: sqlite3.Error) -> int:
    return int(getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF


def _translated(error: sqlite3.DatabaseError, path: Path) -> Exception:
    """SQLite's error as ours: a damaged file becomes CorruptDatabaseError, anything else is
    a StoreError naming the file; programming errors (bad SQL) stay as they are."""
    code = _error_code(error)
    if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return CorruptDatabaseError(f"{path}: the cache is damaged: {error}")
    if isinstance(error, sqlite3.OperationalError) and code not in (0, 1):
        return StoreError(f"{path}: {error}")
    return error


def _decode_text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def move_aside(path: Path) -> Path:
    """Rename a bad cache file (and its -wal/-shm) with a timestamp suffix; never delete it.

    Returns the new path of the main file, for telling the user where it went.
    """
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    target = path.with_name(f"{path.name}.bad-{stamp}")
    counter = 1
    while target.exists():
        target = path.with_name(f"{path.name}.bad-{stamp}-{counter}")
        counter += 1
    for suffix in ("-wal", "-shm"):
        companion = path.with_name(path.name + suffix)
        if companion.exists():
            companion.rename(target.with_name(target.name + suffix))
    if path.exists():
        path.rename(target)
    return target


class Store(StoreQueries):
    """The article cache in one SQLite file; safe to share between threads and processes."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._connection = connection
        self._lock = threading.RLock()
        self.path = path

    # ---- opening -------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path, *, quick_check: bool = False) -> Store:
        """Open (creating parent folders and the file) and migrate the cache at ``path``.

        Raises NewerSchemaError before touching a file from a newer reader, and
        CorruptDatabaseError for a file SQLite cannot read (``quick_check`` scans every page too,
        which costs time on a big cache).
        """
        path = Path(path)
        found = header_user_version(path)
        if found is not None and found > SCHEMA_VERSION:
            raise NewerSchemaError(
                f"{path}: the cache was written by a newer reader "
                f"(schema {found}, this reader knows {SCHEMA_VERSION})"
            )
        path.parent.mkdir(parents=True, exist_ok=True)
        connection: sqlite3.Connection | None = None
        try:
            connection = sqlite3.connect(
                path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
            # Damaged pages can hold invalid UTF-8: read it with replacement characters
            # rather than failing the whole query.
            connection.text_factory = _decode_text
            connection.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            connection.execute("PRAGMA foreign_keys = ON")
            connection.execute("PRAGMA synchronous = NORMAL")
            if found is None:
                # Only a file without tables can take these. Incremental auto-vacuum lets prune
                # shrink the file. 16 KiB pages: a refresh writes a quarter of the pages (each
                # one a system call into the WAL and again at checkpoint); the store's writes
                # of a cold refresh take 15 % less time, and reads are as fast.
                connection.execute("PRAGMA page_size = 16384")
                connection.execute("PRAGMA auto_vacuum = INCREMENTAL")
            if quick_check:
                verdict = connection.execute("PRAGMA quick_check(1)").fetchone()[0]
                if verdict != "ok":
                    raise CorruptDatabaseError(f"{path}: quick_check failed: {verdict}")
            mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() != "wal":
                connection.execute("PRAGMA journal_mode = WAL")
            migrate(connection)
            store = cls(connection, path)
            store._reindex_if_changed()
            store._vacuum_if_pending()
            return store
        except NewerSchemaError as error:
            if connection is not None:
                connection.close()
            raise NewerSchemaError(f"{path}: {error}") from None
        except StoreError:
            if connection is not None:
                connection.close()
            raise
        except sqlite3.DatabaseError as error:
            if connection is not None:
                connection.close()
            translated = _translated(error, path)
            if translated is error:  # not a plain I/O, space or lock problem: unreadable file
                raise CorruptDatabaseError(f"{path}: cannot read the cache: {error}") from error
            raise translated from error

    def close(self) -> None:
        """Close the connection; the Store cannot be used afterwards."""
        with self._lock:
            self._connection.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # ---- plumbing ------------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One short write transaction, taken up front so it never fails half-way on a lock."""
        with self._lock:
            connection = self._connection
            for attempt in range(_LOCKED_RETRIES + 1):
                try:
                    connection.execute("BEGIN IMMEDIATE")
                    break
                except sqlite3.OperationalError as error:
                    if _error_code(error) not in (_SQLITE_BUSY, _SQLITE_LOCKED):
                        raise _translated(error, self.path) from error
                    if attempt == _LOCKED_RETRIES:
                        raise StoreError(f"{self.path}: the cache stayed busy: {error}") from error
                    time.sleep(0.05 * (attempt + 1))
                except sqlite3.DatabaseError as error:
                    raise _translated(error, self.path) from error
            try:
                yield connection
                connection.execute("COMMIT")
            except BaseException as error:
                if connection.in_transaction:
                    try:
                        connection.execute("ROLLBACK")
                    except sqlite3.DatabaseError:
                        pass  # the original error says more
                if isinstance(error, sqlite3.DatabaseError):
                    raise _translated(error, self.path) from error
                raise

    def _read(self, sql: str, parameters: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return self._connection.execute(sql, parameters).fetchall()
            except sqlite3.DatabaseError as error:
                raise _translated(error, self.path) from error

    def _meta(self, key: str) -> str | None:
        rows = self._read("SELECT value FROM meta WHERE key = ?", (key,))
        return str(rows[0][0]) if rows else None

    # ---- search index maintenance -------------------------------------------------------

    _INDEX_VERSIONS_SQL = (
        "SELECT key, value FROM meta WHERE key IN ('fold_version', 'index_text_version')"
    )
    _CURRENT_INDEX_VERSIONS = {
        "fold_version": str(FOLD_VERSION),
        "index_text_version": str(INDEX_TEXT_VERSION),
    }

    _INDEX_DDL_SQL = "SELECT sql FROM sqlite_master WHERE name = 'article_fts'"

    def _index_is_current(self, read: Callable[[str], list[tuple[Any, ...]]]) -> bool:
        return dict(read(self._INDEX_VERSIONS_SQL)) == self._CURRENT_INDEX_VERSIONS and read(
            self._INDEX_DDL_SQL
        ) == [(SEARCH_INDEX_DDL,)]

    def _reindex_if_changed(self) -> None:
        """When folding, text derivation or the index's definition (its tokenizer) changed
        since the index was built: start it over, empty, with every article waiting for it
        (see store_index). Quick even on a big cache; `catch_up_index` does the work.

        One write transaction, so two processes opening at once cannot both start over (the
        second finds the index current and does nothing).
        """
        if self._index_is_current(self._read):
            return
        with self._write() as connection:
            if self._index_is_current(lambda sql: connection.execute(sql).fetchall()):
                return
            store_index.start_rebuild(connection)
            connection.executemany(
                "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
                list(self._CURRENT_INDEX_VERSIONS.items()),
            )

    def index_backlog(self) -> int:
        """How many articles a search index rebuild still has to take in (0: search is whole)."""
        with self._lock:
            try:
                return store_index.waiting_count(self._connection)
            except sqlite3.DatabaseError as error:
                raise _translated(error, self.path) from error

    def catch_up_index(self, batch: int = _REINDEX_BATCH) -> int:
        """Index the next `batch` articles of a rebuild, in one short write transaction (about
        0.3 ms an article); return how many still wait."""
        with self._write() as connection:
            return store_index.index_next(connection, batch)

    def _vacuum_if_pending(self) -> None:
        """Finish a migration that freed much of the file: VACUUM it (which also switches an
        old file to incremental auto-vacuum, so prune can shrink it from then on).

        VACUUM needs the file to itself; when another process is using it, this waits for the
        next start instead.
        """
        if self._meta(VACUUM_PENDING_KEY) is None:
            return
        with self._lock:
            connection = self._connection
            try:
                connection.execute("PRAGMA auto_vacuum = INCREMENTAL")
                connection.execute("VACUUM")
                connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            except sqlite3.OperationalError as error:
                if _error_code(error) in (_SQLITE_BUSY, _SQLITE_LOCKED):
                    return
                raise
        with self._write() as connection:
            connection.execute("DELETE FROM meta WHERE key = ?", (VACUUM_PENDING_KEY,))

    def shrink(self, *, force: bool = False) -> int:
        """Give free pages back to the file system; returns how many pages were freed.

        Without ``force``, only when free pages are over a fifth of the file (a little slack is
        reused by the next refresh). Works in steps of a few thousand pages, each its own short
        transaction. Needs incremental auto-vacuum (every file created or migrated since
        schema 2 has it).
        """
        free, total, mode = (
            int(self._read(f"PRAGMA {name}")[0][0])
            for name in ("freelist_count", "page_count", "auto_vacuum")
        )
        if mode != 2 or free == 0:
            return 0
        if not force and (free < _MIN_FREE_PAGES_TO_SHRINK or free < total * _FREE_SHARE_TO_SHRINK):
            return 0
        freed = 0
        while True:
            with self._write() as connection:
                connection.execute(
                    f"PRAGMA incremental_vacuum({_VACUUM_PAGES_PER_STEP})"
                ).fetchall()
                left = int(connection.execute("PRAGMA freelist_count").fetchone()[0])
            freed += free - left
            if left == 0 or left >= free:
                break
            free = left
        with self._lock:
            try:  # the file itself only shrinks when the log is written back into it
                self._connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
            except sqlite3.OperationalError:
                pass  # a reader is in the way; the next checkpoint does it
        return freed

    # ---- feeds and sections --------------------------------------------------------------

    def sync_feeds(self, sections: Sequence[Section]) -> None:
        """Make the cache's sections and feeds match the config, in its order.

        Feeds no longer configured become inactive: hidden from every section, articles kept.
        A feed listed twice stays in the first section that lists it.
        """
        with self._write() as connection:
            before = {
                int(feed_id): (section_id, int(active))
                for feed_id, section_id, active in connection.execute(
                    "SELECT id, section_id, active FROM feeds"
                )
            }
            connection.execute("UPDATE sections SET position = NULL")
            connection.execute("UPDATE feeds SET active = 0")
            seen_urls: set[str] = set()
            for section_position, section in enumerate(sections):
                connection.execute(
                    "INSERT INTO sections(name, position) VALUES (?, ?)"
                    " ON CONFLICT(name) DO UPDATE SET position = excluded.position",
                    (section.name, section_position),
                )
                section_id = connection.execute(
                    "SELECT id FROM sections WHERE name = ?", (section.name,)
                ).fetchone()[0]
                for feed_position, feed in enumerate(section.feeds):
                    if feed.url in seen_urls:
                        continue
                    seen_urls.add(feed.url)
                    connection.execute(
                        "INSERT INTO feeds(url, section_id, position, active, configured_title)"
                        " VALUES (?, ?, ?, 1, ?) ON CONFLICT(url) DO UPDATE SET"
                        " section_id = excluded.section_id, position = excluded.position,"
                        " active = 1, configured_title = excluded.configured_title",
                        (feed.url, section_id, feed_position, feed.title),
                    )
            after = connection.execute("SELECT id, section_id, active FROM feeds").fetchall()
            for feed_id, section_id, active in after:
                if before.get(int(feed_id)) == (section_id, int(active)):
                    continue
                connection.execute(
                    "UPDATE articles SET section_id = ? WHERE feed_id = ?",
                    (section_id if active else None, feed_id),
                )

    def sections(self) -> list[str]:
        """The configured sections, in config order."""
        rows = self._read("SELECT name FROM sections WHERE position IS NOT NULL ORDER BY position")
        return [str(row[0]) for row in rows]

    _FEED_STATE_SQL = """
        SELECT f.url, coalesce(s.name, ''), coalesce(f.configured_title, f.feed_title),
               f.etag, f.last_modified, f.body_hash, f.last_status, f.last_error,
               f.last_fetched, f.language
        FROM feeds AS f LEFT JOIN sections AS s ON s.id = f.section_id
    """

    @staticmethod
    def _feed_state(row: Sequence[Any]) -> FeedState:
        return FeedState(
            url=str(row[0]),
            section=str(row[1]),
            title=row[2],
            validators=Validators(etag=row[3], last_modified=row[4], body_hash=row[5]),
            last_status=row[6],
            last_error=row[7],
            last_fetched=from_micros(row[8]),
            language=row[9],
        )

    def feed_states(self, section: str | None = None) -> list[FeedState]:
        """Configured feeds (of one section, or all) in config order."""
        sql = self._FEED_STATE_SQL + " WHERE f.active = 1"
        parameters: tuple[object, ...] = ()
        if section is not None:
            sql += " AND s.name = ?"
            parameters = (section,)
        sql += " ORDER BY s.position, f.position"
        return [self._feed_state(row) for row in self._read(sql, parameters)]

    def feed_state(self, url: str) -> FeedState | None:
        """One feed as the cache knows it, configured or not; None if never seen."""
        rows = self._read(self._FEED_STATE_SQL + " WHERE f.url = ?", (url,))
        return self._feed_state(rows[0]) if rows else None

    # ---- writing fetch results ------------------------------------------------------------

    def record_fetch(self, result: FetchResult, fetched_at: datetime) -> int:
        """Store one feed's fetch outcome in one write transaction; return how many were new.

        "ok" upserts articles (updated in place, first-seen time and read/starred kept) and
        takes the new validators, title and language; "not_modified" only records status and
        time; "failed" records the error and keeps validators and articles. A feed the config
        does not list yet is remembered but hidden.
        """
        with self._write() as connection:
            return self._record_one(connection, result, to_micros(fetched_at))

    def record_fetches(self, results: Sequence[FetchResult], fetched_at: datetime) -> list[int]:
        """`record_fetch` for several feeds in one write transaction; how many were new in each.

        One commit (and one search index segment) for several feeds costs less than one each.
        """
        fetched_micros = to_micros(fetched_at)
        with self._write() as connection:
            return [self._record_alone(connection, result, fetched_micros) for result in results]

    def _record_alone(
        self, connection: sqlite3.Connection, result: FetchResult, fetched_micros: int
    ) -> int:
        """`_record_one` in a savepoint: a feed whose data cannot be stored (text SQLite cannot
        hold, a number out of range) is recorded as failed, and the feeds written in the same
        transaction are kept."""
        connection.execute("SAVEPOINT one_feed")
        try:
            added = self._record_one(connection, result, fetched_micros)
        except (ValueError, TypeError, OverflowError) as error:  # UnicodeError is a ValueError
            connection.execute("ROLLBACK TO one_feed")
            message = f"could not store this feed ({type(error).__name__}: {error})"[:300]
            failed = replace(result, status="failed", articles=(), error=message)
            added = self._record_one(connection, failed, fetched_micros)
        connection.execute("RELEASE one_feed")
        return added

    def _record_one(
        self, connection: sqlite3.Connection, result: FetchResult, fetched_micros: int
    ) -> int:
        row = connection.execute(
            "SELECT id, section_id, active FROM feeds WHERE url = ?", (result.url,)
        ).fetchone()
        feed_id: int
        section_id: int | None = None
        if row is None:
            inserted = connection.execute(
                "INSERT INTO feeds(url, active) VALUES (?, 0)", (result.url,)
            )
            feed_id = int(inserted.lastrowid or 0)
        else:
            feed_id = int(row[0])
            section_id = row[1] if row[2] else None
        if result.status == "failed":
            connection.execute(
                "UPDATE feeds SET last_status = 'failed', last_error = ?, last_fetched = ?"
                " WHERE id = ?",
                (result.error or "failed", fetched_micros, feed_id),
            )
            return 0
        if result.status == "not_modified":
            connection.execute(
                "UPDATE feeds SET last_status = 'not_modified', last_error = NULL,"
                " last_fetched = ? WHERE id = ?",
                (fetched_micros, feed_id),
            )
            return 0
        validators = result.validators
        connection.execute(
            "UPDATE feeds SET last_status = 'ok', last_error = NULL, last_fetched = ?,"
            " etag = ?, last_modified = ?, body_hash = ?,"
            " feed_title = coalesce(?, feed_title), language = coalesce(?, language)"
            " WHERE id = ?",
            (
                fetched_micros,
                validators.etag,
                validators.last_modified,
                validators.body_hash,
                result.feed_title,
                result.language,
                feed_id,
            ),
        )
        return self._upsert_articles(
            connection, feed_id, section_id, result.articles, fetched_micros, row is None
        )

    def _upsert_articles(
        self,
        connection: sqlite3.Connection,
        feed_id: int,
        section_id: int | None,
        articles: Sequence[Article | PreparedArticle],
        seen_micros: int,
        feed_is_new: bool,
    ) -> int:
        """Insert new articles and rewrite changed ones; return how many were new.

        Values come from `row_values`, so articles prepared in a parse worker cost only SQL
        here. New articles go in with one `executemany` per table, with ids taken in order
        after the largest (what SQLite would pick; the write lock is held, so no one else
        takes them).
        """
        waiting = store_index.waiting_range(connection)
        known: dict[str, tuple[int, str, int]] = {}
        if not feed_is_new:
            known = self._known_articles(connection, feed_id, articles)
        article_rows: list[tuple[object, ...]] = []
        body_rows: list[tuple[object, ...]] = []
        index_rows: list[tuple[int, bytes]] = []
        next_id = 0
        handled: set[str] = set()
        for article in articles:
            if article.entry_id in handled:
                continue  # a feed repeating an id: the first copy wins
            handled.add(article.entry_id)
            digest = digest_of(article)
            existing = known.get(article.entry_id)
            if existing is not None and existing[1] == digest:
                continue
            _, summary_blob, content_blob, words = row_values(article, digest)
            published = None if article.published is None else to_micros(article.published)
            if existing is None:
                if not next_id:
                    next_id = self._next_article_id(connection, len(articles))
                article_id = next_id + len(article_rows)
                article_rows.append(
                    (
                        article_id,
                        feed_id,
                        article.entry_id,
                        section_id,
                        seen_micros if published is None else published,
                        published,
                        seen_micros,
                        article.title,
                        article.link,
                        article.author,
                        digest,
                    )
                )
                body_rows.append((article_id, summary_blob, content_blob))
            else:
                article_id, _, first_seen = existing
                store_index.unindex(connection, [article_id])
                connection.execute(
                    "UPDATE articles SET sort_key = ?, published = ?, title = ?, link = ?,"
                    " author = ?, digest = ? WHERE id = ?",
                    (
                        first_seen if published is None else published,
                        published,
                        article.title,
                        article.link,
                        article.author,
                        digest,
                        article_id,
                    ),
                )
                connection.execute(
                    "UPDATE article_bodies SET summary_html = ?, content_html = ?"
                    " WHERE article_id = ?",
                    (summary_blob, content_blob, article_id),
                )
            # From the HTML, as stored, not from article.text: deleting it from the index later
            # needs the same words again, and only the HTML is kept. An article a rebuild has
            # still to reach is left to it (it reads the text stored by then).
            if not store_index.is_waiting(waiting, article_id):
                index_rows.append((article_id, words))
        if article_rows:
            connection.executemany(
                "INSERT INTO articles(id, feed_id, entry_id, section_id, sort_key, published,"
                " first_seen, title, link, author, digest) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                article_rows,
            )
            connection.executemany(
                "INSERT INTO article_bodies(article_id, summary_html, content_html)"
                " VALUES (?, ?, ?)",
                body_rows,
            )
        if index_rows:
            connection.executemany(
                "INSERT INTO article_fts(rowid, words) VALUES (?, ?)", index_rows
            )
        return len(article_rows)

    @staticmethod
    def _known_articles(
        connection: sqlite3.Connection, feed_id: int, articles: Sequence[Article | PreparedArticle]
    ) -> dict[str, tuple[int, str, int]]:
        """Entry id -> (article id, digest, first seen) of the articles already stored."""
        known: dict[str, tuple[int, str, int]] = {}
        entry_ids = list(dict.fromkeys(article.entry_id for article in articles))
        for start in range(0, len(entry_ids), 500):
            chunk = entry_ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for article_id, entry_id, digest, first_seen in connection.execute(
                "SELECT id, entry_id, digest, first_seen FROM articles"
                f" WHERE feed_id = ? AND entry_id IN ({marks})",
                (feed_id, *chunk),
            ):
                known[entry_id] = (article_id, digest, first_seen)
        return known

    @staticmethod
    def _next_article_id(connection: sqlite3.Connection, count: int) -> int:
        """The first of `count` free ids after the largest, as SQLite would choose them."""
        largest = int(connection.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0])
        if largest + count >= _MAX_ROWID:
            raise StoreError("the cache has used up its article ids")
        return largest + 1

    # ---- state ----------------------------------------------------------------------------

    def set_read(self, article_ids: Iterable[int], read: bool) -> None:
        """Mark articles read or unread (unknown ids are ignored)."""
        ids = [(int(read), int(article_id)) for article_id in article_ids]
        if not ids:
            return
        with self._write() as connection:
            connection.executemany("UPDATE articles SET read = ? WHERE id = ?", ids)

    def set_starred(self, article_id: int, starred: bool) -> None:
        """Star or unstar one article; starred articles are never pruned."""
        with self._write() as connection:
            connection.execute(
                "UPDATE articles SET starred = ? WHERE id = ?", (int(starred), article_id)
            )

    def mark_section_read(self, section: str) -> int:
        """Mark every article of a section read; returns how many were unread."""
        section_id = self._section_id(section)
        if section_id is None:
            return 0
        with self._write() as connection:
            cursor = connection.execute(
                "UPDATE articles SET read = 1 WHERE section_id = ? AND read = 0", (section_id,)
            )
            return int(cursor.rowcount)

    def set_full_text(self, article_id: int, html: str) -> None:
        """Keep the story extracted from the article's web page."""
        with self._write() as connection:
            connection.execute(
                "UPDATE article_bodies SET full_html = ? WHERE article_id = ?",
                (pack(html), article_id),
            )

    # ---- upkeep ---------------------------------------------------------------------------

    def prune(self, *, max_age_days: int, max_per_feed: int, now: datetime) -> int:
        """Delete unstarred articles that are too old or beyond the newest ``max_per_feed``.

        Too old means both the published time and the first-seen time are before the cut-off,
        so an old-dated article that just arrived is not deleted (and re-added) at once.
        Deletes in short batches so another process is never kept waiting long.
        """
        cutoff = to_micros(now - timedelta(days=max_age_days))
        doomed = {
            int(row[0])
            for row in self._read(
                "SELECT id FROM articles WHERE sort_key < ? AND first_seen < ? AND starred = 0",
                (cutoff, cutoff),
            )
        }
        # Only feeds over the limit are walked, each through its own index.
        crowded = self._read(
            "SELECT feed_id FROM articles GROUP BY feed_id HAVING count(*) > ?",
            (max_per_feed,),
        )
        for (feed_id,) in crowded:
            doomed.update(
                int(row[0])
                for row in self._read(
                    "SELECT id, starred FROM articles WHERE feed_id = ?"
                    " ORDER BY sort_key DESC, id DESC LIMIT -1 OFFSET ?",
                    (feed_id, max_per_feed),
                )
                if not row[1]
            )
        article_ids = sorted(doomed)
        deleted = 0
        for start in range(0, len(article_ids), _PRUNE_BATCH):
            chunk = article_ids[start : start + _PRUNE_BATCH]
            marks = ",".join("?" * len(chunk))
            with self._write() as connection:
                # Re-check starred inside the transaction: it may have changed meanwhile.
                live = [
                    int(row[0])
                    for row in connection.execute(
                        f"SELECT id FROM articles WHERE id IN ({marks}) AND starred = 0", chunk
                    )
                ]
                if not live:
                    continue
                store_index.unindex(connection, live)
                live_marks = ",".join("?" * len(live))
                connection.execute(
                    f"DELETE FROM article_bodies WHERE article_id IN ({live_marks})", live
                )
                cursor = connection.execute(
                    f"DELETE FROM articles WHERE id IN ({live_marks})", live
                )
                deleted += int(cursor.rowcount)
        if deleted:
            remaining = int(self._read("SELECT count(*) FROM articles")[0][0])
            if deleted > remaining * _MERGE_AFTER_PRUNED_SHARE:
                self._merge_index()
            self.shrink()
        return deleted

    def _merge_index(self) -> None:
        """Merge the search index into one segment, dropping what deleted articles left behind.

        Incremental: the first step puts every segment on one level, each later step merges up
        to ``_MERGE_PAGES_PER_STEP`` pages, until a step finds nothing to do.
        """
        amount = -_MERGE_PAGES_PER_STEP
        while True:
            with self._write() as connection:
                before = connection.total_changes
                connection.execute(
                    "INSERT INTO article_fts(article_fts, rank) VALUES ('merge', ?)", (amount,)
                )
                worked = connection.total_changes - before >= 2
            if not worked:
                return
            amount = _MERGE_PAGES_PER_STEP

    def integrity_ok(self) -> bool:
        """True when ``PRAGMA integrity_check`` finds nothing wrong (reads every page)."""
        try:
            rows = self._read("PRAGMA integrity_check")
        except sqlite3.DatabaseError:
            return False
        return [str(row[0]) for row in rows] == ["ok"]
