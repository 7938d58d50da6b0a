"""The sync outbox: read and star changes made here that the server has not been told yet.

A row per server article holds the state last wanted for each field (NULL: nothing to send), so
sending it twice never flips a state back. Rows are written in the same transaction as the mark
(marks.py) and only once the cache is synced with a server (meta key `sync_service`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from reader.core.store.connection import Database

SYNC_SERVICE_KEY = "sync_service"
SYNC_CURSOR_KEY = "sync_since_id"

_WHEN_SYNCED = f"EXISTS (SELECT 1 FROM meta WHERE key = '{SYNC_SERVICE_KEY}')"


@dataclass(frozen=True, slots=True)
class PendingChange:
    """What waits to be sent for one server article (None: that field has no change)."""

    remote_id: str
    read: bool | None
    starred: bool | None


def queue_read(
    connection: sqlite3.Connection, where: str, parameters: Iterable[Sequence[object]]
) -> None:
    """Queue `read = ?` (the first of each parameter row) for the articles `where` picks, when
    synced."""
    connection.executemany(
        "INSERT INTO sync_outbox(remote_id, read) SELECT entry_id, ? FROM articles"
        f" WHERE ({where}) AND {_WHEN_SYNCED}"
        " ON CONFLICT(remote_id) DO UPDATE SET read = excluded.read",
        parameters,
    )


def queue_starred(connection: sqlite3.Connection, article_id: int, starred: bool) -> None:
    """Queue a star change for one article, when synced."""
    connection.execute(
        "INSERT INTO sync_outbox(remote_id, starred) SELECT entry_id, ? FROM articles"
        f" WHERE id = ? AND {_WHEN_SYNCED}"
        " ON CONFLICT(remote_id) DO UPDATE SET starred = excluded.starred",
        (int(starred), article_id),
    )


def pending(database: Database) -> list[PendingChange]:
    """Every change waiting to be sent."""
    rows = database.read("SELECT remote_id, read, starred FROM sync_outbox ORDER BY remote_id")
    return [
        PendingChange(
            str(remote_id),
            None if read is None else bool(read),
            None if starred is None else bool(starred),
        )
        for remote_id, read, starred in rows
    ]


def pending_count(database: Database) -> int:
    return int(database.read("SELECT count(*) FROM sync_outbox")[0][0])


def sent(database: Database, changes: Iterable[PendingChange]) -> None:
    """Forget changes the server has taken, unless a newer one for the same article came in."""
    with database.write() as connection:
        for change in changes:
            read = None if change.read is None else int(change.read)
            starred = None if change.starred is None else int(change.starred)
            connection.execute(
                "DELETE FROM sync_outbox WHERE remote_id = ? AND read IS ? AND starred IS ?",
                (change.remote_id, read, starred),
            )


def apply_server_marks(
    database: Database, feed_urls: Iterable[str], unread: set[int], starred: set[int]
) -> int:
    """Take the server's read and star state for the articles of these feeds, except those with
    a change still waiting to be sent (a local change wins until pushed); return rows changed."""
    with database.write() as connection:
        connection.execute("CREATE TEMP TABLE IF NOT EXISTS sync_feed_urls (url TEXT PRIMARY KEY)")
        connection.execute("CREATE TEMP TABLE IF NOT EXISTS sync_unread (id TEXT PRIMARY KEY)")
        connection.execute("CREATE TEMP TABLE IF NOT EXISTS sync_starred (id TEXT PRIMARY KEY)")
        for table in ("sync_feed_urls", "sync_unread", "sync_starred"):
            connection.execute(f"DELETE FROM temp.{table}")
        connection.executemany(
            "INSERT OR IGNORE INTO temp.sync_feed_urls VALUES (?)", ((u,) for u in feed_urls)
        )
        connection.executemany(
            "INSERT INTO temp.sync_unread VALUES (?)", ((str(i),) for i in unread)
        )
        connection.executemany(
            "INSERT INTO temp.sync_starred VALUES (?)", ((str(i),) for i in starred)
        )
        changed = connection.execute(
            """
            UPDATE articles SET read = server.read, starred = server.starred
            FROM (
                SELECT a.id,
                       a.entry_id NOT IN (SELECT id FROM temp.sync_unread) AS read,
                       a.entry_id IN (SELECT id FROM temp.sync_starred) AS starred
                FROM articles AS a JOIN feeds AS f ON f.id = a.feed_id
                WHERE f.url IN (SELECT url FROM temp.sync_feed_urls)
                  AND a.entry_id NOT IN (SELECT remote_id FROM sync_outbox)
            ) AS server
            WHERE articles.id = server.id
              AND (articles.read != server.read OR articles.starred != server.starred)
            """
        ).rowcount
        return int(changed)


def set_sync_service(database: Database, service: str | None) -> None:
    """Record which server the cache syncs with (None: direct feeds, no outbox kept)."""
    with database.write() as connection:
        if service is None:
            connection.execute("DELETE FROM meta WHERE key = ?", (SYNC_SERVICE_KEY,))
        else:
            connection.execute(
                "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (SYNC_SERVICE_KEY, service)
            )


def sync_cursor(database: Database) -> int:
    """The highest server article id pulled so far (0: none)."""
    value = database.meta(SYNC_CURSOR_KEY)
    return int(value) if value and value.isdigit() else 0


def set_sync_cursor(database: Database, since_id: int) -> None:
    with database.write() as connection:
        connection.execute(
            "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
            (SYNC_CURSOR_KEY, str(since_id)),
        )
