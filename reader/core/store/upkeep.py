"""Keeping the cache small and sound: prune old articles, merge the search index, give free
pages back to the file system, finish a pending VACUUM, check integrity."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from reader.core.store import reindex
from reader.core.store.connection import Database, is_busy
from reader.core.store.migrations import VACUUM_PENDING_KEY
from reader.core.store.schema import to_micros
from reader.core.store.stories.group import forget_keys

_PRUNE_BATCH = 500
# After a prune, free pages are given back to the file system once they are more than this
# share of the file (a little slack is reused by the next refresh), this many per transaction.
_FREE_SHARE_TO_SHRINK = 0.2
_MIN_FREE_PAGES_TO_SHRINK = 256
_VACUUM_PAGES_PER_STEP = 4096
# A contentless index forgets a deleted article by adding a "delete" entry, which only goes when
# segments are merged. After a prune deleting more than this share of the articles, the index
# is merged down in steps of this many pages (one transaction each), so its space is given back.
_MERGE_AFTER_PRUNED_SHARE = 0.1
# Same-story keys are kept for the articles published this recently (two windows and a day).
STORY_KEYS_KEPT_MICROS = 7 * 86_400 * 1_000_000
_MERGE_PAGES_PER_STEP = 2000


def prune(database: Database, *, max_age_days: int, max_per_feed: int, now: datetime) -> int:
    """Delete unstarred articles that are too old or beyond the newest ``max_per_feed``, in
    short batches so another process is never kept waiting long.

    Too old means both published and first seen before the cut-off, so an old-dated article that
    just arrived is not deleted (and re-added) at once.
    """
    cutoff = to_micros(now - timedelta(days=max_age_days))
    doomed = {
        int(row[0])
        for row in database.read(
            "SELECT id FROM articles WHERE sort_key < ? AND first_seen < ? AND starred = 0",
            (cutoff, cutoff),
        )
    }
    # Only feeds over the limit are walked, each through its own index.
    crowded = database.read(
        "SELECT feed_id FROM articles GROUP BY feed_id HAVING count(*) > ?",
        (max_per_feed,),
    )
    for (feed_id,) in crowded:
        doomed.update(
            int(row[0])
            for row in database.read(
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
        with database.write() as connection:
            # Re-check starred inside the transaction: it may have changed meanwhile.
            live = [
                int(row[0])
                for row in connection.execute(
                    f"SELECT id FROM articles WHERE id IN ({marks}) AND starred = 0", chunk
                )
            ]
            if not live:
                continue
            reindex.unindex(connection, live)
            live_marks = ",".join("?" * len(live))
            connection.execute(
                f"DELETE FROM article_bodies WHERE article_id IN ({live_marks})", live
            )
            cursor = connection.execute(f"DELETE FROM articles WHERE id IN ({live_marks})", live)
            deleted += int(cursor.rowcount)
    forget_story_keys(database, to_micros(now) - STORY_KEYS_KEPT_MICROS)
    if deleted:
        remaining = int(database.read("SELECT count(*) FROM articles")[0][0])
        if deleted > remaining * _MERGE_AFTER_PRUNED_SHARE:
            merge_index(database)
        shrink(database)
    return deleted


def forget_story_keys(database: Database, before_micros: int) -> None:
    """Drop the same-story keys of articles published before `before_micros` (and of deleted
    ones): a new article is compared only with the days around its own, so the table stays a
    week's worth whatever the cache's size, and every refresh's inserts touch few pages."""
    with database.write() as connection:
        forget_keys(connection, before_micros)


def merge_index(database: Database) -> None:
    """Merge the search index into one segment, dropping what deleted articles left behind.

    Incremental: the first step puts every segment on one level, each later step merges up
    to ``_MERGE_PAGES_PER_STEP`` pages, until a step finds nothing to do.
    """
    amount = -_MERGE_PAGES_PER_STEP
    while True:
        with database.write() as connection:
            before = connection.total_changes
            connection.execute(
                "INSERT INTO article_fts(article_fts, rank) VALUES ('merge', ?)", (amount,)
            )
            worked = connection.total_changes - before >= 2
        if not worked:
            return
        amount = _MERGE_PAGES_PER_STEP


def shrink(database: Database, *, force: bool = False) -> int:
    """Give free pages back to the file system, a step per short transaction; returns how many
    pages were freed.

    Without ``force``, only when free pages are over a fifth of the file (a little slack is
    reused by the next refresh); needs incremental auto-vacuum, which every file has since schema 2.
    """
    free, total, mode = (
        int(database.read(f"PRAGMA {name}")[0][0])
        for name in ("freelist_count", "page_count", "auto_vacuum")
    )
    if mode != 2 or free == 0:
        return 0
    if not force and (free < _MIN_FREE_PAGES_TO_SHRINK or free < total * _FREE_SHARE_TO_SHRINK):
        return 0
    freed = 0
    while True:
        with database.write() as connection:
            connection.execute(f"PRAGMA incremental_vacuum({_VACUUM_PAGES_PER_STEP})").fetchall()
            left = int(connection.execute("PRAGMA freelist_count").fetchone()[0])
        freed += free - left
        if left == 0 or left >= free:
            break
        free = left
    with database.lock:
        try:  # the file itself only shrinks when the log is written back into it
            database.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        except sqlite3.OperationalError:
            pass  # a reader is in the way; the next checkpoint does it
    return freed


def vacuum_if_pending(database: Database) -> None:
    """Finish a migration that freed much of the file: VACUUM it (which also switches an
    old file to incremental auto-vacuum, so prune can shrink it from then on).

    VACUUM needs the file to itself; when another process is using it, this waits for the
    next start instead.
    """
    if database.meta(VACUUM_PENDING_KEY) is None:
        return
    with database.lock:
        connection = database.connection
        try:
            connection.execute("PRAGMA auto_vacuum = INCREMENTAL")
            connection.execute("VACUUM")
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        except sqlite3.OperationalError as error:
            if is_busy(error):
                return
            raise
    with database.write() as connection:
        connection.execute("DELETE FROM meta WHERE key = ?", (VACUUM_PENDING_KEY,))


def integrity_ok(database: Database) -> bool:
    """True when ``PRAGMA integrity_check`` finds nothing wrong (reads every page)."""
    try:
        rows = database.read("PRAGMA integrity_check")
    except sqlite3.DatabaseError:
        return False
    return [str(row[0]) for row in rows] == ["ok"]
