"""Writing what a refresh brings: each feed's fetch outcome with its articles, and full texts.

Articles are upserted in place (first-seen time, read and starred kept), and the search index is
written in the same transaction as the rows it covers.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime

from reader.core.model import Article, FetchResult, PageMeta, PreparedArticle
from reader.core.store import reindex
from reader.core.store.codec import pack
from reader.core.store.connection import Database
from reader.core.store.errors import StoreError
from reader.core.store.filters import FilterRules, mark_new_articles
from reader.core.store.outbox import queue_read
from reader.core.store.prepare import digest_of, row_values
from reader.core.store.schema import from_micros, to_micros
from reader.core.store.stories.group import NewArticle, group_new

_MAX_ROWID = 2**63 - 1


def record_fetch(
    database: Database, result: FetchResult, fetched_at: datetime, rules: FilterRules | None = None
) -> int:
    """Store one feed's fetch outcome in one write transaction; return how many were new (and
    mark those the `rules` say to read or star).

    A feed the config does not list yet is remembered but hidden (see `_record_one`).
    """
    with database.write() as connection:
        stored: list[NewArticle] = []
        added = _record_one(connection, result, to_micros(fetched_at), rules, stored)
        group_new(connection, stored, queue_read)
        return added


def record_fetches(
    database: Database,
    results: Sequence[FetchResult],
    fetched_at: datetime,
    rules: FilterRules | None = None,
) -> list[int]:
    """`record_fetch` for several feeds in one write transaction; how many were new in each.

    One commit (and one search index segment) for several feeds costs less than one each; the
    new articles of all of them look for copies of their story in one go.
    """
    fetched_micros = to_micros(fetched_at)
    with database.write() as connection:
        stored: list[NewArticle] = []
        added = [
            _record_alone(connection, result, fetched_micros, rules, stored) for result in results
        ]
        group_new(connection, stored, queue_read)
        return added


def _record_alone(
    connection: sqlite3.Connection,
    result: FetchResult,
    fetched_micros: int,
    rules: FilterRules | None,
    stored: list[NewArticle],
) -> int:
    """`_record_one` in a savepoint: a feed whose data cannot be stored (text SQLite cannot
    hold, a number out of range) is recorded as failed, and the feeds written in the same
    transaction are kept."""
    connection.execute("SAVEPOINT one_feed")
    new: list[NewArticle] = []
    try:
        added = _record_one(connection, result, fetched_micros, rules, new)
        stored.extend(new)
    except (ValueError, TypeError, OverflowError) as error:  # UnicodeError is a ValueError
        connection.execute("ROLLBACK TO one_feed")
        message = f"could not store this feed ({type(error).__name__}: {error})"[:300]
        failed = replace(result, status="failed", articles=(), error=message)
        added = _record_one(connection, failed, fetched_micros)
    connection.execute("RELEASE one_feed")
    return added


def _record_one(
    connection: sqlite3.Connection,
    result: FetchResult,
    fetched_micros: int,
    rules: FilterRules | None = None,
    stored: list[NewArticle] | None = None,
) -> int:
    """ "ok" upserts articles and takes the new validators, title and language; "not_modified"
    only records status and time; "failed" records the error and keeps validators and articles."""
    row = connection.execute(
        "SELECT id, section_id, active FROM feeds WHERE url = ?", (result.url,)
    ).fetchone()
    feed_id: int
    section_id: int | None = None
    if row is None:
        inserted = connection.execute("INSERT INTO feeds(url, active) VALUES (?, 0)", (result.url,))
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
    added = _upsert_articles(
        connection, feed_id, section_id, result.articles, fetched_micros, row is None, stored
    )
    if added and rules is not None and (rules.has("read") or rules.has("star")):
        # New ids are taken in order after the largest: the last `added` are this feed's new.
        last = int(connection.execute("SELECT max(id) FROM articles").fetchone()[0])
        now = from_micros(fetched_micros) or datetime.now(UTC)
        mark_new_articles(connection, last - added + 1, last, rules, now)
    return added


def _upsert_articles(
    connection: sqlite3.Connection,
    feed_id: int,
    section_id: int | None,
    articles: Sequence[Article | PreparedArticle],
    seen_micros: int,
    feed_is_new: bool,
    stored: list[NewArticle] | None = None,
) -> int:
    """Insert new articles and rewrite changed ones (first-seen time, read and starred kept);
    return how many were new (each added to `stored`, for grouping).

    Values come from `row_values`, so articles prepared in a parse worker cost only SQL here.
    """
    # New articles go in with one `executemany` per table, with ids taken in order after the
    # largest (what SQLite would pick; the write lock is held, so no one else takes them).
    waiting = reindex.waiting_range(connection)
    known: dict[str, tuple[int, str, int]] = {}
    if not feed_is_new:
        known = _known_articles(connection, feed_id, articles)
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
        values = row_values(article, digest)
        summary_blob, content_blob, words = values[1:4]
        published = None if article.published is None else to_micros(article.published)
        if existing is None:
            if not next_id:
                next_id = _next_article_id(connection, len(articles))
            article_id = next_id + len(article_rows)
            sort_key = seen_micros if published is None else published
            if stored is not None and values.story_keys:
                stored.append(NewArticle(article_id, feed_id, sort_key, values.story_keys))
            article_rows.append(
                (
                    article_id,
                    feed_id,
                    article.entry_id,
                    section_id,
                    sort_key,
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
            reindex.unindex(connection, [article_id])
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
                "UPDATE article_bodies SET summary_html = ?, content_html = ? WHERE article_id = ?",
                (summary_blob, content_blob, article_id),
            )
        # From the HTML, as stored, not from article.text: deleting it from the index later
        # needs the same words again, and only the HTML is kept. An article a rebuild has
        # still to reach is left to it (it reads the text stored by then).
        if not reindex.is_waiting(waiting, article_id):
            index_rows.append((article_id, words))
    if article_rows:
        connection.executemany(
            "INSERT INTO articles(id, feed_id, entry_id, section_id, sort_key, published,"
            " first_seen, title, link, author, digest) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            article_rows,
        )
        connection.executemany(
            "INSERT INTO article_bodies(article_id, summary_html, content_html) VALUES (?, ?, ?)",
            body_rows,
        )
    if index_rows:
        connection.executemany("INSERT INTO article_fts(rowid, words) VALUES (?, ?)", index_rows)
    return len(article_rows)


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


def _next_article_id(connection: sqlite3.Connection, count: int) -> int:
    """The first of `count` free ids after the largest, as SQLite would choose them."""
    largest = int(connection.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0])
    if largest + count >= _MAX_ROWID:
        raise StoreError("the cache has used up its article ids")
    return largest + 1


def set_full_text(
    database: Database, article_id: int, html: str, page_meta: PageMeta | None = None
) -> None:
    """Keep the story extracted from the article's web page and what the page says about it."""
    meta_json = None
    if page_meta is not None:
        meta_json = json.dumps(page_meta.to_json(), ensure_ascii=False, separators=(",", ":"))
    with database.write() as connection:
        connection.execute(
            "UPDATE article_bodies SET full_html = ?, page_meta = ? WHERE article_id = ?",
            (pack(html), meta_json, article_id),
        )
