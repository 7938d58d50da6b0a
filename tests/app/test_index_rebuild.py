"""A search index rebuild in the background: the cache opens at once, and writes made while
articles still wait for the index (updates, prunes, new articles) leave it exactly right."""

from __future__ import annotations

import json
import re
import sqlite3
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from textual.widgets import Static

from reader.core.model import Article, FeedConfig, FetchResult, Section, Validators
from reader.core.paths import default_paths
from reader.core.store import reindex as store_index
from reader.core.store.codec import unpack
from reader.core.store.database import Store
from reader.core.store.search import article_words
from tests.hostile.harness import rss, rss_item, run_cli, write_config
from tests.support.app import build_app, quiet_library, settle
from tests.support.feedserver import FeedServer

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
FEED = "http://127.0.0.1/rebuild.xml"
TOKEN = re.compile("[0-9a-z\u0080-\U0010ffff]+")
PLACES = ("鄭州", "洛陽", "開封", "臺北", "香港", "上海")


def article(number: int, title: str | None = None, *, days_ago: float = 0) -> Article:
    place = PLACES[number % len(PLACES)]
    return Article(
        FEED,
        f"e{number}",
        title or f"{place}新聞第{number}號",
        published=NOW - timedelta(days=days_ago, minutes=number),
        content_html=f"<p>{place}的第{number}篇報道，Metro {number}。</p>",
    )


def fetch(store: Store, articles: list[Article], etag: str) -> None:
    store.record_fetch(FetchResult(FEED, "ok", tuple(articles), Validators(etag=etag)), NOW)


def index_terms(store: Store) -> Counter[tuple[str, int]]:
    """(term, documents) pairs the index holds, from FTS5's own vocabulary."""
    connection = store._database.connection
    connection.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab USING fts5vocab(main, article_fts, 'row')"
    )
    return Counter(
        {(term, docs): count for term, docs, count in connection.execute("SELECT * FROM vocab")}
    )


def expected_terms(store: Store) -> Counter[tuple[str, int]]:
    """The same, computed from the articles stored: what a correct index must hold."""
    docs: Counter[str] = Counter()
    counts: Counter[str] = Counter()
    rows = store._database.connection.execute(
        "SELECT a.title, b.summary_html, b.content_html FROM articles AS a"
        " JOIN article_bodies AS b ON b.article_id = a.id"
    )
    for title, summary, content in rows:
        text = article_words(title, unpack(summary) or "", unpack(content) or "").lower()
        words = TOKEN.findall(text)  # as the ascii tokenizer splits: at spaces and punctuation
        counts.update(words)
        docs.update(set(words))
    return Counter({(term, docs[term]): count for term, count in counts.items()})


def stale_index(path: Path) -> None:
    """Make the file look written by an older reader: its index must be built again."""
    raw = sqlite3.connect(path)
    raw.execute("UPDATE meta SET value = '1' WHERE key = 'index_text_version'")
    raw.commit()
    raw.close()


