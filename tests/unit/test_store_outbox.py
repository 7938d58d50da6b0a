"""The sync outbox: marks queue changes in their own transaction only once the cache syncs with a
server; sending forgets only what was sent; a waiting change wins over the server's state."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reader.core.model import Article, FeedConfig, FetchResult, Section
from reader.core.store.database import Store
from reader.core.store.migrations import outbox_added
from reader.core.store.outbox import PendingChange

FEED = "http://127.0.0.1/feed.xml"


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "cache.sqlite")
    store.sync_feeds([Section("要聞", (FeedConfig(FEED),))])
    articles = tuple(Article(FEED, str(server_id), f"新聞 {server_id}") for server_id in (7, 8, 9))
    store.record_fetch(FetchResult(FEED, "ok", articles), datetime.now(UTC))
    return store


def local_ids(store: Store) -> dict[str, int]:
    return {
        str(entry): int(local)
        for entry, local in store._database.read("SELECT entry_id, id FROM articles")
    }


def test_without_a_sync_server_marks_queue_nothing(store: Store) -> None:
    ids = local_ids(store)
    store.set_read([ids["7"]], True)
    store.set_starred(ids["8"], True)
    store.mark_section_read("要聞")
    assert store.pending_count() == 0


def test_marks_queue_the_last_wanted_state_per_article_and_field(store: Store) -> None:
    store.set_sync_service("ttrss")
    ids = local_ids(store)
    store.set_read([ids["7"]], True)
    store.set_read([ids["7"]], False)
    store.set_starred(ids["8"], True)
    assert store.pending_changes() == [
        PendingChange("7", read=False, starred=None),
        PendingChange("8", read=None, starred=True),
    ]
    assert store.mark_section_read("要聞") == 3
    assert {c.remote_id: c.read for c in store.pending_changes()} == {
        "7": True,
        "8": True,
        "9": True,
    }


def test_sent_changes_are_forgotten_but_a_newer_change_stays(store: Store) -> None:
    store.set_sync_service("fever")
    ids = local_ids(store)
    store.set_read([ids["7"], ids["8"]], True)
    taken = store.pending_changes()
    store.set_read([ids["8"]], False)  # made while the push was on its way
    store.changes_sent(taken)
    assert store.pending_changes() == [PendingChange("8", read=False, starred=None)]


def test_the_server_state_is_taken_except_where_a_change_waits(store: Store) -> None:
    store.set_sync_service("ttrss")
    ids = local_ids(store)
    store.set_starred(ids["9"], True)  # waits: the server does not know yet
    changed = store.apply_server_marks([FEED], unread={8, 9}, starred={7})
    assert changed == 1  # 8 is as the server says already; 9 waits
    states = {
        entry: (bool(read), bool(starred))
        for entry, read, starred in store._database.read(
            "SELECT entry_id, read, starred FROM articles"
        )
    }
    assert states == {"7": (True, True), "8": (False, False), "9": (False, True)}


def test_the_pull_cursor_and_service_are_kept_in_the_cache(store: Store, tmp_path: Path) -> None:
    store.set_sync_service("ttrss")
    store.set_sync_cursor(1234)
    store.close()
    again = Store.open(tmp_path / "cache.sqlite")
    assert (again.sync_service(), again.sync_cursor()) == ("ttrss", 1234)
    again.set_sync_service(None)
    assert again.sync_service() is None


def test_the_migration_adds_the_outbox_table_alone(tmp_path: Path) -> None:
    connection = sqlite3.connect(tmp_path / "old.sqlite")
    outbox_added(connection)
    columns = [row[1] for row in connection.execute("PRAGMA table_info(sync_outbox)")]
    assert columns == ["remote_id", "read", "starred"]
