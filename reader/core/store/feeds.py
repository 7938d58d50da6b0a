"""The cache's sections and feeds: kept in step with the config, and each feed's fetch state."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reader.core.model import FeedState, Section, Validators
from reader.core.store.connection import Database
from reader.core.store.schema import from_micros

_FEED_STATE_SQL = """
    SELECT f.url, coalesce(s.name, ''), coalesce(f.configured_title, f.feed_title),
           f.etag, f.last_modified, f.body_hash, f.last_status, f.last_error,
           f.last_fetched, f.language
    FROM feeds AS f LEFT JOIN sections AS s ON s.id = f.section_id
"""


def sync_feeds(database: Database, sections: Sequence[Section]) -> None:
    """Make the cache's sections and feeds match the config, in its order.

    Feeds no longer configured become inactive (hidden from every section, articles kept); a feed
    listed twice stays in the first section that lists it.
    """
    with database.write() as connection:
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


def sections(database: Database) -> list[str]:
    """The configured sections, in config order."""
    rows = database.read("SELECT name FROM sections WHERE position IS NOT NULL ORDER BY position")
    return [str(row[0]) for row in rows]


def section_id_of(database: Database, name: str) -> int | None:
    """The row id of the section called `name`, configured or not; None if never seen."""
    rows = database.read("SELECT id FROM sections WHERE name = ?", (name,))
    return int(rows[0][0]) if rows else None


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


def feed_states(database: Database, section: str | None = None) -> list[FeedState]:
    """Configured feeds (of one section, or all) in config order."""
    sql = _FEED_STATE_SQL + " WHERE f.active = 1"
    parameters: tuple[object, ...] = ()
    if section is not None:
        sql += " AND s.name = ?"
        parameters = (section,)
    sql += " ORDER BY s.position, f.position"
    return [_feed_state(row) for row in database.read(sql, parameters)]


def feed_state(database: Database, url: str) -> FeedState | None:
    """One feed as the cache knows it, configured or not; None if never seen."""
    rows = database.read(_FEED_STATE_SQL + " WHERE f.url = ?", (url,))
    return _feed_state(rows[0]) if rows else None
