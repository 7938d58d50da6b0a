"""Articles prepared in a parse worker are stored exactly as plain ones, and new feeds go in
in batches: same rows, same blobs, same search index entries, ids in order."""

from __future__ import annotations

import pickle
import sqlite3
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from reader.core.backends.http import HttpBackend
from reader.core.feeds.parse import parse_feed
from reader.core.model import (
    Article,
    FeedConfig,
    FetchResult,
    PreparedArticle,
    Section,
    Validators,
)
from reader.core.refresh.parse_pool import FeedParser, ParseSettings, parse_for_store
from reader.core.refresh.pipeline import fetch_feed
from reader.core.store.codec import unpack
from reader.core.store.database import Store
from reader.core.store.prepare import compute_row_values, digest_of, prepare, row_values
from reader.core.store.search import article_words
from tests.support.feedserver import FeedServer

NOW = datetime(2026, 5, 4, 9, 30, tzinfo=UTC)
FEED = "http://127.0.0.1/henan.xml"
OTHER = "http://127.0.0.1/taipei.xml"

STORIES = (
    ("鄭州地鐵12號線開通運營", "<p>記者從鄭州地鐵獲悉，新線全長十八公里。</p>" * 6),
    ("台湾高铁加开班次", "<p>臺灣高鐵公司表示，連假期間每日加開 24 班 THSR 列車。</p>"),
    ("開封夜市 & 小吃", "<p>汴京灌湯包&amp;炒涼粉<br>遊客排隊品嚐</p><!-- 注释 -->"),
    ("洛陽牡丹文化節", ""),
)


def story(feed: str, number: int, *, title: str | None = None) -> Article:
    headline, body = STORIES[number % len(STORIES)]
    return Article(
        feed_url=feed,
        entry_id=f"{feed}#{number}",
        title=title or f"{headline}（{number}）",
        link=f"{feed}/{number}.html",
        author="記者 趙立新" if number % 2 else None,
        published=None if number == 3 else NOW - timedelta(hours=number),
        summary_html=body if number % 2 else "",
        content_html="" if number % 2 else body,
    )


def ok(feed: str, articles: tuple[Article, ...]) -> FetchResult:
    return FetchResult(feed, "ok", articles, Validators(etag='"v1"'), feed_title="測試")


def open_store(path: Path) -> Store:
    store = Store.open(path)
    store.sync_feeds([Section("要聞", (FeedConfig(FEED),))])
    return store


def snapshot(path: Path) -> tuple[list[tuple[object, ...]], ...]:
    """Every stored article row, body row and search index entry (term, article, offset)."""
    connection = sqlite3.connect(path)
    connection.execute(
        "CREATE VIRTUAL TABLE temp.words USING fts5vocab(main, article_fts, 'instance')"
    )
    articles = connection.execute(
        "SELECT id, feed_id, entry_id, section_id, sort_key, published, first_seen, title,"
        " link, author, digest FROM articles ORDER BY id"
    ).fetchall()
    bodies = connection.execute(
        "SELECT article_id, summary_html, content_html FROM article_bodies ORDER BY article_id"
    ).fetchall()
    words = connection.execute(
        "SELECT term, doc, offset FROM temp.words ORDER BY 1, 2, 3"
    ).fetchall()
    connection.close()
    return articles, bodies, words


def test_prepared_values_are_the_computed_ones_and_survive_pickling() -> None:
    article = story(FEED, 2)
    prepared = prepare(article)
    assert isinstance(prepared, PreparedArticle)
    assert prepared.stored == compute_row_values(article)
    assert prepared.stored.words == article_words(article.title, "", article.content_html).encode()
    assert row_values(article) == prepared.stored
    copied = pickle.loads(pickle.dumps(prepared))
    assert copied.stored == prepared.stored and copied == prepared
    assert prepare(prepared) is prepared


def test_prepared_article_ships_no_raw_html() -> None:
    # The packed body holds the HTML: a worker sending both would ship it twice.
    article = story(FEED, 0)  # long enough to be stored deflated
    prepared = prepare(article)
    assert not hasattr(prepared, "summary_html") and not hasattr(prepared, "content_html")
    body = (article.summary_html or article.content_html).encode()
    assert body and body not in pickle.dumps(prepared)
    assert unpack(prepared.stored.summary_blob or prepared.stored.content_blob) == (
        article.summary_html or article.content_html
    )


