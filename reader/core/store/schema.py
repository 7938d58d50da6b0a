"""The cache's SQLite schema: one DDL string for new files plus numbered forward migrations.

The version lives in ``PRAGMA user_version``; each migration step commits on its own, so a crash
part-way leaves a file at a version the next start continues from.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

from reader.core.store.errors import CorruptDatabaseError, NewerSchemaError, StoreError
from reader.core.store.migrations import (
    OUTBOX_DDL,
    STORY_DDL,
    bodies_packed_without_text,
    outbox_added,
    page_meta_beside_full_text,
    stories_added,
    zstd_bodies,
)
from reader.core.store.search import SEARCH_INDEX_DDL, SEARCH_INDEX_SETTINGS

SCHEMA_VERSION = 6

SQLITE_MAGIC = b"SQLite format 3\x00"

# Times are integers: microseconds since the Unix epoch, UTC.
# articles.section_id is the feed's section copied onto each row (NULL while the feed is not
# configured), so a section's page is one range scan of an index and needs no join to order.
# Bodies live in article_bodies so the rows the lists scan stay small; they are packed
# (codec.py: a marker byte, mostly zlib) and their plain text is not stored at all: it is
# derived from the HTML when needed (search.plain_text). page_meta is what the web page said
# about its story (model.PageMeta as JSON), written with full_html.
# article_fts is contentless: it holds only the index of the folded title and plain text.
SCHEMA_DDL = """
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE sections (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    position INTEGER            -- NULL: no longer configured
);

CREATE TABLE feeds (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    section_id INTEGER REFERENCES sections(id),
    position INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1,
    configured_title TEXT,
    feed_title TEXT,
    language TEXT,
    etag TEXT,
    last_modified TEXT,
    body_hash TEXT,
    last_status TEXT,
    last_error TEXT,
    last_fetched INTEGER
);

CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
    entry_id TEXT NOT NULL,
    section_id INTEGER,
    sort_key INTEGER NOT NULL,  -- coalesce(published, first_seen)
    published INTEGER,
    first_seen INTEGER NOT NULL,
    title TEXT NOT NULL,
    link TEXT,
    author TEXT,
    digest TEXT NOT NULL,       -- hash of every stored field: equal digest, nothing to write
    read INTEGER NOT NULL DEFAULT 0,
    starred INTEGER NOT NULL DEFAULT 0,
    story_id INTEGER,           -- same-story grouping (stories/): NULL when alone
    UNIQUE (feed_id, entry_id)
);

CREATE INDEX articles_by_section ON articles (section_id, sort_key DESC, id DESC);
CREATE INDEX articles_unread_by_section ON articles (section_id, sort_key DESC, id DESC)
    WHERE read = 0;
CREATE INDEX articles_starred_by_section ON articles (section_id, sort_key DESC, id DESC)
    WHERE starred = 1;
CREATE INDEX articles_by_time ON articles (sort_key DESC, id DESC);
CREATE INDEX articles_unread_by_time ON articles (sort_key DESC, id DESC) WHERE read = 0;
CREATE INDEX articles_by_feed ON articles (feed_id, sort_key DESC, id DESC);

CREATE TABLE article_bodies (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    summary_html BLOB NOT NULL,  -- store_codec.pack
    content_html BLOB NOT NULL,
    full_html BLOB,              -- NULL: no full text fetched
    page_meta TEXT               -- JSON; NULL: no full text, or fetched before schema 3
);
"""

# The search index, defined with the code that fills it.
SCHEMA_DDL += SEARCH_INDEX_DDL + ";\n" + SEARCH_INDEX_SETTINGS + ";\n"
# The sync outbox, defined with the code that fills it.
SCHEMA_DDL += OUTBOX_DDL + ";\n"
# Same-story grouping, defined with the code that fills it.
SCHEMA_DDL += STORY_DDL + ";\n"

# A migration step does some or all of its work in the transaction it is given. It returns
# False when there is more to do: that transaction commits and the step is called again in a
# new one, so a long migration moves in short batches and a crash leaves a file the next start
# continues from. Anything else (None, True) means done: the version goes up in the same
# transaction as the step's last batch.
Migration = Callable[[sqlite3.Connection], "bool | None"]

# MIGRATIONS[n] takes a file from version n to n + 1.
MIGRATIONS: dict[int, Migration] = {
    1: bodies_packed_without_text,
    2: page_meta_beside_full_text,
    3: outbox_added,
    4: stories_added,
    5: zstd_bodies,
}


def to_micros(moment: datetime) -> int:
    """Our stored form of a time: microseconds since the Unix epoch, UTC (naive means UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    delta = moment - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_micros(value: int | None) -> datetime | None:
    """A stored time back as an aware UTC datetime."""
    if value is None:
        return None
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=value)


def header_user_version(path: Path) -> int | None:
    """The schema version from the file header without opening it with SQLite.

    Returns None for a missing or empty file (SQLite treats both as a new database) and raises
    CorruptDatabaseError when the first bytes are not an SQLite header.
    """
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise CorruptDatabaseError(f"{path}: cannot read the cache file: {error}") from error
    if not header:
        return None
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        raise CorruptDatabaseError(f"{path}: not an SQLite database")
    return int.from_bytes(header[60:64], "big")


def migrate(
    connection: sqlite3.Connection,
    *,
    target: int = SCHEMA_VERSION,
    ddl: str = SCHEMA_DDL,
    migrations: Mapping[int, Migration] = MIGRATIONS,
) -> int:
    """Bring the database to ``target``: create it when empty, else run migrations in order;
    return the version found (NewerSchemaError for one above ``target``).

    The connection must be in autocommit mode (isolation_level None): this takes its own
    transactions.
    """
    connection.execute("BEGIN IMMEDIATE")
    try:
        found = int(connection.execute("PRAGMA user_version").fetchone()[0])
        if found > target:
            raise NewerSchemaError(
                f"the cache was written by a newer reader (schema {found}, we know {target})"
            )
        if found == 0:
            has_tables = connection.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
            ).fetchone()[0]
            if has_tables:
                raise CorruptDatabaseError("the file holds tables but no reader schema version")
            for statement in _split_statements(ddl):
                connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {int(target)}")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    version = found or target
    while version < target:
        step = migrations.get(version)
        if step is None:
            raise StoreError(f"no migration from schema {version}")
        finished = False
        while not finished:
            connection.execute("BEGIN IMMEDIATE")
            try:
                current = int(connection.execute("PRAGMA user_version").fetchone()[0])
                finished = current != version  # another process may have migrated meanwhile
                if not finished:
                    finished = step(connection) is not False
                    if finished:
                        connection.execute(f"PRAGMA user_version = {version + 1}")
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
        version += 1
    return found


def _split_statements(ddl: str) -> list[str]:
    """The DDL as single statements (sqlite3's execute runs one statement at a time)."""
    statements: list[str] = []
    pending = ""
    for line in ddl.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip():
        statements.append(pending.strip())
    return statements
