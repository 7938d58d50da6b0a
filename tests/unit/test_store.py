"""The SQLite cache against real files in tmp_path: upserts, state, paging, search, safety."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from reader.core.model import Article, FeedConfig, FetchResult, PageMeta, Section, Validators
from reader.core.script.fold import FOLD_VERSION
from reader.core.store.connection import Database, move_aside
from reader.core.store.database import Store
from reader.core.store.errors import CorruptDatabaseError, NewerSchemaError, StoreError
from reader.core.store.schema import SCHEMA_VERSION, migrate

NOW = datetime(2026, 3, 17, 8, 41, 51, tzinfo=UTC)
NEWS = "http://127.0.0.1/news.xml"
CITY = "http://127.0.0.1/city.xml"
MONEY = "http://127.0.0.1/money.xml"


def make_article(
    feed: str, entry: str, title: str, *, hours_ago: float | None = 1.0, text: str = ""
) -> Article:
    published = None if hours_ago is None else NOW - timedelta(hours=hours_ago)
    return Article(
        feed_url=feed,
        entry_id=entry,
        title=title,
        link=f"{feed}/{entry}",
        author="記者 石麗敏",
        published=published,
        summary_html=f"<p>{title}</p>",
        content_html=f"<p>{text}</p>",
    )


def ok(feed: str, *articles: Article, etag: str = '"1"', title: str | None = None) -> FetchResult:
    return FetchResult(
        url=feed,
        status="ok",
        articles=articles,
        validators=Validators(etag=etag, last_modified="Tue, 17 Mar 2026"),
        feed_title=title,
        language="zh-TW",
    )


SECTIONS = [
    Section("要聞", (FeedConfig(NEWS, title="河南日報要聞"),)),
    Section("城市", (FeedConfig(CITY),)),
    Section("金融", (FeedConfig(MONEY),)),
]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store.open(tmp_path / "data" / "cache.sqlite3")
    opened.sync_feeds(SECTIONS)
    yield opened
    opened.close()


def ids(listings: list) -> list[int]:
    return [listing.id for listing in listings]


# ---- opening, schema, corruption ------------------------------------------------------------


def test_open_creates_file_in_wal_mode_with_schema_version(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "cache.sqlite3"
    Store.open(path).close()
    connection = sqlite3.connect(path)
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert connection.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    connection.close()


def test_newer_schema_is_refused_without_touching_the_file(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    Store.open(path).close()
    connection = sqlite3.connect(path)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    connection.close()
    before = path.read_bytes()
    mtime = path.stat().st_mtime_ns
    with pytest.raises(NewerSchemaError) as raised:
        Store.open(path)
    assert isinstance(raised.value, StoreError)
    assert str(path) in str(raised.value)
    assert path.read_bytes() == before
    assert path.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache.sqlite3"]


def test_garbage_file_is_corrupt_and_move_aside_keeps_its_bytes(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    garbage = "這不是資料庫 not a database at all\x00\x01".encode() * 50
    path.write_bytes(garbage)
    (tmp_path / "cache.sqlite3-wal").write_bytes(b"wal leftovers")
    with pytest.raises(CorruptDatabaseError):
        Store.open(path)
    assert path.read_bytes() == garbage
    moved = move_aside(path)
    assert not path.exists() and not (tmp_path / "cache.sqlite3-wal").exists()
    assert moved.read_bytes() == garbage
    assert moved.with_name(moved.name + "-wal").read_bytes() == b"wal leftovers"
    assert moved.name.startswith("cache.sqlite3.bad-")
    fresh = Store.open(path)  # a fresh cache in its place
    assert fresh.sections() == []
    fresh.close()
    second = tmp_path / "cache.sqlite3"
    second.write_bytes(b"junk")
    assert move_aside(second) != moved  # same second: a distinct name, nothing overwritten


def test_truncated_file_fails_quick_check(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    store = Store.open(path)
    store.sync_feeds(SECTIONS)
    body = "鄭州" * 2000
    store.record_fetch(
        ok(NEWS, *(make_article(NEWS, f"e{i}", f"標題{i}", text=body) for i in range(40))), NOW
    )
    store.close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(CorruptDatabaseError):
        Store.open(path, quick_check=True)


def test_tables_without_our_schema_are_not_taken_over(tmp_path: Path) -> None:
    path = tmp_path / "someone-else.sqlite3"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE notes (body TEXT)")
    connection.commit()
    connection.close()
    with pytest.raises(CorruptDatabaseError):
        Store.open(path)


def test_migrations_run_in_order_from_the_stored_version(tmp_path: Path) -> None:
    connection = sqlite3.connect(tmp_path / "m.sqlite3", isolation_level=None)
    migrate(connection, target=1, ddl="CREATE TABLE t (a INTEGER);", migrations={})

    def add_b(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE t ADD COLUMN b TEXT")

    def add_c(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE t ADD COLUMN c TEXT")

    found = migrate(connection, target=3, ddl="unused", migrations={1: add_b, 2: add_c})
    assert found == 1
    columns = [row[1] for row in connection.execute("PRAGMA table_info(t)")]
    assert columns == ["a", "b", "c"]
    assert connection.execute("PRAGMA user_version").fetchone()[0] == 3
    with pytest.raises(NewerSchemaError):
        migrate(connection, target=2, ddl="unused", migrations={})
    connection.close()


# ---- feeds and fetch results ------------------------------------------------------------------


def test_sync_feeds_orders_sections_and_feeds(store: Store) -> None:
    assert store.sections() == ["要聞", "城市", "金融"]
    assert [state.url for state in store.feed_states()] == [NEWS, CITY, MONEY]
    assert [state.url for state in store.feed_states("城市")] == [CITY]
    assert store.feed_state(NEWS).title == "河南日報要聞"  # type: ignore[union-attr]
    assert store.feed_state("http://127.0.0.1/never.xml") is None
    assert store.unread_counts() == {"要聞": 0, "城市": 0, "金融": 0}


def test_record_fetch_counts_new_and_updates_in_place(store: Store) -> None:
    first = store.record_fetch(
        ok(NEWS, make_article(NEWS, "a", "鄭州地鐵開通"), make_article(NEWS, "b", "黃河流域生態")),
        NOW,
    )
    assert first == 2
    original = store.listings("要聞")
    again = store.record_fetch(
        ok(NEWS, make_article(NEWS, "a", "鄭州地鐵開通"), make_article(NEWS, "b", "黃河流域生態")),
        NOW,
    )
    assert again == 0
    assert store.listings("要聞") == original
    changed = store.record_fetch(
        ok(NEWS, make_article(NEWS, "a", "鄭州地鐵三號線開通", text="更正後的內容")),
        NOW + timedelta(hours=1),
    )
    assert changed == 0
    assert store.count("要聞") == 2
    by_id = {listing.id: listing for listing in store.listings("要聞")}
    updated = next(v for v in by_id.values() if v.link and v.link.endswith("/a"))
    assert updated.title == "鄭州地鐵三號線開通"
    assert updated.id in ids(original)
    stored = store.article(updated.id)
    assert stored is not None and stored.text == "更正後的內容"
    assert ids(store.search("三号线")) == [updated.id]
    assert store.search("更正后") and ids(store.search("更正后")) == [updated.id]


def test_read_and_star_survive_refetch_with_changes(store: Store) -> None:
    store.record_fetch(
        ok(NEWS, make_article(NEWS, "a", "原標題"), make_article(NEWS, "b", "另一篇")), NOW
    )
    first, second = store.listings("要聞")
    store.set_read([first.id], True)
    store.set_starred(second.id, True)
    store.record_fetch(
        ok(
            NEWS,
            make_article(NEWS, "a", "新標題", text="改過"),
            make_article(NEWS, "b", "另一篇（更新）", text="改過"),
        ),
        NOW,
    )
    state = {listing.id: (listing.read, listing.starred) for listing in store.listings("要聞")}
    assert state == {first.id: (True, False), second.id: (False, True)}


def test_not_modified_and_failed_keep_validators_and_articles(store: Store) -> None:
    store.record_fetch(ok(NEWS, make_article(NEWS, "a", "一"), etag='"v7"', title="要聞頻道"), NOW)
    later = NOW + timedelta(minutes=30)
    assert store.record_fetch(FetchResult(NEWS, "not_modified"), later) == 0
    state = store.feed_state(NEWS)
    assert state is not None
    assert state.last_status == "not_modified" and state.last_fetched == later
    assert state.validators.etag == '"v7"' and state.language == "zh-TW"
    failed_at = later + timedelta(minutes=30)
    store.record_fetch(FetchResult(NEWS, "failed", error="連線逾時 (timeout)"), failed_at)
    state = store.feed_state(NEWS)
    assert state is not None
    assert (state.last_status, state.last_error) == ("failed", "連線逾時 (timeout)")
    assert state.validators.etag == '"v7"' and state.last_fetched == failed_at
    assert store.count("要聞") == 1
    store.record_fetch(ok(NEWS, make_article(NEWS, "a", "一"), etag='"v8"'), failed_at)
    state = store.feed_state(NEWS)
    assert state is not None and state.last_error is None and state.validators.etag == '"v8"'


def test_feed_title_prefers_configured_then_own_then_url(store: Store) -> None:
    store.record_fetch(ok(NEWS, make_article(NEWS, "a", "一"), title="它自己的名字"), NOW)
    store.record_fetch(ok(CITY, make_article(CITY, "a", "二"), title="城市頻道"), NOW)
    store.record_fetch(ok(MONEY, make_article(MONEY, "a", "三")), NOW)
    titles = {listing.feed_url: listing.feed_title for listing in store.listings()}
    assert titles == {NEWS: "河南日報要聞", CITY: "城市頻道", MONEY: MONEY}


def test_times_come_back_aware_in_utc(store: Store) -> None:
    beijing = timezone(timedelta(hours=8))
    published = datetime(2023, 3, 17, 8, 41, 51, 250, tzinfo=beijing)
    article = Article(NEWS, "t", "河南日報", published=published)
    store.record_fetch(ok(NEWS, article), NOW)
    (listing,) = store.listings("要聞")
    assert listing.published == published
    assert listing.published is not None and listing.published.utcoffset() == timedelta(0)
    assert store.feed_state(NEWS).last_fetched.tzinfo is not None  # type: ignore[union-attr]


def test_feed_moved_or_removed_moves_or_hides_its_articles(store: Store) -> None:
    store.record_fetch(ok(CITY, make_article(CITY, "a", "城市新聞")), NOW)
    store.set_starred(store.listings("城市")[0].id, True)
    store.sync_feeds(
        [
            Section("要聞", (FeedConfig(NEWS), FeedConfig(CITY))),
            Section("金融", (FeedConfig(MONEY),)),
        ]
    )
    assert store.sections() == ["要聞", "金融"]
    assert [listing.section for listing in store.listings("要聞")] == ["要聞"]
    assert store.listings("城市") == [] and "城市" not in store.unread_counts()
    store.sync_feeds([Section("要聞", (FeedConfig(NEWS),))])
    assert store.listings() == [] and store.search("城市") == []
    assert [state.url for state in store.feed_states()] == [NEWS]
    store.sync_feeds(SECTIONS)  # configured again: articles and their star come back
    (back,) = store.listings("城市")
    assert back.starred and back.title == "城市新聞"


def test_fetch_for_an_unconfigured_feed_is_kept_hidden(store: Store) -> None:
    stray = "http://127.0.0.1/stray.xml"
    assert store.record_fetch(ok(stray, make_article(stray, "a", "孤兒")), NOW) == 1
    assert store.feed_state(stray) is not None
    assert store.listings() == []
    assert [listing.title for listing in store.listings(feed_url=stray)] == ["孤兒"]


# ---- listings, counts, state ----------------------------------------------------------------


def test_listings_are_newest_first_and_page_without_overlap(store: Store) -> None:
    articles = [
        make_article(NEWS, f"e{i:02}", f"新聞{i}", hours_ago=float(i % 7)) for i in range(30)
    ]
    articles.append(make_article(NEWS, "undated", "沒有日期", hours_ago=None))
    store.record_fetch(ok(NEWS, *articles), NOW)
    everything = store.listings("要聞", limit=1000)
    assert everything[0].title == "沒有日期"  # first seen NOW: newer than any published time
    keys = [(listing.published or NOW, listing.id) for listing in everything]
    assert keys == sorted(keys, reverse=True)
    pages = [store.listings("要聞", limit=7, offset=start) for start in range(0, 35, 7)]
    assert [listing.id for page in pages for listing in page] == ids(everything)
    assert store.listings("沒有這個欄目") == []


def test_unread_and_starred_filters_counts_and_marking(store: Store) -> None:
    store.record_fetch(ok(NEWS, *(make_article(NEWS, f"n{i}", f"要聞{i}") for i in range(5))), NOW)
    store.record_fetch(ok(CITY, *(make_article(CITY, f"c{i}", f"城市{i}") for i in range(3))), NOW)
    news = store.listings("要聞")
    store.set_read([news[0].id, news[1].id], True)
    store.set_starred(news[4].id, True)
    assert store.unread_counts() == {"要聞": 3, "城市": 3, "金融": 0}
    assert store.count() == 8 and store.count("要聞", unread_only=True) == 3
    assert ids(store.listings("要聞", unread_only=True)) == ids(news[2:])
    assert ids(store.listings(starred_only=True)) == [news[4].id]
    assert store.count(starred_only=True) == 1
    assert ids(store.listings(feed_url=CITY)) == ids(store.listings("城市"))
    assert store.mark_section_read("城市") == 3
    assert store.mark_section_read("城市") == 0
    assert store.unread_counts() == {"要聞": 3, "城市": 0, "金融": 0}
    store.set_read([news[0].id], False)
    assert store.count("要聞", unread_only=True) == 4


def test_full_text_is_kept_with_the_article(store: Store) -> None:
    store.record_fetch(ok(NEWS, make_article(NEWS, "a", "摘要而已")), NOW)
    (listing,) = store.listings()
    store.set_full_text(listing.id, "<p>全文：鄭州市今天舉行新聞發佈會。</p>")
    stored = store.article(listing.id)
    assert stored is not None and stored.full_html == "<p>全文：鄭州市今天舉行新聞發佈會。</p>"
    assert stored.language == "zh-TW" and stored.listing == listing
    assert stored.page_meta is None
    assert store.article(999_999) is None


def test_page_meta_is_kept_with_the_full_text_and_survives_updates(store: Store) -> None:
    store.record_fetch(ok(NEWS, make_article(NEWS, "a", "摘要而已")), NOW)
    (listing,) = store.listings()
    meta = PageMeta(source="河南日報", author="王明", editor="鄧高靖", chief_editor="石麗敏")
    store.set_full_text(listing.id, "<p>全文。</p>", meta)
    assert store.article(listing.id).page_meta == meta  # type: ignore[union-attr]
    store.record_fetch(ok(NEWS, make_article(NEWS, "a", "摘要改了")), NOW)
    stored = store.article(listing.id)
    assert stored is not None and stored.listing.title == "摘要改了"
    assert stored.page_meta == meta and stored.full_html == "<p>全文。</p>"
    assert stored.shown_page_meta(full_text=False) is None


def test_unreadable_page_meta_reads_as_none(store: Store) -> None:
    store.record_fetch(ok(NEWS, make_article(NEWS, "a", "摘要而已")), NOW)
    (listing,) = store.listings()
    store.set_full_text(listing.id, "<p>全文。</p>")
    with store._database.write() as connection:
        connection.execute("UPDATE article_bodies SET page_meta = '[1, 2'")
    assert store.article(listing.id).page_meta is None  # type: ignore[union-attr]
    with store._database.write() as connection:
        connection.execute(
            """UPDATE article_bodies SET page_meta = '{"source": 5, "published": "soon"}'"""
        )
    assert store.article(listing.id).page_meta == PageMeta()  # type: ignore[union-attr]


# ---- retention ------------------------------------------------------------------------------


def test_prune_by_age_and_per_feed_keeps_starred(store: Store) -> None:
    old = [make_article(NEWS, f"old{i}", f"舊聞{i}", hours_ago=24 * 100 + i) for i in range(3)]
    fresh = [make_article(NEWS, f"new{i}", f"鄭州新聞{i}", hours_ago=i) for i in range(6)]
    store.record_fetch(ok(NEWS, *old, *fresh), NOW - timedelta(days=95))
    by_title = {listing.title: listing for listing in store.listings(limit=100)}
    store.set_starred(by_title["舊聞0"].id, True)
    store.set_starred(by_title["鄭州新聞5"].id, True)
    store.set_read([by_title["鄭州新聞0"].id], True)
    pruned = store.prune(max_age_days=90, max_per_feed=3, now=NOW)
    left = {listing.title: listing for listing in store.listings(limit=100)}
    # two old unstarred go by age; of the six fresh, the three newest stay plus the starred one
    assert pruned == 4
    assert sorted(left) == ["舊聞0", "鄭州新聞0", "鄭州新聞1", "鄭州新聞2", "鄭州新聞5"]
    assert left["鄭州新聞0"].read and left["舊聞0"].starred
    assert sorted(hit.title for hit in store.search("郑州")) == [
        "鄭州新聞0",
        "鄭州新聞1",
        "鄭州新聞2",
        "鄭州新聞5",
    ]
    assert store.search("旧闻") and [hit.title for hit in store.search("旧闻")] == ["舊聞0"]
    assert store.prune(max_age_days=90, max_per_feed=3, now=NOW) == 0
    assert store.integrity_ok()


def test_prune_keeps_old_dated_article_first_seen_recently(store: Store) -> None:
    store.record_fetch(ok(NEWS, make_article(NEWS, "a", "十年前的舊文", hours_ago=24 * 3650)), NOW)
    assert store.prune(max_age_days=90, max_per_feed=100, now=NOW) == 0
    assert store.prune(max_age_days=90, max_per_feed=100, now=NOW + timedelta(days=91)) == 1


# ---- search ---------------------------------------------------------------------------------


@pytest.fixture
def searchable(store: Store) -> Store:
    store.record_fetch(
        ok(
            NEWS,
            make_article(NEWS, "t1", "鄭州地鐵新線開通", hours_ago=3, text="臺灣遊客搭乘體驗。"),
            make_article(
                NEWS,
                "t2",
                "郑州发布暴雨预警",
                hours_ago=1,
                text="台湾气象部门同步关注 Typhoon 动向。",
            ),
        ),
        NOW,
    )
    store.record_fetch(
        ok(
            CITY,
            make_article(
                CITY, "c1", "開封夜市人氣旺", hours_ago=2, text="州立大學交流團到訪，鄭重承諾。"
            ),
        ),
        NOW,
    )
    return store


def titles(listings: list) -> list[str]:
    return [listing.title for listing in listings]


@pytest.mark.parametrize("query", ["郑州", "鄭州", " 鄭州 "])
def test_search_finds_both_scripts_newest_first(searchable: Store, query: str) -> None:
    assert titles(searchable.search(query)) == ["郑州发布暴雨预警", "鄭州地鐵新線開通"]


@pytest.mark.parametrize("query", ["台湾", "臺灣", "台灣"])
def test_search_taiwan_in_every_spelling(searchable: Store, query: str) -> None:
    assert titles(searchable.search(query)) == ["郑州发布暴雨预警", "鄭州地鐵新線開通"]


def test_search_one_character_phrase_order_and_latin_case(searchable: Store) -> None:
    assert titles(searchable.search("州")) == [
        "郑州发布暴雨预警",
        "開封夜市人氣旺",
        "鄭州地鐵新線開通",
    ]
    assert titles(searchable.search("州郑")) == []  # characters must be adjacent and in order
    assert titles(searchable.search("typhoon")) == ["郑州发布暴雨预警"]
    assert titles(searchable.search("ＴＹＰＨＯＯＮ")) == ["郑州发布暴雨预警"]
    assert titles(searchable.search("鄭州 暴雨")) == ["郑州发布暴雨预警"]
    assert titles(searchable.search("州", section="城市")) == ["開封夜市人氣旺"]
    assert searchable.search("州", section="不存在") == []
    assert titles(searchable.search("州", limit=1, offset=1)) == ["開封夜市人氣旺"]


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '""',
        "AND",
        "NOT",
        "*",
        "a'b",
        "{words}",
        "+",
        "\\",
        "OR 鄭州",
        "鄭州 AND",
        "words:鄭州",
        "NEAR(鄭州 臺灣)",
        "鄭州 OR",
        "col:",
        "^",
        "-",
    ],
)
def test_search_with_fts_syntax_never_errors(searchable: Store, query: str) -> None:
    # Operators are searched as plain words; none of these words is in the articles.
    assert searchable.search(query) == []


@pytest.mark.parametrize("query", ['鄭州"', '"鄭州"', "鄭州*", "-鄭州", "^鄭州", "(鄭州)", "鄭州:"])
def test_search_punctuation_around_a_word_is_ignored(searchable: Store, query: str) -> None:
    assert titles(searchable.search(query)) == ["郑州发布暴雨预警", "鄭州地鐵新線開通"]


@pytest.mark.parametrize("query", ["", "   ", "\t\n", "，。！"])
def test_blank_or_punctuation_query_finds_nothing(searchable: Store, query: str) -> None:
    assert searchable.search(query) == []


def test_reindex_when_fold_version_changes(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    store = Store.open(path)
    store.sync_feeds(SECTIONS)
    store.record_fetch(ok(NEWS, make_article(NEWS, "a", "鄭州新聞")), NOW)
    store.close()
    raw = sqlite3.connect(path)  # an index built by an older fold: here, an empty one
    raw.execute("INSERT INTO article_fts(article_fts) VALUES ('delete-all')")
    raw.execute("UPDATE meta SET value = ? WHERE key = 'fold_version'", (str(FOLD_VERSION - 1),))
    raw.commit()
    raw.close()
    store = Store.open(path)
    assert store.index_backlog() == 1
    store.catch_up_index()
    assert titles(store.search("郑州")) == ["鄭州新聞"]
    assert store._database.meta("fold_version") == str(FOLD_VERSION)
    store.close()


# ---- concurrency ----------------------------------------------------------------------------


def _writer_process(path: str, worker: int, rounds: int) -> None:
    store = Store.open(Path(path))
    feed = f"http://127.0.0.1/worker{worker}.xml"
    for number in range(rounds):
        articles = [
            make_article(feed, f"{number}-{i}", f"進程{worker}第{number}輪{i}") for i in range(5)
        ]
        store.record_fetch(ok(feed, *articles, etag=f'"{number}"'), NOW)
        store.set_read([number * 5 + 1], True)
    store.close()


def test_two_processes_write_at_once_without_losing_anything(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    feeds = tuple(FeedConfig(f"http://127.0.0.1/worker{n}.xml") for n in range(2))
    setup = Store.open(path)
    setup.sync_feeds([Section("並發", feeds)])
    setup.close()
    context = multiprocessing.get_context("spawn")
    rounds = 60
    workers = [
        context.Process(target=_writer_process, args=(str(path), n, rounds)) for n in range(2)
    ]
    for process in workers:
        process.start()
    for process in workers:
        process.join(timeout=120)
    assert [process.exitcode for process in workers] == [0, 0]
    store = Store.open(path)
    assert store.count("並發") == 2 * rounds * 5
    for feed in feeds:
        assert store.feed_state(feed.url).validators.etag == f'"{rounds - 1}"'  # type: ignore[union-attr]
    assert len(store.search("进程")) == 100
    assert store.integrity_ok()
    store.close()


def test_threads_share_one_store(store: Store) -> None:
    errors: list[BaseException] = []

    def work(worker: int) -> None:
        try:
            for number in range(20):
                store.record_fetch(
                    ok(NEWS, make_article(NEWS, f"{worker}-{number}", "執行緒")), NOW
                )
                store.listings("要聞", limit=10)
                store.search("执行")
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert store.count("要聞") == 80


def test_damage_found_after_opening_is_reported_as_corrupt(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    store = Store.open(path)
    store.sync_feeds(SECTIONS)
    store.record_fetch(
        ok(NEWS, *(make_article(NEWS, f"e{i}", f"標題{i}", text="黃河" * 3000) for i in range(40))),
        NOW,
    )
    store.close()
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    for page in range(2, len(data) // page_size):  # scribble over every page but the first
        start = page * page_size
        data[start : start + 64] = b"\xa5" * 64
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptDatabaseError):
        damaged = Store.open(path)
        damaged.listings(limit=100)
        damaged.search("黄河")
        damaged.record_fetch(ok(NEWS, make_article(NEWS, "x", "新")), NOW)


def test_read_only_file_is_a_store_error_not_corruption(tmp_path: Path) -> None:
    path = tmp_path / "cache.sqlite3"
    Store.open(path).close()
    store = Store.open(path)
    store.close()
    readonly = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    wrapped = Store(Database(readonly, path))
    with pytest.raises(StoreError) as raised:
        wrapped.sync_feeds(SECTIONS)
    assert not isinstance(raised.value, CorruptDatabaseError)
    wrapped.close()


def test_search_finds_other_regions_wording(store: Store) -> None:
    store.record_fetch(
        ok(
            NEWS,
            make_article(
                NEWS, "w1", "臺灣軟體業營收創新高", hours_ago=2, text="資訊服務業同步成長。"
            ),
            make_article(NEWS, "w2", "国产软件走进中小学", hours_ago=1, text="信息技术课程更新。"),
        ),
        NOW,
    )
    both = ["国产软件走进中小学", "臺灣軟體業營收創新高"]
    assert titles(store.search("软件")) == both
    assert titles(store.search("軟體")) == both
    assert titles(store.search("資訊")) == both
    # Without regional words, only the character-folded spelling matches.
    assert titles(store.search("软件", regional_words=False)) == ["国产软件走进中小学"]
    assert titles(store.search("軟體 營收")) == ["臺灣軟體業營收創新高"]


def test_a_feed_that_cannot_be_stored_fails_alone_in_its_batch(store: Store) -> None:
    # Text SQLite cannot hold (a lone surrogate) must not cost the other feeds written in the
    # same transaction, nor raise into the refresh.
    bad = make_article(CITY, "x", "壞\ud800標題")
    added = store.record_fetches(
        [ok(NEWS, make_article(NEWS, "a", "鄭州新聞")), ok(CITY, bad)], NOW
    )
    assert added == [1, 0]
    assert titles(store.search("郑州")) == ["鄭州新聞"]
    state = store.feed_state(CITY)
    assert state is not None and state.last_status == "failed"
    assert state.last_error is not None and "could not store" in state.last_error
    assert store.feed_state(NEWS).last_status == "ok"
