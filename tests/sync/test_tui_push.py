"""The TUI pushes marks to the sync server soon after they are made, and says what still waits."""

from __future__ import annotations

from pathlib import Path

from reader.core.library import Library
from reader.ui.widgets.status_line import StatusLine
from tests.support.app import build_app, settle
from tests.support.feedserver import FeedServer
from tests.support.ttrss import OtherClient, TtrssServer
from tests.sync.conftest import news_feed, sync_library
from tests.sync.test_ttrss_sync import by_server_id


def all_server_ids(library: Library) -> dict[int, int]:
    """Server article id -> this reader's article id, for every synced article."""
    rows = library.store._database.read("SELECT entry_id, id FROM articles")
    return {int(entry): int(local) for entry, local in rows}


def starred_ids(library: Library) -> set[int]:
    return {i.id for i in library.store.listings(None, starred_only=True, limit=10_000)}


def starred_server_ids(library_ids: dict[int, int], starred_local: set[int]) -> set[int]:
    return {server for server, local in library_ids.items() if local in starred_local}


async def test_a_star_made_in_the_tui_reaches_the_server_and_waits_while_it_is_down(
    tmp_path: Path, ttrss: TtrssServer, other_client: OtherClient, sync_feeds: FeedServer
) -> None:
    url = news_feed(sync_feeds, 3, title="推送測試")
    other_client.subscribe(url)
    folder = tmp_path / "reader"
    reader = sync_library(folder, ttrss.url, ttrss.user, ttrss.password)
    reader.refresh()
    # The server is shared by the session's sync tests: other feeds may hold starred articles.
    ids = all_server_ids(reader)
    assert set(by_server_id(reader, url)) <= set(ids)
    before = starred_ids(reader)
    try:
        app = build_app(reader)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            await pilot.press("s")  # star the highlighted article
            await settle(app, pilot)
            starred = starred_ids(reader) - before
            assert len(starred) == 1 and reader.store.pending_count() == 1
            app.push_waiting_changes()  # what the app's timer runs every few seconds
            await settle(app, pilot)
            assert reader.store.pending_count() == 0
            (server_id,) = starred_server_ids(ids, starred)
            assert other_client.state(server_id)[1] is True
            assert "同步" not in str(app.screen.query_one(StatusLine).render())
    finally:
        reader.close()

    offline = sync_library(folder, "http://127.0.0.1:9/", ttrss.user, ttrss.password)
    try:
        app = build_app(offline)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            await pilot.press("j", "s")  # star the next article too
            await settle(app, pilot)
            app.push_waiting_changes()
            await settle(app, pilot)
            assert offline.store.pending_count() == 1  # kept: the server cannot be reached
            assert "1 項變更待同步" in str(app.screen.query_one(StatusLine).render())
    finally:
        offline.close()
