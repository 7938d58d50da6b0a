"""The refresh's speed-ups keep its results: writes on a writer thread, parsing in a process
pool, and the one-pass search words (same tokens as the per-run regex they replaced)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from reader.core.backends.http import HttpBackend
from reader.core.model import FeedConfig, Section
from reader.core.refresh.parse_pool import ParseSettings
from reader.core.refresh.pipeline import refresh_feeds
from reader.core.store.database import Store
from tests.support.feedserver import FeedServer

CITIES = ("鄭州", "洛陽", "開封", "高雄", "香港", "深圳")
THINGS = ("地鐵新線通車", "夜市延長營業", "圖書館擴建完工", "港口貨運創新高")


def city_feed(number: int, items: int) -> str:
    """An RSS feed of `items` short stories for feed `number`."""
    entries = []
    for index in range(items):
        city = CITIES[(number + index) % len(CITIES)]
        title = f"{city}{THINGS[index % len(THINGS)]}（{number}-{index}）"
        body = f"<p>本報訊：{title}，市民反應熱烈。</p><p>第{number}號來源第{index}則。</p>"
        entries.append(
            f"<item><title>{escape(title)}</title><guid>feed{number}-item{index}</guid>"
            f"<link>http://127.0.0.1/{number}/{index}.html</link>"
            f"<pubDate>Mon, 02 Nov 2026 0{index % 10}:00:00 +0800</pubDate>"
            f"<description>{escape(body)}</description></item>"
        )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>城市快訊 {number}</title><language>zh-TW</language>"
        + "".join(entries)
        + "</channel></rss>"
    )


def serve_feeds(feed_server: FeedServer, feeds: int, items: int) -> list[FeedConfig]:
    return [
        FeedConfig(feed_server.add(f"/city{n}.xml", city_feed(n, items), etag=f'"c{n}"'))
        for n in range(feeds)
    ]


async def refresh_into(path: Path, feeds: list[FeedConfig], parsing: ParseSettings):  # type: ignore[no-untyped-def]
    store = Store.open(path)
    store.sync_feeds([Section("城市", tuple(feeds))])
    summary = await refresh_feeds(store, HttpBackend(), feeds, concurrency=6, parsing=parsing)
    titles = sorted(item.title for item in store.listings(None, limit=1000))
    return store, summary, titles


async def test_many_feeds_at_once_count_and_store_every_article(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    feeds = serve_feeds(feed_server, feeds=15, items=7)
    store, summary, titles = await refresh_into(tmp_path / "c.sqlite3", feeds, ParseSettings())
    try:
        assert summary.new_articles == 15 * 7
        assert len(titles) == 15 * 7
        assert summary.received == {feed.url: 7 for feed in feeds}
        assert [r.url for r in summary.results] == [feed.url for feed in feeds]
        # The summary does not hold the articles: they are in the cache.
        assert all(result.status == "ok" and result.articles == () for result in summary.results)
        again = await refresh_feeds(store, HttpBackend(), feeds, concurrency=6)
        assert again.new_articles == 0 and len(again.not_modified) == 15
    finally:
        store.close()


async def test_process_pool_parsing_stores_the_same_articles(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    feeds = serve_feeds(feed_server, feeds=6, items=5)
    threaded, _, thread_titles = await refresh_into(tmp_path / "t.sqlite3", feeds, ParseSettings())
    pooled, summary, pool_titles = await refresh_into(
        tmp_path / "p.sqlite3", feeds, ParseSettings(processes=2)
    )
    try:
        assert summary.new_articles == 30
        assert pool_titles == thread_titles and len(pool_titles) == 30
        assert [item.id for item in pooled.search("洛陽")] != []
        assert len(pooled.search("洛阳")) == len(threaded.search("洛陽")) > 0
    finally:
        threaded.close()
        pooled.close()


async def test_feeds_written_together_each_count_and_report_once(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    # Many small feeds at high concurrency: several wait for the writer at once and are
    # written in one transaction, yet each feed's count and progress call stay its own.
    feeds = serve_feeds(feed_server, feeds=40, items=3)
    feeds.append(FeedConfig(feed_server.add("/gone.xml", "", status=404)))
    store = Store.open(tmp_path / "c.sqlite3")
    store.sync_feeds([Section("城市", tuple(feeds))])
    reported: list[tuple[int, int, str]] = []
    try:
        summary = await refresh_feeds(
            store,
            HttpBackend(),
            feeds,
            concurrency=20,
            progress=lambda done, total, result: reported.append((done, total, result.url)),
        )
        assert summary.new_articles == 40 * 3
        assert [done for done, _, _ in reported] == list(range(1, 42))
        assert {url for _, _, url in reported} == {feed.url for feed in feeds}
        assert [r.status for r in summary.results] == ["ok"] * 40 + ["failed"]
        assert store.unread_counts() == {"城市": 40 * 3}
        assert len(store.listings(None, limit=1000)) == 40 * 3
    finally:
        store.close()


async def test_cancelled_refresh_keeps_what_was_written(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    feeds = serve_feeds(feed_server, feeds=30, items=4)
    store = Store.open(tmp_path / "c.sqlite3")
    store.sync_feeds([Section("城市", tuple(feeds))])
    first_stored = asyncio.Event()
    try:
        task = asyncio.create_task(
            refresh_feeds(
                store,
                HttpBackend(),
                feeds,
                concurrency=10,
                progress=lambda done, total, result: first_stored.set(),
            )
        )
        await asyncio.wait_for(first_stored.wait(), timeout=30)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(task, timeout=30)
        # Whole feeds only: every stored feed has all four of its articles.
        per_feed: dict[str, int] = {}
        for item in store.listings(None, limit=1000):
            per_feed[item.feed_url] = per_feed.get(item.feed_url, 0) + 1
        assert per_feed and set(per_feed.values()) == {4}
        # The cache still takes writes afterwards.
        again = await refresh_feeds(store, HttpBackend(), feeds, concurrency=10)
        assert again.new_articles == 30 * 4 - sum(per_feed.values())
    finally:
        store.close()


_WORKER_INHERITS = """
import sys
from reader.core.refresh.parse_pool import LazyProcessPool

def loaded():
    return "feedparser" in sys.modules

assert "feedparser" not in sys.modules
pool = LazyProcessPool(2)
print(pool.submit(loaded).result())
pool.shutdown()
"""


def test_parse_workers_start_with_feedparser_already_imported() -> None:
    # The fast path calls feedparser's helpers: imported once before the fork, not by every
    # worker on its first feed.
    done = subprocess.run(
        [sys.executable, "-c", _WORKER_INHERITS], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "True"
