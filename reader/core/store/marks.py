"""What the user marks on articles: read, unread, starred (starred articles are never pruned).

With a sync server, each change goes into the outbox in the same transaction (outbox.py).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence

from reader.core.model import ArticleMark, MarksImported
from reader.core.store.connection import Database
from reader.core.store.feeds import section_id_of
from reader.core.store.outbox import queue_read, queue_starred


def set_read(database: Database, article_ids: Iterable[int], read: bool) -> None:
    """Mark articles read or unread, each with the other copies of its story (reading one
    reads all; each is queued for a sync server like any mark); unknown ids are ignored."""
    wanted = {int(article_id) for article_id in article_ids}
    if not wanted:
        return
    with database.write() as connection:
        wanted |= _story_copies(connection, wanted)
        ids = [(int(read), article_id) for article_id in sorted(wanted)]
        connection.executemany("UPDATE articles SET read = ? WHERE id = ?", ids)
        queue_read(connection, "id = ?", ids)


def _story_copies(connection: sqlite3.Connection, article_ids: set[int]) -> set[int]:
    """The ids of the other copies of these articles' stories."""
    found: set[int] = set()
    ids = sorted(article_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        found.update(
            int(row[0])
            for row in connection.execute(
                "SELECT c.id FROM articles AS c WHERE c.story_id IN (SELECT a.story_id"
                f" FROM articles AS a WHERE a.id IN ({marks}) AND a.story_id IS NOT NULL)",
                chunk,
            )
        )
    return found - article_ids


def set_starred(database: Database, article_id: int, starred: bool) -> None:
    """Star or unstar one article; starred articles are never pruned."""
    with database.write() as connection:
        connection.execute(
            "UPDATE articles SET starred = ? WHERE id = ?", (int(starred), article_id)
        )
        queue_starred(connection, article_id, starred)


def mark_section_read(database: Database, section: str) -> int:
    """Mark every article of a section read; returns how many were unread."""
    section_id = section_id_of(database, section)
    if section_id is None:
        return 0
    # The unread copies elsewhere of this section's stories are read with it.
    elsewhere = (
        "story_id IN (SELECT story_id FROM articles WHERE section_id = ? AND read = 0"
        " AND story_id IS NOT NULL) AND section_id IS NOT ? AND read = 0"
    )
    with database.write() as connection:
        queue_read(connection, elsewhere, [(1, section_id, section_id)])
        connection.execute(f"UPDATE articles SET read = 1 WHERE {elsewhere}", (section_id,) * 2)
        queue_read(connection, "section_id = ? AND read = 0", [(1, section_id)])
        cursor = connection.execute(
            "UPDATE articles SET read = 1 WHERE section_id = ? AND read = 0", (section_id,)
        )
        return int(cursor.rowcount)


# ---- read-state export and import (issue 17) --------------------------------------------------

_IMPORT_BATCH = 1000  # marks per write transaction, so a big import never holds the cache long


def article_marks(database: Database) -> list[ArticleMark]:
    """Every cached article's read and star state, by feed URL and GUID."""
    rows = database.read(
        "SELECT f.url, a.entry_id, a.read, a.starred FROM articles AS a"
        " JOIN feeds AS f ON f.id = a.feed_id ORDER BY f.url, a.entry_id"
    )
    return [
        ArticleMark(str(url), str(guid), bool(read), bool(star)) for url, guid, read, star in rows
    ]


def import_marks(database: Database, marks: Sequence[ArticleMark]) -> MarksImported:
    """Give each article its mark's read and star state, through the same writes (and sync
    outbox) as a mark made here; marks of articles this cache does not hold are counted."""
    changed = unchanged = unknown = 0
    for start in range(0, len(marks), _IMPORT_BATCH):
        with database.write() as connection:
            feed_ids = dict(connection.execute("SELECT url, id FROM feeds").fetchall())
            for mark in marks[start : start + _IMPORT_BATCH]:
                row = connection.execute(
                    "SELECT id, read, starred FROM articles WHERE feed_id = ? AND entry_id = ?",
                    (feed_ids.get(mark.feed_url), mark.entry_id),
                ).fetchone()
                if row is None:
                    unknown += 1
                    continue
                article_id, read, starred = int(row[0]), bool(row[1]), bool(row[2])
                if (read, starred) == (mark.read, mark.starred):
                    unchanged += 1
                    continue
                changed += 1
                if read != mark.read:
                    parameters = [(int(mark.read), article_id)]
                    connection.executemany("UPDATE articles SET read = ? WHERE id = ?", parameters)
                    queue_read(connection, "id = ?", parameters)
                if starred != mark.starred:
                    connection.execute(
                        "UPDATE articles SET starred = ? WHERE id = ?",
                        (int(mark.starred), article_id),
                    )
                    queue_starred(connection, article_id, mark.starred)
    return MarksImported(changed, unchanged, unknown)
