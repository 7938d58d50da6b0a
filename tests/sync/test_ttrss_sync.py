"""Sync with a real, private Tiny Tiny RSS: two readers on one account, marks made by another
client, marks made while the server cannot be reached, paging, and the CLI."""

from __future__ import annotations

import io
import json
from pathlib import Path

from reader.cli.main import main
from reader.core.backends.ttrss import TtrssSource
from reader.core.library import Library
from reader.core.refresh.sync import sync_with_server
from tests.support.feedserver import FeedServer
from tests.support.ttrss import OtherClient, TtrssServer
from tests.sync.conftest import news_feed, sync_library


def by_server_id(library: Library, feed_url: str) -> dict[int, int]:
    """Server article id -> this reader's article id, for one feed."""
    rows = library.store._database.read(
        "SELECT a.entry_id, a.id FROM articles AS a JOIN feeds AS f ON f.id = a.feed_id"
        " WHERE f.url = ?",
        (feed_url,),
    )
    return {int(entry): int(local) for entry, local in rows}


def local_state(library: Library, article_id: int) -> tuple[bool, bool]:
    stored = library.store.article(article_id)
    assert stored is not None
    return stored.listing.read, stored.listing.starred


def test_two_readers_see_each_others_read_and_star_marks(
    two_readers: tuple[Library, Library], other_client: OtherClient, sync_feeds: FeedServer
) -> None:
    url = news_feed(sync_feeds, 4)
    feed_id = other_client.subscribe(url)
    server_ids = other_client.article_ids(feed_id)
    assert len(server_ids) == 4
    first, second = two_readers
    first.refresh()
    second.refresh()
    assert first.last_sync is not None and first.last_sync.error is None
    ids_one, ids_two = by_server_id(first, url), by_server_id(second, url)
    assert sorted(ids_one) == server_ids == sorted(ids_two)
    assert first.store.feed_state(url) is not None

    a, b = server_ids[0], server_ids[1]
    first.store.set_read([ids_one[a]], True)
    first.store.set_starred(ids_one[b], True)
    assert first.store.pending_count() == 2
    first.refresh()
    assert first.last_sync is not None and first.last_sync.pushed == 2
    assert first.store.pending_count() == 0
    assert other_client.state(a) == (True, False) and other_client.state(b) == (False, True)

    second.refresh()
    assert local_state(second, ids_two[a]) == (True, False)
    assert local_state(second, ids_two[b]) == (False, True)

    # And back the other way: the second reader undoes both, the first sees it.
    second.store.set_read([ids_two[a]], False)
    second.store.set_starred(ids_two[b], False)
    second.refresh()
    first.refresh()
    assert local_state(first, ids_one[a]) == (False, False)
    assert local_state(first, ids_one[b]) == (False, False)


def test_a_mark_made_by_another_client_arrives_at_the_next_fetch(
    two_readers: tuple[Library, Library], other_client: OtherClient, sync_feeds: FeedServer
) -> None:
    url = news_feed(sync_feeds, 3)
    server_ids = other_client.article_ids(other_client.subscribe(url))
    reader, _ = two_readers
    reader.refresh()
    local = by_server_id(reader, url)
    assert local_state(reader, local[server_ids[2]]) == (False, False)
    other_client.mark(server_ids[2], read=True, starred=True)
    reader.refresh()
    assert local_state(reader, local[server_ids[2]]) == (True, True)


def test_marks_made_while_the_server_is_down_wait_and_win_once_it_is_back(
    tmp_path: Path, ttrss: TtrssServer, other_client: OtherClient, sync_feeds: FeedServer
) -> None:
    url = news_feed(sync_feeds, 3)
    server_ids = other_client.article_ids(other_client.subscribe(url))
    folder = tmp_path / "reader"
    reader = sync_library(folder, ttrss.url, ttrss.user, ttrss.password)
    reader.refresh()
    local = by_server_id(reader, url)
    reader.close()

    # The same cache, the server unreachable (a closed loopback port).
    offline = sync_library(folder, "http://127.0.0.1:9/", ttrss.user, ttrss.password)
    offline.store.set_read([local[server_ids[0]]], True)
    offline.store.set_starred(local[server_ids[1]], True)
    summary = offline.refresh()
    assert offline.last_sync is not None and "unreachable" in (offline.last_sync.error or "")
    assert offline.last_sync.pending == 2 and len(summary.failed) == 1
    # Meanwhile another client says otherwise; the waiting local change must win.
    other_client.mark(server_ids[1], starred=False, read=True)
    offline.close()

    back = sync_library(folder, ttrss.url, ttrss.user, ttrss.password)
    try:
        assert back.store.pending_count() == 2  # kept across closing (and a crash: one commit)
        back.refresh()
        assert back.last_sync is not None and back.last_sync.pushed == 2
        assert back.store.pending_count() == 0
        assert other_client.state(server_ids[0])[0] is True
        assert other_client.state(server_ids[1])[1] is True
        assert local_state(back, local[server_ids[1]]) == (True, True)
    finally:
        back.close()