def test_prepared_and_plain_articles_are_stored_identically(tmp_path: Path) -> None:
    plain_path, prepared_path = tmp_path / "plain.sqlite3", tmp_path / "prepared.sqlite3"
    first = tuple(story(FEED, n) for n in range(9))
    # The second fetch changes one article, keeps the rest, and adds two.
    second = (
        replace(first[0], title="鄭州地鐵12號線開通首日"),
        *first[1:],
        story(FEED, 9),
        story(FEED, 10),
    )
    for path, transform in ((plain_path, lambda a: a), (prepared_path, prepare)):
        with open_store(path) as store:
            assert store.record_fetch(ok(FEED, tuple(map(transform, first))), NOW) == 9
            assert (
                store.record_fetch(ok(OTHER, tuple(map(transform, (story(OTHER, 4),)))), NOW) == 1
            )
            later = NOW + timedelta(minutes=5)
            assert store.record_fetch(ok(FEED, tuple(map(transform, second))), later) == 2
    assert snapshot(plain_path) == snapshot(prepared_path)
    with Store.open(prepared_path) as store:
        assert [hit.title for hit in store.search("开通首日")] == ["鄭州地鐵12號線開通首日"]
        assert len(store.search("臺灣高鐵")) == 3
        assert len(store.search("THSR")) == 3


def test_new_articles_take_ids_in_order_after_the_largest(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    with open_store(path) as store:
        store.record_fetch(ok(OTHER, (story(OTHER, 0), story(OTHER, 1))), NOW)
        batch = tuple(prepare(story(FEED, n)) for n in range(5))
        # A feed repeating an id: the first copy is kept, the repeat takes no id.
        repeated = replace(batch[2], title="重複的條目")
        assert store.record_fetch(ok(FEED, (*batch, repeated)), NOW) == 5
    articles, bodies, _ = snapshot(path)
    assert [row[0] for row in articles] == [1, 2, 3, 4, 5, 6, 7]
    assert [row[2] for row in articles[2:]] == [article.entry_id for article in batch]
    assert "重複的條目" not in [row[7] for row in articles]
    assert [row[0] for row in bodies] == [1, 2, 3, 4, 5, 6, 7]


def test_unchanged_prepared_article_costs_no_writes(tmp_path: Path) -> None:
    with open_store(tmp_path / "cache.sqlite3") as store:
        articles = tuple(story(FEED, n) for n in range(4))
        store.record_fetch(ok(FEED, articles), NOW)
        before = store._database.connection.total_changes
        assert store.record_fetch(ok(FEED, tuple(map(prepare, articles))), NOW) == 0
        # Only the feed's own row (status, time, validators) is written.
        assert store._database.connection.total_changes - before == 1


def rss_body() -> bytes:
    items = "".join(
        f"<item><title>{title}</title><guid>g{n}</guid><link>http://127.0.0.1/{n}</link>"
        f"<description><![CDATA[{body}]]></description></item>"
        for n, (title, body) in enumerate(STORIES)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>河南</title>'
        f"{items}</channel></rss>"
    ).encode()


def test_parse_for_store_prepares_every_article() -> None:
    parsed = parse_for_store(rss_body(), FEED)
    plain = parse_feed(rss_body(), FEED).articles
    assert len(parsed.articles) == len(plain) == len(STORIES)
    for article, original in zip(parsed.articles, plain, strict=True):
        assert isinstance(article, PreparedArticle)
        assert article.stored == compute_row_values(original)


async def test_refresh_prepares_only_feeds_never_stored(feed_server: FeedServer) -> None:
    url = feed_server.add("/henan.xml", rss_body(), content_type="application/rss+xml")
    parser = FeedParser(ParseSettings())
    async with HttpBackend().session() as session:
        cold = await fetch_feed(session, parser, url, Validators())
        # A known feed whose body changed: most articles are stored already, so the store
        # computes values only for the new ones.
        known = await fetch_feed(session, parser, url, Validators(body_hash="an older body"))
    assert cold.status == known.status == "ok"
    assert all(isinstance(article, PreparedArticle) for article in cold.articles)
    assert not any(isinstance(article, PreparedArticle) for article in known.articles)
    assert [a.entry_id for a in cold.articles] == [a.entry_id for a in known.articles]


def test_record_fetches_writes_several_feeds_in_one_transaction(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    with open_store(path) as store:
        store.record_fetch(ok(FEED, (story(FEED, 0),)), NOW)
        results = [
            ok(FEED, tuple(prepare(story(FEED, n)) for n in range(3))),
            FetchResult(OTHER, "failed", error="HTTP 503 Service Unavailable"),
            ok("http://127.0.0.1/luoyang.xml", (story("http://127.0.0.1/luoyang.xml", 1),)),
        ]
        assert store.record_fetches(results, NOW) == [2, 0, 1]
        assert store.record_fetches([], NOW) == []
        other = store.feed_state(OTHER)
        assert other is not None and other.last_error == "HTTP 503 Service Unavailable"
    articles, bodies, words = snapshot(path)
    assert [row[0] for row in articles] == [1, 2, 3, 4]
    assert len(bodies) == 4 and {doc for _, doc, _ in words} == {1, 2, 3, 4}


def test_digest_given_is_used_and_values_match() -> None:
    article = story(OTHER, 5)
    values = row_values(article, digest_of(article))
    assert values == compute_row_values(article)
    assert digest_of(prepare(article)) == values.digest
