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
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import chain

from reader.core.store.codec import unpack
from reader.core.store.search import article_text
from reader.core.store.stories.text import same_story, story_keys, story_lead

# Copies are looked for among articles published at most this long before or after.
WINDOW_MICROS = 3 * 86_400 * 1_000_000
# A key more articles share than this is boilerplate (a copyright line, a stock phrase): ignored,
# and stored as one row with this article id (no article has it) instead of its articles'.
BOILERPLATE = 20
BOILERPLATE_MARK = 0
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
    keyed = sorted((article for article in new if article.keys), key=lambda a: a.id)
    if not keyed:
        return 0
    counts = Counter(chain.from_iterable(article.keys for article in keyed))
    stored, boilerplate = _stored_keys(connection, set(counts))
    # Only a key another article has too can find a copy (most keys are one article's). A key
    # already boilerplate is dropped here and never stored again (it could never find a copy).
    shared_keys = (
        {key for key, count in counts.items() if count > 1} | stored.keys()
    ) - boilerplate
    # Entries per shared key: the stored articles first, then the new ones in id order.
    entries = {key: list(stored.get(key, ())) for key in shared_keys}
    for article in keyed:
        if not shared_keys.isdisjoint(article.keys):
            for key in article.keys:
                if key in shared_keys:
                    entries[key].append((article.id, article.feed_id, article.sort_key))
    now_boilerplate = {key for key, rows in entries.items() if len(rows) > BOILERPLATE}
    ignored = boilerplate | now_boilerplate
    wanted: dict[int, list[int]] = {}
    for article in keyed:
        if not shared_keys.isdisjoint(article.keys):
            found = _candidates(article, entries, ignored)
            if found:
                wanted[article.id] = found
    joined = _join_copies(connection, wanted, {a.id for a in keyed}, queue_read) if wanted else 0
    _store_keys(connection, keyed, boilerplate, now_boilerplate)
    return joined


def _candidates(
    article: NewArticle, entries: dict[int, list[tuple[int, int, int]]], ignored: set[int]
) -> list[int]:
    """The ids of the articles to compare `article` with: of other feeds, within the window,
    sharing enough of its keys (not `ignored`), most shared keys then latest first."""
    shared: dict[int, int] = defaultdict(int)
    times: dict[int, int] = {}
    for key in article.keys:
        if key not in entries or key in ignored:
            continue
        for other_id, feed_id, sort_key in entries[key]:
            if (
                other_id >= article.id  # itself, or a new one that will ask (each pair once)
                or feed_id == article.feed_id
                or abs(sort_key - article.sort_key) > WINDOW_MICROS
            ):
                continue
            shared[other_id] += 1
            times[other_id] = sort_key
    # Two shared keys for an article with three or more: one shared clause is often a stock
    # phrase, and every candidate costs an exact comparison.
    need = MIN_SHARED_KEYS if len(article.keys) > MIN_SHARED_KEYS else 1
    found = [other for other, count in shared.items() if count >= need]
    found.sort(key=lambda i: (shared[i], times[i]), reverse=True)
    return found[:MAX_CANDIDATES]


def _join_copies(
    connection: sqlite3.Connection,
    wanted: dict[int, list[int]],
    new_ids: set[int],
    queue_read: QueueRead | None,
) -> int:
    """Compare each new article with its candidates exactly and join the copies; return how
    many new articles joined a story."""
    # Leads only for the articles compared, from their stored text (the new ones are stored too).
    stored = _stored_leads(connection, {i for cs in wanted.values() for i in cs} | set(wanted))
    labels = {i: label for i, (_, label) in stored.items() if label is not None}
    pairs: list[tuple[int, int]] = []
    for article_id, candidates in wanted.items():
        lead = stored.get(article_id, ("", None))[0]
        for candidate in candidates:
            other = stored.get(candidate, ("", None))[0]
            if lead and other and same_story(lead, other):
                pairs.append((article_id, candidate))
    return _join(connection, pairs, labels, new_ids, queue_read) if pairs else 0


def _stored_keys(
    connection: sqlite3.Connection, keys: set[int]
) -> tuple[dict[int, list[tuple[int, int, int]]], set[int]]:
    """(key -> [(article id, feed id, sort key)] of the stored articles that have it, the keys
    marked boilerplate): one query, one index seek a key (the table holds a week's keys, and a
    boilerplate key only its mark, so no key has more than BOILERPLATE rows)."""
    stored: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    boilerplate: set[int] = set()
    for key, article_id, feed_id, sort_key in connection.execute(
        "SELECT key, article_id, feed_id, sort_key FROM story_keys"
        " WHERE key IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted(keys)),),
    ):
        if article_id == BOILERPLATE_MARK:
            boilerplate.add(key)
        else:
            stored[key].append((article_id, feed_id, sort_key))
    return stored, boilerplate


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


def _store_keys(
    connection: sqlite3.Connection,
    articles: Sequence[NewArticle],
    boilerplate: set[int],
    now_boilerplate: set[int],
) -> None:
    """Store the keys of `articles`, but those already marked boilerplate; a key that became
    boilerplate in this write loses its rows for a mark (so the next write knows it in one row,
    and pruning forgets it a week after the newest article that had it)."""
    rows = [
        (key, article.sort_key, article.id, article.feed_id)
        for article in articles
        for key in article.keys
        if key not in boilerplate and key not in now_boilerplate
    ]
    if rows:
        connection.executemany(
            "INSERT OR IGNORE INTO story_keys(key, sort_key, article_id, feed_id)"
            " VALUES (?, ?, ?, ?)",
            rows,
        )
    if now_boilerplate:
        newest: dict[int, int] = {}
        for article in articles:
            for key in article.keys:
                if key in now_boilerplate:
                    newest[key] = max(newest.get(key, article.sort_key), article.sort_key)
        connection.executemany(
            "DELETE FROM story_keys WHERE key = ?", [(key,) for key in sorted(now_boilerplate)]
        )
        connection.executemany(
            "INSERT INTO story_keys(key, sort_key, article_id, feed_id) VALUES (?, ?, ?, 0)",
            [(key, sort_key, BOILERPLATE_MARK) for key, sort_key in sorted(newest.items())],
        )


def forget_keys(connection: sqlite3.Connection, before_micros: int) -> None:
    """Drop the keys (and boilerplate marks) of articles published before `before_micros`, and
    the keys of deleted articles."""
    connection.execute(
        "DELETE FROM story_keys WHERE sort_key < ?"
        " OR (article_id <> ? AND article_id NOT IN (SELECT id FROM articles))",
        (before_micros, BOILERPLATE_MARK),
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
