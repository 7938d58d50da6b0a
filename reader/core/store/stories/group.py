"""Grouping copies when they are stored: each new article looks up the recent articles of other
feeds that share one of its keys (one query for the whole write), compares the few it finds
exactly (text.same_story) and joins their story.

A story is the articles with one `articles.story_id`: the smallest article id of the story when
it was formed. Works on the open write transaction; never imports the connection module, so the
schema's migrations can use it too.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from reader.core.store.codec import unpack
from reader.core.store.search import article_text
from reader.core.store.stories.text import same_story, story_keys, story_lead

# Copies are looked for among articles published at most this long before or after.
WINDOW_MICROS = 3 * 86_400 * 1_000_000
# A key more articles share than this is boilerplate (a copyright line, a stock phrase): ignored.
BOILERPLATE = 20
# A candidate shares at least this many keys with the new article (one, for a short text with
# no more keys than this).
MIN_SHARED_KEYS = 2
# At most this many candidates are compared exactly per new article (most shared keys first).
MAX_CANDIDATES = 8

QueueRead = Callable[[sqlite3.Connection, str, Iterable[Sequence[object]]], None]


@dataclass(frozen=True, slots=True)
class NewArticle:
    """What grouping needs of an article just stored."""

    id: int
    feed_id: int
    sort_key: int
    keys: tuple[int, ...]


def group_new(
    connection: sqlite3.Connection,
    new: Sequence[NewArticle],
    queue_read: QueueRead | None = None,
) -> int:
    """Join each of `new` (already inserted) to the story of the copies it has among recent
    articles of other feeds, store its keys, and mark read a new copy of a story already read
    (queued with `queue_read` for a sync server); return how many new articles joined a story."""
    keyed = [article for article in new if article.keys]
    if not keyed:
        return 0
    published = [article.sort_key for article in keyed]
    existing, boilerplate = _existing_keys(
        connection,
        {k for a in keyed for k in a.keys},
        min(published) - WINDOW_MICROS,
        max(published) + WINDOW_MICROS,
    )
    stored_boilerplate = set(boilerplate)
    # Entries per key: the stored articles first, then the new ones in id order. A key already
    # boilerplate is dropped here and never stored again (it could never find a copy).
    entries: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for key, rows in existing.items():
        entries[key].extend(rows)
    for article in sorted(keyed, key=lambda a: a.id):
        for key in article.keys:
            if key not in boilerplate:
                entries[key].append((article.id, article.feed_id, article.sort_key))
    for key, rows in entries.items():
        if len(rows) > BOILERPLATE:
            boilerplate.add(key)
    new_ids = {article.id for article in keyed}
    pairs: list[tuple[int, int]] = []
    wanted: dict[int, list[int]] = {}
    for article in keyed:
        shared: dict[int, int] = defaultdict(int)
        times: dict[int, int] = {}
        for key in article.keys:
            if key in boilerplate:
                continue
            for other_id, feed_id, sort_key in entries[key]:
                if (
                    feed_id == article.feed_id
                    or abs(sort_key - article.sort_key) > WINDOW_MICROS
                    or (other_id in new_ids and other_id >= article.id)  # each new pair once
                    or other_id == article.id
                ):
                    continue
                shared[other_id] += 1
                times[other_id] = sort_key
        # Two shared keys for an article with three or more: one shared clause is often a
        # stock phrase, and every candidate costs an exact comparison.
        need = MIN_SHARED_KEYS if len(article.keys) > MIN_SHARED_KEYS else 1
        shared = {other: count for other, count in shared.items() if count >= need}
        if shared:
            ranked = sorted(shared, key=lambda i: (shared[i], times[i]), reverse=True)
            wanted[article.id] = ranked[:MAX_CANDIDATES]
    if not wanted:
        _insert_keys(connection, keyed, stored_boilerplate)
        return 0
    # Leads only for the articles compared, from their stored text (the new ones are stored too).
    stored = _stored_leads(connection, {i for cs in wanted.values() for i in cs} | set(wanted))
    labels = {i: label for i, (_, label) in stored.items() if label is not None}
    for article_id, candidates in wanted.items():
        lead = stored.get(article_id, ("", None))[0]
        for candidate in candidates:
            other = stored.get(candidate, ("", None))[0]
            if lead and other and same_story(lead, other):
                pairs.append((article_id, candidate))
    joined = _join(connection, pairs, labels, new_ids, queue_read) if pairs else 0
    _insert_keys(connection, keyed, stored_boilerplate)
    return joined


def _existing_keys(
    connection: sqlite3.Connection, keys: set[int], earliest: int, latest: int
) -> tuple[dict[int, list[tuple[int, int, int]]], set[int]]:
    """(key -> [(article id, feed id, sort key)] of the stored articles published between
    `earliest` and `latest`, boilerplate keys): one query; a key more than BOILERPLATE stored
    articles share (at any time) comes back without its rows."""
    rows = connection.execute(
        "WITH wanted(key) AS (SELECT value FROM json_each(?)),"
        " counted(key, n) AS MATERIALIZED (SELECT key,"
        "  (SELECT count(*) FROM (SELECT 1 FROM story_keys AS c WHERE c.key = wanted.key"
        "   LIMIT ?)) FROM wanted)"
        " SELECT counted.key, k.article_id, k.feed_id, k.sort_key FROM counted"
        " JOIN story_keys AS k ON k.key = counted.key AND k.sort_key BETWEEN ? AND ?"
        " WHERE counted.n <= ?"
        " UNION ALL SELECT key, NULL, NULL, NULL FROM counted WHERE n > ?",
        (json.dumps(sorted(keys)), BOILERPLATE + 1, earliest, latest, BOILERPLATE, BOILERPLATE),
    ).fetchall()
    existing: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    boilerplate: set[int] = set()
    for key, article_id, feed_id, sort_key in rows:
        if article_id is None:
            boilerplate.add(int(key))
        else:
            existing[int(key)].append((int(article_id), int(feed_id), int(sort_key)))
    return existing, boilerplate


def _stored_leads(
    connection: sqlite3.Connection, article_ids: set[int]
) -> dict[int, tuple[str, int | None]]:
    """Article id -> (lead, story id) of stored articles, the lead derived from the stored
    bodies as a parse worker derives it (only the few candidates ever get here)."""
    found: dict[int, tuple[str, int | None]] = {}
    ids = sorted(article_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for article_id, story_id, summary, content in connection.execute(
            "SELECT a.id, a.story_id, b.summary_html, b.content_html FROM articles AS a"
            " JOIN article_bodies AS b ON b.article_id = a.id"
            f" WHERE a.id IN ({','.join('?' * len(chunk))})",
            chunk,
        ):
            text = article_text(unpack(summary) or "", unpack(content) or "")
            found[int(article_id)] = (story_lead(text), story_id)
    return found


def _join(
    connection: sqlite3.Connection,
    pairs: list[tuple[int, int]],
    labels: dict[int, int],
    new_ids: set[int],
    queue_read: QueueRead | None,
) -> int:
    """Put each pair in one story (merging stories a new article bridges); return how many new
    articles joined one."""
    parent: dict[int, int] = {}

    def root(node: int) -> int:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def union(a: int, b: int) -> None:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    for article_id, label in labels.items():
        union(article_id, label)
    for a, b in pairs:
        union(a, b)
    members: dict[int, set[int]] = defaultdict(set)
    for node in list(parent):
        members[root(node)].add(node)
    joined = 0
    for final, nodes in members.items():
        old_labels = {labels[n] for n in nodes if n in labels} - {final}
        for old in old_labels:
            connection.execute("UPDATE articles SET story_id = ? WHERE story_id = ?", (final, old))
        connection.executemany(
            "UPDATE articles SET story_id = ? WHERE id = ?", [(final, n) for n in sorted(nodes)]
        )
        fresh = sorted(nodes & new_ids)
        joined += len(fresh)
        already_read = connection.execute(
            "SELECT 1 FROM articles WHERE story_id = ? AND read = 1 LIMIT 1", (final,)
        ).fetchone()
        if already_read and fresh:
            # A copy of a story already read arrives read: it is the story you have read.
            rows = [(1, n) for n in fresh]
            connection.executemany("UPDATE articles SET read = ? WHERE id = ?", rows)
            if queue_read is not None:
                queue_read(connection, "id = ?", rows)
    return joined


def _insert_keys(
    connection: sqlite3.Connection, articles: Sequence[NewArticle], boilerplate: set[int]
) -> None:
    """Store the keys of `articles`, but those already shared by more than BOILERPLATE stored
    articles: one more row would never make them useful (a key that became boilerplate in this
    write is stored, so the next write knows it)."""
    rows = [
        (key, article.sort_key, article.id, article.feed_id)
        for article in articles
        for key in article.keys
        if key not in boilerplate
    ]
    if rows:
        connection.executemany(
            "INSERT OR IGNORE INTO story_keys(key, sort_key, article_id, feed_id)"
            " VALUES (?, ?, ?, ?)",
            rows,
        )


def group_stored(connection: sqlite3.Connection, since_micros: int, batch: int = 2000) -> int:
    """Group the stored articles published since `since_micros` as if each had just arrived, in
    id order (a cache that had no grouping yet); return how many joined a story."""
    joined = 0
    last = 0
    while True:
        rows = connection.execute(
            "SELECT a.id, a.feed_id, a.sort_key, a.title, b.summary_html, b.content_html"
            " FROM articles AS a JOIN article_bodies AS b ON b.article_id = a.id"
            " WHERE a.sort_key >= ? AND a.id > ? ORDER BY a.id LIMIT ?",
            (since_micros, last, batch),
        ).fetchall()
        if not rows:
            return joined
        new: list[NewArticle] = []
        for article_id, feed_id, sort_key, title, summary, content in rows:
            text = article_text(unpack(summary) or "", unpack(content) or "")
            keys = story_keys(str(title), text)
            new.append(NewArticle(int(article_id), int(feed_id), int(sort_key), keys))
        joined += group_new(connection, new)
        last = int(rows[-1][0])
