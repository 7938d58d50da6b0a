"""Keeping the contentless search index in step with the articles, rebuilds included.

A rebuild only empties the index on opening and lets `catch_up_index` fill it a batch at a time,
so a big cache opens at once after an upgrade.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from reader.core.script.fold import FOLD_VERSION
from reader.core.store.codec import unpack
from reader.core.store.connection import Database, translated_error
from reader.core.store.search import (
    INDEX_TEXT_VERSION,
    SEARCH_INDEX_DDL,
    article_words,
    create_search_index,
)

# A contentless FTS5 table stores no text: deleting a row means repeating the very words it was
# indexed with, and deleting a row it does not hold corrupts it. During a rebuild the articles
# with DONE < id <= PENDING (kept in `meta`) wait for it, and every other write leaves them out
# of the index: the rebuild reads their current text when it gets to them.
# Functions given a `Database` take their own transactions; those given a connection run inside
# the caller's write transaction.
PENDING_KEY = "index_pending_through"  # the largest article id that may wait for the index
DONE_KEY = "index_done_through"  # waiting articles up to this id have been indexed
REINDEX_BATCH = 2000  # articles a rebuild step indexes in one transaction

_INDEX_VERSIONS_SQL = (
    "SELECT key, value FROM meta WHERE key IN ('fold_version', 'index_text_version')"
)
_CURRENT_INDEX_VERSIONS = {
    "fold_version": str(FOLD_VERSION),
    "index_text_version": str(INDEX_TEXT_VERSION),
}
_INDEX_DDL_SQL = "SELECT sql FROM sqlite_master WHERE name = 'article_fts'"

_WORDS_SQL = (
    "SELECT a.id, a.title, b.summary_html, b.content_html FROM articles AS a"
    " JOIN article_bodies AS b ON b.article_id = a.id"
)


def _index_is_current(read: Callable[[str], list[tuple[Any, ...]]]) -> bool:
    """True when the index was built by this folding, text derivation and definition."""
    versions_match = dict(read(_INDEX_VERSIONS_SQL)) == _CURRENT_INDEX_VERSIONS
    return versions_match and read(_INDEX_DDL_SQL) == [(SEARCH_INDEX_DDL,)]


def reindex_if_changed(database: Database) -> None:
    """When folding, text derivation or the index's definition (its tokenizer) changed
    since the index was built: start it over, empty, with every article waiting for it.

    One write transaction, so of two processes opening at once the second finds the index
    current and does nothing.
    """
    if _index_is_current(database.read):
        return
    with database.write() as connection:
        if _index_is_current(lambda sql: connection.execute(sql).fetchall()):
            return
        start_rebuild(connection)
        connection.executemany(
            "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
            list(_CURRENT_INDEX_VERSIONS.items()),
        )


def index_backlog(database: Database) -> int:
    """How many articles a search index rebuild still has to take in (0: search is whole)."""
    with database.lock:
        try:
            return waiting_count(database.connection)
        except sqlite3.DatabaseError as error:
            raise translated_error(error, database.path) from error


def catch_up_index(database: Database, batch: int = REINDEX_BATCH) -> int:
    """Index the next `batch` articles of a rebuild, in one short write transaction; return how
    many still wait."""
    with database.write() as connection:
        return index_next(connection, batch)


def waiting_range(connection: sqlite3.Connection) -> tuple[int, int] | None:
    """(done, pending): articles with done < id <= pending are not in the index yet."""
    found = dict(
        connection.execute(
            "SELECT key, value FROM meta WHERE key IN (?, ?)", (PENDING_KEY, DONE_KEY)
        ).fetchall()
    )
    if PENDING_KEY not in found:
        return None
    return int(found.get(DONE_KEY, 0)), int(found[PENDING_KEY])


def is_waiting(waiting: tuple[int, int] | None, article_id: int) -> bool:
    """True when the article is left for the rebuild (`waiting` from `waiting_range`)."""
    return waiting is not None and waiting[0] < article_id <= waiting[1]


def start_rebuild(connection: sqlite3.Connection) -> None:
    """Replace the index with an empty one as defined now; every article waits for it."""
    connection.execute("DROP TABLE IF EXISTS article_fts")
    create_search_index(connection)
    largest = int(connection.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0])
    _set_range(connection, 0, largest)


def index_next(connection: sqlite3.Connection, batch: int) -> int:
    """Index the next `batch` waiting articles; return how many still wait (0: complete)."""
    waiting = waiting_range(connection)
    if waiting is None:
        return 0
    done, pending = waiting
    rows = connection.execute(
        _WORDS_SQL + " WHERE a.id > ? AND a.id <= ? ORDER BY a.id LIMIT ?", (done, pending, batch)
    ).fetchall()
    _insert_words(connection, rows)
    if rows:
        done = int(rows[-1][0])
    left = int(
        connection.execute(
            "SELECT count(*) FROM articles WHERE id > ? AND id <= ?", (done, pending)
        ).fetchone()[0]
    )
    _set_range(connection, done, pending if left else done)
    if not left:
        # Written in many small transactions, the index is many small segments: merge them
        # into one, as a search wants it.
        connection.execute("INSERT INTO article_fts(article_fts) VALUES ('optimize')")
    return left


def waiting_count(connection: sqlite3.Connection) -> int:
    """How many stored articles the rebuild has still to index."""
    waiting = waiting_range(connection)
    if waiting is None:
        return 0
    row = connection.execute(
        "SELECT count(*) FROM articles WHERE id > ? AND id <= ?", waiting
    ).fetchone()
    return int(row[0])


def unindex(connection: sqlite3.Connection, article_ids: Iterable[int]) -> None:
    """Remove articles from the index, leaving out those it does not hold yet."""
    waiting = waiting_range(connection)
    held = [article_id for article_id in article_ids if not is_waiting(waiting, article_id)]
    for start in range(0, len(held), 500):
        chunk = held[start : start + 500]
        marks = ",".join("?" * len(chunk))
        rows = connection.execute(_WORDS_SQL + f" WHERE a.id IN ({marks})", chunk).fetchall()
        connection.executemany(
            "INSERT INTO article_fts(article_fts, rowid, words) VALUES ('delete', ?, ?)",
            _words_of(rows),
        )


def _insert_words(connection: sqlite3.Connection, rows: Sequence[Sequence[Any]]) -> None:
    connection.executemany("INSERT INTO article_fts(rowid, words) VALUES (?, ?)", _words_of(rows))


def _words_of(rows: Sequence[Sequence[Any]]) -> list[tuple[int, str]]:
    """(id, index words) for rows of _WORDS_SQL: the words the index holds for each."""
    return [
        (int(article_id), article_words(title, unpack(summary) or "", unpack(content) or ""))
        for article_id, title, summary, content in rows
    ]


def _set_range(connection: sqlite3.Connection, done: int, pending: int) -> None:
    """Record what still waits; nothing waiting removes the keys."""
    if done >= pending:
        connection.execute("DELETE FROM meta WHERE key IN (?, ?)", (PENDING_KEY, DONE_KEY))
        return
    connection.executemany(
        "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
        [(PENDING_KEY, str(pending)), (DONE_KEY, str(done))],
    )