def test_rebuild_runs_in_steps_and_ends_with_the_right_index(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    store = Store.open(path)
    store.sync_feeds([Section("要聞", (FeedConfig(FEED),))])
    fetch(store, [article(n) for n in range(30)], '"1"')
    complete = index_terms(store)
    assert complete == expected_terms(store)
    store.close()
    stale_index(path)

    store = Store.open(path)
    assert store.index_backlog() == 30
    assert store.search("鄭州") == []  # not yet: nothing is indexed
    left = [store.catch_up_index(batch=8) for _ in range(4)]
    assert left == [22, 14, 6, 0]
    assert store.catch_up_index() == 0 and store.index_backlog() == 0
    assert index_terms(store) == complete
    assert len(store.search("郑州")) == 5
    store.close()


def test_writes_during_a_rebuild_keep_the_index_exact(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    old = {0, 1, 3, 12, 13}  # ids 1, 2, 4 (indexed first) and 13, 14 (still waiting)

    def dated(number: int, title: str | None = None) -> Article:
        return article(number, title, days_ago=40 if number in old else 0)

    store = Store.open(path)
    store.sync_feeds([Section("要聞", (FeedConfig(FEED),))])
    fetch(store, [dated(n) for n in range(20)], '"1"')
    store.close()
    stale_index(path)

    store = Store.open(path)
    assert store.catch_up_index(batch=10) == 10  # ids 1-10 indexed, 11-20 still waiting
    # A changed article on each side of the line, new articles, and a prune on both sides.
    changed = [dated(n) for n in range(20)]
    changed[3] = dated(3, "第三號改成黃河治理")
    changed[15] = dated(15, "第十五號改成博物館開館")
    fetch(store, [*changed, dated(20), dated(21)], '"2"')
    # The indexed article's new words are in at once; the waiting one is left to the rebuild
    # (indexing it now too would put it in twice).
    assert [listing.title for listing in store.search("黃河")] == ["第三號改成黃河治理"]
    assert store.search("博物館") == []
    assert store.prune(max_age_days=3650, max_per_feed=17, now=NOW) == 5
    assert store.catch_up_index(batch=100) == 0
    store._database.connection.execute(
        "INSERT INTO article_fts(article_fts) VALUES ('integrity-check')"
    )
    assert index_terms(store) == expected_terms(store)
    assert [listing.title for listing in store.search("博物館")] == ["第十五號改成博物館開館"]
    assert store.search("黃河") == []  # article 3 was old, and pruned
    assert len(store.search("metro")) == 17
    store.close()


def test_a_cache_that_never_needed_a_rebuild_has_no_backlog(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "cache.sqlite3")
    assert store.index_backlog() == 0 and store.catch_up_index() == 0
    store.close()


def stale_cache_through_the_cli(tmp_path: Path, feed_server: FeedServer) -> list[str]:
    """A config over one served feed, fetched once, then its index made stale."""
    items = "".join(
        rss_item(f"{PLACES[n % len(PLACES)]}新聞第{n}號", f"<p>第{n}篇</p>", n) for n in range(12)
    )
    url = feed_server.add("/stale.xml", rss("舊", [items]))
    options = ["--config", str(write_config(tmp_path / "config.toml", [url]))]
    assert run_cli("fetch", *options)[0] == 0
    stale_index(default_paths().database)
    return options


def test_cli_search_finishes_a_rebuild_first_and_says_so(
    tmp_path: Path, feed_server: FeedServer
) -> None:
    options = stale_cache_through_the_cli(tmp_path, feed_server)
    code, out, err = run_cli("search", "郑州", "--json", *options)
    assert code == 0
    assert "building the search index" in err and "12 articles" in err
    assert len(json.loads(out)) == 2
    code, out, err = run_cli("search", "洛阳", "--json", *options)
    assert err == "" and len(json.loads(out)) == 2  # once only


async def test_tui_rebuilds_the_index_after_the_first_paint(tmp_path: Path) -> None:
    sections = (Section("要聞", (FeedConfig(FEED),)),)
    library = quiet_library(tmp_path, sections)
    fetch(library.store, [article(n) for n in range(12)], '"1"')
    library.close()
    stale_index(library.paths.database)
    library = quiet_library(tmp_path, sections)
    assert library.store.index_backlog() == 12
    app = build_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert library.store.index_backlog() == 0
        messages = [notice.message for notice in app._notifications]
        assert app.t("index_rebuilt") in messages
        assert len(library.store.search("鄭州")) == 2
    library.close()


async def test_tui_search_says_when_results_are_incomplete(tmp_path: Path) -> None:
    sections = (Section("要聞", (FeedConfig(FEED),)),)
    library = quiet_library(tmp_path, sections)
    fetch(library.store, [article(n) for n in range(12)], '"1"')
    app = build_app(library)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        with library.store._database.write() as connection:  # a rebuild begins while the app runs
            store_index.start_rebuild(connection)
        await pilot.press("slash", *"metro", "enter")
        await settle(app, pilot)
        count = str(app.screen.query_one("#search-count", Static).render())
        assert count == app.t("search_none") + app.t("search_partial")
        library.store.catch_up_index()
        await pilot.press("enter")
        await settle(app, pilot)
        count = str(app.screen.query_one("#search-count", Static).render())
        assert count == app.t("search_count", count=12)
    library.close()
