"""The config's filter rules as SQL: hide and highlight are conditions added to the reads (so
they apply at once to what is cached and delete nothing); read and star mark new articles once,
in the transaction that first stores them."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta, tzinfo

from reader.core.model import Listing
from reader.core.store.connection import Database
from reader.core.store.outbox import queue_read, queue_starred
from reader.core.store.queries import compiled_query
from reader.core.store.query.compile import Condition, as_condition
from reader.core.store.query.rules import FilterAction, FilterRule

# A rule with a relative time (age:) is compiled again once its `now` is this old.
_RECOMPILE_AFTER = timedelta(minutes=1)


class FilterRules:
    """The rules of each action, compiled once into one condition per action (any rule of the
    action matches); safe to share between threads."""

    def __init__(
        self, rules: Sequence[FilterRule] = (), zone: tzinfo = UTC, database: Database | None = None
    ) -> None:
        self.zone = zone
        self._database = database  # where rare title words are looked up (None: never)
        self._queries: dict[FilterAction, list[str]] = {}
        for rule in rules:
            self._queries.setdefault(rule.action, []).append(rule.query)
        self._compiled: dict[FilterAction, tuple[datetime, Condition]] = {}

    def has(self, action: FilterAction) -> bool:
        return action in self._queries

    def condition(self, action: FilterAction, now: datetime | None = None) -> Condition | None:
        """What any rule of `action` matches (None: no rule has that action)."""
        queries = self._queries.get(action)
        if not queries:
            return None
        now = now or datetime.now(UTC)
        cached = self._compiled.get(action)
        timed = any("age:" in query for query in queries)
        if cached is not None and not (timed and abs(now - cached[0]) > _RECOMPILE_AFTER):
            return cached[1]
        # Compiled without a lock of our own: compiling may read the cache, and a writer that
        # holds the cache's lock may be waiting for these conditions. Two threads compiling at
        # once get equal conditions.
        parts = [
            as_condition(compiled_query(q, now=now, zone=self.zone, database=self._database))
            for q in queries
        ]
        sql = "(" + " OR ".join(part.sql for part in parts) + ")"
        condition = Condition(sql, tuple(value for part in parts for value in part.parameters))
        self._compiled[action] = (now, condition)
        return condition


def flagged(
    database: Database, listings: list[Listing], rules: FilterRules, *, hidden: bool
) -> list[Listing]:
    """The page with `highlighted` (and, with `hidden`, `hidden`) set by the rules: one query
    over the page's ids, nothing at all without such rules."""
    highlight = rules.condition("highlight")
    hide = rules.condition("hide") if hidden else None
    if not listings or (highlight is None and hide is None):
        return listings
    columns = [condition.sql if condition else "0" for condition in (hide, highlight)]
    parameters = [
        value for condition in (hide, highlight) if condition for value in condition.parameters
    ]
    ids = [listing.id for listing in listings]
    flags: dict[int, tuple[bool, bool]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        rows = database.read(
            f"SELECT a.id, {columns[0]}, {columns[1]} FROM articles AS a"
            f" WHERE a.id IN ({','.join('?' * len(chunk))})",
            (*parameters, *chunk),
        )
        flags.update((int(row[0]), (bool(row[1]), bool(row[2]))) for row in rows)
    return [
        replace(listing, hidden=flags[listing.id][0], highlighted=flags[listing.id][1])
        if listing.id in flags
        else listing
        for listing in listings
    ]


def mark_new_articles(
    connection: sqlite3.Connection, first_id: int, last_id: int, rules: FilterRules, now: datetime
) -> None:
    """Mark read and star the articles just stored with ids `first_id`..`last_id` that the read
    and star rules match (queued for the sync server like any mark); later refreshes never
    come back to them, so an article the user unmarks stays unmarked."""
    marks: tuple[tuple[FilterAction, str], ...] = (("read", "read"), ("star", "starred"))
    for action, column in marks:
        condition = rules.condition(action, now)
        if condition is None:
            continue
        ids = [
            int(row[0])
            for row in connection.execute(
                f"SELECT a.id FROM articles AS a WHERE a.id BETWEEN ? AND ? AND {condition.sql}",
                (first_id, last_id, *condition.parameters),
            )
        ]
        if not ids:
            continue
        connection.executemany(
            f"UPDATE articles SET {column} = 1 WHERE id = ?", [(id_,) for id_ in ids]
        )
        if column == "read":
            queue_read(connection, "id = ?", [(1, id_) for id_ in ids])
        else:
            for id_ in ids:
                queue_starred(connection, id_, True)
