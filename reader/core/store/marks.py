"""What the user marks on articles: read, unread, starred (starred articles are never pruned).

With a sync server, each change goes into the outbox in the same transaction (outbox.py).
"""

from __future__ import annotations

from collections.abc import Iterable

from reader.core.store.connection import Database
from reader.core.store.feeds import section_id_of
from reader.core.store.outbox import queue_read, queue_starred


def set_read(database: Database, article_ids: Iterable[int], read: bool) -> None:
    """Mark articles read or unread (unknown ids are ignored)."""
    ids = [(int(read), int(article_id)) for article_id in article_ids]
    if not ids:
        return
    with database.write() as connection:
        connection.executemany("UPDATE articles SET read = ? WHERE id = ?", ids)
        queue_read(connection, "id = ?", ids)


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
    with database.write() as connection:
        queue_read(connection, "section_id = ? AND read = 0", [(1, section_id)])
        cursor = connection.execute(
            "UPDATE articles SET read = 1 WHERE section_id = ? AND read = 0", (section_id,)
        )
        return int(cursor.rowcount)
