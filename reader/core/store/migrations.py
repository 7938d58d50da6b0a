"""The cache's forward migrations, one function per schema version step (see ``schema.Migration``).

Every call reads its progress from the file itself, so a crash between calls loses at most the
batch in flight.
"""

from __future__ import annotations

import sqlite3

from reader.core.script.fold import FOLD_VERSION
from reader.core.store.codec import pack, unpack
from reader.core.store.search import INDEX_TEXT_VERSION, article_words, create_search_index
from reader.core.store.stories.group import WINDOW_MICROS, group_stored

# Rows per transaction when converting bodies: small enough that another process waiting on the
# cache is never kept long.
BODY_BATCH = 2000

# Set by a migration that freed much of the file; opening the cache then runs VACUUM (which
# cannot run inside a transaction) and deletes the key (upkeep.vacuum_if_pending).
VACUUM_PENDING_KEY = "vacuum_pending"

_PACKED_BODIES_DDL = """
CREATE TABLE article_bodies_packed (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    summary_html BLOB NOT NULL,  -- store_codec.pack
    content_html BLOB NOT NULL,
    full_html BLOB               -- NULL: no full text fetched
)
"""


def bodies_packed_without_text(connection: sqlite3.Connection) -> bool:
    """Version 1 -> 2: bodies packed (codec.py), the stored plain text dropped.

    Moves a batch of bodies a call (re-indexing them from their HTML), then swaps the tables and
    asks for a VACUUM so the file gives the space back.
    """
    # The first call creates the new bodies table and re-creates the search index: it was built
    # from the parser's text, which we no longer keep, and a contentless index can only delete
    # what it is told exactly. Later calls copy bodies in article id order, so a restart resumes
    # after the highest id copied.
    started = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'article_bodies_packed'"
    ).fetchone()
    if started is None:
        connection.execute(_PACKED_BODIES_DDL)
        # Emptied by re-creating it as the index is defined now, so the words written below
        # go into an index with the tokenizer they were made for.
        connection.execute("DROP TABLE IF EXISTS article_fts")
        create_search_index(connection)
        connection.executemany(
            "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
            [("fold_version", str(FOLD_VERSION)), ("index_text_version", str(INDEX_TEXT_VERSION))],
        )
        return False
    last_copied = connection.execute(
        "SELECT coalesce(max(article_id), 0) FROM article_bodies_packed"
    ).fetchone()[0]
    rows = connection.execute(
        "SELECT b.article_id, a.title, b.summary_html, b.content_html, b.full_html"
        " FROM article_bodies AS b JOIN articles AS a ON a.id = b.article_id"
        " WHERE b.article_id > ? ORDER BY b.article_id LIMIT ?",
        (last_copied, BODY_BATCH),
    ).fetchall()
    packed: list[tuple[int, bytes, bytes, bytes | None]] = []
    words: list[tuple[int, str]] = []
    for article_id, title, summary_value, content_value, full_value in rows:
        summary_html = unpack(summary_value) or ""
        content_html = unpack(content_value) or ""
        full_html = unpack(full_value)
        packed.append(
            (
                article_id,
                pack(summary_html),
                pack(content_html),
                None if full_html is None else pack(full_html),
            )
        )
        words.append((article_id, article_words(str(title), summary_html, content_html)))
    connection.executemany(
        "INSERT INTO article_bodies_packed(article_id, summary_html, content_html, full_html)"
        " VALUES (?, ?, ?, ?)",
        packed,
    )
    connection.executemany("INSERT INTO article_fts(rowid, words) VALUES (?, ?)", words)
    if len(rows) == BODY_BATCH:
        return False
    connection.execute("DROP TABLE article_bodies")
    connection.execute("ALTER TABLE article_bodies_packed RENAME TO article_bodies")
    connection.execute(
        "INSERT OR REPLACE INTO meta(key, value) VALUES (?, '1')", (VACUUM_PENDING_KEY,)
    )
    return True


def page_meta_beside_full_text(connection: sqlite3.Connection) -> None:
    """Version 2 -> 3: a column for what the web page says about its story (source, editors,
    its time, 原標題), kept beside the full text; stories fetched before have none."""
    connection.execute("ALTER TABLE article_bodies ADD COLUMN page_meta TEXT")


# Schema 4: the sync outbox (outbox.py fills and empties it).
OUTBOX_DDL = """
CREATE TABLE sync_outbox (
    remote_id TEXT PRIMARY KEY,  -- the server's article id (articles.entry_id of a synced feed)
    read INTEGER,                -- NULL: no read change waits
    starred INTEGER              -- NULL: no star change waits
)
"""


def outbox_added(connection: sqlite3.Connection) -> None:
    """Version 3 -> 4: the sync outbox table."""
    connection.execute(OUTBOX_DDL)


# Schema 5: same-story grouping (stories/group.py). articles.story_id is NULL for an article
# alone; the index holds only the articles of a story, so it stays small.
STORY_COLUMN_DDL = "ALTER TABLE articles ADD COLUMN story_id INTEGER"
STORY_DDL = """
CREATE INDEX articles_by_story ON articles (story_id, sort_key, id) WHERE story_id IS NOT NULL;

CREATE TABLE story_keys (
    key INTEGER NOT NULL,        -- stories/text.py keys_of: a stable hash of a clause
    sort_key INTEGER NOT NULL,   -- the article's: the window, and when pruning forgets the key
    article_id INTEGER NOT NULL, -- 0 (group.py BOILERPLATE_MARK): the key is boilerplate
    feed_id INTEGER NOT NULL,
    PRIMARY KEY (key, sort_key, article_id)
) WITHOUT ROWID
"""


def stories_added(connection: sqlite3.Connection) -> None:
    """Version 4 -> 5: the story column and keys; the articles of the last days (the window new
    articles are compared with) are keyed and grouped as if they had just arrived, older ones
    stay alone."""
    connection.execute(STORY_COLUMN_DDL)
    for statement in STORY_DDL.split(";"):
        connection.execute(statement)
    newest = connection.execute("SELECT max(sort_key) FROM articles").fetchone()[0]
    if newest is not None:
        group_stored(connection, int(newest) - WINDOW_MICROS)


def zstd_bodies(connection: sqlite3.Connection) -> None:
    """Version 5 -> 6: bodies are now written as Zstandard frames (codec.ZSTD). Old rows stay as
    they are and readable; the version changes so that a reader which knows only zlib refuses
    the cache instead of showing new bodies as damage."""
