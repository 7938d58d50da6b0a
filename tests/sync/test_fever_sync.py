"""Sync with a real Fever server (coldsweat): two readers see each other's read and star marks,
and a mark made while the server is unreachable reaches it once it is back."""

from __future__ import annotations

from pathlib import Path

from reader.core.library import Library
from tests.support.feedserver import FeedServer
from tests.support.fever import FeverServer
from tests.sync.conftest import news_feed, sync_library
from tests.sync.test_ttrss_sync import by_server_id, local_state


def fever_reader(folder: Path, server: FeverServer, url: str | None = None) -> Library:
    return sync_library(folder, url or server.url, server.user, server.password, "fever")


def test_two_fever_readers_see_each_others_marks_and_offline_marks_wait(
    tmp_path: Path, fever: FeverServer, sync_feeds: FeedServer
) -> None:
    url = news_feed(sync_feeds, 3, title="費沃")
    fever.subscribe([url], "測試組")
    first = fever_reader(tmp_path / "one", fever)
    second = fever_reader(tmp_path / "two", fever)
    try:
        first.refresh()
        second.refresh()
        assert first.last_sync is not None and first.last_sync.error is None
        assert "測試組" in first.store.sections()
        ids_one, ids_two = by_server_id(first, url), by_server_id(second, url)
        assert len(ids_one) == 3 and sorted(ids_one) == sorted(ids_two)
        a, b, c = sorted(ids_one)

        first.store.set_read([ids_one[a]], True)
        first.store.set_starred(ids_one[b], True)
        first.refresh()
        assert first.last_sync is not None and first.last_sync.pushed == 2
        second.refresh()
        assert local_state(second, ids_two[a]) == (True, False)
        assert local_state(second, ids_two[b]) == (False, True)
        second.close()

        # The second reader offline: its mark waits, then reaches the first through the server.
        offline = fever_reader(tmp_path / "two", fever, "http://127.0.0.1:9/fever/")
        offline.store.set_read([ids_two[c]], True)
        offline.refresh()
        assert offline.last_sync is not None and offline.last_sync.pending == 1
        offline.close()
        second = fever_reader(tmp_path / "two", fever)
        second.refresh()
        assert second.last_sync is not None and second.last_sync.pushed == 1
        first.refresh()
        assert local_state(first, ids_one[c]) == (True, False)
    finally:
        first.close()
        second.close()