def test_paging_brings_every_article_and_an_empty_sync_brings_none(
    tmp_path: Path, ttrss: TtrssServer, other_client: OtherClient, sync_feeds: FeedServer
) -> None:
    url = news_feed(sync_feeds, 25)
    server_ids = other_client.article_ids(other_client.subscribe(url))
    reader = sync_library(tmp_path / "r", ttrss.url, ttrss.user, ttrss.password)
    source = TtrssSource(ttrss.url, ttrss.user, ttrss.password, page=4)
    try:
        _, report = sync_with_server(reader.store, source, None)
        assert report.error is None
        assert sorted(by_server_id(reader, url)) == server_ids
        _, again = sync_with_server(reader.store, source, None)
        assert again.error is None and again.pulled == 0
    finally:
        source.close()
        reader.close()


def write_config(path: Path, url: str, user: str, password: str, service: str = "ttrss") -> None:
    path.write_text(
        f'[sync]\nservice = "{service}"\nurl = "{url}"\nuser = "{user}"\npassword = "{password}"\n',
        encoding="utf-8",
    )


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def test_fetch_json_sections_add_and_remove_through_the_cli(
    tmp_path: Path, ttrss: TtrssServer, other_client: OtherClient, sync_feeds: FeedServer
) -> None:
    config = tmp_path / "config.toml"
    write_config(config, ttrss.url, ttrss.user, ttrss.password)
    url = news_feed(sync_feeds, 2, title="命令列")
    code, out, err = run("--config", str(config), "add", url, "--section", "沒有這個分類")
    assert code == 0, err
    assert "subscribed" in out and "uncategorised" in out
    other_client.call(
        "updateFeed",
        feed_id=next(
            f["id"] for f in other_client.call("getFeeds", cat_id=-3) if f["feed_url"] == url
        ),
    )
    code, out, err = run("--config", str(config), "fetch", "--json")
    assert code == 0, err
    report = json.loads(out)["sync"]
    assert report["service"] == "ttrss" and report["pending"] == 0 and report["pulled"] >= 2
    assert ttrss.password not in out
    code, out, _ = run("--config", str(config), "sections")
    assert code == 0 and out.startswith(f"synced with ttrss at {ttrss.url}")
    assert url in out
    code, out, _ = run("--config", str(config), "export")
    assert code == 0 and f'xmlUrl="{url}"' in out
    code, out, err = run("--config", str(config), "remove", url)
    assert code == 0, err
    assert url not in {f["feed_url"] for f in other_client.call("getFeeds", cat_id=-3)}


def test_a_wrong_password_fails_fetch_with_one_line(tmp_path: Path, ttrss: TtrssServer) -> None:
    config = tmp_path / "config.toml"
    write_config(config, ttrss.url, ttrss.user, "not-the-password-XYZ")
    code, out, err = run("--config", str(config), "fetch")
    assert code == 1
    assert err.strip().splitlines() == [
        "sync failed: tt-rss refused the login (user or password wrong)"
    ]
    assert "not-the-password-XYZ" not in out + err


def test_push_changes_sends_waiting_marks_without_a_pull(
    tmp_path: Path, ttrss: TtrssServer, other_client: OtherClient, sync_feeds: FeedServer
) -> None:
    url = news_feed(sync_feeds, 2)
    server_ids = other_client.article_ids(other_client.subscribe(url))
    reader = sync_library(tmp_path / "r", ttrss.url, ttrss.user, ttrss.password)
    try:
        reader.refresh()
        local = by_server_id(reader, url)
        reader.store.set_starred(local[server_ids[0]], True)
        report = reader.push_changes()
        assert (report.error, report.pushed, report.pending) == (None, 1, 0)
        assert other_client.state(server_ids[0]) == (False, True)
    finally:
        reader.close()
